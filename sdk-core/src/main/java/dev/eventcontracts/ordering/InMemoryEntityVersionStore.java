package dev.eventcontracts.ordering;

import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/** {@link EntityVersionStore} on a concurrent map; unbounded, so one entry per entity. */
final class InMemoryEntityVersionStore implements EntityVersionStore {
  // starts large: a consumer tracks many entities, and growing the table step by step is costly
  private final ConcurrentHashMap<String, Long> positions = new ConcurrentHashMap<>(1 << 16);

  @Override
  public OptionalLong current(String entity) {
    Long value = positions.get(entity);
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }

  @Override
  public boolean advance(String entity, long position) {
    boolean[] advanced = new boolean[1];
    positions.compute(
        entity,
        (k, stored) -> {
          if (stored == null || position > stored) {
            advanced[0] = true;
            return position;
          }
          return stored;
        });
    return advanced[0];
  }
}
