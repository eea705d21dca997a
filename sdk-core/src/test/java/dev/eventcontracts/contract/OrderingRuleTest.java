package dev.eventcontracts.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.envelope.EnvelopeReader;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.SeedEvents;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.ValidationReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Entity and position of events for ordering, by version and by timestamp. */
class OrderingRuleTest {
  private static final EnvelopeReader READER = EnvelopeReader.ofDefaults();

  private static Envelope envelope(String json) {
    return READER.read(InboundMessage.of(json)).envelope();
  }

  private static Envelope profile(String version) {
    return envelope(
        """
        {"event_id": "46addede-f6bd-438a-9351-2a28b6c983e8", "event_name": "profile.updated",
         "event_version": "v1", "occurred_at": "2026-02-03T09:00:45.010Z", "producer": "p",
         "trace_id": "t", "idempotency_key": "k",
         "payload": {"candidate_id": "cand_1", "profile_version": %s}}
        """
            .formatted(version));
  }

  @Test
  void byEntityVersion() {
    OrderingRule rule = OrderingRule.byVersion("{candidate_id}", "profile_version");
    assertThat(rule.kind()).isEqualTo(OrderingRule.Kind.VERSION);
    assertThat(rule.entityOf(profile("3"))).isEqualTo("cand_1");
    assertThat(rule.positionOf(profile("3"))).isEqualTo(3L);
    assertThat(rule.positionOf(profile("\"12\""))).isEqualTo(12L);
    assertThat(rule.positionOf(profile("\"twelve\""))).isNull();
    assertThat(rule.positionOf(profile("1.5"))).isNull();
    assertThat(rule.positionOf(profile("null"))).isNull();
    assertThat(rule.positionOf(profile("99999999999999999999999"))).isNull();
  }

  @Test
  void seed000ContractOrdersByProfileVersion() {
    ContractRegistry registry = ContractRegistry.load(SeedEvents.registry("recruiting"));
    OrderingRule rule = registry.contract("profile.updated", "v1").orElseThrow().ordering();
    Envelope e = envelope(SeedEvents.S000_PROFILE_UPDATED);
    assertThat(rule.entityOf(e)).isEqualTo("cand_7f3a9c21");
    assertThat(rule.positionOf(e)).isEqualTo(3L);
  }

  @Test
  void byTimestampFromIsoText() {
    OrderingRule rule =
        OrderingRule.byTimestamp("{envelope.correlation_id}", "envelope.occurred_at");
    Envelope e = envelope(SeedEvents.S004_INVENTORY_RESERVED);
    assertThat(rule.kind()).isEqualTo(OrderingRule.Kind.TIMESTAMP);
    assertThat(rule.entityOf(e)).isEqualTo("order_550e8400-e29b-41d4-a716-446655440007");
    assertThat(rule.positionOf(e)).isEqualTo(Instant.parse("2024-01-15T11:00:00Z").toEpochMilli());
  }

  @Test
  void byTimestampFromEpochMillis() {
    OrderingRule rule = OrderingRule.byTimestamp("{envelope.event_id}", "envelope.occurred_at");
    Envelope e = envelope(SeedEvents.S002_USER_AUTHENTICATED);
    assertThat(rule.positionOf(e)).isEqualTo(1728212400000L);
    assertThat(rule.entityOf(e)).isEqualTo("550e8400-e29b-41d4-a716-446655440000");
  }

  @Test
  void byTimestampFromPayloadFieldWithOffset() {
    OrderingRule rule = OrderingRule.byTimestamp("{candidate_id}", "updated_at");
    Envelope e =
        envelope(
            SeedEvents.S000_PROFILE_UPDATED.replace(
                "\"2026-02-03T09:00:44Z\"", "\"2026-02-03T11:00:44+02:00\""));
    assertThat(rule.positionOf(e)).isEqualTo(Instant.parse("2026-02-03T09:00:44Z").toEpochMilli());
    Envelope unreadable =
        envelope(SeedEvents.S000_PROFILE_UPDATED.replace("\"2026-02-03T09:00:44Z\"", "\"soon\""));
    assertThat(rule.positionOf(unreadable)).isNull();
  }

  @Test
  void missingEntityFieldGivesNoEntity() {
    OrderingRule rule =
        OrderingRule.byTimestamp("{envelope.correlation_id}", "envelope.occurred_at");
    Envelope noCorrelation =
        envelope(
            """
            {"event_id": "e1", "timestamp": "2024-01-15T11:00:00Z", "version": "1.0",
             "event_type": "InventoryReserved", "data": {}}
            """);
    assertThat(rule.entityOf(noCorrelation)).isNull();
  }

  @Test
  void exampleFilesAreInTimestampOrderPerEntity() {
    // todo times fall on whole minutes (09:00:00.000+00:00): each must still give a position
    for (String[] spec :
        new String[][] {
          {"todo", "todo.ndjson"}, {"activity", "activity.ndjson"}, {"commerce", "commerce.ndjson"}
        }) {
      EventValidator v = EventValidator.of(ContractRegistry.load(SeedEvents.registry(spec[0])));
      List<Long> positions = new ArrayList<>();
      for (String line : SeedEvents.lines(spec[1])) {
        ValidationReport report = v.validate(InboundMessage.of(line));
        if (report.contract() == null || report.contract().ordering() == null) {
          continue;
        }
        OrderingRule rule = report.contract().ordering();
        assertThat(rule.kind()).isEqualTo(OrderingRule.Kind.TIMESTAMP);
        assertThat(rule.entityOf(report.envelope())).as(line).isNotNull();
        Long position = rule.positionOf(report.envelope());
        assertThat(position).as(line).isEqualTo(report.envelope().occurredAt().toEpochMilli());
        positions.add(position);
      }
      assertThat(positions).as(spec[1]).isNotEmpty();
    }
  }

  @Test
  void todoWholeMinuteEventGetsItsPosition() {
    EventValidator v = EventValidator.of(ContractRegistry.load(SeedEvents.registry("todo")));
    ValidationReport report =
        v.validate(InboundMessage.of(SeedEvents.S003_TASK_CREATED_STRUCTURED));
    assertThat(report.contract().ordering().positionOf(report.envelope()))
        .isEqualTo(Instant.parse("2026-02-03T09:00:00Z").toEpochMilli());
    assertThat(report.contract().ordering().entityOf(report.envelope()))
        .isEqualTo("d612a34b-f35b-4cf0-9194-52e9511e39c8");
  }
}
