package dev.eventcontracts.resilience;

import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.ordering.EntityVersionStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Circuit breakers around the stores and the dead-letter sink, one per {@link StoreRole}. A store
 * that fails or is slow too often is left alone for a while, growing exponentially while it stays
 * down, and its calls fail at once with a {@link StoreUnavailableException} that says when the next
 * attempt is due. Each state change is logged once (WARN when a breaker opens, INFO when it
 * half-opens and closes); single failures only at DEBUG. Keys and values are never logged.
 *
 * <p>A store's {@link IllegalArgumentException}s (among them {@link
 * dev.eventcontracts.dedup.UnstorableKeyException}) say the event cannot be stored, not that the
 * store is down: they pass through unchanged and the breaker does not count them.
 *
 * <p>One instance holds one breaker per role: wrap the stores of one pipeline (or of pipelines
 * sharing the same databases) with it. Thread-safe.
 */
public final class StoreResilience {

  /** Failure rate, in percent of the calls in the window, at which a breaker opens. */
  public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50;

  /** A call slower than this counts as slow. */
  public static final Duration DEFAULT_SLOW_CALL_DURATION_THRESHOLD = Duration.ofSeconds(2);

  /** Slow-call rate, in percent of the calls in the window, at which a breaker opens. */
  public static final float DEFAULT_SLOW_CALL_RATE_THRESHOLD = 80;

  /** How many of the last calls the rates are computed over. */
  public static final int DEFAULT_SLIDING_WINDOW_SIZE = 20;

  /** Fewest calls in the window before a rate is computed. */
  public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 5;

  /** Trial calls let through when the open wait is over. */
  public static final int DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE = 3;

  /** The first open wait; it doubles each time a trial fails, up to {@link #DEFAULT_MAX_WAIT}. */
  public static final Duration DEFAULT_INITIAL_WAIT = Duration.ofSeconds(1);

  /** Growth of the open wait per failed trial. */
  public static final double DEFAULT_WAIT_MULTIPLIER = 2.0;

  /** The longest open wait. */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(1);

  private static final StoreResilience DISABLED = new StoreResilience(null);

  private final @Nullable Map<StoreRole, Guard> guards; // null when disabled

  private StoreResilience(@Nullable Map<StoreRole, Guard> guards) {
    this.guards = guards;
  }

  /** Breakers with the default configuration ({@link #defaultConfig()}) and no meters. */
  public static StoreResilience ofDefaults() {
    return builder().build();
  }

  /** No breakers: every {@code wrap} method returns the store it is given. */
  public static StoreResilience disabled() {
    return DISABLED;
  }

  /** Starts a configuration. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The default breaker configuration: a count-based window of the last {@value
   * #DEFAULT_SLIDING_WINDOW_SIZE} calls (rates computed from {@value
   * #DEFAULT_MINIMUM_NUMBER_OF_CALLS} calls on); opens at a {@value
   * #DEFAULT_FAILURE_RATE_THRESHOLD} % failure rate or when {@value
   * #DEFAULT_SLOW_CALL_RATE_THRESHOLD} % of the calls took longer than 2 s; waits 1 s, then 2, 4,
   * ... up to 60 s while trials of {@value #DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE} calls keep
   * failing; ignores {@link IllegalArgumentException}.
   */
  public static CircuitBreakerConfig defaultConfig() {
    return CircuitBreakerConfig.custom()
        .slidingWindow(
            DEFAULT_SLIDING_WINDOW_SIZE,
            DEFAULT_MINIMUM_NUMBER_OF_CALLS,
            SlidingWindowType.COUNT_BASED)
        .failureRateThreshold(DEFAULT_FAILURE_RATE_THRESHOLD)
        .slowCallRateThreshold(DEFAULT_SLOW_CALL_RATE_THRESHOLD)
        .slowCallDurationThreshold(DEFAULT_SLOW_CALL_DURATION_THRESHOLD)
        .permittedNumberOfCallsInHalfOpenState(DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE)
        .waitIntervalFunctionInOpenState(
            IntervalFunction.ofExponentialBackoff(
                DEFAULT_INITIAL_WAIT, DEFAULT_WAIT_MULTIPLIER, DEFAULT_MAX_WAIT))
        .ignoreExceptions(IllegalArgumentException.class)
        .writableStackTraceEnabled(false)
        .build();
  }

  /** Whether this instance wraps anything ({@code false} for {@link #disabled()}). */
  public boolean enabled() {
    return guards != null;
  }

  /**
   * The breaker of a role, for inspection or for tests ({@code transitionToForcedOpenState()});
   * throws for {@link #disabled()}.
   */
  public CircuitBreaker circuitBreaker(StoreRole role) {
    if (guards == null) {
      throw new IllegalStateException("store resilience is disabled");
    }
    // an enabled instance has a guard for every role
    return Objects.requireNonNull(guards.get(Objects.requireNonNull(role, "role"))).breaker();
  }

  /**
   * The dedup store behind the {@link StoreRole#DEDUP} breaker; a wrapped store is returned as is.
   */
  public DedupStore dedupStore(DedupStore store) {
    Objects.requireNonNull(store, "store");
    if (guards == null || store instanceof ResilientDedupStore) {
      return store;
    }
    return new ResilientDedupStore(store, registered(StoreRole.DEDUP));
  }

  /** The entity-version store behind the {@link StoreRole#ORDERING} breaker. */
  public EntityVersionStore entityVersionStore(EntityVersionStore store) {
    Objects.requireNonNull(store, "store");
    if (guards == null || store instanceof ResilientEntityVersionStore) {
      return store;
    }
    return new ResilientEntityVersionStore(store, registered(StoreRole.ORDERING));
  }

  /** The transactional store behind the {@link StoreRole#TRANSACTION} breaker. */
  public TransactionalStore transactionalStore(TransactionalStore store) {
    Objects.requireNonNull(store, "store");
    if (guards == null || store instanceof ResilientTransactionalStore) {
      return store;
    }
    return new ResilientTransactionalStore(store, registered(StoreRole.TRANSACTION));
  }

  /** The dead-letter sink behind the {@link StoreRole#DEAD_LETTER} breaker. */
  public DeadLetterSink deadLetterSink(DeadLetterSink sink) {
    Objects.requireNonNull(sink, "sink");
    if (guards == null || sink instanceof ResilientDeadLetterSink) {
      return sink;
    }
    return new ResilientDeadLetterSink(sink, registered(StoreRole.DEAD_LETTER));
  }

  private Guard registered(StoreRole role) {
    // only called on an enabled instance, which has a guard for every role
    Guard guard = Objects.requireNonNull(Objects.requireNonNull(guards).get(role));
    guard.registerMeters();
    return guard;
  }

  /** Configures a {@link StoreResilience}. */
  public static final class Builder {
    private final Map<StoreRole, CircuitBreakerConfig> configs = new EnumMap<>(StoreRole.class);
    private CircuitBreakerConfig config = defaultConfig();
    private @Nullable MeterRegistry meterRegistry;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Uses {@code config} for every role without a config of its own. Start from {@code
     * CircuitBreakerConfig.from(StoreResilience.defaultConfig())} to change a few settings.
     */
    public Builder config(CircuitBreakerConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Uses {@code config} for one role (say, a longer slow-call threshold for the sink). */
    public Builder config(StoreRole role, CircuitBreakerConfig config) {
      configs.put(Objects.requireNonNull(role, "role"), Objects.requireNonNull(config, "config"));
      return this;
    }

    /** Records the breaker meters on this registry; none by default. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The clock of the open-state waits and of call durations; the system clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Builds the breakers. */
    public StoreResilience build() {
      Map<StoreRole, Guard> guards = new EnumMap<>(StoreRole.class);
      for (StoreRole role : StoreRole.values()) {
        guards.put(role, new Guard(role, configs.getOrDefault(role, config), clock, meterRegistry));
      }
      return new StoreResilience(guards);
    }
  }
}
