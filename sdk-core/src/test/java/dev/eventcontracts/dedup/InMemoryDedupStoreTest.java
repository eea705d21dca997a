package dev.eventcontracts.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The claim, complete, release protocol of the in-memory {@link DedupStore}. */
class InMemoryDedupStoreTest {
  /** A clock tests move by hand. */
  static final class TestClock extends Clock {
    private volatile Instant now = Instant.parse("2026-02-03T09:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Duration RETENTION = Duration.ofHours(1);

  private final TestClock clock = new TestClock();
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
}
