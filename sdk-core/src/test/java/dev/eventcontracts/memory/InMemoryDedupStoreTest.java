package dev.eventcontracts.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.StoreKeys;
import dev.eventcontracts.testing.stores.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/** The claim, complete, release protocol of the in-memory {@link DedupStore}. */
class InMemoryDedupStoreTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Duration RETENTION = Duration.ofHours(1);

  private final MutableClock clock = MutableClock.startingAt(Instant.parse("2026-02-03T09:00:00Z"));
  private final DedupStore store = DedupStore.inMemory(1_000, clock);

  @Test
  void firstClaimWinsAndOthersSeeItInProgress() {
    assertThat(store.claim("k", "a", LEASE)).isEqualTo(ClaimState.CLAIMED);
    assertThat(store.claim("k", "b", LEASE)).isEqualTo(ClaimState.IN_PROGRESS);
    // the holder asking again does not get a second claim either
    assertThat(store.claim("k", "a", LEASE)).isEqualTo(ClaimState.IN_PROGRESS);
  }

  @Test
  void completedKeyIsADuplicateUntilTheRetentionEnds() {
    store.claim("k", "a", LEASE);
    store.complete("k", "a", RETENTION);

    assertThat(store.claim("k", "b", LEASE)).isEqualTo(ClaimState.COMPLETED);
    clock.advance(RETENTION.minusMillis(1));
    assertThat(store.claim("k", "b", LEASE)).isEqualTo(ClaimState.COMPLETED);
    clock.advance(Duration.ofMillis(1));
    assertThat(store.claim("k", "b", LEASE)).isEqualTo(ClaimState.CLAIMED);
  }

  @Test
  void onlyTheOwnerReleases() {
    store.claim("k", "a", LEASE);

    store.release("k", "b");
    assertThat(store.claim("k", "b", LEASE)).isEqualTo(ClaimState.IN_PROGRESS);

    store.release("k", "a");
    assertThat(store.claim("k", "b", LEASE)).isEqualTo(ClaimState.CLAIMED);
  }

  @Test
  void releaseNeverDropsACompletedKey() {
    store.claim("k", "a", LEASE);
    store.complete("k", "a", RETENTION);

    store.release("k", "a");

    assertThat(store.claim("k", "b", LEASE)).isEqualTo(ClaimState.COMPLETED);
  }

  @Test
  void expiredLeaseIsTakenOverAndTheFormerOwnerCanNoLongerCompleteOrRelease() {
    store.claim("k", "dead", LEASE);
    clock.advance(LEASE);

    assertThat(store.claim("k", "b", LEASE)).isEqualTo(ClaimState.CLAIMED);
    store.release("k", "dead");
    store.complete("k", "dead", RETENTION);
    assertThat(store.claim("k", "c", LEASE)).isEqualTo(ClaimState.IN_PROGRESS);

    store.complete("k", "b", RETENTION);
    assertThat(store.claim("k", "c", LEASE)).isEqualTo(ClaimState.COMPLETED);
  }

  @Test
  void claimAllAnswersEachDistinctKeyInOrder() {
    store.claim("b", "other", LEASE);
    store.claim("c", "other", LEASE);
    store.complete("c", "other", RETENTION);

    Map<String, ClaimState> states = store.claimAll(List.of("a", "b", "c", "a"), "me", LEASE);

    assertThat(states)
        .containsExactly(
            Map.entry("a", ClaimState.CLAIMED),
            Map.entry("b", ClaimState.IN_PROGRESS),
            Map.entry("c", ClaimState.COMPLETED));
  }

  @Test
  void boundedStoreEvictsBeyondItsSize() {
    DedupStore small = DedupStore.inMemory(10, clock);
    for (int i = 0; i < 1_000; i++) {
      small.claim("k" + i, "a", LEASE);
      small.complete("k" + i, "a", RETENTION);
    }
    // the most recent keys are still known; the store did not grow without bound
    int known = 0;
    for (int i = 0; i < 1_000; i++) {
      if (small.claim("k" + i, "b", LEASE) == ClaimState.COMPLETED) {
        known++;
      }
    }
    assertThat(known).isLessThanOrEqualTo(10 + 1);
  }

  @Test
  void racingClaimsGiveExactlyOneWinner() throws Exception {
    for (int round = 0; round < 50; round++) {
      String key = "key-" + round;
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<ClaimState>> claims = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          String owner = "owner-" + t;
          claims.add(
              pool.submit(
                  () -> {
                    start.await();
                    return store.claim(key, owner, LEASE);
                  }));
        }
        start.countDown();
        int winners = 0;
        for (Future<ClaimState> f : claims) {
          if (f.get(10, TimeUnit.SECONDS) == ClaimState.CLAIMED) {
            winners++;
          }
        }
        assertThat(winners).isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  // ---------------------------------------------------------------- the compact tables

  private static final ToLongFunction<String> ONE_HASH = k -> 0x5EED_0000_0000_0001L;

  @Test
  void keysWithEqualHashesAreKeptApart() {
    DedupStore collided = new InMemoryDedupStore(1_000_000, clock, ONE_HASH);
    for (int i = 0; i < 1_000; i++) {
      assertThat(collided.claim("key-" + i, "a", LEASE)).isEqualTo(ClaimState.CLAIMED);
    }
    for (int i = 0; i < 1_000; i += 2) {
      collided.complete("key-" + i, "a", RETENTION);
    }
    for (int i = 0; i < 1_000; i++) {
      assertThat(collided.claim("key-" + i, "b", LEASE))
          .as("key-" + i)
          .isEqualTo(i % 2 == 0 ? ClaimState.COMPLETED : ClaimState.IN_PROGRESS);
    }
    assertThat(collided.claim("key-1000", "b", LEASE)).isEqualTo(ClaimState.CLAIMED);
  }

  @Test
  void emptyNonAsciiAndLongestKeysWork() {
    String longKey = "k".repeat(StoreKeys.MAX_LENGTH);
    List<String> keys =
        List.of(
            "",
            "\u00e9",
            "e\u0301",
            "?",
            "\ud83c\udf89",
            "\u6ce8\u6587",
            longKey,
            longKey.substring(1) + "l",
            "\u20ac".repeat(StoreKeys.MAX_LENGTH));
    for (DedupStore s : List.of(store, new InMemoryDedupStore(1_000, clock, ONE_HASH))) {
      for (String key : keys) {
        assertThat(s.claim(key, "a", LEASE)).as(key).isEqualTo(ClaimState.CLAIMED);
      }
      for (String key : keys) {
        assertThat(s.claim(key, "b", LEASE)).as(key).isEqualTo(ClaimState.IN_PROGRESS);
        s.complete(key, "a", RETENTION);
        assertThat(s.claim(key, "b", LEASE)).as(key).isEqualTo(ClaimState.COMPLETED);
      }
      assertThat(s.claim("k".repeat(StoreKeys.MAX_LENGTH - 1), "b", LEASE))
          .isEqualTo(ClaimState.CLAIMED);
    }
  }

  @Test
  void aReleasedKeyCanBeClaimedAgainAndAgain() {
    for (int round = 0; round < 5; round++) {
      String owner = "owner-" + round;
      assertThat(store.claim("k", owner, LEASE))
          .as("round %d", round)
          .isEqualTo(ClaimState.CLAIMED);
      assertThat(store.claim("k", "other", LEASE)).isEqualTo(ClaimState.IN_PROGRESS);
      store.release("k", owner);
      // a released claim can no longer be completed, nor released twice
      store.complete("k", owner, RETENTION);
      store.release("k", owner);
    }
    assertThat(store.claim("k", "last", LEASE)).isEqualTo(ClaimState.CLAIMED);
    store.complete("k", "last", RETENTION);
    assertThat(store.claim("k", "other", LEASE)).isEqualTo(ClaimState.COMPLETED);
  }

  @Test
  void ownersThatNeverClaimedChangeNothing() {
    store.claim("k", "a", LEASE);
    store.complete("k", "stranger", RETENTION);
    store.completeAll(List.of("k"), "stranger-2", RETENTION);
    store.release("k", "stranger-3");

    assertThat(store.claim("k", "b", LEASE)).isEqualTo(ClaimState.IN_PROGRESS);
  }

  @Test
  void smallStoresUseOneSegmentAndLargeOnes64() {
    assertThat(new InMemoryDedupStore(10, clock).segmentCount()).isEqualTo(1);
    assertThat(new InMemoryDedupStore(1_000, clock).segmentCount()).isEqualTo(1);
    assertThat(new InMemoryDedupStore(10_000, clock).segmentCount()).isEqualTo(16);
    assertThat(new InMemoryDedupStore(1_000_000, clock).segmentCount()).isEqualTo(64);
    // nothing sized for the maximum up front
    assertThat(new InMemoryDedupStore(1_000_000, clock).allocatedBytes()).isLessThan(1_000_000);
    assertThat(new InMemoryDedupStore(Long.MAX_VALUE, clock).allocatedBytes())
        .isLessThan(1_000_000);
  }

  @Test
  void aGenerationRolloverForgetsTheOldestKeysAndKeepsTheNewest() {
    // one segment, two generations of 50 keys
    InMemoryDedupStore small = new InMemoryDedupStore(100, clock);
    for (int i = 0; i < 1_000; i++) {
      assertThat(small.claim(key(i), "a", LEASE)).isEqualTo(ClaimState.CLAIMED);
      small.complete(key(i), "a", RETENTION);
      assertThat(small.records()).isLessThanOrEqualTo(100);
    }

    // the newest 100: the current generation (950-999) and the previous one (900-949)
    for (int i = 999; i >= 900; i--) {
      assertThat(small.claim(key(i), "b", LEASE)).as(key(i)).isEqualTo(ClaimState.COMPLETED);
    }
    for (int i = 0; i < 900; i += 7) {
      assertThat(small.claim(key(i), "b", LEASE)).as(key(i)).isEqualTo(ClaimState.CLAIMED);
    }
  }

  @Test
  void aRecordUpdatedInThePreviousGenerationMovesToTheCurrentOne() {
    InMemoryDedupStore small = new InMemoryDedupStore(4, clock); // generations of 2
    small.claim("old", "a", LEASE);
    small.claim("x1", "a", LEASE);
    small.claim("x2", "a", LEASE); // rollover: old and x1 are the previous generation
    small.complete("old", "a", RETENTION); // copied into the current generation
    small.claim("x3", "a", LEASE); // rollover: the stale copy of old goes, its completion stays

    assertThat(small.claim("old", "b", LEASE)).isEqualTo(ClaimState.COMPLETED);
    assertThat(small.claim("x1", "b", LEASE)).isEqualTo(ClaimState.CLAIMED);
    assertThat(small.records()).isLessThanOrEqualTo(4);
  }

  @Test
  void memoryStaysBoundedOverManyRollovers() {
    InMemoryDedupStore bounded = new InMemoryDedupStore(100_000, clock);
    List<String> batch = new ArrayList<>();
    long allocatedAtHalf = 0;
    int n = 1_000_000;
    for (int i = 0; i < n; i++) {
      batch.add(key(i));
      if (batch.size() == 500) {
        bounded.claimAll(batch, "a", LEASE);
        bounded.completeAll(batch, "a", RETENTION);
        batch.clear();
      }
      if (i == n / 2) {
        allocatedAtHalf = bounded.allocatedBytes();
      }
    }

    assertThat(bounded.records()).isBetween(50_000L, 100_000L);
    // full generations are reused, not reallocated: no growth after the first rollovers
    assertThat(bounded.allocatedBytes()).isEqualTo(allocatedAtHalf);
    // 15-char keys: 16 bytes of entry arrays, slots and key bytes, with slack, per key held
    assertThat(bounded.allocatedBytes()).isLessThan(100_000L * 80);
    // each segment keeps at least its newest 781 keys: the newest 20,000 overall are known
    for (int i = n - 1; i >= n - 20_000; i--) {
      assertThat(bounded.claim(key(i), "b", LEASE)).as(key(i)).isEqualTo(ClaimState.COMPLETED);
    }
    for (int i = 0; i < 10_000; i++) {
      assertThat(bounded.claim(key(i), "b", LEASE)).as(key(i)).isEqualTo(ClaimState.CLAIMED);
    }
  }

  private static String key(int i) {
    return "order-" + (100_000_000 + i); // 15 chars
  }

  @Test
  void nonPositiveMaximumsAreRejected() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> DedupStore.inMemory(0, clock));
  }

  /** The Caffeine store's semantics, as a plain map: the reference the tables must match. */
  private static final class Model {
    private record Rec(String owner, boolean completed, long until) {}

    private final Map<String, Rec> records = new HashMap<>();

    ClaimState claim(String key, String owner, long now, long lease) {
      Rec r = records.get(key);
      if (r == null || r.until <= now) {
        records.put(key, new Rec(owner, false, now + lease));
        return ClaimState.CLAIMED;
      }
      return r.completed ? ClaimState.COMPLETED : ClaimState.IN_PROGRESS;
    }

    void complete(String key, String owner, long now, long retention) {
      Rec r = records.get(key);
      if (r != null && r.owner.equals(owner)) {
        records.put(key, new Rec(owner, true, now + retention));
      }
    }

    void release(String key, String owner) {
      Rec r = records.get(key);
      if (r != null && !r.completed && r.owner.equals(owner)) {
        records.remove(key);
      }
    }
  }

  @Test
  void behavesLikeTheReferenceModelOnRandomOperations() {
    List<ToLongFunction<String>> hashes =
        List.of(KeyTable.seededHash(), ONE_HASH, k -> k.length() % 3);
    for (ToLongFunction<String> hash : hashes) {
      MutableClock time = MutableClock.startingAt(Instant.parse("2026-02-03T09:00:00Z"));
      differential(new InMemoryDedupStore(1_000_000, time, hash), time, 1_000_000, 7);
    }
  }

  @Test
  void behavesLikeTheReferenceModelWhileForgettingBeyondItsSize() {
    MutableClock time = MutableClock.startingAt(Instant.parse("2026-02-03T09:00:00Z"));
    // one segment of two generations of 32: the model is unbounded, so the store may answer
    // CLAIMED for a key it forgot, and nothing else may differ
    differential(new InMemoryDedupStore(64, time), time, 64, 11);
  }

  private static void differential(
      InMemoryDedupStore store, MutableClock time, long maximumKeys, long seed) {
    Random random = new Random(seed);
    Model model = new Model();
    List<String> pool = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      pool.add("key-" + i);
    }
    pool.addAll(List.of("", "\u00e9", "e\u0301", "?", "\ud83c\udf89", "x".repeat(512)));
    List<String> owners = List.of("owner-a", "owner-b", "owner-c", new String("owner-a"));
    long[] durations = {0, 1, 5, 30, 1_000};
    boolean bounded = maximumKeys < pool.size();
    int forgotten = 0;
    for (int op = 0; op < 30_000; op++) {
      String key = pool.get(random.nextInt(pool.size()));
      String owner = owners.get(random.nextInt(owners.size()));
      long d = durations[random.nextInt(durations.length)];
      long now = time.millis();
      int kind = random.nextInt(100);
      if (kind < 40) {
        ClaimState expected = model.claim(key, owner, now, d);
        ClaimState actual = store.claim(key, owner, Duration.ofMillis(d));
        if (actual != expected) {
          assertThat(bounded)
              .as("op %d: claim %s: %s, model %s", op, key, actual, expected)
              .isTrue();
          assertThat(actual).as("op %d: claim %s", op, key).isEqualTo(ClaimState.CLAIMED);
          model.records.put(key, new Model.Rec(owner, false, now + d));
          forgotten++;
        }
      } else if (kind < 60) {
        model.complete(key, owner, now, d);
        store.complete(key, owner, Duration.ofMillis(d));
      } else if (kind < 75) {
        model.release(key, owner);
        store.release(key, owner);
      } else if (kind < 85) {
        List<String> keys = new ArrayList<>();
        for (int i = random.nextInt(12); i >= 0; i--) {
          keys.add(pool.get(random.nextInt(pool.size())));
        }
        Map<String, ClaimState> actual = store.claimAll(keys, owner, Duration.ofMillis(d));
        assertThat(new ArrayList<>(actual.keySet()))
            .isEqualTo(new ArrayList<>(new LinkedHashSet<>(keys)));
        for (Map.Entry<String, ClaimState> e : actual.entrySet()) {
          ClaimState expected = model.claim(e.getKey(), owner, now, d);
          if (e.getValue() != expected) {
            assertThat(bounded).as("op %d: claimAll %s", op, e.getKey()).isTrue();
            assertThat(e.getValue()).isEqualTo(ClaimState.CLAIMED);
            model.records.put(e.getKey(), new Model.Rec(owner, false, now + d));
            forgotten++;
          }
        }
      } else if (kind < 92) {
        List<String> keys = new ArrayList<>();
        for (int i = random.nextInt(8); i >= 0; i--) {
          keys.add(pool.get(random.nextInt(pool.size())));
        }
        for (String k : keys) {
          model.complete(k, owner, now, d);
        }
        store.completeAll(keys, owner, Duration.ofMillis(d));
      } else {
        time.advance(Duration.ofMillis(random.nextInt(40)));
      }
      assertThat(store.records()).isLessThanOrEqualTo(Math.max(2, maximumKeys));
    }
    if (bounded) {
      assertThat(forgotten).as("the bounded run forgot keys").isPositive();
    }
  }

  @Test
  void racingThreadsClaimEachKeyOnceEvenWhenAllKeysCollide() throws Exception {
    for (ToLongFunction<String> hash : List.of(KeyTable.seededHash(), k -> k.hashCode() & 7)) {
      DedupStore shared = new InMemoryDedupStore(1_000_000, clock, hash);
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        keys.add("race-" + i);
      }
      Map<String, AtomicInteger> claimed = new ConcurrentHashMap<>();
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int thread = t;
          workers.add(
              pool.submit(
                  () -> {
                    start.await();
                    List<String> mine = new ArrayList<>(keys);
                    Collections.shuffle(mine, new Random(thread));
                    for (int from = 0; from < mine.size(); from += 100) {
                      List<String> batch = mine.subList(from, from + 100);
                      Map<String, ClaimState> states =
                          thread % 2 == 0
                              ? shared.claimAll(batch, "owner-" + thread, LEASE)
                              : oneByOne(shared, batch, "owner-" + thread);
                      states.forEach(
                          (k, state) -> {
                            if (state == ClaimState.CLAIMED) {
                              claimed
                                  .computeIfAbsent(k, x -> new AtomicInteger())
                                  .incrementAndGet();
                              shared.complete(k, "owner-" + thread, RETENTION);
                            }
                          });
                    }
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> f : workers) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(claimed).hasSize(keys.size());
      assertThat(claimed.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }
  }

  private static Map<String, ClaimState> oneByOne(DedupStore s, List<String> keys, String owner) {
    Map<String, ClaimState> out = new HashMap<>();
    for (String k : keys) {
      out.put(k, s.claim(k, owner, LEASE));
    }
    return out;
  }
}
