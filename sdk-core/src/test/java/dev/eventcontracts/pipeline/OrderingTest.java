package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static dev.eventcontracts.pipeline.Fixtures.job;
import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.Field;
import dev.eventcontracts.contract.OrderingRule;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.envelope.EnvelopeField;
import dev.eventcontracts.envelope.EnvelopeFormats;
import dev.eventcontracts.envelope.JsonEnvelopeFormat;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.pipeline.Fixtures.Flaky;
import dev.eventcontracts.pipeline.Fixtures.Recorder;
import dev.eventcontracts.testing.stores.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Out-of-order protection by entity version and by timestamp. */
class OrderingTest {
  private final MutableClock clock = MutableClock.startingAt(NOW);
  private final InMemoryDeadLetterSink sink = DeadLetterSink.inMemory();
  private final EntityVersionStore versions = EntityVersionStore.inMemory();

  @Test
  void versionAdvancesOnlyAfterTheHandlerSucceeds() {
    Flaky once = new Flaky(1, new IllegalStateException("timeout"));
    EventPipeline pipeline =
        Fixtures.pipeline(sink, clock)
            .entityVersionStore(versions)
            .handler(HandlerBinding.ofJson("profile.updated", once))
            .build();

    ProcessingResult failed = pipeline.process(msg(profile("cand_1", 5)), 1);
    assertThat(failed.disposition()).isEqualTo(Disposition.RETRY);
    assertThat(versions.current("-/15:profile.updated/cand_1")).isEmpty();

    // an older version arriving in between is not stale: version 5 was never applied
    assertThat(pipeline.process(msg(profile("cand_1", 4))).outcome()).isEqualTo(Outcome.PROCESSED);
    // and the redelivery of the failed version is processed, not stale
    assertThat(pipeline.process(msg(profile("cand_1", 5)), 2).outcome())
        .isEqualTo(Outcome.PROCESSED);
    assertThat(versions.current("-/15:profile.updated/cand_1")).isEqualTo(OptionalLong.of(5));
  }

  @Test
  void entitiesAreScopedByContract() {
    // a candidate and a job that happen to share an id order independently
    Recorder handled = new Recorder();
    EventPipeline pipeline =
        Fixtures.pipeline(sink, clock)
            .entityVersionStore(versions)
            .handler(HandlerBinding.ofJson("profile.updated", handled))
            .handler(HandlerBinding.ofJson("job.updated", handled))
            .build();

    assertThat(pipeline.process(msg(profile("x_1", 9))).outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(pipeline.process(msg(job("x_1", 2))).outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(versions.current("-/15:profile.updated/x_1")).isEqualTo(OptionalLong.of(9));
    assertThat(versions.current("-/11:job.updated/x_1")).isEqualTo(OptionalLong.of(2));
  }

  @Test
  void eachEntityKeepsItsOwnPosition() {
    Recorder handled = new Recorder();
    EventPipeline pipeline =
        Fixtures.pipeline(sink, clock)
            .handler(HandlerBinding.ofJson("profile.updated", handled))
            .build();

    pipeline.process(msg(profile("cand_1", 7)));
    assertThat(pipeline.process(msg(profile("cand_2", 1))).outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(pipeline.process(msg(profile("cand_1", 6))).outcome()).isEqualTo(Outcome.STALE);
  }

  private static final String ORDER_EVENT =
      """
      {"event_id": "%s", "correlation_id": "%s", "timestamp": "%s",
       "source_service": "order-service", "event_version": "1.0",
       "event_type": "order.status_changed", "data": {"order_id": "ord_1", "status": "%s"}}""";

  private static String order(String id, String correlation, String timestamp, String status) {
    return ORDER_EVENT.formatted(id, correlation, timestamp, status);
  }

  @Test
  void timestampOrderingWithinACorrelationId() {
    // seed 004 wants UTC; the opt-in date-time check lets this test compare instants across offsets
    ContractRegistry registry =
        ContractRegistry.builder()
            .envelopeFormat(
                EnvelopeFormats.commerce().toBuilder()
                    .check(EnvelopeField.OCCURRED_AT, JsonEnvelopeFormat.Check.DATE_TIME)
                    .build())
            .add(
                EventContract.builder("order.status_changed", "1.0")
                    .required("order_id", Field.string())
                    .required("status", Field.string())
                    .idempotencyKey("order.status_changed:{envelope.event_id}")
                    .ordering(
                        OrderingRule.byTimestamp(
                            "{envelope.correlation_id}", "envelope.occurred_at"))
                    .build())
            .build();
    Recorder handled = new Recorder();
    EventPipeline pipeline =
        EventPipeline.builder(registry)
            .deadLetterSink(sink)
            .clock(clock)
            .handler(HandlerBinding.ofJson("order.status_changed", handled))
            .build();

    ProcessingResult completed =
        pipeline.process(msg(order("e1", "corr-1", "2024-01-15T12:45:00Z", "completed")));
    ProcessingResult cancelledEarlier =
        pipeline.process(msg(order("e2", "corr-1", "2024-01-15T12:30:00Z", "cancelled")));
    ProcessingResult sameInstantOtherOffset =
        pipeline.process(msg(order("e3", "corr-1", "2024-01-15T13:45:00+01:00", "noise")));
    ProcessingResult later =
        pipeline.process(msg(order("e4", "corr-1", "2024-01-15T12:45:00.001Z", "refunded")));
    ProcessingResult otherCorrelation =
        pipeline.process(msg(order("e5", "corr-2", "2024-01-15T12:00:00Z", "created")));

    assertThat(completed.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(completed.entity()).isEqualTo("-/20:order.status_changed/corr-1");
    assertThat(completed.entityVersion()).isEqualTo(1705322700000L);
    assertThat(cancelledEarlier.outcome()).isEqualTo(Outcome.STALE);
    assertThat(sameInstantOtherOffset.outcome()).isEqualTo(Outcome.STALE);
    assertThat(later.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(otherCorrelation.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(handled.calls)
        .extracting(c -> c.payload().get("status").asText())
        .containsExactly("completed", "refunded", "created");
  }

  @Test
  void timestampOrderingWithEpochMillis() {
    ContractRegistry registry =
        ContractRegistry.builder()
            .envelopeFormat(EnvelopeFormats.interview())
            .add(
                EventContract.builder("session.updated", "1.0")
                    .required("sessionId", Field.string())
                    .ordering(OrderingRule.byTimestamp("{sessionId}", "envelope.occurred_at"))
                    .build())
            .build();
    EventPipeline pipeline =
        EventPipeline.builder(registry)
            .deadLetterSink(sink)
            .handler(HandlerBinding.ofJson("session.updated", (p, c) -> {}))
            .build();
    String event =
        """
        {"eventId": "%s", "eventType": "session.updated", "timestamp": %d,
         "data": {"sessionId": "s-1"}}""";

    assertThat(pipeline.process(msg(event.formatted("a", 1728212400000L))).outcome())
        .isEqualTo(Outcome.PROCESSED);
    assertThat(pipeline.process(msg(event.formatted("b", 1728212399999L))).outcome())
        .isEqualTo(Outcome.STALE);
    assertThat(pipeline.process(msg(event.formatted("c", 1728212400001L))).entityVersion())
        .isEqualTo(1728212400001L);
  }

  @Test
  void commerceExampleFileOrdersPerCorrelationIdAcrossEventTypes() throws IOException {
    // seed 004: line 15 (order.cancelled 12:30) follows line 14 (order.completed 12:45) with the
    // same correlation_id; every contract orders in the scope correlation_id, so it is stale
    ContractRegistry registry = ContractRegistry.load(Fixtures.COMMERCE);
    Recorder handled = new Recorder();
    EventPipeline.Builder builder = EventPipeline.builder(registry).deadLetterSink(sink);
    registry.contracts().forEach(c -> builder.handler(HandlerBinding.ofJson(c.name(), handled)));
    EventPipeline pipeline = builder.build();
    List<String> lines = Files.readAllLines(Fixtures.EVENTS.resolve("commerce.ndjson"));

    List<Outcome> outcomes = lines.stream().map(l -> pipeline.process(msg(l)).outcome()).toList();

    assertThat(outcomes.get(0)).isEqualTo(Outcome.UNKNOWN_EVENT);
    assertThat(outcomes.get(14)).isEqualTo(Outcome.STALE);
    assertThat(outcomes.subList(1, 14)).containsOnly(Outcome.PROCESSED);
    assertThat(outcomes.get(15)).isEqualTo(Outcome.PROCESSED);
    assertThat(handled.count()).isEqualTo(14);
  }
}
