package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.never;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.metrics.MetricNames;
import dev.eventcontracts.pipeline.Fixtures.Flaky;
import dev.eventcontracts.testing.stores.MutableClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mockito.MockedStatic;
import org.mockito.Mockito;
import org.slf4j.MDC;

/** The meters of {@link MetricNames} and the MDC keys the pipeline sets around a handler. */
class PipelineObservabilityTest {
  private final MutableClock clock = MutableClock.startingAt(NOW);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final Flaky handler = new Flaky(0, new IllegalStateException("unused"));
  private final EventPipeline pipeline =
      Fixtures.pipeline(DeadLetterSink.inMemory(), clock)
          .meterRegistry(meters)
          .handler(HandlerBinding.ofJson("profile.updated", handler))
          .build();

  private double events(String event, String version, String outcome, String replay) {
    return meters
        .get(MetricNames.EVENTS)
        .tags(
            MetricNames.TAG_EVENT,
            event,
            MetricNames.TAG_VERSION,
            version,
            MetricNames.TAG_OUTCOME,
            outcome,
            MetricNames.TAG_REPLAY,
            replay)
        .counter()
        .count();
  }

  private Timer store(String store, String operation) {
    return meters
        .get(MetricNames.STORE_DURATION)
        .tags(MetricNames.TAG_STORE, store, MetricNames.TAG_OPERATION, operation)
        .timer();
  }

  @Test
  void outcomeCounterIsTaggedByEventVersionOutcomeAndReplay() {
    pipeline.process(msg(profile("cand_1", 3)));
    pipeline.process(msg(profile("cand_1", 3)));
    pipeline.process(msg(profile("cand_1", 2)));
    pipeline.process(Fixtures.replay(profile("cand_1", 4)));
    pipeline.process(msg("garbage"));
    pipeline.process(msg(Fixtures.with(profile("cand_1", 9), "event_version", "v7")));

    assertThat(events("profile.updated", "v1", "PROCESSED", "false")).isEqualTo(1.0);
    assertThat(events("profile.updated", "v1", "DUPLICATE", "false")).isEqualTo(1.0);
    assertThat(events("profile.updated", "v1", "STALE", "false")).isEqualTo(1.0);
    assertThat(events("profile.updated", "v1", "PROCESSED", "true")).isEqualTo(1.0);
    assertThat(events("unknown", "unknown", "MALFORMED", "false")).isEqualTo(1.0);
    // the version is not a contract's: bounded to "unknown"
    assertThat(events("profile.updated", "unknown", "UNSUPPORTED_VERSION", "false")).isEqualTo(1.0);
  }

  @Test
  void madeUpNamesAndVersionsDoNotCreateMeters() {
    // hostile or broken producers must not grow the meter registry without bound
    for (int i = 0; i < 50; i++) {
      pipeline.process(msg(Fixtures.with(profile("cand_1", 3), "event_name", "made.up." + i)));
      pipeline.process(msg(Fixtures.with(profile("cand_1", 3), "event_version", "v" + (100 + i))));
    }

    assertThat(meters.find(MetricNames.EVENTS).counters()).hasSize(2);
    assertThat(events("unknown", "unknown", "UNKNOWN_EVENT", "false")).isEqualTo(50.0);
    assertThat(events("profile.updated", "unknown", "UNSUPPORTED_VERSION", "false"))
        .isEqualTo(50.0);
  }

  @Test
  void handlerTimerRecordsSuccessAndFailure() {
    pipeline.process(msg(profile("cand_1", 3)));
    EventPipeline failing =
        Fixtures.pipeline(DeadLetterSink.inMemory(), clock)
            .meterRegistry(meters)
            .handler(
                HandlerBinding.ofJson(
                    "profile.updated", new Flaky(1, new IllegalStateException("once"))))
            .build();
    failing.process(msg(profile("cand_2", 3)), 1);

    Timer success =
        meters
            .get(MetricNames.HANDLER_DURATION)
            .tags(MetricNames.TAG_EVENT, "profile.updated", MetricNames.TAG_RESULT, "success")
            .timer();
    Timer failure =
        meters
            .get(MetricNames.HANDLER_DURATION)
            .tags(MetricNames.TAG_EVENT, "profile.updated", MetricNames.TAG_RESULT, "failure")
            .timer();
    assertThat(success.count()).isEqualTo(1);
    assertThat(failure.count()).isEqualTo(1);
    assertThat(
            meters
                .get(MetricNames.RETRIES)
                .tags(MetricNames.TAG_EVENT, "profile.updated", MetricNames.TAG_OUTCOME, "FAILED")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void lagIsMeasuredFromOccurredAtForProcessedEventsOnly() {
    pipeline.process(msg(profile("cand_1", 3)));
    pipeline.process(msg(profile("cand_1", 2))); // stale: no lag

    Timer lag = meters.get(MetricNames.LAG).tag(MetricNames.TAG_EVENT, "profile.updated").timer();
    assertThat(lag.count()).isEqualTo(1);
    long expected = Duration.between(Fixtures.at(3), NOW).toMillis();
    assertThat(lag.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(expected);
  }

  @Test
  void replaysAreLeftOutOfTheLag() {
    pipeline.process(Fixtures.replay(profile("cand_1", 3)));

    assertThat(meters.find(MetricNames.LAG).timer()).isNull();
    assertThat(events("profile.updated", "v1", "PROCESSED", "true")).isEqualTo(1.0);
  }

  @Test
  void storeTimersCoverEveryStoreCall() {
    pipeline.process(msg(profile("cand_1", 3)));

    assertThat(store("dedup", "claim").count()).isEqualTo(1);
    assertThat(store("dedup", "complete").count()).isEqualTo(1);
    assertThat(store("ordering", "current").count()).isEqualTo(1);
    assertThat(store("ordering", "advance").count()).isEqualTo(1);

    pipeline.processBatch(List.of(msg(profile("cand_2", 1)), msg(profile("cand_3", 1))));
    assertThat(store("dedup", "claimAll").count()).isEqualTo(1);
    assertThat(store("ordering", "currentAll").count()).isEqualTo(1);

    EventPipeline failing =
        Fixtures.pipeline(DeadLetterSink.inMemory(), clock)
            .meterRegistry(meters)
            .handler(
                HandlerBinding.ofJson(
                    "profile.updated", new Flaky(1, new IllegalStateException("once"))))
            .build();
    failing.process(msg(profile("cand_9", 1)), 1);
    assertThat(store("dedup", "release").count()).isEqualTo(1);
  }

  @Test
  void everyMeterNameIsInMetricNames() {
    pipeline.process(msg(profile("cand_1", 3)));
    pipeline.process(msg(Fixtures.with(profile("cand_1", 4), "idempotency_key", "other")));

    List<String> names = meters.getMeters().stream().map(m -> m.getId().getName()).toList();
    assertThat(names)
        .allSatisfy(n -> assertThat(n).startsWith("eventcontracts."))
        .contains(
            MetricNames.EVENTS,
            MetricNames.HANDLER_DURATION,
            MetricNames.LAG,
            MetricNames.STORE_DURATION,
            MetricNames.KEY_MISMATCHES);
  }

  @Test
  void mdcCarriesTheEventDuringHandlingAndRestoresTheCallersContext() {
    // slf4j-simple's MDC does nothing, so the calls are checked on a mock of MDC
    ObjectNode event = Fixtures.with(profile("cand_1", 3), "correlation_id", "corr-1");
    try (MockedStatic<MDC> mdc = Mockito.mockStatic(MDC.class)) {
      mdc.when(() -> MDC.get("event_name")).thenReturn("outer");

      pipeline.process(msg(event));

      mdc.verify(() -> MDC.put("event_id", event.get("event_id").asText()));
      mdc.verify(() -> MDC.put("event_name", "profile.updated"));
      mdc.verify(() -> MDC.put("trace_id", event.get("trace_id").asText()));
      mdc.verify(() -> MDC.put("correlation_id", "corr-1"));
      // afterwards the caller's value comes back and the event's own keys are removed; the rest
      // of the caller's context is never touched
      mdc.verify(() -> MDC.put("event_name", "outer"));
      mdc.verify(() -> MDC.remove("event_id"));
      mdc.verify(() -> MDC.remove("trace_id"));
      mdc.verify(() -> MDC.remove("correlation_id"));
      mdc.verify(MDC::clear, never());
      mdc.verify(() -> MDC.setContextMap(Mockito.any()), never());
    }
  }
}
