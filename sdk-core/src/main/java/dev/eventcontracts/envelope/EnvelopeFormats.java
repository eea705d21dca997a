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

import dev.eventcontracts.envelope.JsonEnvelopeFormat.Check;
import java.util.List;

/**
 * The built-in envelope formats, one per seed shape. {@link #all()} lists them in the order in
 * which they are tried: CloudEvents first (binary headers or a {@code specversion} field), then the
 * JSON shapes by the fields that tell them apart.
 */
public final class EnvelopeFormats {
  private EnvelopeFormats() {}

  /**
   * Seed 000 (Jobarium, Pub/Sub): snake_case with {@code event_id} (UUID), {@code event_name},
   * {@code event_version} ({@code v1}), {@code occurred_at}, {@code producer}, {@code trace_id},
   * {@code idempotency_key} required, {@code tenant_id}, {@code correlation_id}, {@code schema_ref}
   * optional, body under {@code payload}.
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
        .check(OCCURRED_AT, Check.DATE_TIME)
        .build();
  }

  /**
   * Seed 004 (e-commerce): snake_case with {@code event_type}, {@code event_version} or {@code
   * version}, {@code timestamp}, {@code source_service}, {@code correlation_id}, body under {@code
   * data}.
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
        .require(EVENT_ID, EVENT_NAME, EVENT_VERSION, OCCURRED_AT, PAYLOAD)
        .check(OCCURRED_AT, Check.DATE_TIME)
        .build();
  }

  /**
   * Seed 002 (interview platform): camelCase with {@code eventId}, {@code eventType}, {@code
   * timestamp} as epoch milliseconds or ISO text, {@code version} at the top or under {@code
   * metadata} ({@code 1.0} when absent), producer in {@code source} or {@code metadata.service},
   * body under {@code payload} or {@code data}.
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
        .check(OCCURRED_AT, Check.DATE_TIME)
        .build();
  }

  /**
   * Seed 001 (activity builder): camelCase with {@code eventType}, {@code version}, {@code jobId},
   * {@code userId}, {@code timestamp}, body under {@code payload}; there is no event id, so
   * contracts key on {@code {envelope.jobId}}.
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
        .require(EVENT_NAME, EVENT_VERSION, OCCURRED_AT, PAYLOAD)
        .check(OCCURRED_AT, Check.DATE_TIME)
        .build();
  }

  /** Seed 003: CloudEvents 1.0, structured or binary mode. */
  public static EnvelopeFormat cloudEvents() {
    return new CloudEventsFormat();
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
