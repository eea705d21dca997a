package dev.eventcontracts.memory;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.StoreKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory {@link DedupStore}: keys kept exactly in lock-striped {@link KeyTable}s, with no
 * object per key, bounded in size by generations.
 *
 * <p>Each key's record is its owner (an id for the owner's string, interned per store: owners are a
 * handful of consumer ids), whether it is completed, and until when it counts (the lease or
 * retention end), checked on every claim. A released claim stays in the table as a record that
 * counted until long ago, so the key can be claimed again.
 *
 * <p>Size bound: the keys are spread by hash over up to 64 segments, each with a current and a
 * previous generation of at most {@code maximumKeys / 2 / segments} keys. New records go into the
 * current generation; when it is full, the previous one is forgotten and the current one becomes
 * the previous. So the store holds at most {@code maximumKeys} keys (at least two), and at least
 * roughly the {@code maximumKeys / 2} most recently claimed or completed: beyond {@code
 * maximumKeys}, the oldest generation is forgotten, and a forgotten key can be claimed again.
 * Lookups check the current generation, then the previous; a record updated while in the previous
 * one is copied into the current one (the stale copy is shadowed until its generation goes).
 *
 * <p>Memory: about 100 bytes per key for keys of 60 ASCII chars (16 bytes of entries, 8 to 17 of
 * slots, the key's bytes and growth slack), the arrays growing by doubling from a small start. Once
 * both generations of a segment are full, its arrays are reused and the store allocates nothing
 * more per key.
 */
final class InMemoryDedupStore implements DedupStore {
  private static final int MAX_SEGMENTS = 64;
  // a segment is worth its lock only when it holds at least this many keys per generation
  private static final int MIN_GENERATION_KEYS = 256;
  private static final int MAX_GENERATION_KEYS = 1 << 28;
  private static final int NO_OWNER = 0;
  private static final int COMPLETED_BIT = 1;
  private static final int MAX_OWNERS = (1 << 30) - 1;

  private final Clock clock;
  private final ToLongFunction<String> hash;
  private final Segment[] segments;
  private final int segmentMask;
  private final int generationKeys;
  private final Map<String, Integer> ownerIds = new ConcurrentHashMap<>();
  private final AtomicInteger ownerCount = new AtomicInteger();
  // the last owner seen, so the usual caller (one owner per pipeline) skips the map
  private volatile @Nullable OwnerId lastOwner;

  InMemoryDedupStore(long maximumKeys, Clock clock) {
    this(maximumKeys, clock, KeyTable.seededHash());
  }

  /** A store on the given hash function; tests pass one that collides. */
  InMemoryDedupStore(long maximumKeys, Clock clock, ToLongFunction<String> hash) {
    if (maximumKeys < 1) {
      throw new IllegalArgumentException("maximumKeys must be positive: " + maximumKeys);
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.hash = Objects.requireNonNull(hash, "hash");
    long perSegmentPair = maximumKeys / (2L * MIN_GENERATION_KEYS);
    int count =
        (int) Math.max(1, Math.min(MAX_SEGMENTS, Long.highestOneBit(Math.max(1, perSegmentPair))));
    this.segments = new Segment[count];
    this.segmentMask = count - 1;
    this.generationKeys = (int) Math.max(1, Math.min(MAX_GENERATION_KEYS, maximumKeys / 2 / count));
    for (int i = 0; i < count; i++) {
      segments[i] = new Segment(generationKeys);
    }
  }

  /** The two generations of one stripe of keys; the segment is its own lock. */
  private static final class Segment {
    private final int generationKeys;
    KeyTable current;
    KeyTable previous;

    // fingerprints per entry of each generation (0: none), allocated only once one is kept
    long[] currentFingerprints = NO_FINGERPRINTS;
    long[] previousFingerprints = NO_FINGERPRINTS;

    Segment(int generationKeys) {
      this.generationKeys = generationKeys;
      this.current = new KeyTable(generationKeys);
      this.previous = new KeyTable(generationKeys);
    }

    /** Adds a record to the current generation, first retiring it when it is full. */
    int add(String key, long hash, long until, int aux) {
      if (current.size() >= generationKeys) {
        KeyTable forgotten = previous;
        forgotten.clear();
        previous = current;
        current = forgotten;
        long[] forgottenFingerprints = previousFingerprints;
        Arrays.fill(forgottenFingerprints, 0);
        previousFingerprints = currentFingerprints;
        currentFingerprints = forgottenFingerprints;
      }
      int e = current.insert(key, hash, until, aux);
      setFingerprint(current, e, 0);
      return e;
    }

    long fingerprint(KeyTable t, int e) {
      long[] f = t == current ? currentFingerprints : previousFingerprints;
      return e < f.length ? f[e] : 0;
    }

    void setFingerprint(KeyTable t, int e, long fingerprint) {
      boolean isCurrent = t == current;
      long[] f = isCurrent ? currentFingerprints : previousFingerprints;
      if (e >= f.length) {
        if (fingerprint == 0) {
          return;
        }
        f = Arrays.copyOf(f, Math.max(e + 1, Math.min(generationKeys, Math.max(64, 2 * f.length))));
        if (isCurrent) {
          currentFingerprints = f;
        } else {
          previousFingerprints = f;
        }
      }
      f[e] = fingerprint;
    }
  }

  private static final long[] NO_FINGERPRINTS = new long[0];

  private record OwnerId(String owner, int id) {}

  // ---------------------------------------------------------------- the protocol

  @Override
  public ClaimState claim(String key, String owner, Duration lease) {
    StoreKeys.check("key", key);
    int ownerId = internOwner(owner);
    long now = clock.millis();
    return claim(key, hash.applyAsLong(key), ownerId, now, plus(now, lease.toMillis()));
  }

  @Override
  public Map<String, ClaimState> claimAll(List<String> keys, String owner, Duration lease) {
    for (String key : keys) {
      StoreKeys.check("key", key); // all or nothing: no key is claimed when one is refused
    }
    int ownerId = internOwner(owner);
    long now = clock.millis();
    long until = plus(now, lease.toMillis());
    Map<String, ClaimState> out = new LinkedHashMap<>(mapCapacity(keys.size()));
    for (String key : keys) {
      if (!out.containsKey(key)) {
        out.put(key, claim(key, hash.applyAsLong(key), ownerId, now, until));
      }
    }
    return out;
  }

  @Override
  public void complete(String key, String owner, Duration retention) {
    Objects.requireNonNull(key, "key");
    long until = plus(clock.millis(), retention.toMillis());
    int ownerId = ownerId(owner);
    if (ownerId != NO_OWNER) {
      complete(key, hash.applyAsLong(key), ownerId, until, 0);
    }
  }

  @Override
  public void complete(String key, String owner, Duration retention, long fingerprint) {
    Objects.requireNonNull(key, "key");
    long until = plus(clock.millis(), retention.toMillis());
    int ownerId = ownerId(owner);
    if (ownerId != NO_OWNER) {
      complete(key, hash.applyAsLong(key), ownerId, until, fingerprint);
    }
  }

  @Override
  public void completeAllWithFingerprints(
      Map<String, Long> fingerprints, String owner, Duration retention) {
    long until = plus(clock.millis(), retention.toMillis());
    int ownerId = ownerId(owner);
    for (Map.Entry<String, Long> entry : fingerprints.entrySet()) {
      String key = Objects.requireNonNull(entry.getKey(), "key");
      if (ownerId != NO_OWNER) {
        complete(key, hash.applyAsLong(key), ownerId, until, entry.getValue());
      }
    }
  }

  @Override
  public OptionalLong fingerprint(String key) {
    Objects.requireNonNull(key, "key");
    long h = hash.applyAsLong(key);
    long now = clock.millis();
    Segment s = segment(h);
    synchronized (s) {
      KeyTable t = s.current;
      int e = t.find(key, h);
      if (e < 0) {
        t = s.previous;
        e = t.find(key, h);
      }
      if (e < 0 || t.value(e) <= now || (t.aux(e) & COMPLETED_BIT) == 0) {
        return OptionalLong.empty();
      }
      long fingerprint = s.fingerprint(t, e);
      return fingerprint == 0 ? OptionalLong.empty() : OptionalLong.of(fingerprint);
    }
  }

  @Override
  public void completeAll(Collection<String> keys, String owner, Duration retention) {
    long until = plus(clock.millis(), retention.toMillis());
    int ownerId = ownerId(owner);
    for (String key : keys) {
      Objects.requireNonNull(key, "key");
      if (ownerId != NO_OWNER) {
        complete(key, hash.applyAsLong(key), ownerId, until, 0);
      }
    }
  }

  @Override
  public void release(String key, String owner) {
    Objects.requireNonNull(key, "key");
    int ownerId = ownerId(owner);
    if (ownerId == NO_OWNER) {
      return;
    }
    long h = hash.applyAsLong(key);
    int claimedByOwner = ownerId << 1;
    Segment s = segment(h);
    synchronized (s) {
      KeyTable t = s.current;
      int e = t.find(key, h);
      if (e < 0) {
        t = s.previous;
        e = t.find(key, h);
      }
      // only the owner on record, and never a completed key
      if (e >= 0 && t.aux(e) == claimedByOwner) {
        t.set(e, Long.MIN_VALUE, NO_OWNER << 1);
      }
    }
  }

  private ClaimState claim(String key, long h, int ownerId, long now, long until) {
    Segment s = segment(h);
    synchronized (s) {
      KeyTable t = s.current;
      int e = t.find(key, h);
      if (e >= 0) {
        if (t.value(e) > now) {
          return live(t.aux(e));
        }
        t.set(e, until, ownerId << 1);
        s.setFingerprint(t, e, 0);
        return ClaimState.CLAIMED;
      }
      KeyTable p = s.previous;
      e = p.find(key, h);
      if (e >= 0 && p.value(e) > now) {
        return live(p.aux(e));
      }
      s.add(key, h, until, ownerId << 1);
      return ClaimState.CLAIMED;
    }
  }

  private void complete(String key, long h, int ownerId, long until, long fingerprint) {
    int completedByOwner = ownerId << 1 | COMPLETED_BIT;
    Segment s = segment(h);
    synchronized (s) {
      KeyTable t = s.current;
      int e = t.find(key, h);
      if (e >= 0) {
        // like the shared stores: only the owner still on record may complete a claim
        if (t.aux(e) >>> 1 == ownerId) {
          t.set(e, until, completedByOwner);
          s.setFingerprint(t, e, fingerprint);
        }
        return;
      }
      KeyTable p = s.previous;
      e = p.find(key, h);
      if (e >= 0 && p.aux(e) >>> 1 == ownerId) {
        int added = s.add(key, h, until, completedByOwner);
        s.setFingerprint(s.current, added, fingerprint);
      }
    }
  }

  private static ClaimState live(int aux) {
    return (aux & COMPLETED_BIT) != 0 ? ClaimState.COMPLETED : ClaimState.IN_PROGRESS;
  }

  private Segment segment(long h) {
    return segments[(int) h & segmentMask];
  }

  /** {@code now + millis}, saturating instead of wrapping for absurdly long durations. */
  private static long plus(long now, long millis) {
    long sum = now + millis;
    return ((now ^ sum) & (millis ^ sum)) < 0
        ? (millis > 0 ? Long.MAX_VALUE : Long.MIN_VALUE)
        : sum;
  }

  private static int mapCapacity(int entries) {
    return (int) Math.min(1 << 30, entries * 4L / 3 + 1);
  }

  // ---------------------------------------------------------------- owners

  /** The owner's id, assigning one on first use. */
  private int internOwner(String owner) {
    OwnerId last = lastOwner;
    if (last != null && last.owner() == owner) {
      // the pipeline passes the same owner instance every time
      return last.id();
    }
    Objects.requireNonNull(owner, "owner");
    Integer id = ownerIds.get(owner);
    if (id == null) {
      id = ownerIds.computeIfAbsent(owner, o -> nextOwnerId());
    }
    lastOwner = new OwnerId(owner, id);
    return id;
  }

  /** The owner's id, or {@link #NO_OWNER} for an owner that never claimed here. */
  private int ownerId(String owner) {
    OwnerId last = lastOwner;
    if (last != null && last.owner() == owner) {
      return last.id();
    }
    Integer id = ownerIds.get(Objects.requireNonNull(owner, "owner"));
    return id == null ? NO_OWNER : id;
  }

  // called inside computeIfAbsent, which runs it once per new owner
  private int nextOwnerId() {
    int id = ownerCount.incrementAndGet();
    if (id > MAX_OWNERS) {
      throw new IllegalStateException("more than " + MAX_OWNERS + " distinct owners");
    }
    return id;
  }

  // ---------------------------------------------------------------- for tests

  /** How many records the store holds, counting stale and released ones. */
  long records() {
    long n = 0;
    for (Segment s : segments) {
      synchronized (s) {
        n += s.current.size() + s.previous.size();
      }
    }
    return n;
  }

  /** Bytes held by the store's tables. */
  long allocatedBytes() {
    long n = 0;
    for (Segment s : segments) {
      synchronized (s) {
        n += s.current.allocatedBytes() + s.previous.allocatedBytes();
        n += 8L * (s.currentFingerprints.length + s.previousFingerprints.length);
      }
    }
    return n;
  }

  int segmentCount() {
    return segments.length;
  }
}
