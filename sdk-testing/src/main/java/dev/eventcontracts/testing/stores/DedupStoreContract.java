package dev.eventcontracts.testing.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.UnstorableKeyException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The compatibility kit for {@link DedupStore}: extend it, implement {@link #createStore(Clock)},
 * and every store passes the same tests of the claim, complete and release protocol.
 *
 * <p>Each test uses keys with a fresh random prefix, so a store backed by a shared table or server
 * needs no cleanup between tests. Stores that read time from the injected {@link Clock} get a
 * {@link MutableClock} that the tests move forward; stores whose expiry runs on the server's own
 * clock (Redis key TTLs) override {@link #usesServerTime()}, and then the expiry tests use short
 * real leases and poll with a bound instead.
 */
public abstract class DedupStoreContract {

  /** A lease long enough never to run out during a test that does not move the clock. */
  protected static final Duration LONG_LEASE = Duration.ofMinutes(10);

  /** A retention long enough never to run out during a test that does not move the clock. */
  protected static final Duration LONG_RETENTION = Duration.ofHours(24);

  /** How many threads race in the concurrency tests. */
  protected static final int THREADS = 8;

  private static final Duration CLOCK_LEASE = Duration.ofSeconds(30);
  private static final Duration SERVER_LEASE = Duration.ofMillis(1_000);
  private static final int RACE_KEYS = 200;

  private MutableClock clock;
  private DedupStore store;
  private String prefix;

  /**
   * Creates the store under test; called before each test.
   *
   * @param clock the time source the store must use for leases and retention (ignored by stores
   *     whose {@link #usesServerTime()} is true)
   */
  protected abstract DedupStore createStore(Clock clock);

  /**
   * Whether the store expires leases and retention on the server's clock instead of the injected
   * one; then the expiry tests use short real durations and wait for them with a bound.
   */
  protected boolean usesServerTime() {
    return false;
  }

  /**
   * Whether the store keeps payload fingerprints ({@link DedupStore#complete(String, String,
   * Duration, long)}, {@link DedupStore#fingerprint}); true for the SDK's stores. A store that
   * keeps none overrides this to false, and the kit then checks that it answers no fingerprint (key
   * reuse goes undetected with it, nothing breaks).
   */
  protected boolean keepsFingerprints() {
    return true;
  }

  /** The store under test. */
  protected final DedupStore store() {
    return store;
  }

  /** The clock handed to {@link #createStore(Clock)}. */
  protected final MutableClock clock() {
    return clock;
  }

  /** A key unique to the running test, so tests sharing one table or server never collide. */
  protected final String key(String name) {
    return prefix + name;
  }

  @BeforeEach
  final void createStoreUnderTest() {
    clock = MutableClock.create();
    prefix = "kit-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    store = createStore(clock);
  }

  @AfterEach
  final void closeStoreUnderTest() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void aNewKeyIsClaimed() {
    assertThat(store.claim(key("a"), "owner-1", LONG_LEASE)).isEqualTo(ClaimState.CLAIMED);
  }

  @Test
  void aClaimedKeyIsInProgressForAnotherOwner() {
    store.claim(key("a"), "owner-1", LONG_LEASE);

    assertThat(store.claim(key("a"), "owner-2", LONG_LEASE)).isEqualTo(ClaimState.IN_PROGRESS);
  }

  @Test
  void aClaimIsNotReentrantForItsOwner() {
    // a redelivery to the same consumer while its handler still runs must not run it twice
    store.claim(key("a"), "owner-1", LONG_LEASE);

    assertThat(store.claim(key("a"), "owner-1", LONG_LEASE)).isEqualTo(ClaimState.IN_PROGRESS);
  }

  @Test
  void aCompletedKeyIsCompletedForEveryOwner() {
    store.claim(key("a"), "owner-1", LONG_LEASE);
    store.complete(key("a"), "owner-1", LONG_RETENTION);

    assertThat(store.claim(key("a"), "owner-2", LONG_LEASE)).isEqualTo(ClaimState.COMPLETED);
    assertThat(store.claim(key("a"), "owner-1", LONG_LEASE)).isEqualTo(ClaimState.COMPLETED);
  }

  @Test
  void aReleaseByTheOwnerLetsAnotherOwnerClaim() {
    store.claim(key("a"), "owner-1", LONG_LEASE);
    store.release(key("a"), "owner-1");

    assertThat(store.claim(key("a"), "owner-2", LONG_LEASE)).isEqualTo(ClaimState.CLAIMED);
  }

  @Test
  void aReleaseByAnotherOwnerDoesNothing() {
    store.claim(key("a"), "owner-1", LONG_LEASE);
    store.release(key("a"), "owner-2");

    assertThat(store.claim(key("a"), "owner-3", LONG_LEASE)).isEqualTo(ClaimState.IN_PROGRESS);
    store.complete(key("a"), "owner-1", LONG_RETENTION);
    assertThat(store.claim(key("a"), "owner-3", LONG_LEASE)).isEqualTo(ClaimState.COMPLETED);
  }

  @Test
  void aReleaseAfterCompletionDoesNothing() {
    store.claim(key("a"), "owner-1", LONG_LEASE);
    store.complete(key("a"), "owner-1", LONG_RETENTION);
    store.release(key("a"), "owner-1");

    assertThat(store.claim(key("a"), "owner-2", LONG_LEASE)).isEqualTo(ClaimState.COMPLETED);
  }

  @Test
  void aCompletionByAnotherOwnerDoesNotCompleteTheClaim() {
    store.claim(key("a"), "owner-1", LONG_LEASE);
    store.complete(key("a"), "owner-2", LONG_RETENTION);

    assertThat(store.claim(key("a"), "owner-3", LONG_LEASE)).isEqualTo(ClaimState.IN_PROGRESS);
    store.release(key("a"), "owner-1");
    assertThat(store.claim(key("a"), "owner-3", LONG_LEASE)).isEqualTo(ClaimState.CLAIMED);
  }

  @Test
  void anExpiredLeaseLetsAnotherOwnerClaim() {
    Duration lease = shortLease();
    assertThat(store.claim(key("a"), "owner-1", lease)).isEqualTo(ClaimState.CLAIMED);
    assertThat(store.claim(key("a"), "owner-2", lease)).isEqualTo(ClaimState.IN_PROGRESS);

    assertThat(claimOnceExpired(key("a"), "owner-2", lease, LONG_LEASE))
        .isEqualTo(ClaimState.CLAIMED);
  }

  @Test
  void theFormerOwnerCannotCompleteOrReleaseAKeyTakenOverAfterItsLeaseExpired() {
    Duration lease = shortLease();
    store.claim(key("a"), "owner-1", lease);
    assertThat(claimOnceExpired(key("a"), "owner-2", lease, LONG_LEASE))
        .isEqualTo(ClaimState.CLAIMED);

    store.complete(key("a"), "owner-1", LONG_RETENTION);
    assertThat(store.claim(key("a"), "owner-3", LONG_LEASE)).isEqualTo(ClaimState.IN_PROGRESS);
    store.release(key("a"), "owner-1");
    assertThat(store.claim(key("a"), "owner-3", LONG_LEASE)).isEqualTo(ClaimState.IN_PROGRESS);
    store.complete(key("a"), "owner-2", LONG_RETENTION);
    assertThat(store.claim(key("a"), "owner-3", LONG_LEASE)).isEqualTo(ClaimState.COMPLETED);
  }

  @Test
  void aCompletionOutlivesTheLease() {
    Duration lease = shortLease();
    store.claim(key("a"), "owner-1", lease);
    store.complete(key("a"), "owner-1", LONG_RETENTION);

    if (usesServerTime()) {
      // the lease is real time here: keep asking until well past it, it must stay completed
      await()
          .during(lease.multipliedBy(2))
          .atMost(lease.multipliedBy(2).plus(Concurrently.BOUND))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> store.claim(key("a"), "owner-2", LONG_LEASE) == ClaimState.COMPLETED);
    } else {
      clock.advance(lease.multipliedBy(2));
    }
    assertThat(store.claim(key("a"), "owner-2", LONG_LEASE)).isEqualTo(ClaimState.COMPLETED);
  }

  @Test
  void anExpiredRetentionLetsTheKeyBeClaimedAgain() {
    Duration retention = shortLease();
    store.claim(key("a"), "owner-1", LONG_LEASE);
    store.complete(key("a"), "owner-1", retention);
    assertThat(store.claim(key("a"), "owner-2", LONG_LEASE)).isEqualTo(ClaimState.COMPLETED);

    assertThat(claimOnceExpired(key("a"), "owner-2", retention, LONG_LEASE))
        .isEqualTo(ClaimState.CLAIMED);
  }

  // ---------------------------------------------------------------- fingerprints (key reuse)

  private OptionalLong kept(long fingerprint) {
    return keepsFingerprints() ? OptionalLong.of(fingerprint) : OptionalLong.empty();
  }

  @Test
  void aCompletionKeepsItsFingerprint() {
    store.claim(key("a"), "owner-1", LONG_LEASE);
    store.complete(key("a"), "owner-1", LONG_RETENTION, 0x1234_5678_9abc_def0L);
    store.claim(key("b"), "owner-1", LONG_LEASE);
    store.complete(key("b"), "owner-1", LONG_RETENTION, Long.MIN_VALUE + 1);

    assertThat(store.fingerprint(key("a"))).isEqualTo(kept(0x1234_5678_9abc_def0L));
    assertThat(store.fingerprint(key("b"))).isEqualTo(kept(Long.MIN_VALUE + 1));
    assertThat(store.claim(key("a"), "owner-2", LONG_LEASE)).isEqualTo(ClaimState.COMPLETED);
  }

  @Test
  void onlyACompletionWithAFingerprintByTheOwnerAnswersOne() {
    store.claim(key("claimed"), "owner-1", LONG_LEASE);
    store.claim(key("plain"), "owner-1", LONG_LEASE);
    store.complete(key("plain"), "owner-1", LONG_RETENTION);
    store.claim(key("other"), "owner-1", LONG_LEASE);
    store.complete(key("other"), "owner-2", LONG_RETENTION, 7);

    assertThat(store.fingerprint(key("unknown"))).isEmpty();
    assertThat(store.fingerprint(key("claimed"))).isEmpty();
    assertThat(store.fingerprint(key("plain"))).isEmpty();
    assertThat(store.fingerprint(key("other"))).isEmpty();
  }

  @Test
  void aBatchCompletionKeepsEachFingerprint() {
    List<String> keys = keys("batch", 5);
    store.claimAll(keys, "owner-1", LONG_LEASE);
    Map<String, Long> fingerprints = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      fingerprints.put(keys.get(i), 1_000L + i);
    }
    store.completeAllWithFingerprints(fingerprints, "owner-1", LONG_RETENTION);

    for (int i = 0; i < keys.size(); i++) {
      assertThat(store.claim(keys.get(i), "owner-2", LONG_LEASE)).isEqualTo(ClaimState.COMPLETED);
      assertThat(store.fingerprint(keys.get(i))).isEqualTo(kept(1_000L + i));
    }
  }

  @Test
  void fingerprintAllAnswersAsFingerprintDoesForEachKey() {
    store.claim(key("fp"), "owner-1", LONG_LEASE);
    store.complete(key("fp"), "owner-1", LONG_RETENTION, 0x0fed_cba9_8765_4321L);
    store.claim(key("claimed"), "owner-1", LONG_LEASE);
    store.claim(key("plain"), "owner-1", LONG_LEASE);
    store.complete(key("plain"), "owner-1", LONG_RETENTION);
    store.claim(key("other"), "owner-1", LONG_LEASE);
    store.complete(key("other"), "owner-2", LONG_RETENTION, 7);
    List<String> batch = keys("many", 3);
    store.claimAll(batch, "owner-1", LONG_LEASE);
    Map<String, Long> fingerprints = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      fingerprints.put(batch.get(i), -5L - i);
    }
    store.completeAllWithFingerprints(fingerprints, "owner-1", LONG_RETENTION);
    List<String> asked = new ArrayList<>(List.of(key("fp"), key("claimed"), key("plain")));
    asked.addAll(List.of(key("other"), key("unknown"), key("fp")));
    asked.addAll(batch);

    Map<String, Long> expected = new LinkedHashMap<>();
    for (String key : asked) {
      store.fingerprint(key).ifPresent(f -> expected.put(key, f));
    }
    assertThat(store.fingerprintAll(asked)).isEqualTo(expected);
    assertThat(expected.keySet())
        .as("the keys completed with a fingerprint, when the store keeps them")
        .containsExactlyInAnyOrderElementsOf(
            keepsFingerprints() ? concat(List.of(key("fp")), batch) : List.of());
    assertThat(store.fingerprintAll(List.of())).isEmpty();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  @Test
  void aFingerprintEndsWithItsRecordAndANewCompletionKeepsItsOwn() {
    Duration retention = shortLease();
    store.claim(key("a"), "owner-1", LONG_LEASE);
    store.complete(key("a"), "owner-1", retention, 11);
    assertThat(store.fingerprint(key("a"))).isEqualTo(kept(11));

    assertThat(claimOnceExpired(key("a"), "owner-2", retention, LONG_LEASE))
        .isEqualTo(ClaimState.CLAIMED);
    assertThat(store.fingerprint(key("a"))).isEmpty();
    store.complete(key("a"), "owner-2", LONG_RETENTION, 22);
    assertThat(store.fingerprint(key("a"))).isEqualTo(kept(22));
  }

  @Test
  void keysAreComparedExactly() {
    // MariaDB's default collations would fold these together and lose events
    List<String> keys =
        List.of(
            key("order-1"),
            key("ORDER-1"),
            key("order-1 "),
            key("caf\u00e9"),
            key("cafe\u0301"),
            key("stra\u00dfe"),
            key("strasse"));
    for (String key : keys) {
      assertThat(store.claim(key, "owner-1", LONG_LEASE)).as(key).isEqualTo(ClaimState.CLAIMED);
    }
  }

  @Test
  void unicodeKeysWork() {
    List<String> keys =
        List.of(
            key("Bestellung-\u00fcber-\u20ac"),
            key("\u6ce8\u6587-\u756a\u53f7"),
            key("\u05e9\u05dc\u05d5\u05dd"),
            key("emoji-\ud83c\udf89-\ud83d\udc4d\ud83c\udffd"),
            key("tab\tand\nnewline"));
    Map<String, ClaimState> first = store.claimAll(keys, "owner-1", LONG_LEASE);
    assertThat(first)
        .containsOnlyKeys(keys)
        .allSatisfy((k, s) -> assertThat(s).isEqualTo(ClaimState.CLAIMED));

    for (String key : keys) {
      assertThat(store.claim(key, "owner-2", LONG_LEASE)).as(key).isEqualTo(ClaimState.IN_PROGRESS);
      store.complete(key, "owner-1", LONG_RETENTION);
      assertThat(store.claim(key, "owner-2", LONG_LEASE)).as(key).isEqualTo(ClaimState.COMPLETED);
    }
  }

  @Test
  void keysOfUpTo512CharactersWork() {
    String base = key("long-");
    String longest = base + "x".repeat(512 - base.length());
    String sibling = longest.substring(0, 511) + "y";
    assertThat(longest).hasSize(512);

    assertThat(store.claim(longest, "owner-1", LONG_LEASE)).isEqualTo(ClaimState.CLAIMED);
    assertThat(store.claim(sibling, "owner-1", LONG_LEASE)).isEqualTo(ClaimState.CLAIMED);
    store.complete(longest, "owner-1", LONG_RETENTION);
    assertThat(store.claimAll(List.of(longest, sibling), "owner-2", LONG_LEASE))
        .containsExactly(
            entry(longest, ClaimState.COMPLETED), entry(sibling, ClaimState.IN_PROGRESS));
  }

  @Test
  void keysNoStoreCanHoldAreRefusedWithoutClaimingAnything() {
    // the rule every store shares (StoreKeys): a key refused here is a property of the event,
    // so the pipeline dead-letters it instead of retrying forever
    String base = key("long-");
    String good = key("good");
    List<String> refused =
        List.of(
            base + "x".repeat(513 - base.length()),
            key("nul-\u0000-inside"),
            key("lone-high-\ud83c"),
            key("lone-low-\udf89-x"),
            key("reversed-\udf89\ud83c"));
    for (String key : refused) {
      assertThatThrownBy(() -> store.claim(key, "owner-1", LONG_LEASE))
          .as(key.length() > 100 ? "513 chars" : key)
          .isInstanceOf(UnstorableKeyException.class)
          .hasMessageNotContaining(key);
      assertThatThrownBy(() -> store.claimAll(List.of(good, key), "owner-1", LONG_LEASE))
          .isInstanceOf(UnstorableKeyException.class);
    }
    // all or nothing: the good key of the refused batches was not claimed
    assertThat(store.claim(good, "owner-2", LONG_LEASE)).isEqualTo(ClaimState.CLAIMED);
  }

  @Test
  void keysThatDifferOnlyInASupplementaryCharacterStayDistinct() {
    // PostgreSQL's driver once turned unpaired surrogates into '?': well-formed pairs must not
    // merge
    String party = key("emoji-\ud83c\udf89");
    String cake = key("emoji-\ud83c\udf82");
    String question = key("emoji-?");

    assertThat(store.claim(party, "owner-1", LONG_LEASE)).isEqualTo(ClaimState.CLAIMED);
    store.complete(party, "owner-1", LONG_RETENTION);
    assertThat(store.claim(cake, "owner-1", LONG_LEASE)).isEqualTo(ClaimState.CLAIMED);
    assertThat(store.claim(question, "owner-1", LONG_LEASE)).isEqualTo(ClaimState.CLAIMED);
    assertThat(store.claim(party, "owner-2", LONG_LEASE)).isEqualTo(ClaimState.COMPLETED);
  }

  @Test
  void claimAllOfNoKeysIsEmpty() {
    assertThat(store.claimAll(List.of(), "owner-1", LONG_LEASE)).isEmpty();
  }

  @Test
  void claimAllReportsTheStateOfEachDistinctKeyInTheOrderGiven() {
    Duration lease = shortLease();
    String inProgress = key("in-progress");
    String completed = key("completed");
    String expired = key("expired");
    String fresh1 = key("new-1");
    String fresh2 = key("new-2");
    store.claim(expired, "owner-2", lease);
    store.claim(inProgress, "owner-2", LONG_LEASE);
    store.claim(completed, "owner-2", LONG_LEASE);
    store.complete(completed, "owner-2", LONG_RETENTION);
    letExpire(expired, lease);

    Map<String, ClaimState> states =
        store.claimAll(
            List.of(fresh1, inProgress, fresh1, completed, expired, fresh2, inProgress, expired),
            "owner-1",
            LONG_LEASE);

    assertThat(states)
        .containsExactly(
            entry(fresh1, ClaimState.CLAIMED),
            entry(inProgress, ClaimState.IN_PROGRESS),
            entry(completed, ClaimState.COMPLETED),
            entry(expired, ClaimState.CLAIMED),
            entry(fresh2, ClaimState.CLAIMED));
    // the batch really holds what it reported: other owners see the claims, the owner completes
    for (String won : List.of(fresh1, expired, fresh2)) {
      assertThat(store.claim(won, "owner-3", LONG_LEASE)).as(won).isEqualTo(ClaimState.IN_PROGRESS);
      store.complete(won, "owner-1", LONG_RETENTION);
      assertThat(store.claim(won, "owner-3", LONG_LEASE)).as(won).isEqualTo(ClaimState.COMPLETED);
    }
  }

  @Test
  void aLargeBatchIsClaimedWhole() {
    // not a multiple of any likely chunk size, so a partial last chunk is exercised too
    List<String> keys = keys("large", 2_345);

    Map<String, ClaimState> first = store.claimAll(keys, "owner-1", LONG_LEASE);
    assertThat(new ArrayList<>(first.keySet())).isEqualTo(keys);
    assertThat(first.values()).containsOnly(ClaimState.CLAIMED);

    for (String key : keys.subList(0, 700)) {
      store.complete(key, "owner-1", LONG_RETENTION);
    }
    Map<String, ClaimState> second = store.claimAll(keys, "owner-2", LONG_LEASE);
    assertThat(new ArrayList<>(second.keySet())).isEqualTo(keys);
    for (int i = 0; i < keys.size(); i++) {
      ClaimState expected = i < 700 ? ClaimState.COMPLETED : ClaimState.IN_PROGRESS;
      assertThat(second.get(keys.get(i))).as(keys.get(i)).isEqualTo(expected);
    }
  }

  @Test
  void completeAllCompletesTheOwnersClaimsAndLeavesOtherOwnersClaimsAlone() {
    List<String> mine = keys("mine", 3);
    List<String> theirs = keys("theirs", 2);
    store.claimAll(mine, "owner-1", LONG_LEASE);
    store.claimAll(theirs, "owner-2", LONG_LEASE);
    List<String> all = new ArrayList<>(mine);
    all.addAll(theirs);

    store.completeAll(all, "owner-1", LONG_RETENTION);

    Map<String, ClaimState> after = store.claimAll(all, "owner-3", LONG_LEASE);
    for (String key : mine) {
      assertThat(after.get(key)).as(key).isEqualTo(ClaimState.COMPLETED);
    }
    for (String key : theirs) {
      assertThat(after.get(key)).as(key).isEqualTo(ClaimState.IN_PROGRESS);
    }
    store.completeAll(List.of(), "owner-1", LONG_RETENTION); // nothing to do, no error
  }

  @Test
  void completeAllLeavesTheSameStatesAsCompletingOneByOne() {
    // each case twice: "one" completed key by key, "all" with completeAll; the states that a
    // later claim finds must be the same for both, case by case, whatever the store's own rule
    // for keys the owner does not hold
    Map<String, List<String>> one = new HashMap<>();
    Map<String, List<String>> all = new HashMap<>();
    for (String kind : List.of("held", "other", "released", "never", "done")) {
      one.put(kind, keys("one-" + kind, 3));
      all.put(kind, keys("all-" + kind, 3));
    }
    for (Map<String, List<String>> side : List.of(one, all)) {
      store.claimAll(side.get("held"), "owner-1", LONG_LEASE);
      store.claimAll(side.get("other"), "owner-2", LONG_LEASE);
      store.claimAll(side.get("released"), "owner-1", LONG_LEASE);
      side.get("released").forEach(key -> store.release(key, "owner-1"));
      store.claimAll(side.get("done"), "owner-1", LONG_LEASE);
      side.get("done").forEach(key -> store.complete(key, "owner-1", LONG_RETENTION));
    }
    List<String> allKeys = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : one.entrySet()) {
      e.getValue().forEach(key -> store.complete(key, "owner-1", LONG_RETENTION));
      allKeys.addAll(all.get(e.getKey()));
    }
    store.completeAll(allKeys, "owner-1", LONG_RETENTION);

    for (String kind : one.keySet()) {
      Map<String, ClaimState> byOne = store.claimAll(one.get(kind), "owner-3", LONG_LEASE);
      Map<String, ClaimState> byAll = store.claimAll(all.get(kind), "owner-3", LONG_LEASE);
      assertThat(new ArrayList<>(byAll.values()))
          .as(kind)
          .isEqualTo(new ArrayList<>(byOne.values()));
    }
    assertThat(store.claim(one.get("held").get(0), "owner-3", LONG_LEASE))
        .isEqualTo(ClaimState.COMPLETED);
    assertThat(store.claim(one.get("other").get(0), "owner-3", LONG_LEASE))
        .isEqualTo(ClaimState.IN_PROGRESS);
  }

  @Test
  void completeAllOfALargeBatchCompletesEveryKey() {
    List<String> keys = keys("large-complete", 1_234);
    store.claimAll(keys, "owner-1", LONG_LEASE);

    store.completeAll(keys, "owner-1", LONG_RETENTION);

    assertThat(store.claimAll(keys, "owner-2", LONG_LEASE).values())
        .hasSize(keys.size())
        .containsOnly(ClaimState.COMPLETED);
  }

  @Test
  void racingSingleClaimsClaimEachKeyOnce() throws Exception {
    List<String> keys = keys("race", RACE_KEYS);
    Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

    Concurrently.race(
        THREADS,
        thread -> {
          List<String> mine = shuffled(keys, thread);
          for (String key : mine) {
            ClaimState state = store.claim(key, "owner-" + thread, LONG_LEASE);
            if (state == ClaimState.CLAIMED) {
              handled.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            } else {
              assertThat(state).isEqualTo(ClaimState.IN_PROGRESS);
            }
          }
          return null;
        });

    assertHandledOnce(keys, handled);
  }

  @Test
  void racingBatchClaimsClaimEachKeyOnce() throws Exception {
    List<String> keys = keys("batch-race", RACE_KEYS);
    Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

    Concurrently.race(
        THREADS,
        thread -> {
          // overlapping batches in different orders, as consumers of one stream would send
          List<String> mine = shuffled(keys, thread);
          for (int from = 0; from < mine.size(); from += 50) {
            List<String> batch = mine.subList(from, Math.min(mine.size(), from + 75));
            store
                .claimAll(batch, "owner-" + thread, LONG_LEASE)
                .forEach(
                    (key, state) -> {
                      if (state == ClaimState.CLAIMED) {
                        handled.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                      }
                    });
          }
          return null;
        });

    assertHandledOnce(keys, handled);
  }

  @Test
  void racingClaimsOnExpiredKeysTakeEachKeyOverOnce() throws Exception {
    Duration lease = shortLease();
    List<String> keys = keys("expired-race", 50);
    assertThat(store.claimAll(keys, "owner-old", lease).values()).containsOnly(ClaimState.CLAIMED);
    letExpire(keys.get(keys.size() - 1), lease);
    Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

    Concurrently.race(
        THREADS,
        thread -> {
          for (String key : shuffled(keys, thread)) {
            if (store.claim(key, "owner-" + thread, LONG_LEASE) == ClaimState.CLAIMED) {
              handled.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            }
          }
          return null;
        });

    assertHandledOnce(keys, handled);
  }

  /** A lease or retention that the expiry tests let run out. */
  private Duration shortLease() {
    return usesServerTime() ? SERVER_LEASE : CLOCK_LEASE;
  }

  /**
   * Claims {@code key} once an earlier claim or completion of {@code expiring} ran out: moves the
   * clock past it, or with server time polls until the claim succeeds or a bound passes.
   */
  private ClaimState claimOnceExpired(
      String key, String owner, Duration expiring, Duration newLease) {
    if (!usesServerTime()) {
      clock.advance(expiring.plusSeconds(1));
      return store.claim(key, owner, newLease);
    }
    return await()
        .atMost(expiring.multipliedBy(10).plus(Concurrently.BOUND))
        .pollInterval(Concurrently.POLL)
        .until(() -> store.claim(key, owner, newLease), state -> state == ClaimState.CLAIMED);
  }

  /**
   * Waits until a claim made with {@code lease} before this call has run out: moves the clock, or
   * with server time polls a probe key claimed after {@code lastKey} with the same lease.
   */
  private void letExpire(String lastKey, Duration lease) {
    if (!usesServerTime()) {
      clock.advance(lease.plusSeconds(1));
      return;
    }
    // a probe claimed now expires no sooner than everything claimed before it
    String probe = lastKey + "-probe";
    store.claim(probe, "probe-owner", lease);
    assertThat(claimOnceExpired(probe, "probe-owner-2", lease, LONG_LEASE))
        .as("the probe's lease ran out")
        .isEqualTo(ClaimState.CLAIMED);
  }

  private List<String> keys(String name, int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> key(name + "-" + i))
        .collect(Collectors.toUnmodifiableList());
  }

  private static List<String> shuffled(List<String> keys, int seed) {
    List<String> copy = new ArrayList<>(keys);
    Collections.shuffle(copy, new Random(seed));
    return copy;
  }

  private static void assertHandledOnce(List<String> keys, Map<String, AtomicInteger> handled) {
    Map<String, Integer> counts = new HashMap<>();
    handled.forEach((key, count) -> counts.put(key, count.get()));
    Map<String, Integer> wrong =
        keys.stream()
            .filter(key -> counts.getOrDefault(key, 0) != 1)
            .collect(Collectors.toMap(key -> key, key -> counts.getOrDefault(key, 0)));
    assertThat(wrong).as("keys whose handler did not run exactly once").isEmpty();
    assertThat(counts).hasSameSizeAs(keys);
  }
}
