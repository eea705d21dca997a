package dev.eventcontracts.envelope;

import static dev.eventcontracts.envelope.EnvelopeField.CORRELATION_ID;
import static dev.eventcontracts.envelope.EnvelopeField.EVENT_ID;
import static dev.eventcontracts.envelope.EnvelopeField.EVENT_NAME;
import static dev.eventcontracts.envelope.EnvelopeField.EVENT_VERSION;
import static dev.eventcontracts.envelope.EnvelopeField.IDEMPOTENCY_KEY;
import static dev.eventcontracts.envelope.EnvelopeField.OCCURRED_AT;
import static dev.eventcontracts.envelope.EnvelopeField.PAYLOAD;
import static dev.eventcontracts.envelope.EnvelopeField.PRODUCER;
import static dev.eventcontracts.envelope.EnvelopeField.SCHEMA_REF;
import static dev.eventcontracts.envelope.EnvelopeField.TENANT_ID;
import static dev.eventcontracts.envelope.EnvelopeField.TRACE_ID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventcontracts.envelope.JsonEnvelopeFormat.Check;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The built-in envelope formats, one per seed shape, each as strict as its seed: the envelope
 * fields the seed makes mandatory are required, timestamps are what the seed says (RFC 3339 with an
 * offset; UTC for seed 004; epoch milliseconds only for seed 002, which prints them), and envelope
 * members the seed types are type-checked. Leniency a seed does not grant is opt-in, through {@link
 * JsonEnvelopeFormat#toBuilder()}, {@link CloudEventsFormat#builder()} or a registry entry {@code
 * {"use": "activity", "formats": {"occurred_at": "date-time-or-epoch-millis"}}}. {@link #all()}
 * lists them in the order in which they are tried: CloudEvents first (binary headers or a {@code
 * specversion} field), then the JSON shapes by the fields that tell them apart.
 */
public final class EnvelopeFormats {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EnvelopeFormats() {}

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Seed 000 (Jobarium, Pub/Sub): snake_case with {@code event_id} (UUID), {@code event_name},
   * {@code event_version} ({@code v1}), {@code occurred_at}, {@code producer}, {@code trace_id},
   * {@code idempotency_key} required, {@code tenant_id}, {@code correlation_id}, {@code schema_ref}
   * optional, body under {@code payload}. Every envelope field is a string ({@code event_version}
   * too: {@code "v1"}, not {@code 1}), {@code occurred_at} is "ISO-8601 UTC" ({@code Z} or {@code
   * +00:00}).
   */
  public static JsonEnvelopeFormat jobarium() {
    return JsonEnvelopeFormat.builder("jobarium")
        .detectWhenPresent("/event_name")
        .field(EVENT_ID, "/event_id")
        .field(EVENT_NAME, "/event_name")
        .field(EVENT_VERSION, "/event_version")
        .field(OCCURRED_AT, "/occurred_at")
        .field(PRODUCER, "/producer")
        .field(TRACE_ID, "/trace_id")
        .field(IDEMPOTENCY_KEY, "/idempotency_key")
        .field(TENANT_ID, "/tenant_id")
        .field(CORRELATION_ID, "/correlation_id")
        .field(SCHEMA_REF, "/schema_ref")
        .field(PAYLOAD, "/payload")
        .require(
            EVENT_ID,
            EVENT_NAME,
            EVENT_VERSION,
            OCCURRED_AT,
            PRODUCER,
            TRACE_ID,
            IDEMPOTENCY_KEY,
            PAYLOAD)
        .check(EVENT_ID, Check.UUID)
        .check(OCCURRED_AT, Check.DATE_TIME_UTC)
        .numericVersions(false)
        .build();
  }

  /**
   * Seed 004 (e-commerce): snake_case with {@code event_type}, {@code event_version} or {@code
   * version}, {@code timestamp}, {@code source_service}, {@code correlation_id}, body under {@code
   * data}. Every field of the seed's "common base structure" is required ({@code event_id}, {@code
   * correlation_id}, {@code timestamp}, {@code source_service}, a version, {@code event_type},
   * {@code data}); the timestamp is "always UTC in ISO 8601" ({@code Z} or {@code +00:00});
   * versions are strings. That {@code data} is an object is the contracts' {@code "type":
   * "object"}.
   */
  public static JsonEnvelopeFormat commerce() {
    return JsonEnvelopeFormat.builder("commerce")
        .detectWhenPresent("/event_type")
        .field(EVENT_ID, "/event_id")
        .field(EVENT_NAME, "/event_type")
        .field(EVENT_VERSION, "/event_version", "/version")
        .field(OCCURRED_AT, "/timestamp")
        .field(PRODUCER, "/source_service")
        .field(CORRELATION_ID, "/correlation_id")
        .field(TENANT_ID, "/tenant_id")
        .field(IDEMPOTENCY_KEY, "/idempotency_key")
        .field(PAYLOAD, "/data")
        .require(
            EVENT_ID, CORRELATION_ID, OCCURRED_AT, PRODUCER, EVENT_VERSION, EVENT_NAME, PAYLOAD)
        .check(OCCURRED_AT, Check.DATE_TIME_UTC)
        .numericVersions(false)
        .build();
  }

  /**
   * Seed 002 (interview platform): camelCase with {@code eventId}, {@code eventType}, {@code
   * timestamp} as epoch milliseconds or ISO text, {@code version} at the top or under {@code
   * metadata} ({@code 1.0} when absent), producer in {@code source} or {@code metadata.service},
   * body under {@code payload} or {@code data}. The seed's {@code DomainEvent} interface is
   * checked: {@code userId} and {@code sessionId} are strings when present, and {@code metadata},
   * when present, is an object with a string {@code service} and a string {@code version} (and
   * string {@code correlationId}, {@code causationId} when present), and a top-level {@code
   * version} is a string. That the body is an object is the contracts' {@code "type": "object"}.
   * Epoch milliseconds are accepted as timestamps because the seed prints them.
   */
  public static JsonEnvelopeFormat interview() {
    return JsonEnvelopeFormat.builder("interview")
        .detectWhenPresent("/eventType")
        .detectWhenPresent("/eventId")
        .field(EVENT_ID, "/eventId")
        .field(EVENT_NAME, "/eventType")
        .field(EVENT_VERSION, "/version", "/metadata/version")
        .field(OCCURRED_AT, "/timestamp")
        .field(PRODUCER, "/source", "/metadata/service")
        .field(CORRELATION_ID, "/correlationId", "/metadata/correlationId")
        .field(TRACE_ID, "/traceId", "/metadata/traceId")
        .field(PAYLOAD, "/payload", "/data")
        .defaultValue(EVENT_VERSION, "1.0")
        .require(EVENT_ID, EVENT_NAME, OCCURRED_AT, PAYLOAD)
        .check(OCCURRED_AT, Check.DATE_TIME_OR_EPOCH_MILLIS)
        .numericVersions(false)
        .schema(
            json(
                """
                {"properties": {
                  "userId": {"type": "string"},
                  "sessionId": {"type": "string"},
                  "metadata": {
                    "type": "object",
                    "required": ["service", "version"],
                    "properties": {
                      "service": {"type": "string"},
                      "version": {"type": "string"},
                      "correlationId": {"type": "string"},
                      "causationId": {"type": "string"}}}}}
                """))
        .build();
  }

  /**
   * Seed 001 (activity builder): camelCase with {@code eventType}, {@code version}, {@code jobId},
   * {@code userId}, {@code timestamp}, body under {@code payload}; there is no event id, so
   * contracts key on {@code {envelope.jobId}}. All six top-level fields are required ("all events
   * must include"), {@code jobId} and {@code userId} are strings, and the timestamp is ISO-8601
   * text (RFC 3339 with an offset), not epoch milliseconds.
   */
  public static JsonEnvelopeFormat activity() {
    return JsonEnvelopeFormat.builder("activity")
        .detectWhenPresent("/eventType")
        .field(EVENT_ID, "/eventId")
        .field(EVENT_NAME, "/eventType")
        .field(EVENT_VERSION, "/version")
        .field(OCCURRED_AT, "/timestamp")
        .field(PRODUCER, "/source")
        .field(CORRELATION_ID, "/jobId")
        .field(PAYLOAD, "/payload")
        .require(EVENT_NAME, EVENT_VERSION, CORRELATION_ID, OCCURRED_AT, PAYLOAD)
        .check(OCCURRED_AT, Check.DATE_TIME)
        .schema(
            json(
                "{\"required\": [\"userId\"], \"properties\": {\"userId\": {\"type\":"
                    + " \"string\"}}}"))
        .build();
  }

  /**
   * Seed 003: CloudEvents 1.0, structured or binary mode; {@code specversion} {@code 1.0} only,
   * {@code time} RFC 3339 with an offset. A type without a {@code .vN} suffix is version {@code v1}
   * here; seed 003's registry asks for the strict reading ({@link
   * CloudEventsFormat.Builder#requireVersionedType}).
   */
  public static CloudEventsFormat cloudEvents() {
    return CloudEventsFormat.ofDefaults();
  }

  /**
   * Reads a registry entry object: {@code {"use": "<built-in name>", ...}} starts from a built-in
   * format and adds to it; without {@code use}, a whole new JSON format ({@link
   * JsonEnvelopeFormat#fromSpec}).
   *
   * @throws IllegalArgumentException naming the problem
   */
  public static EnvelopeFormat fromSpec(JsonNode spec) {
    if (spec != null
        && spec.isObject()
        && spec.has("use")
        && CloudEventsFormat.NAME.equals(spec.get("use").asText())) {
      return CloudEventsFormat.fromSpec(spec);
    }
    return JsonEnvelopeFormat.fromSpec(spec);
  }

  /** Every built-in format, in detection order. */
  public static List<EnvelopeFormat> all() {
    return List.of(cloudEvents(), jobarium(), commerce(), interview(), activity());
  }

  /**
   * The built-in format with this name.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static EnvelopeFormat named(String name) {
    for (EnvelopeFormat format : all()) {
      if (format.name().equals(name)) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "unknown envelope format '" + name + "'; built-in formats are " + names());
  }

  /** Names of the built-in formats. */
  public static List<String> names() {
    return all().stream().map(EnvelopeFormat::name).toList();
  }
}
