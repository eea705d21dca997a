package dev.eventcontracts.envelope;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The normalized envelope fields; their {@link #key()} is the name used in templates ({@code
 * {envelope.event_id}}), in envelope format descriptions and in output.
 */
public enum EnvelopeField {
  /** Unique id of this event (absent in some shapes, such as seed 001). */
  EVENT_ID,
  /** Event name, such as {@code profile.updated}. */
  EVENT_NAME,
  /** Event version as written, such as {@code v1} or {@code 1.0}. */
  EVENT_VERSION,
  /** When the event happened: ISO-8601 text or epoch milliseconds. */
  OCCURRED_AT,
  /** Producing service or source. */
  PRODUCER,
  /** Distributed trace id. */
  TRACE_ID,
  /** Idempotency key set by the producer. */
  IDEMPOTENCY_KEY,
  /** Tenant the event belongs to; scopes deduplication and ordering. */
  TENANT_ID,
  /** Correlation id linking related events. */
  CORRELATION_ID,
  /** Reference to the schema the producer used. */
  SCHEMA_REF,
  /** The event body. */
  PAYLOAD;

  private final String key = name().toLowerCase(Locale.ROOT);

  /** The snake_case name of the field. */
  public String key() {
    return key;
  }

  /** The field with this snake_case name, or {@code null}. */
  public static @Nullable EnvelopeField fromKey(String key) {
    for (EnvelopeField field : values()) {
      if (field.key.equals(key)) {
        return field;
      }
    }
    return null;
  }
}
