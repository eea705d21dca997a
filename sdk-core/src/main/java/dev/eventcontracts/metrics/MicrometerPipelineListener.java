package dev.eventcontracts.metrics;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.PipelineListener;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.pipeline.ReplayPolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Records the pipeline's meters ({@link MetricNames}) on a Micrometer registry: the {@link
 * PipelineListener} that {@code EventPipeline.Builder.meterRegistry(...)} adds.
 *
 * <p>Meters are resolved once per event, version, outcome and replay flag, then kept in per-event
 * tables: recording a message costs two lookups of the registry's own name and version strings
 * (whose hashes are cached) and an array read, with no string built. The tables are made at
 * construction for every contract of the registry given, and grow only for names a listener is told
 * about otherwise (at most {@link #MAX_EVENTS} names; beyond that, meters are looked up in the
 * meter registry each time).
 */
public final class MicrometerPipelineListener implements PipelineListener {
  /** The most event names (and versions per name) whose meters are kept in tables. */
  public static final int MAX_EVENTS = 10_000;

  private static final Outcome[] OUTCOMES = Outcome.values();
  private static final ReplayPolicy[] POLICIES = ReplayPolicy.values();

  private final MeterRegistry registry;
  private final Clock clock;
  private final ConcurrentHashMap<String, EventMeters> events = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Timer>> storeTimers =
      new ConcurrentHashMap<>();
  private final AtomicReferenceArray<Counter> deadLetterFailures =
      new AtomicReferenceArray<>(OUTCOMES.length);

  private MicrometerPipelineListener(
      MeterRegistry registry, @Nullable ContractRegistry contracts, Clock c) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(c, "clock");
    events.put("unknown", new EventMeters("unknown"));
    if (contracts != null) {
      for (EventContract contract : contracts.contracts()) {
        events
            .computeIfAbsent(contract.name(), EventMeters::new)
            .versions
            .computeIfAbsent(
                contract.version(), v -> new AtomicReferenceArray<>(OUTCOMES.length * 2));
      }
    }
  }

  /**
   * A listener recording on {@code registry}, measuring lag on the system clock; its tables fill as
   * events arrive.
   */
  public static MicrometerPipelineListener of(MeterRegistry registry) {
    return new MicrometerPipelineListener(registry, null, Clock.systemUTC());
  }

  /**
   * A listener recording on {@code registry}, with tables made up front for every contract of
   * {@code contracts}, measuring lag (occurred-at to now) on {@code clock}.
   */
  public static MicrometerPipelineListener of(
      MeterRegistry registry, ContractRegistry contracts, Clock clock) {
    return new MicrometerPipelineListener(
        registry, Objects.requireNonNull(contracts, "contracts"), clock);
  }

  /** The registry meters are recorded on. */
  public MeterRegistry registry() {
    return registry;
  }

  @Override
  public void onOutcome(String event, String version, ProcessingResult result) {
    EventMeters meters = meters(event);
    meters.outcome(version, result.outcome(), result.replay()).increment();
    // a replay keeps its original occurred_at (seed 000), so its "lag" is the replay's age: left
    // out, or one replay would swamp the timer that alerts on a consumer falling behind
    if (result.outcome() == Outcome.PROCESSED && !result.replay()) {
      Envelope envelope = result.envelope();
      Instant occurredAt = envelope == null ? null : envelope.occurredAt();
      if (occurredAt != null) {
        Duration lag = Duration.between(occurredAt, clock.instant());
        if (!lag.isNegative()) {
          meters.lag().record(lag);
        }
      }
    }
  }

  @Override
  public void onRetry(String event, String version, ProcessingResult result) {
    meters(event).retry(result.outcome()).increment();
  }

  @Override
  public void onHandler(String event, boolean success, long nanos) {
    meters(event).handler(success).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void onStoreCall(String store, String operation, long nanos) {
    // store and operation are the pipeline's own literals: a handful of pairs, hashes cached
    ConcurrentHashMap<String, Timer> byOperation = storeTimers.get(store);
    if (byOperation == null) {
      byOperation = storeTimers.computeIfAbsent(store, k -> new ConcurrentHashMap<>());
    }
    Timer timer = byOperation.get(operation);
    if (timer == null) {
      timer =
          byOperation.computeIfAbsent(
              operation,
              k ->
                  Timer.builder(MetricNames.STORE_DURATION)
                      .description("Store call time")
                      .tag(MetricNames.TAG_STORE, store)
                      .tag(MetricNames.TAG_OPERATION, operation)
                      .register(registry));
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void onReplay(String event, ReplayPolicy policy) {
    meters(event).replay(policy).increment();
  }

  @Override
  public void onKeyMismatch(String event) {
    meters(event).keyMismatch().increment();
  }

  @Override
  public void onKeyReuse(String event, String version, ProcessingResult result) {
    meters(event).keyReuse().increment();
  }

  @Override
  public void onDeadLetterFailure(DeadLetter deadLetter, Throwable error) {
    Outcome outcome = deadLetter.reason();
    resolve(
            deadLetterFailures,
            outcome.ordinal(),
            i ->
                Counter.builder(MetricNames.DEAD_LETTER_FAILURES)
                    .tag(MetricNames.TAG_OUTCOME, outcome.name())
                    .register(registry))
        .increment();
  }

  private EventMeters meters(String event) {
    EventMeters meters = events.get(event);
    if (meters == null) {
      if (events.size() >= MAX_EVENTS) {
        return new EventMeters(event); // not kept: its meters come from the registry each time
      }
      meters = events.computeIfAbsent(event, EventMeters::new);
    }
    return meters;
  }

  /** The meter in {@code slot}, registered on first use (registering twice gives the same one). */
  private static <M> M resolve(AtomicReferenceArray<M> table, int slot, Function<Integer, M> make) {
    M meter = table.get(slot);
    if (meter == null) {
      meter = make.apply(slot);
      table.set(slot, meter);
    }
    return meter;
  }

  /** The meters of one event name. */
  private final class EventMeters {
    final String event;
    final ConcurrentHashMap<String, AtomicReferenceArray<Counter>> versions =
        new ConcurrentHashMap<>();
    final AtomicReferenceArray<Timer> handler = new AtomicReferenceArray<>(2);
    final AtomicReferenceArray<Counter> retries = new AtomicReferenceArray<>(OUTCOMES.length);
    final AtomicReferenceArray<Counter> replays = new AtomicReferenceArray<>(POLICIES.length);
    final AtomicReferenceArray<Object> single = new AtomicReferenceArray<>(3);

    EventMeters(String event) {
      this.event = event;
    }

    Counter outcome(String version, Outcome outcome, boolean replay) {
      AtomicReferenceArray<Counter> table = versions.get(version);
      if (table == null) {
        table =
            versions.size() >= MAX_EVENTS
                ? new AtomicReferenceArray<>(OUTCOMES.length * 2)
                : versions.computeIfAbsent(
                    version, v -> new AtomicReferenceArray<>(OUTCOMES.length * 2));
      }
      return resolve(
          table,
          outcome.ordinal() * 2 + (replay ? 1 : 0),
          i ->
              Counter.builder(MetricNames.EVENTS)
                  .description("Messages by outcome")
                  .tag(MetricNames.TAG_EVENT, event)
                  .tag(MetricNames.TAG_VERSION, version)
                  .tag(MetricNames.TAG_OUTCOME, outcome.name())
                  .tag(MetricNames.TAG_REPLAY, Boolean.toString(replay))
                  .register(registry));
    }

    Timer handler(boolean success) {
      String result = success ? "success" : "failure";
      return resolve(
          handler,
          success ? 0 : 1,
          i ->
              Timer.builder(MetricNames.HANDLER_DURATION)
                  .description("Handler run time")
                  .tag(MetricNames.TAG_EVENT, event)
                  .tag(MetricNames.TAG_RESULT, result)
                  .register(registry));
    }

    Counter retry(Outcome outcome) {
      return resolve(
          retries,
          outcome.ordinal(),
          i ->
              Counter.builder(MetricNames.RETRIES)
                  .tag(MetricNames.TAG_EVENT, event)
                  .tag(MetricNames.TAG_OUTCOME, outcome.name())
                  .register(registry));
    }

    Counter replay(ReplayPolicy policy) {
      return resolve(
          replays,
          policy.ordinal(),
          i ->
              Counter.builder(MetricNames.REPLAYS)
                  .tag(MetricNames.TAG_EVENT, event)
                  .tag(MetricNames.TAG_POLICY, policy.name())
                  .register(registry));
    }

    Timer lag() {
      return (Timer)
          resolve(
              single,
              0,
              i ->
                  Timer.builder(MetricNames.LAG)
                      .description("Time from occurred-at to the end of handling")
                      .tag(MetricNames.TAG_EVENT, event)
                      .register(registry));
    }

    Counter keyMismatch() {
      return (Counter)
          resolve(
              single,
              1,
              i ->
                  Counter.builder(MetricNames.KEY_MISMATCHES)
                      .tag(MetricNames.TAG_EVENT, event)
                      .register(registry));
    }

    Counter keyReuse() {
      return (Counter)
          resolve(
              single,
              2,
              i ->
                  Counter.builder(MetricNames.KEY_REUSES)
                      .tag(MetricNames.TAG_EVENT, event)
                      .register(registry));
    }
  }
}
