package dev.eventcontracts.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.envelope.EnvelopeReader;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.SeedEvents;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.ValidationReport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Idempotency-key and entity templates. */
class KeyTemplateTest {
  private static final EnvelopeReader READER = EnvelopeReader.ofDefaults();

  private static Envelope envelope(String json) {
    return READER.read(InboundMessage.of(json)).envelope();
  }

  private static Envelope profileUpdated(String payload) {
    return envelope(
        """
        {"event_id": "46addede-f6bd-438a-9351-2a28b6c983e8", "event_name": "profile.updated",
         "event_version": "v1", "occurred_at": "2026-02-03T09:00:45.010Z",
         "producer": "candidate-profile-service", "trace_id": "t", "idempotency_key": "k",
         "correlation_id": "corr-1", "payload": %s}
        """
            .formatted(payload));
  }

  @Test
  void seed000TemplateRenders() {
    KeyTemplate t = KeyTemplate.parse("profile.updated:{candidate_id}:{profile_version}");
    assertThat(t.render(envelope(SeedEvents.S000_PROFILE_UPDATED)))
        .isEqualTo("profile.updated:cand_7f3a9c21:3");
    assertThat(t.fields())
        .extracting(FieldRef::path)
        .containsExactly("candidate_id", "profile_version");
  }

  @Test
  void missingFieldRendersNoKeyNeverAKeyWithAHole() {
    KeyTemplate t = KeyTemplate.parse("profile.updated:{candidate_id}:{profile_version}");
    Envelope noVersion = profileUpdated("{\"candidate_id\": \"c1\"}");
    Envelope nullVersion = profileUpdated("{\"candidate_id\": \"c1\", \"profile_version\": null}");
    assertThat(t.render(noVersion)).isNull();
    assertThat(t.render(nullVersion)).isNull();
    assertThat(t.missing(noVersion))
        .extracting(FieldRef::toString)
        .containsExactly("profile_version");
    assertThat(t.missing(envelope(SeedEvents.S000_PROFILE_UPDATED))).isEmpty();
  }

  @Test
  void everyExampleKeyMatchesTheProducersKey() {
    EventValidator v = EventValidator.of(ContractRegistry.load(SeedEvents.registry("recruiting")));
    for (String line : SeedEvents.lines("recruiting-valid.ndjson")) {
      ValidationReport report = v.validate(InboundMessage.of(line));
      assertThat(report.contract().idempotencyKey().render(report.envelope()))
          .isEqualTo(report.envelope().idempotencyKey());
    }
  }

  @Test
  void optionalFieldInATemplateMeansNoKeyWhenAbsent() {
    // E-13's template references the optional source_event_id
    ContractRegistry registry = ContractRegistry.load(SeedEvents.registry("recruiting"));
    KeyTemplate t = registry.contract("billing.usage.updated", "v1").orElseThrow().idempotencyKey();
    Envelope withoutSource =
        envelope(
            """
            {"event_id": "8dbf262c-d259-4339-a35e-12c024977f23", "event_name": "billing.usage.updated",
             "event_version": "v1", "occurred_at": "2026-02-04T14:22:06.001Z", "producer": "b",
             "trace_id": "t", "idempotency_key": "k",
             "payload": {"organization_id": "org_acme", "billing_month": "2026-02",
                         "metric_name": "invites_sent", "delta": 1,
                         "updated_at": "2026-02-04T14:22:06Z"}}
            """);
    assertThat(t.render(withoutSource)).isNull();
  }

  @Test
  void envelopeFieldsAndRawTopLevelFields() {
    Envelope activity = envelope(SeedEvents.S001_TEXT_JOB_REQUESTED);
    assertThat(KeyTemplate.parse("TEXT_JOB_REQUESTED:{envelope.jobId}").render(activity))
        .isEqualTo("TEXT_JOB_REQUESTED:fae2156c-4004-42f2-be98-7ea7f3dec34a");
    assertThat(KeyTemplate.parse("{envelope.userId}/{envelope.event_name}").render(activity))
        .isEqualTo("usr_4821/TEXT_JOB_REQUESTED");
    assertThat(KeyTemplate.parse("{envelope.event_id}").render(activity)).isNull();

    Envelope interview = envelope(SeedEvents.S002_USER_AUTHENTICATED);
    assertThat(KeyTemplate.parse("user.authenticated:{envelope.event_id}").render(interview))
        .isEqualTo("user.authenticated:550e8400-e29b-41d4-a716-446655440000");
    assertThat(KeyTemplate.parse("{envelope.occurred_at}").render(interview))
        .isEqualTo("1728212400000");

    Envelope commerce = envelope(SeedEvents.S004_INVENTORY_RESERVED);
    assertThat(KeyTemplate.parse("{envelope.correlation_id}:{reservation_id}").render(commerce))
        .isEqualTo("order_550e8400-e29b-41d4-a716-446655440007:res_123456789");
  }

  @Test
  void seed001ContractsKeyOnJobId() {
    EventValidator v = EventValidator.of(ContractRegistry.load(SeedEvents.registry("activity")));
    List<String> lines = SeedEvents.lines("activity.ndjson");
    ValidationReport status = v.validate(InboundMessage.of(lines.get(1)));
    assertThat(status.contract().idempotencyKey().render(status.envelope()))
        .isEqualTo("JOB_STATUS_CHANGED:fae2156c-4004-42f2-be98-7ea7f3dec34a:queued:1");
    ValidationReport request = v.validate(InboundMessage.of(SeedEvents.S001_TEXT_JOB_REQUESTED));
    assertThat(request.contract().idempotencyKey().render(request.envelope()))
        .isEqualTo("TEXT_JOB_REQUESTED:fae2156c-4004-42f2-be98-7ea7f3dec34a");
  }

  @Test
  void valuesRenderAsTheirJsonText() {
    Envelope e =
        profileUpdated(
            "{\"n\": 3, \"f\": 0.5, \"b\": true, \"a\": [1, 2], \"o\": {\"x\": \"y\"},"
                + " \"nested\": {\"id\": \"n1\"}}");
    assertThat(KeyTemplate.parse("{n}|{f}|{b}|{a}|{o}|{nested.id}").render(e))
        .isEqualTo("3|0.5|true|[1,2]|{\"x\":\"y\"}|n1");
  }

  @Test
  void templatesWithoutFieldsOrWithBadBracesAreRefused() {
    assertThatThrownBy(() -> KeyTemplate.parse("constant")).hasMessageContaining("no {field}");
    assertThatThrownBy(() -> KeyTemplate.parse("{unclosed")).hasMessageContaining("unclosed");
    assertThatThrownBy(() -> KeyTemplate.parse("a}")).hasMessageContaining("unopened");
    assertThatThrownBy(() -> KeyTemplate.parse("{}")).hasMessageContaining("empty");
    assertThatThrownBy(() -> KeyTemplate.parse("{envelope.}")).hasMessageContaining("empty");
    assertThatThrownBy(() -> KeyTemplate.parse("{a..b}")).hasMessageContaining("empty segment");
  }

  @Test
  void equalityAndText() {
    assertThat(KeyTemplate.parse("a:{b}"))
        .isEqualTo(KeyTemplate.parse("a:{b}"))
        .hasToString("a:{b}");
    assertThat(KeyTemplate.parse("a:{b}").hashCode())
        .isEqualTo(KeyTemplate.parse("a:{b}").hashCode());
    assertThat(FieldRef.parse(" envelope.jobId ").isEnvelope()).isTrue();
    assertThat(FieldRef.parse("a.b").path()).isEqualTo("a.b");
  }
}
