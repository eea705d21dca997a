package dev.eventcontracts.memory;

import dev.eventcontracts.dedup.StoreKeys;
import dev.eventcontracts.ordering.EntityVersionStore;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.ToLongFunction;

/**
 * The in-memory {@link EntityVersionStore}: entity keys kept exactly in 64 lock-striped {@link
 * KeyTable}s, one primitive entry per entity and no object per entity. Unbounded: it holds every
 * entity it was ever advanced for.
 *
 * <p>Memory: about 100 bytes per entity for keys of 60 ASCII chars (16 bytes of entries, 8 to 17 of
 * slots, the key's bytes and growth slack), the arrays growing by doubling from a small start.
 */
final class InMemoryEntityVersionStore implements EntityVersionStore {
  private static final int SEGMENTS = 64;
  private static final int SEGMENT_KEYS = Integer.MAX_VALUE;

  private final ToLongFunction<String> hash;
  private final KeyTable[] tables = new KeyTable[SEGMENTS];

  InMemoryEntityVersionStore() {
    this(KeyTable.seededHash());
  }

  /** A store on the given hash function; tests pass one that collides. */
  InMemoryEntityVersionStore(ToLongFunction<String> hash) {
    this.hash = Objects.requireNonNull(hash, "hash");
    for (int i = 0; i < SEGMENTS; i++) {
      tables[i] = new KeyTable(SEGMENT_KEYS);
    }
  }

  @Override
  public OptionalLong current(String entity) {
    long h = hash.applyAsLong(StoreKeys.check("entity", entity));
    KeyTable t = table(h);
    synchronized (t) {
      int e = t.find(entity, h);
      return e < 0 ? OptionalLong.empty() : OptionalLong.of(t.value(e));
    }
  }

  @Override
  public Map<String, OptionalLong> currentAll(Collection<String> entities) {
    for (String entity : entities) {
      StoreKeys.check("entity", entity);
    }
    Map<String, OptionalLong> out =
        new LinkedHashMap<>((int) Math.min(1 << 30, entities.size() * 4L / 3 + 1));
    for (String entity : entities) {
      if (!out.containsKey(entity)) {
        out.put(entity, current(entity));
      }
    }
    return out;
  }

  @Override
  public boolean advance(String entity, long position) {
    long h = hash.applyAsLong(StoreKeys.check("entity", entity));
    KeyTable t = table(h);
    synchronized (t) {
      int e = t.find(entity, h);
      if (e < 0) {
        t.insert(entity, h, position, 0);
        return true;
      }
      if (position > t.value(e)) {
        t.setValue(e, position);
        return true;
      }
      return false;
    }
  }

  private KeyTable table(long h) {
    return tables[(int) h & (SEGMENTS - 1)];
  }

  // ---------------------------------------------------------------- for tests

  /** How many entities the store holds. */
  long size() {
    long n = 0;
    for (KeyTable t : tables) {
      synchronized (t) {
        n += t.size();
      }
    }
    return n;
  }

  /** Bytes held by the store's tables. */
  long allocatedBytes() {
    long n = 0;
    for (KeyTable t : tables) {
      synchronized (t) {
        n += t.allocatedBytes();
      }
    }
    return n;
  }
}
