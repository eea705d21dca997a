package dev.eventcontracts.ordering;

import dev.eventcontracts.memory.InMemoryStores;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Remembers the last applied position (entity version, or timestamp in epoch milliseconds) of each
 * entity, so an older event is never applied over a newer one. Entity keys arrive already scoped by
 * contract name and tenant.
 *
 * <p>Implementations must be thread-safe and {@link #advance} must be atomic across processes that
 * share the store.
 */
public interface EntityVersionStore extends AutoCloseable {

  /** The last applied position of an entity, or empty when none was applied. */
  OptionalLong current(String entity);

  /**
   * The last applied positions of many entities in one round trip; transports that deliver batches
   * use this. The default asks one by one; shared stores override it.
   *
   * @return a map holding every entity asked for
   */
  default Map<String, OptionalLong> currentAll(Collection<String> entities) {
    Map<String, OptionalLong> out = new LinkedHashMap<>();
    for (String entity : entities) {
      out.computeIfAbsent(entity, this::current);
    }
    return out;
  }

  /**
   * Records {@code position} as applied when it is newer than the stored one (compare-and-set).
   *
   * @return true when the position advanced; false when the stored one is equal or newer
   */
  boolean advance(String entity, long position);

  /**
   * Advances many entities in one round trip, each one a compare-and-set as in {@link #advance};
   * transports that deliver batches use this at the end of a batch. The default advances one by
   * one; shared stores override it. Afterwards every entity's stored position is at least the one
   * given, whether or not this call moved it.
   *
   * @param positions the position to advance each entity to
   * @return the entities whose position this call moved
   */
  default Set<String> advanceAll(Map<String, Long> positions) {
    Set<String> advanced = new LinkedHashSet<>();
    for (Map.Entry<String, Long> e : positions.entrySet()) {
      if (advance(e.getKey(), e.getValue())) {
        advanced.add(e.getKey());
      }
    }
    return advanced;
  }

  /**
   * A position the entity is known to have reached, answered without a round trip (from a near
   * cache), or empty when none is known. The stored position is never below it, so an event at or
   * below it is stale; an event above it must still be checked against {@link #current}. The
   * default knows nothing.
   */
  default OptionalLong knownPosition(String entity) {
    return OptionalLong.empty();
  }

  /** Releases resources; the default does nothing. */
  @Override
  default void close() {}

  /**
   * An in-memory store for one process (tests, the demo, single-instance consumers). Entity keys
   * are compared exactly and held in flat primitive tables (about 100 bytes per entity of 60 ASCII
   * chars, no object per entity); it is unbounded, holding every entity it was advanced for.
   */
  static EntityVersionStore inMemory() {
    return InMemoryStores.entityVersionStore();
  }
}
