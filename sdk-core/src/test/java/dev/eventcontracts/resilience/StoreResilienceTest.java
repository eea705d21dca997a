package dev.eventcontracts.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.dedup.UnstorableKeyException;
import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.metrics.MetricNames;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.testing.stores.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/** The breakers around plain fake stores, on a clock the test moves. */
class StoreResilienceTest {
  private final MutableClock clock = MutableClock.startingAt(Instant.parse("2026-12-04T10:00:00Z"));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final StoreResilience resilience =
      StoreResilience.builder().clock(clock).meterRegistry(meters).build();
  private final FakeDedupStore dedupDelegate = new FakeDedupStore();
  private final DedupStore dedup = resilience.dedupStore(dedupDelegate);

  private double state(StoreRole role) {
    return meters
        .get(MetricNames.STORE_BREAKER_STATE)
        .tag(MetricNames.TAG_STORE, role.tag())
        .gauge()
        .value();
  }

  private double counter(String name, StoreRole role) {
    return meters.get(name).tag(MetricNames.TAG_STORE, role.tag()).counter().count();
  }

  private void failClaims(int times) {
    for (int i = 0; i < times; i++) {
      String key = "k" + i;
      assertThatThrownBy(() -> dedup.claim(key, "me", Duration.ofMinutes(1)))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void opensAfterFailuresThenFailsFastSayingWhenToComeBack() {
    dedupDelegate.down = true;
    failClaims(5);

    assertThat(resilience.circuitBreaker(StoreRole.DEDUP).getState()).isEqualTo(State.OPEN);
    assertThat(state(StoreRole.DEDUP)).isEqualTo(2.0);
    int calls = dedupDelegate.calls.get();
    clock.advance(Duration.ofMillis(400));

    assertThatThrownBy(() -> dedup.claim("k", "me", Duration.ofMinutes(1)))
        .isInstanceOfSatisfying(
            StoreUnavailableException.class,
            e -> {
              assertThat(e.role()).isEqualTo(StoreRole.DEDUP);
              assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(600));
              assertThat(e.getMessage()).doesNotContain("k\"").contains("dedup store");
            });
    assertThat(dedupDelegate.calls.get()).isEqualTo(calls); // the store was left alone
    assertThat(counter(MetricNames.STORE_BREAKER_FAILURES, StoreRole.DEDUP)).isEqualTo(5.0);
    assertThat(counter(MetricNames.STORE_BREAKER_NOT_PERMITTED, StoreRole.DEDUP)).isEqualTo(1.0);
  }

  @Test
  void theOpenWaitGrowsWhileTrialsFailAndResetsOnceTheStoreAnswers() {
    dedupDelegate.down = true;
    failClaims(5); // open: 1 s
    long[] expectedWaits = {2_000, 4_000, 8_000};
    for (long wait : expectedWaits) {
      clock.advance(Duration.ofMillis(retryAfterMillis() + 1));
      failClaims(3); // the half-open trial fails
      assertThat(resilience.circuitBreaker(StoreRole.DEDUP).getState()).isEqualTo(State.OPEN);
      assertThat(retryAfterMillis()).isEqualTo(wait);
    }
    dedupDelegate.down = false;
    clock.advance(Duration.ofMillis(retryAfterMillis() + 1));
    for (int i = 0; i < 3; i++) {
      assertThat(dedup.claim("ok" + i, "me", Duration.ofMinutes(1))).isEqualTo(ClaimState.CLAIMED);
    }
    assertThat(resilience.circuitBreaker(StoreRole.DEDUP).getState()).isEqualTo(State.CLOSED);
    assertThat(state(StoreRole.DEDUP)).isEqualTo(0.0);

    dedupDelegate.down = true;
    failClaims(5); // a new outage starts again from the first wait
    assertThat(retryAfterMillis()).isEqualTo(1_000);
  }

  @Test
  void theOpenWaitIsCapped() {
    StoreResilience capped =
        StoreResilience.builder()
            .clock(clock)
            .config(
                CircuitBreakerConfig.from(StoreResilience.defaultConfig())
                    .waitIntervalFunctionInOpenState(
                        IntervalFunction.ofExponentialBackoff(
                            Duration.ofSeconds(1), 10, Duration.ofSeconds(30)))
                    .build())
            .build();
    FakeSink sinkDelegate = new FakeSink();
    sinkDelegate.down = true;
    DeadLetterSink sink = capped.deadLetterSink(sinkDelegate);
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> sink.publish(null)).isInstanceOf(IOException.class);
    }
    long[] waits = {10_000, 30_000, 30_000};
    for (long wait : waits) {
      clock.advance(Duration.ofSeconds(31));
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> sink.publish(null)).isInstanceOf(IOException.class);
      }
      assertThatThrownBy(() -> sink.publish(null))
          .isInstanceOfSatisfying(
              StoreUnavailableException.class,
              e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(wait)));
    }
  }

  @Test
  void unstorableKeysPassThroughUnchangedAndNeverOpenTheBreaker() {
    UnstorableKeyException unstorable = new UnstorableKeyException("key too long");
    dedupDelegate.failure = unstorable;
    for (int i = 0; i < 50; i++) {
      assertThatThrownBy(() -> dedup.claim("k", "me", Duration.ofMinutes(1))).isSameAs(unstorable);
    }
    assertThat(resilience.circuitBreaker(StoreRole.DEDUP).getState()).isEqualTo(State.CLOSED);
    assertThat(counter(MetricNames.STORE_BREAKER_FAILURES, StoreRole.DEDUP)).isZero();
  }

  @Test
  void unstorableKeysDoNotUseUpTheTrialPermits() {
    dedupDelegate.down = true;
    failClaims(5);
    clock.advance(Duration.ofMillis(1_001));
    dedupDelegate.down = false;
    dedupDelegate.failure = new UnstorableKeyException("key too long");
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> dedup.claim("k", "me", Duration.ofMinutes(1)))
          .isInstanceOf(UnstorableKeyException.class);
    }
    assertThat(resilience.circuitBreaker(StoreRole.DEDUP).getState()).isEqualTo(State.HALF_OPEN);
    dedupDelegate.failure = null;
    for (int i = 0; i < 3; i++) {
      dedup.claim("ok" + i, "me", Duration.ofMinutes(1));
    }
    assertThat(resilience.circuitBreaker(StoreRole.DEDUP).getState()).isEqualTo(State.CLOSED);
  }

  @Test
  void slowCallsOpenTheBreaker() {
    FakeVersionStore slow = new FakeVersionStore();
    slow.delay = Duration.ofSeconds(3);
    EntityVersionStore versions = resilience.entityVersionStore(slow);
    for (int i = 0; i < 5; i++) {
      assertThat(versions.current("e")).isEmpty(); // slow, but answered
    }
    assertThat(resilience.circuitBreaker(StoreRole.ORDERING).getState()).isEqualTo(State.OPEN);
    assertThatThrownBy(() -> versions.current("e")).isInstanceOf(StoreUnavailableException.class);
    assertThat(state(StoreRole.ORDERING)).isEqualTo(2.0);
    assertThat(state(StoreRole.DEDUP)).isZero(); // one breaker per role
  }

  @Test
  void followUpCallsStillRunWhenTheTrialPermitsAreUsedUp() {
    StoreResilience manual =
        StoreResilience.builder()
            .clock(clock)
            .config(
                CircuitBreakerConfig.from(StoreResilience.defaultConfig())
                    .permittedNumberOfCallsInHalfOpenState(1)
                    .build())
            .build();
    FakeDedupStore delegate = new FakeDedupStore();
    DedupStore store = manual.dedupStore(delegate);
    manual.circuitBreaker(StoreRole.DEDUP).transitionToOpenState();
    manual.circuitBreaker(StoreRole.DEDUP).transitionToHalfOpenState();
    // take the only trial permit without finishing the call
    assertThat(manual.circuitBreaker(StoreRole.DEDUP).tryAcquirePermission()).isTrue();

    assertThatThrownBy(() -> store.claim("a", "me", Duration.ofMinutes(1)))
        .isInstanceOf(StoreUnavailableException.class);
    store.complete("b", "me", Duration.ofDays(1));
    store.release("c", "me");
    assertThat(delegate.completed).containsExactly("b");
    assertThat(delegate.released).containsExactly("c");
  }

  @Test
  void transactionCountsTheStoreNotTheWork() throws Exception {
    FakeTransactionalStore delegate = new FakeTransactionalStore();
    TransactionalStore store = resilience.transactionalStore(delegate);
    // the work (the handler) fails, and is slow: neither is the store's fault
    for (int i = 0; i < 20; i++) {
      IllegalStateException handlerFailure = new IllegalStateException("handler");
      assertThatThrownBy(
              () ->
                  store.inTransaction(
                      tx -> {
                        tx.recordKey("k");
                        clock.advance(Duration.ofSeconds(10));
                        throw handlerFailure;
                      }))
          .isSameAs(handlerFailure);
    }
    assertThat(resilience.circuitBreaker(StoreRole.TRANSACTION).getState()).isEqualTo(State.CLOSED);
    assertThat(resilience.circuitBreaker(StoreRole.TRANSACTION).getMetrics().getNumberOfSlowCalls())
        .isZero();

    // a store call inside the work fails: that counts, even though the work let it through
    delegate.recordKeyDown = true;
    for (int i = 0; i < 10; i++) { // half of the window of 20
      assertThatThrownBy(() -> store.inTransaction(tx -> tx.recordKey("k")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("database down");
    }
    assertThat(resilience.circuitBreaker(StoreRole.TRANSACTION).getState()).isEqualTo(State.OPEN);
    AtomicInteger ran = new AtomicInteger();
    assertThatThrownBy(() -> store.inTransaction(tx -> ran.incrementAndGet()))
        .isInstanceOf(StoreUnavailableException.class);
    assertThat(ran).hasValue(0);
  }

  @Test
  void transactionLeavesBatchedStatementsToTheStoreThatBoundsThem() throws Exception {
    FakeTransactionalStore delegate = new FakeTransactionalStore();
    TransactionalStore store = resilience.transactionalStore(delegate);
    // not the default, which would prepare it on connection(), unbounded
    PreparedStatement statement = store.inTransaction(tx -> tx.prepare("INSERT INTO t VALUES (?)"));
    assertThat((Object) statement).isSameAs(delegate.prepared);
  }

  @Test
  void transactionCountsASlowLockWait() throws Exception {
    FakeTransactionalStore delegate = new FakeTransactionalStore();
    delegate.lockDelay = Duration.ofSeconds(3);
    TransactionalStore store = resilience.transactionalStore(delegate);
    for (int i = 0; i < 5; i++) {
      store.inTransaction(tx -> tx.lockPosition("e"));
    }
    assertThat(resilience.circuitBreaker(StoreRole.TRANSACTION).getState()).isEqualTo(State.OPEN);
  }

  @Test
  void aBreakerForcedOpenByHandAsksForTheFirstWait() {
    resilience.circuitBreaker(StoreRole.DEDUP).transitionToForcedOpenState();
    assertThat(retryAfterMillis()).isEqualTo(1_000);
    assertThat(state(StoreRole.DEDUP)).isEqualTo(2.0);
    assertThat(dedupDelegate.calls).hasValue(0);
  }

  @Test
  void disabledWrapsNothingAndWrappingTwiceWrapsOnce() {
    assertThat(StoreResilience.disabled().dedupStore(dedupDelegate)).isSameAs(dedupDelegate);
    assertThat(StoreResilience.disabled().enabled()).isFalse();
    assertThat(StoreResilience.ofDefaults().dedupStore(dedup)).isSameAs(dedup);
  }

  @Test
  void describeNamesClassesAndSqlStatesButNoMessages() {
    Exception e =
        new IllegalStateException(
            "claim of secret-key failed",
            new java.sql.SQLException("Key (dedup_key)=(secret-key) exists", "57014"));
    assertThat(Guard.describe(e))
        .isEqualTo("java.lang.IllegalStateException <- java.sql.SQLException (SQLState 57014)")
        .doesNotContain("secret");
  }

  private long retryAfterMillis() {
    try {
      dedup.claim("probe", "me", Duration.ofMinutes(1));
    } catch (StoreUnavailableException e) {
      return e.retryAfter().toMillis();
    }
    throw new AssertionError("the breaker let the call through");
  }

  /** A dedup store that can be down or throw a given exception. */
  static final class FakeDedupStore implements DedupStore {
    final AtomicInteger calls = new AtomicInteger();
    final List<String> completed = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<String> released = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile boolean down;
    volatile RuntimeException failure;

    private void maybeFail() {
      calls.incrementAndGet();
      if (failure != null) {
        throw failure;
      }
      if (down) {
        throw new IllegalStateException("connection refused");
      }
    }

    @Override
    public ClaimState claim(String key, String owner, Duration lease) {
      maybeFail();
      return ClaimState.CLAIMED;
    }

    @Override
    public Map<String, ClaimState> claimAll(List<String> keys, String owner, Duration lease) {
      maybeFail();
      return Map.of();
    }

    @Override
    public void complete(String key, String owner, Duration retention) {
      maybeFail();
      completed.add(key);
    }

    @Override
    public void release(String key, String owner) {
      maybeFail();
      released.add(key);
    }
  }

  /** An entity-version store that answers after a delay on the test clock. */
  final class FakeVersionStore implements EntityVersionStore {
    Duration delay = Duration.ZERO;

    @Override
    public OptionalLong current(String entity) {
      clock.advance(delay);
      return OptionalLong.empty();
    }

    @Override
    public boolean advance(String entity, long position) {
      clock.advance(delay);
      return true;
    }
  }

  /** A sink that can be down. */
  static final class FakeSink implements DeadLetterSink {
    volatile boolean down;

    @Override
    public void publish(DeadLetter deadLetter) throws Exception {
      if (down) {
        throw new IOException("broker unreachable");
      }
    }
  }

  /** A transactional store whose calls can fail or wait on the test clock. */
  final class FakeTransactionalStore implements TransactionalStore {
    volatile boolean recordKeyDown;
    Duration lockDelay = Duration.ZERO;
    final PreparedStatement prepared = Mockito.mock(PreparedStatement.class);

    @Override
    public <R> R inTransaction(Work<R> work) throws Exception {
      return work.run(
          new Transaction() {
            @Override
            public boolean recordKey(String key) {
              if (recordKeyDown) {
                throw new IllegalStateException("database down");
              }
              return true;
            }

            @Override
            public OptionalLong lockPosition(String entity) {
              clock.advance(lockDelay);
              return OptionalLong.empty();
            }

            @Override
            public void setPosition(String entity, long position) {}

            @Override
            public Connection connection() {
              return null;
            }

            @Override
            public PreparedStatement prepare(String sql) {
              return prepared;
            }
          });
    }
  }
}
