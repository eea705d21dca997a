package dev.eventcontracts.benchmarks.kafka;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.ordering.EntityVersionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * A prototype of the in-memory stores this benchmark proposes for {@code sdk-core} (run "bx"): keys
 * are kept as 128-bit fingerprints in primitive open-addressing tables, so a million remembered
 * keys are a few flat {@code long[]} arrays that the garbage collector never traces or copies
 * object by object, instead of a million strings, records and cache nodes.
 *
 * <p>Dedup: 64 lock-striped segments, each with two generations of at most {@code maximumKeys / 2 /
 * 64} keys; when the current generation is full, the older one is dropped (the bound on memory,
 * like the Caffeine store's maximum size). Leases and retention are checked on every claim, as in
 * the Caffeine store. A false duplicate needs two different keys with equal 128-bit fingerprints.
 * Entity positions: the same tables without generations, unbounded like {@code
 * InMemoryEntityVersionStore}. Benchmark code, not a drop-in: no metrics, no clean-up thread.
 */
final class CompactStores {
  private static final int SEGMENT_BITS = 6;
  private static final int SEGMENTS = 1 << SEGMENT_BITS;

  private CompactStores() {}

  static DedupStore dedup(long maximumKeys, Clock clock) {
    return new Dedup(maximumKeys, clock);
  }

  static EntityVersionStore versions() {
    return new Versions();
  }

  // ---------------------------------------------------------------- fingerprints

  /** First half of the fingerprint; never 0 (0 marks an empty slot). */
  static long hash1(String s) {
    long h = 0x9E3779B97F4A7C15L ^ s.length();
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001B3L;
    }
    h = mix(h);
    return h == 0 ? 1 : h;
  }

  /** Second half of the fingerprint, independent of the first. */
  static long hash2(String s) {
    long h = 0xC2B2AE3D27D4EB4FL + s.length();
    for (int i = s.length() - 1; i >= 0; i--) {
      h = (h + s.charAt(i)) * 0xFF51AFD7ED558CCDL;
      h ^= h >>> 29;
    }
    return mix(h);
  }

  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return h;
  }

  /** An open-addressing table of 128-bit fingerprints with a long and an int per slot. */
  static final class Table {
    long[] fp1;
    long[] fp2;
    long[] value;
    int[] tag;
    int size;
    int mask;

    Table(int capacity) {
      fp1 = new long[capacity];
      fp2 = new long[capacity];
      value = new long[capacity];
      tag = new int[capacity];
      mask = capacity - 1;
    }

    /** The slot holding the fingerprint, or {@code -(free slot) - 1}. */
    int find(long h1, long h2) {
      int i = (int) h1 & mask;
      while (true) {
        long f = fp1[i];
        if (f == 0) {
          return -i - 1;
        }
        if (f == h1 && fp2[i] == h2) {
          return i;
        }
        i = (i + 1) & mask;
      }
    }

    void put(int freeSlot, long h1, long h2, long v, int t) {
      fp1[freeSlot] = h1;
      fp2[freeSlot] = h2;
      value[freeSlot] = v;
      tag[freeSlot] = t;
      size++;
    }

    void clear() {
      Arrays.fill(fp1, 0);
      size = 0;
    }

    void grow() {
      Table bigger = new Table(fp1.length * 2);
      for (int i = 0; i < fp1.length; i++) {
        if (fp1[i] != 0) {
          bigger.put(-bigger.find(fp1[i], fp2[i]) - 1, fp1[i], fp2[i], value[i], tag[i]);
        }
      }
      fp1 = bigger.fp1;
      fp2 = bigger.fp2;
      value = bigger.value;
      tag = bigger.tag;
      mask = bigger.mask;
    }
  }

  // ---------------------------------------------------------------- dedup

  private static final class Dedup implements DedupStore {
    // tag: owner id << 2 | state; value: until (epoch millis)
    private static final int IN_PROGRESS = 1;
    private static final int COMPLETED = 2;
    private static final int RELEASED = 3;

    private final Clock clock;
    private final int generationKeys;
    private final Segment[] segments = new Segment[SEGMENTS];
    private volatile OwnerId last = new OwnerId("", 0);
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> owners =
        new java.util.concurrent.ConcurrentHashMap<>();

    Dedup(long maximumKeys, Clock clock) {
      this.clock = clock;
      this.generationKeys = (int) Math.max(16, maximumKeys / 2 / SEGMENTS);
      int capacity = Integer.highestOneBit(generationKeys * 2 - 1) << 1; // load factor <= 0.5
      for (int i = 0; i < SEGMENTS; i++) {
        segments[i] = new Segment(capacity);
      }
    }

    private record OwnerId(String owner, int id) {}

    private static final class Segment {
      Table current;
      Table previous;

      Segment(int capacity) {
        current = new Table(capacity);
        previous = new Table(capacity);
      }
    }

    private int ownerId(String owner) {
      OwnerId cached = last;
      if (cached.owner() == owner) { // the pipeline passes the same instance every time
        return cached.id();
      }
      int id = owners.computeIfAbsent(owner, o -> owners.size() + 1);
      last = new OwnerId(owner, id);
      return id;
    }

    private Segment segment(long h1) {
      return segments[(int) (h1 >>> (64 - SEGMENT_BITS))];
    }

    @Override
    public ClaimState claim(String key, String owner, Duration lease) {
      long h1 = hash1(key);
      long h2 = hash2(key);
      int me = ownerId(owner) << 2;
      Segment s = segment(h1);
      synchronized (s) {
        long now = clock.millis();
        long until = now + lease.toMillis();
        Table t = s.current;
        int slot = t.find(h1, h2);
        if (slot < 0) {
          int old = s.previous.find(h1, h2);
          if (old >= 0) {
            int state = s.previous.tag[old] & 3;
            if (state != RELEASED && s.previous.value[old] > now) {
              return state == COMPLETED ? ClaimState.COMPLETED : ClaimState.IN_PROGRESS;
            }
          }
          if (t.size >= generationKeys) {
            Table dropped = s.previous;
            s.previous = t;
            dropped.clear();
            s.current = dropped;
            t = dropped;
          }
          t.put(-t.find(h1, h2) - 1, h1, h2, until, me | IN_PROGRESS);
          return ClaimState.CLAIMED;
        }
        int state = t.tag[slot] & 3;
        if (state == RELEASED || t.value[slot] <= now) {
          t.value[slot] = until;
          t.tag[slot] = me | IN_PROGRESS;
          return ClaimState.CLAIMED;
        }
        return state == COMPLETED ? ClaimState.COMPLETED : ClaimState.IN_PROGRESS;
      }
    }

    @Override
    public void complete(String key, String owner, Duration retention) {
      update(key, owner, COMPLETED, retention);
    }

    @Override
    public void release(String key, String owner) {
      update(key, owner, RELEASED, Duration.ZERO);
    }

    private void update(String key, String owner, int newState, Duration keep) {
      long h1 = hash1(key);
      long h2 = hash2(key);
      int me = ownerId(owner) << 2;
      Segment s = segment(h1);
      synchronized (s) {
        for (Table t : new Table[] {s.current, s.previous}) {
          int slot = t.find(h1, h2);
          if (slot >= 0) {
            int tag = t.tag[slot];
            // only the owner on record may complete or release, and only its live claim
            if ((tag & ~3) == me && (tag & 3) == IN_PROGRESS) {
              t.tag[slot] = me | newState;
              t.value[slot] = clock.millis() + keep.toMillis();
            }
            return;
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- positions

  private static final class Versions implements EntityVersionStore {
    private final Table[] segments = new Table[SEGMENTS];

    Versions() {
      for (int i = 0; i < SEGMENTS; i++) {
        segments[i] = new Table(1024);
      }
    }

    private Table segment(long h1) {
      return segments[(int) (h1 >>> (64 - SEGMENT_BITS))];
    }

    @Override
    public OptionalLong current(String entity) {
      long h1 = hash1(entity);
      long h2 = hash2(entity);
      Table t = segment(h1);
      synchronized (t) {
        int slot = t.find(h1, h2);
        return slot < 0 ? OptionalLong.empty() : OptionalLong.of(t.value[slot]);
      }
    }

    @Override
    public boolean advance(String entity, long position) {
      long h1 = hash1(entity);
      long h2 = hash2(entity);
      Table t = segment(h1);
      synchronized (t) {
        int slot = t.find(h1, h2);
        if (slot >= 0) {
          if (t.value[slot] < position) {
            t.value[slot] = position;
            return true;
          }
          return false;
        }
        if (t.size * 2 >= t.fp1.length) {
          t.grow();
        }
        t.put(-t.find(h1, h2) - 1, h1, h2, position, 0);
        return true;
      }
    }
  }
}
