package dev.eventcontracts.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventcontracts.validation.Limits;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every seed envelope shape maps onto the normalized {@link Envelope}, found by the default
 * detection order (no format named in advance).
 */
class SeedEnvelopeMappingTest {
  /** Parses like the reader does (floats as BigDecimal), so payload trees compare equal. */
  private static final ObjectMapper JSON = EnvelopeReader.mapperFor(Limits.defaults());

  private final EnvelopeReader reader = EnvelopeReader.ofDefaults();

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private Envelope read(String json) {
    return read(InboundMessage.of(json));
  }

  private Envelope read(InboundMessage message) {
    EnvelopeResult result = reader.read(message);
    assertThat(result.violations()).isEmpty();
    assertThat(result.unreadable()).isFalse();
    return result.envelope();
  }

  @Nested
  class Seed000Jobarium {
    @Test
    void canonicalEnvelopeMapsEveryField() {
      Envelope e = read(SeedEvents.S000_PROFILE_UPDATED);
      assertThat(e.format()).isEqualTo("jobarium");
      assertThat(e.eventId()).isEqualTo("46addede-f6bd-438a-9351-2a28b6c983e8");
      assertThat(e.eventName()).isEqualTo("profile.updated");
      assertThat(e.eventVersion()).isEqualTo("v1");
      assertThat(e.occurredAtText()).isEqualTo("2026-02-03T09:00:45.010Z");
      assertThat(e.occurredAt()).isEqualTo(Instant.parse("2026-02-03T09:00:45.010Z"));
      assertThat(e.producer()).isEqualTo("candidate-profile-service");
      assertThat(e.traceId()).isEqualTo("8db2d5f02ffa0f271b45dfb67f96e33d");
      assertThat(e.idempotencyKey()).isEqualTo("profile.updated:cand_7f3a9c21:3");
      assertThat(e.tenantId()).isEqualTo("tnt_acme");
      assertThat(e.correlationId()).isEqualTo("4d7d11a9-6b49-4119-9167-1992428ec219");
      assertThat(e.schemaRef()).isEqualTo("jobarium://contracts/profile.updated/v1");
      assertThat(e.payloadPointer()).isEqualTo("/payload");
      assertThat(e.payload()).isEqualTo(tree(SeedEvents.S000_PROFILE_UPDATED).get("payload"));
      assertThat(e.field(EnvelopeField.EVENT_NAME)).isEqualTo("profile.updated");
    }

    @Test
    void optionalEnvelopeFieldsMayBeAbsent() {
      String line = SeedEvents.lines("recruiting-valid.ndjson").get(3);
      Envelope e = read(line);
      assertThat(e.eventId()).isEqualTo("26874a10-58f2-47b0-800d-00026fbdd6d6");
      assertThat(e.tenantId()).isNull();
      assertThat(e.correlationId()).isNull();
      assertThat(e.schemaRef()).isNull();
      assertThat(e.payload().get("profile_version").intValue()).isEqualTo(4);
    }

    @Test
    void missingAndMistypedEnvelopeFieldsAreViolationsNotExceptions() {
      EnvelopeResult result =
          reader.read(
              InboundMessage.of(
                  """
                  {"event_id": "not-a-uuid", "event_name": "profile.updated",
                   "event_version": "v1", "occurred_at": "yesterday", "producer": 7,
                   "payload": {}}
                  """));
      assertThat(result.envelope()).isNotNull();
      assertThat(result.violations())
          .extracting(v -> v.path() + " " + v.code())
          .containsExactlyInAnyOrder(
              "/event_id format",
              "/occurred_at format",
              "/producer type",
              "/trace_id required",
              "/idempotency_key required");
    }
  }

  @Nested
  class Seed001Activity {
    @Test
    void commonStructureMaps() {
      Envelope e = read(SeedEvents.S001_TEXT_JOB_REQUESTED);
      assertThat(e.format()).isEqualTo("activity");
      assertThat(e.eventId()).isNull();
      assertThat(e.eventName()).isEqualTo("TEXT_JOB_REQUESTED");
      assertThat(e.eventVersion()).isEqualTo("1");
      assertThat(e.occurredAt()).isEqualTo(Instant.parse("2026-01-20T15:04:05Z"));
      assertThat(e.correlationId()).isEqualTo("fae2156c-4004-42f2-be98-7ea7f3dec34a");
      assertThat(e.value("jobId").asText()).isEqualTo("fae2156c-4004-42f2-be98-7ea7f3dec34a");
      assertThat(e.value("userId").asText()).isEqualTo("usr_4821");
      assertThat(e.payloadPointer()).isEqualTo("/payload");
      assertThat(e.payload().get("activityType").asText()).isEqualTo("reading-comprehension");
    }

    @Test
    void versionAsNumberOrStringIsTheSameText() {
      List<String> lines = SeedEvents.lines("activity.ndjson");
      assertThat(read(lines.get(0)).eventVersion()).isEqualTo("1");
      assertThat(read(lines.get(5)).eventVersion()).isEqualTo("1");
    }
  }

  @Nested
  class Seed002Interview {
    @Test
    void epochMillisTimestampAndPayloadBody() {
      Envelope e = read(SeedEvents.S002_USER_AUTHENTICATED);
      assertThat(e.format()).isEqualTo("interview");
      assertThat(e.eventId()).isEqualTo("550e8400-e29b-41d4-a716-446655440000");
      assertThat(e.eventName()).isEqualTo("user.authenticated");
      assertThat(e.eventVersion()).isEqualTo("1.0");
      assertThat(e.occurredAtText()).isEqualTo("1728212400000");
      assertThat(e.occurredAt()).isEqualTo(Instant.ofEpochMilli(1728212400000L));
      assertThat(e.producer()).isEqualTo("api-gateway");
      assertThat(e.payloadPointer()).isEqualTo("/payload");
      assertThat(e.payload()).isEqualTo(tree(SeedEvents.S002_USER_AUTHENTICATED).get("payload"));
    }

    @Test
    void isoTimestampDataBodyAndDefaultVersion() {
      Envelope e = read(SeedEvents.S002_USER_CREATED);
      assertThat(e.eventId()).isEqualTo("evt-550e8400-e29b-41d4-a716-446655440000");
      assertThat(e.eventName()).isEqualTo("user.created");
      assertThat(e.eventVersion()).isEqualTo("1.0");
      assertThat(e.occurredAt()).isEqualTo(Instant.parse("2025-10-06T10:00:00Z"));
      assertThat(e.payloadPointer()).isEqualTo("/data");
      assertThat(e.payload()).isEqualTo(tree(SeedEvents.S002_USER_CREATED).get("data"));
      assertThat(e.value("userId").asText()).isEqualTo("123e4567-e89b-12d3-a456-426614174000");
    }

    @Test
    void metadataCarriesVersionServiceAndCorrelation() {
      Envelope e = read(SeedEvents.S002_WITH_METADATA);
      assertThat(e.eventVersion()).isEqualTo("1.0");
      assertThat(e.producer()).isEqualTo("user-service");
      assertThat(e.correlationId()).isEqualTo("req-77");
      assertThat(e.payloadPointer()).isEqualTo("/data");
    }

    @Test
    void everyPrintedEventMaps() throws Exception {
      List<String> lines = SeedEvents.lines("interview.ndjson");
      assertThat(lines).hasSize(18);
      for (String line : lines) {
        JsonNode doc = JSON.readTree(line);
        Envelope e = read(line);
        assertThat(e.format()).isEqualTo("interview");
        assertThat(e.eventId()).isEqualTo(doc.get("eventId").asText());
        assertThat(e.eventName()).isEqualTo(doc.get("eventType").asText());
        assertThat(e.eventVersion()).isEqualTo("1.0");
        JsonNode ts = doc.get("timestamp");
        assertThat(e.occurredAt())
            .isEqualTo(
                ts.isNumber() ? Instant.ofEpochMilli(ts.longValue()) : Instant.parse(ts.asText()));
        String body = doc.has("payload") ? "payload" : "data";
        assertThat(e.payloadPointer()).isEqualTo("/" + body);
        assertThat(e.payload()).isEqualTo(doc.get(body));
      }
    }
  }

  @Nested
  class Seed003CloudEvents {
    @Test
    void structuredMode() {
      Envelope e = read(SeedEvents.S003_TASK_CREATED_STRUCTURED);
      assertTaskCreated(e);
      assertThat(e.payloadPointer()).isEqualTo("/data");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce_", "ce-"})
    void binaryMode(String prefix) {
      Envelope e =
          read(
              InboundMessage.of(
                  SeedEvents.S003_TASK_CREATED_DATA, SeedEvents.s003BinaryHeaders(prefix)));
      assertTaskCreated(e);
      assertThat(e.payloadPointer()).isEmpty();
      assertThat(e.attributes()).containsEntry(prefix + "type", "com.todo.task.created.v1");
    }

    private void assertTaskCreated(Envelope e) {
      assertThat(e.format()).isEqualTo("cloudevents");
      assertThat(e.eventId()).isEqualTo("a03a36a6-f97b-45aa-a5d8-5fcea8a50047");
      assertThat(e.eventName()).isEqualTo("com.todo.task.created");
      assertThat(e.eventVersion()).isEqualTo("v1");
      assertThat(e.producer()).isEqualTo("/chat-api");
      assertThat(e.traceId()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
      // whole-minute times must keep their seconds, or the text no longer parses
      assertThat(e.occurredAtText()).isEqualTo("2026-02-03T09:00:00.000+00:00");
      assertThat(e.occurredAt()).isEqualTo(Instant.parse("2026-02-03T09:00:00Z"));
      assertThat(e.payload()).isEqualTo(tree(SeedEvents.S003_TASK_CREATED_DATA));
    }

    @Test
    void typeWithoutVersionSuffixIsV1() {
      Envelope e =
          read(
              """
              {"specversion": "1.0", "id": "1", "source": "/s", "type": "com.todo.ping",
               "data": {}}
              """);
      assertThat(e.eventName()).isEqualTo("com.todo.ping");
      assertThat(e.eventVersion()).isEqualTo("v1");
      assertThat(e.occurredAt()).isNull();
    }

    @Test
    void binaryModeWinsOverJsonLookalikes() {
      // the data of a binary event may look like another envelope; the ce headers decide
      Envelope e =
          read(
              InboundMessage.of(
                  "{\"event_name\": \"profile.updated\", \"payload\": {}}",
                  SeedEvents.s003BinaryHeaders("ce_")));
      assertThat(e.format()).isEqualTo("cloudevents");
      assertThat(e.eventName()).isEqualTo("com.todo.task.created");
    }

    @Test
    void brokenCloudEventsAreViolations() {
      EnvelopeResult missingSource =
          reader.read(
              InboundMessage.of(
                  "{\"specversion\": \"1.0\", \"id\": \"x\", \"type\": \"t.v1\", \"data\": {}}"));
      assertThat(missingSource.violations())
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.code()).isEqualTo("required");
                assertThat(v.message()).contains("source");
              });
      EnvelopeResult badTime =
          reader.read(
              InboundMessage.of(
                  """
                  {"specversion": "1.0", "id": "x", "source": "/s", "type": "t.v1",
                   "time": "yesterday", "data": {}}
                  """));
      assertThat(badTime.violations())
          .singleElement()
          .satisfies(v -> assertThat(v.message()).contains("time"));
      EnvelopeResult noData =
          reader.read(
              InboundMessage.of(
                  "{\"specversion\": \"1.0\", \"id\": \"x\", \"source\": \"/s\", \"type\": \"t\"}"));
      assertThat(noData.violations())
          .extracting(v -> v.path() + " " + v.code())
          .containsExactly("/data required");
      EnvelopeResult base64 =
          reader.read(
              InboundMessage.of(
                  """
                  {"specversion": "1.0", "id": "x", "source": "/s", "type": "t",
                   "data_base64": "AAEC"}
                  """));
      assertThat(base64.violations())
          .extracting(v -> v.path() + " " + v.code())
          .containsExactly("/data_base64 type");
      EnvelopeResult binaryWithoutId =
          reader.read(
              InboundMessage.of(
                  "{}", Map.of("ce_specversion", "1.0", "ce_source", "/s", "ce_type", "t")));
      assertThat(binaryWithoutId.violations())
          .singleElement()
          .extracting(v -> v.code())
          .isEqualTo("required");
    }
  }

  @Nested
  class Seed004Commerce {
    @Test
    void eventVersionAndDomainActionName() {
      Envelope e = read(SeedEvents.S004_PRODUCT_CREATED);
      assertThat(e.format()).isEqualTo("commerce");
      assertThat(e.eventId()).isEqualTo("550e8400-e29b-41d4-a716-446655440000");
      assertThat(e.eventName()).isEqualTo("product.created");
      assertThat(e.eventVersion()).isEqualTo("1.0");
      assertThat(e.occurredAt()).isEqualTo(Instant.parse("2024-01-15T10:30:00Z"));
      assertThat(e.producer()).isEqualTo("product-catalog-service");
      assertThat(e.correlationId()).isEqualTo("550e8400-e29b-41d4-a716-446655440001");
      assertThat(e.payloadPointer()).isEqualTo("/data");
      assertThat(e.payload()).isEqualTo(tree(SeedEvents.S004_PRODUCT_CREATED).get("data"));
    }

    @Test
    void versionAndPascalCaseName() {
      Envelope e = read(SeedEvents.S004_INVENTORY_RESERVED);
      assertThat(e.eventId()).isEqualTo("550e8400-e29b-41d4-a716-446655440006");
      assertThat(e.eventName()).isEqualTo("InventoryReserved");
      assertThat(e.eventVersion()).isEqualTo("1.0");
      assertThat(e.occurredAt()).isEqualTo(Instant.parse("2024-01-15T11:00:00Z"));
      assertThat(e.producer()).isEqualTo("inventory-management-service");
      assertThat(e.correlationId()).isEqualTo("order_550e8400-e29b-41d4-a716-446655440007");
      assertThat(e.payload().get("quantity").intValue()).isEqualTo(2);
    }

    @Test
    void everyPrintedStructureMaps() throws Exception {
      List<String> lines = SeedEvents.lines("commerce.ndjson");
      assertThat(lines).hasSize(16);
      for (String line : lines) {
        JsonNode doc = JSON.readTree(line);
        Envelope e = read(line);
        assertThat(e.format()).isEqualTo("commerce");
        assertThat(e.eventId()).isEqualTo(doc.get("event_id").asText());
        assertThat(e.eventName()).isEqualTo(doc.get("event_type").asText());
        assertThat(e.eventVersion()).isEqualTo("1.0");
        assertThat(e.occurredAt()).isEqualTo(Instant.parse(doc.get("timestamp").asText()));
        assertThat(e.payload()).isEqualTo(doc.get("data"));
      }
    }
  }

  @Test
  void everyExampleFileIsReadWithoutViolations() {
    for (String file :
        List.of(
            "recruiting-valid.ndjson",
            "activity.ndjson",
            "interview.ndjson",
            "todo.ndjson",
            "commerce.ndjson")) {
      for (String line : SeedEvents.lines(file)) {
        assertThat(reader.read(InboundMessage.of(line)).violations()).as(file).isEmpty();
      }
    }
  }
}
