package dev.eventcontracts.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventcontracts.validation.Limits;
import dev.eventcontracts.validation.Violation;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Envelope shapes that users describe, in Java and as a JSON description. */
class JsonEnvelopeFormatTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String BILLING_EVENT =
      """
      {"id": "0b0f3c1e-3c5e-4a9b-8f57-2a0c8d6f7e21", "type": "invoice.issued",
       "billingId": "b-1", "at": "2026-03-01T08:00:00Z", "meta": {"v": "2"},
       "body": {"invoice_id": "inv-9", "amount": 12}}
      """;

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static JsonEnvelopeFormat billingFromJava() {
    return JsonEnvelopeFormat.builder("billing")
        .detectWhenPresent("/type")
        .detectWhenPresent("/billingId")
        .field(EnvelopeField.EVENT_ID, "/id")
        .field(EnvelopeField.EVENT_NAME, "/type")
        .field(EnvelopeField.EVENT_VERSION, "/v", "/meta/v")
        .field(EnvelopeField.OCCURRED_AT, "/at")
        .field(EnvelopeField.CORRELATION_ID, "/billingId")
        .field(EnvelopeField.PAYLOAD, "/body")
        .require(EnvelopeField.EVENT_ID, EnvelopeField.EVENT_NAME, EnvelopeField.PAYLOAD)
        .defaultValue(EnvelopeField.EVENT_VERSION, "1")
        .check(EnvelopeField.EVENT_ID, JsonEnvelopeFormat.Check.UUID)
        .check(EnvelopeField.OCCURRED_AT, JsonEnvelopeFormat.Check.DATE_TIME)
        .build();
  }

  private static JsonEnvelopeFormat billingFromSpec() {
    return JsonEnvelopeFormat.fromSpec(
        tree(
            """
            {"name": "billing", "detect": ["/type", "/billingId"],
             "fields": {"event_id": "/id", "event_name": "/type",
                        "event_version": ["/v", "/meta/v"], "occurred_at": "/at",
                        "correlation_id": "/billingId", "payload": "/body"},
             "required": ["event_id", "event_name", "payload"],
             "defaults": {"event_version": "1"},
             "formats": {"event_id": "uuid", "occurred_at": "date-time"}}
            """));
  }

  private static void assertBillingMapping(JsonEnvelopeFormat format) {
    EnvelopeReader reader = EnvelopeReader.of(List.of(format), Limits.defaults());
    EnvelopeResult result = reader.read(InboundMessage.of(BILLING_EVENT));
    assertThat(result.violations()).isEmpty();
    Envelope e = result.envelope();
    assertThat(e.format()).isEqualTo("billing");
    assertThat(e.eventId()).isEqualTo("0b0f3c1e-3c5e-4a9b-8f57-2a0c8d6f7e21");
    assertThat(e.eventName()).isEqualTo("invoice.issued");
    assertThat(e.eventVersion()).isEqualTo("2");
    assertThat(e.occurredAt()).isEqualTo(Instant.parse("2026-03-01T08:00:00Z"));
    assertThat(e.correlationId()).isEqualTo("b-1");
    assertThat(e.payloadPointer()).isEqualTo("/body");
    assertThat(e.payload()).isEqualTo(tree(BILLING_EVENT).get("body"));

    Envelope defaulted =
        reader
            .read(
                InboundMessage.of(
                    "{\"id\": \"0b0f3c1e-3c5e-4a9b-8f57-2a0c8d6f7e21\", \"type\": \"t\","
                        + " \"billingId\": \"b\", \"body\": {}}"))
            .envelope();
    assertThat(defaulted.eventVersion()).isEqualTo("1");

    EnvelopeResult broken =
        reader.read(
            InboundMessage.of(
                "{\"id\": \"nope\", \"type\": \"t\", \"billingId\": \"b\", \"at\": \"later\"}"));
    assertThat(broken.violations())
        .extracting(v -> v.path() + " " + v.code())
        .containsExactlyInAnyOrder("/id format", "/at format", "/body required");

    assertThat(reader.read(InboundMessage.of("{\"type\": \"t\", \"body\": {}}")).violations())
        .extracting(Violation::code)
        .containsExactly("unknown_envelope");
  }

  @Test
  void describedInJava() {
    assertBillingMapping(billingFromJava());
  }

  @Test
  void describedAsJson() {
    assertBillingMapping(billingFromSpec());
  }

  @Test
  void userFormatCanBeTriedBeforeTheBuiltInOnes() {
    List<EnvelopeFormat> formats = new java.util.ArrayList<>();
    formats.add(billingFromJava());
    formats.addAll(EnvelopeFormats.all());
    EnvelopeReader reader = EnvelopeReader.of(formats, Limits.defaults());
    assertThat(reader.read(InboundMessage.of(BILLING_EVENT)).envelope().format())
        .isEqualTo("billing");
    assertThat(reader.read(InboundMessage.of(SeedEvents.S000_PROFILE_UPDATED)).envelope().format())
        .isEqualTo("jobarium");
  }

  @Test
  void withoutDetectAnyEventNameLocationMatches() {
    JsonEnvelopeFormat format =
        JsonEnvelopeFormat.builder("alt")
            .field(EnvelopeField.EVENT_NAME, "/type", "/meta/type")
            .field(EnvelopeField.PAYLOAD, "/body")
            .build();
    EnvelopeReader reader = EnvelopeReader.of(List.of(format), Limits.defaults());
    assertThat(reader.read(InboundMessage.of("{\"type\": \"a\", \"body\": {}}")).envelope())
        .extracting(Envelope::eventName)
        .isEqualTo("a");
    assertThat(
            reader
                .read(InboundMessage.of("{\"meta\": {\"type\": \"b\"}, \"body\": {}}"))
                .envelope())
        .extracting(Envelope::eventName)
        .isEqualTo("b");
    assertThat(reader.read(InboundMessage.of("{\"body\": {}}")).unreadable()).isTrue();
  }

  @Test
  void numbersAreAcceptedWhereTheSeedsUseThem() {
    // seed 001 prints no event; a number version is read as its text
    EnvelopeReader activity =
        EnvelopeReader.of(List.of(EnvelopeFormats.activity()), Limits.defaults());
    EnvelopeResult read =
        activity.read(
            InboundMessage.of(
                "{\"eventType\": \"X\", \"version\": 2.1, \"jobId\": \"j1\", \"userId\":"
                    + " \"u1\", \"timestamp\": \"2023-11-14T22:13:20Z\", \"payload\": {}}"));
    assertThat(read.violations()).isEmpty();
    assertThat(read.envelope().eventVersion()).isEqualTo("2.1");
    // seed 002 prints epoch milliseconds
    EnvelopeReader interview =
        EnvelopeReader.of(List.of(EnvelopeFormats.interview()), Limits.defaults());
    Envelope e =
        interview
            .read(
                InboundMessage.of(
                    "{\"eventId\": \"e1\", \"eventType\": \"X\", \"timestamp\":"
                        + " 1700000000000, \"payload\": {}}"))
            .envelope();
    assertThat(e.occurredAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
    assertThat(e.value("occurred_at").longValue()).isEqualTo(1_700_000_000_000L);
  }

  @Test
  void aRegistryEntryAddsChecksToABuiltInFormat() {
    // seed 002 comments eventId as a UUID but prints evt-... ids: the check is opt-in
    String event =
        "{\"eventId\": \"evt-1\", \"eventType\": \"user.created\", \"timestamp\":"
            + " \"2025-10-06T10:00:00.000Z\", \"data\": {}}";
    assertThat(
            EnvelopeReader.of(List.of(EnvelopeFormats.interview()), Limits.defaults())
                .read(InboundMessage.of(event))
                .violations())
        .isEmpty();
    EnvelopeFormat strict =
        EnvelopeFormats.fromSpec(
            tree("{\"use\": \"interview\", \"formats\": {\"event_id\": \"uuid\"}}"));
    assertThat(strict.name()).isEqualTo("interview");
    assertThat(
            EnvelopeReader.of(List.of(strict), Limits.defaults())
                .read(InboundMessage.of(event))
                .violations())
        .extracting(Violation::path, Violation::code)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("/eventId", "format"));
    // the built-in's own rules stay: a required member and its schema
    JsonEnvelopeFormat renamed =
        (JsonEnvelopeFormat)
            EnvelopeFormats.fromSpec(
                tree("{\"use\": \"activity\", \"name\": \"jobs\", \"required\": [\"producer\"]}"));
    assertThat(renamed.name()).isEqualTo("jobs");
    assertThat(renamed.required()).contains(EnvelopeField.CORRELATION_ID, EnvelopeField.PRODUCER);
    assertThat(renamed.schemas()).hasSize(1);
    assertThat(renamed.numericVersions()).isTrue();
    assertThat(EnvelopeFormats.jobarium().numericVersions()).isFalse();
    JsonEnvelopeFormat numeric =
        (JsonEnvelopeFormat)
            EnvelopeFormats.fromSpec(tree("{\"use\": \"jobarium\", \"numericVersions\": true}"));
    assertThat(numeric.numericVersions()).isTrue();
    assertThatThrownBy(
            () -> EnvelopeFormats.fromSpec(tree("{\"use\": \"jobarium\", \"numericVersions\": 1}")))
        .hasMessageContaining("numericVersions");
  }

  @Test
  void epochMillisAreOptInWhereTheSeedSaysIso8601() {
    String event =
        "{\"eventType\": \"X\", \"version\": 1, \"jobId\": \"j1\", \"userId\": \"u1\","
            + " \"timestamp\": 1700000000000, \"payload\": {}}";
    EnvelopeResult strict =
        EnvelopeReader.of(List.of(EnvelopeFormats.activity()), Limits.defaults())
            .read(InboundMessage.of(event));
    assertThat(strict.violations())
        .extracting(Violation::path, Violation::code)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("/timestamp", "format"));
    JsonEnvelopeFormat lenient =
        EnvelopeFormats.activity().toBuilder()
            .check(EnvelopeField.OCCURRED_AT, JsonEnvelopeFormat.Check.DATE_TIME_OR_EPOCH_MILLIS)
            .build();
    assertThat(
            EnvelopeReader.of(List.of(lenient), Limits.defaults())
                .read(InboundMessage.of(event))
                .violations())
        .isEmpty();
    assertThatThrownBy(
            () ->
                JsonEnvelopeFormat.builder("x")
                    .field(EnvelopeField.EVENT_NAME, "/n")
                    .check(
                        EnvelopeField.EVENT_ID, JsonEnvelopeFormat.Check.DATE_TIME_OR_EPOCH_MILLIS))
        .hasMessageContaining("occurred_at only");
  }

  @Test
  void badDescriptionsAreRefusedWithTheProblem() {
    assertThatThrownBy(() -> JsonEnvelopeFormat.fromSpec(tree("[]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JSON object");
    assertThatThrownBy(() -> JsonEnvelopeFormat.fromSpec(tree("{\"fields\": {}}")))
        .hasMessageContaining("'name'");
    assertThatThrownBy(() -> JsonEnvelopeFormat.fromSpec(tree("{\"name\": \"x\"}")))
        .hasMessageContaining("'fields'");
    assertThatThrownBy(
            () ->
                JsonEnvelopeFormat.fromSpec(
                    tree("{\"name\": \"x\", \"fields\": {\"payload\": \"/b\"}}")))
        .hasMessageContaining("event_name");
    assertThatThrownBy(
            () ->
                JsonEnvelopeFormat.fromSpec(
                    tree("{\"name\": \"x\", \"fields\": {\"evnt_name\": \"/t\"}}")))
        .hasMessageContaining("unknown envelope field 'evnt_name'");
    assertThatThrownBy(
            () ->
                JsonEnvelopeFormat.fromSpec(
                    tree("{\"name\": \"x\", \"fields\": {\"event_name\": \"t\"}}")))
        .hasMessageContaining("not a JSON pointer");
    assertThatThrownBy(
            () ->
                JsonEnvelopeFormat.fromSpec(
                    tree(
                        "{\"name\": \"x\", \"fields\": {\"event_name\": \"/t\"},"
                            + " \"formats\": {\"event_name\": \"email\"}}")))
        .hasMessageContaining("unknown format 'email'");
    assertThatThrownBy(
            () ->
                JsonEnvelopeFormat.fromSpec(
                    tree("{\"name\": \"x\", \"fields\": {\"event_name\": \"/t\"}, \"extra\": 1}")))
        .hasMessageContaining("unknown key 'extra'");
  }

  @Test
  void builtInFormatsAreFoundByName() {
    for (String name : EnvelopeFormats.names()) {
      assertThat(EnvelopeFormats.named(name).name()).isEqualTo(name);
    }
    assertThatThrownBy(() -> EnvelopeFormats.named("avro"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jobarium");
  }
}
