package dev.eventcontracts.resilience;

import dev.eventcontracts.metrics.MetricNames;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.internal.CircuitBreakerStateMachine;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One store role's circuit breaker with its bookkeeping: when the next attempt is due while open,
 * the one log line per state change, and the meters. The decorators call {@link #acquire}, then
 * {@link #succeeded} or {@link #failed}.
 */
final class Guard {
  private static final Logger LOG = LoggerFactory.getLogger(StoreResilience.class);

  private final StoreRole role;
  private final CircuitBreaker breaker;
  private final Clock clock;
  private final IntervalFunction waitFunction;
  private final @Nullable MeterRegistry registry;
  private final AtomicBoolean metersRegistered = new AtomicBoolean();
  private final LongAdder refusedSinceOpen = new LongAdder();
  private volatile @Nullable Counter failures;
  private volatile @Nullable Counter notPermitted;
  private volatile long openUntilMillis;
  private volatile String lastFailure = "none";
  private int openings; // guarded by this

  Guard(
      StoreRole role, CircuitBreakerConfig config, Clock clock, @Nullable MeterRegistry registry) {
    this.role = role;
    this.clock = clock;
    this.registry = registry;
    this.waitFunction = config.getWaitIntervalFunctionInOpenState();
    // the state machine's own constructor, so the open-state wait runs on the injected clock
    this.breaker = new CircuitBreakerStateMachine("eventcontracts-" + role.tag(), config, clock);
    breaker.getEventPublisher().onStateTransition(e -> onTransition(e.getStateTransition()));
  }

  CircuitBreaker breaker() {
    return breaker;
  }

  StoreRole role() {
    return role;
  }

  /** Registers the meters of this role, once, when a store of the role is wrapped. */
  void registerMeters() {
    if (registry == null || !metersRegistered.compareAndSet(false, true)) {
      return;
    }
    Gauge.builder(MetricNames.STORE_BREAKER_STATE, breaker, b -> stateCode(b.getState()))
        .tag(MetricNames.TAG_STORE, role.tag())
        .description("circuit breaker state: 0 closed, 1 half open, 2 open")
        .strongReference(true)
        .register(registry);
    failures =
        Counter.builder(MetricNames.STORE_BREAKER_FAILURES)
            .tag(MetricNames.TAG_STORE, role.tag())
            .description("store calls that failed or timed out, as the breaker counts them")
            .register(registry);
    notPermitted =
        Counter.builder(MetricNames.STORE_BREAKER_NOT_PERMITTED)
            .tag(MetricNames.TAG_STORE, role.tag())
            .description("store calls refused without calling the store, breaker open")
            .register(registry);
  }

  static int stateCode(State state) {
    return switch (state) {
      case OPEN, FORCED_OPEN -> 2;
      case HALF_OPEN -> 1;
      default -> 0;
    };
  }

  /** The time source of the breaker, in milliseconds. */
  long now() {
    return clock.millis();
  }

  /**
   * Asks the breaker for a permit.
   *
   * @param followUp a call that finishes work begun under an earlier permit (complete, release,
   *     advance): it still runs when a half-open breaker has given out all its trial permits, so a
   *     claim taken during the trial is not left to its lease; its result is then not recorded
   * @return whether the call's result must be recorded
   * @throws StoreUnavailableException when the breaker refuses the call
   */
  boolean acquire(boolean followUp) {
    if (breaker.tryAcquirePermission()) {
      return true;
    }
    if (followUp && breaker.getState() == State.HALF_OPEN) {
      return false;
    }
    refusedSinceOpen.increment();
    Counter counter = notPermitted;
    if (counter != null) {
      counter.increment();
    }
    throw new StoreUnavailableException(role, retryAfter());
  }

  /** How long until the breaker lets a call through again. */
  Duration retryAfter() {
    long remaining = openUntilMillis - clock.millis();
    if (remaining > 0) {
      return Duration.ofMillis(remaining);
    }
    if (breaker.getState() == State.OPEN) {
      return Duration.ofMillis(1); // the wait is over: the next call is a trial
    }
    // half open with the trial calls out (their results decide soon), or forced open by hand
    return Duration.ofMillis(waitFunction.apply(1));
  }

  /** A store call that may throw a checked exception (a dead-letter sink's publish). */
  @FunctionalInterface
  interface Call<T, E extends Exception> {
    T run() throws E;
  }

  /** A store call without a result. */
  @FunctionalInterface
  interface VoidCall<E extends Exception> {
    void run() throws E;
  }

  /** {@link #call} for a store call without a result. */
  <E extends Exception> void run(String operation, boolean followUp, VoidCall<E> work) throws E {
    call(
        operation,
        followUp,
        () -> {
          work.run();
          return Boolean.TRUE;
        });
  }

  /**
   * Runs one store call behind the breaker: asks for a permit ({@code followUp} calls finish work a
   * trial already began), times it, and records its success or failure.
   */
  <T, E extends Exception> T call(String operation, boolean followUp, Call<T, E> work) throws E {
    boolean recorded = acquire(followUp);
    long start = now();
    try {
      T result = work.run();
      succeeded(recorded, start);
      return result;
    } catch (Exception | Error e) {
      failed(recorded, operation, start, e);
      throw e;
    }
  }

  void succeeded(boolean recorded, long startMillis) {
    succeededAfter(recorded, Math.max(0, clock.millis() - startMillis));
  }

  /** Records a successful call that took {@code elapsedMillis} of store time. */
  void succeededAfter(boolean recorded, long elapsedMillis) {
    if (recorded) {
      breaker.onSuccess(elapsedMillis, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Records a failed call. An {@link IllegalArgumentException} (such as {@link
   * dev.eventcontracts.dedup.UnstorableKeyException}) says the arguments cannot be stored, not that
   * the store is down: it releases the permit and is not counted.
   */
  void failed(boolean recorded, String operation, long startMillis, Throwable failure) {
    failedAfter(recorded, operation, Math.max(0, clock.millis() - startMillis), failure);
  }

  /** Records a failed call that took {@code elapsedMillis} of store time. */
  void failedAfter(boolean recorded, String operation, long elapsedMillis, Throwable failure) {
    if (failure instanceof IllegalArgumentException) {
      if (recorded) {
        breaker.releasePermission();
      }
      return;
    }
    String description = describe(failure);
    lastFailure = operation + ": " + description;
    Counter counter = failures;
    if (counter != null) {
      counter.increment();
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "{} store call {} failed after {} ms: {}",
          role.tag(),
          operation,
          elapsedMillis,
          description);
    }
    if (recorded) {
      breaker.onError(elapsedMillis, TimeUnit.MILLISECONDS, failure);
    }
  }

  /**
   * The exception's classes down the cause chain, with the SQLState of SQL exceptions. Messages are
   * left out on purpose: drivers put key values in them (a constraint violation's detail).
   */
  static String describe(Throwable failure) {
    StringBuilder out = new StringBuilder();
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 4; depth++, t = t.getCause()) {
      if (depth > 0) {
        out.append(" <- ");
      }
      out.append(t.getClass().getName());
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        out.append(" (SQLState ").append(sql.getSQLState()).append(')');
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return out.toString();
  }

  private synchronized void onTransition(CircuitBreaker.StateTransition transition) {
    State to = transition.getToState();
    CircuitBreaker.Metrics metrics = breaker.getMetrics();
    switch (to) {
      case OPEN -> {
        // the state machine counts openings the same way: 1 from closed, one more per failed trial
        openings = transition.getFromState() == State.HALF_OPEN ? openings + 1 : 1;
        long wait = waitFunction.apply(openings);
        openUntilMillis = clock.millis() + wait;
        LOG.warn(
            "{} store circuit breaker OPEN: {} of the last {} calls failed and {} were slow;"
                + " calls fail fast for {} ms, then a few are tried (opening {} since it was last"
                + " closed); last failure: {}",
            role.tag(),
            metrics.getNumberOfFailedCalls(),
            metrics.getNumberOfBufferedCalls(),
            metrics.getNumberOfSlowCalls(),
            wait,
            openings,
            lastFailure);
      }
      case HALF_OPEN -> {
        openUntilMillis = 0;
        LOG.info(
            "{} store circuit breaker HALF_OPEN: trying the store again with {} calls",
            role.tag(),
            breaker.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState());
      }
      case CLOSED -> {
        openings = 0;
        openUntilMillis = 0;
        LOG.info(
            "{} store circuit breaker CLOSED: the store answers again; calls refused while it was"
                + " open: {}",
            role.tag(),
            refusedSinceOpen.sumThenReset());
      }
      default -> LOG.info("{} store circuit breaker {}", role.tag(), to);
    }
  }
}
