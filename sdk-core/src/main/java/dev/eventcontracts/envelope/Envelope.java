package dev.eventcontracts.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The normalized, immutable view of one event, whatever envelope shape it arrived in. Absent
 * optional fields are {@code null}. The payload and the raw document are Jackson trees that callers
 * must treat as read-only.
 */
public final class Envelope {
  private final String format;
  private final @Nullable String eventId;
  private final @Nullable String eventName;
  private final @Nullable String eventVersion;
  private final @Nullable String occurredAtText;
  private final long occurredAtEpochMillis;
  private final @Nullable String producer;
  private final @Nullable String traceId;
  private final @Nullable String idempotencyKey;
  private final @Nullable String tenantId;
  private final @Nullable String correlationId;
  private final @Nullable String schemaRef;
  private final JsonNode payload;
  private final String payloadPointer;
  private final JsonNode document;
  private final Map<String, String> attributes;
  private @Nullable Instant occurredAt;

  private Envelope(Builder b) {
    this.format = Objects.requireNonNull(b.format, "format");
    this.eventId = b.eventId;
    this.eventName = b.eventName;
    this.eventVersion = b.eventVersion;
    this.occurredAtText = b.occurredAtText;
    this.occurredAtEpochMillis = b.occurredAtEpochMillis;
    this.producer = b.producer;
    this.traceId = b.traceId;
    this.idempotencyKey = b.idempotencyKey;
    this.tenantId = b.tenantId;
    this.correlationId = b.correlationId;
    this.schemaRef = b.schemaRef;
    this.payload = b.payload == null ? MissingNode.getInstance() : b.payload;
    this.payloadPointer = b.payloadPointer;
    this.document = b.document == null ? MissingNode.getInstance() : b.document;
    this.attributes = b.attributes == null ? Map.of() : Map.copyOf(b.attributes);
  }

  /** Starts an envelope; {@code format} names the envelope format that produced it. */
  public static Builder builder(String format) {
    return new Builder(format);
  }

  /** Name of the envelope format that produced this envelope. */
  public String format() {
    return format;
  }

  /** Unique event id, or {@code null} for shapes without one. */
  public @Nullable String eventId() {
    return eventId;
  }

  /** Event name, such as {@code profile.updated}. */
  public @Nullable String eventName() {
    return eventName;
  }

  /** Event version as written by the producer, such as {@code v1} or {@code 1.0}. */
  public @Nullable String eventVersion() {
    return eventVersion;
  }

  /** When the event happened, as written (ISO-8601 text, or epoch milliseconds as digits). */
  public @Nullable String occurredAtText() {
    return occurredAtText;
  }

  /**
   * When the event happened, parsed on first use (parsing dates costs more than parsing the whole
   * document, so it is never done for events that do not need it).
   *
   * @return the instant, or {@code null} when absent or not a timestamp
   */
  public @Nullable Instant occurredAt() {
    Instant value = occurredAt;
    if (value == null) {
      value = parseOccurredAt();
      occurredAt = value;
    }
    return value;
  }

  private @Nullable Instant parseOccurredAt() {
    if (occurredAtEpochMillis != Long.MIN_VALUE) {
      return Instant.ofEpochMilli(occurredAtEpochMillis);
    }
    return parseTimestamp(occurredAtText);
  }

  /**
   * Parses an ISO-8601 timestamp with an offset ({@code 2026-01-01T10:00:00Z}, {@code
   * 2026-01-01T12:00:00+02:00}) or epoch milliseconds written as digits.
   *
   * @return the instant, or {@code null} when the text is neither
   */
  public static @Nullable Instant parseTimestamp(@Nullable String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (isDigits(text)) {
      return text.length() > 18 ? null : Instant.ofEpochMilli(Long.parseLong(text));
    }
    long fast = TextFormats.epochMillis(text);
    if (fast != Long.MIN_VALUE) {
      return Instant.ofEpochMilli(fast);
    }
    try {
      return text.endsWith("Z") || text.endsWith("z")
          ? Instant.parse(text)
          : OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static boolean isDigits(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** Producing service or source, or {@code null}. */
  public @Nullable String producer() {
    return producer;
  }

  /** Trace id, or {@code null}. */
  public @Nullable String traceId() {
    return traceId;
  }

  /** Idempotency key set by the producer, or {@code null}. */
  public @Nullable String idempotencyKey() {
    return idempotencyKey;
  }

  /** Tenant id, or {@code null}. */
  public @Nullable String tenantId() {
    return tenantId;
  }

  /** Correlation id, or {@code null}. */
  public @Nullable String correlationId() {
    return correlationId;
  }

  /** Schema reference, or {@code null}. */
  public @Nullable String schemaRef() {
    return schemaRef;
  }

  /** The event body; a missing node when the event has none. */
  public JsonNode payload() {
    return payload;
  }

  /**
   * JSON pointer of the payload inside the document (such as {@code /payload} or {@code /data}),
   * used to report violations where the producer can find them; {@code ""} when the payload is the
   * whole message value.
   */
  public String payloadPointer() {
    return payloadPointer;
  }

  /** The whole parsed message value; a missing node when the value was not a document. */
  public JsonNode document() {
    return document;
  }

  /** Transport attributes (Kafka headers, Pub/Sub attributes). */
  public Map<String, String> attributes() {
    return attributes;
  }

  /** The value of a normalized field, as text, or {@code null}. */
  public @Nullable String field(EnvelopeField field) {
    return switch (field) {
      case EVENT_ID -> eventId;
      case EVENT_NAME -> eventName;
      case EVENT_VERSION -> eventVersion;
      case OCCURRED_AT -> occurredAtText;
      case PRODUCER -> producer;
      case TRACE_ID -> traceId;
      case IDEMPOTENCY_KEY -> idempotencyKey;
      case TENANT_ID -> tenantId;
      case CORRELATION_ID -> correlationId;
      case SCHEMA_REF -> schemaRef;
      case PAYLOAD -> payload.isMissingNode() ? null : payload.toString();
    };
  }

  /**
   * An envelope value by name: a normalized field ({@code event_id}, {@code correlation_id}, ...)
   * or else a raw top-level field of the document ({@code jobId} in seed 001).
   *
   * @return the value as a JSON node; a missing node when absent
   */
  public JsonNode value(String name) {
    EnvelopeField field = EnvelopeField.fromKey(name);
    if (field == EnvelopeField.PAYLOAD) {
      return payload;
    }
    if (field != null) {
      if (field == EnvelopeField.OCCURRED_AT && occurredAtEpochMillis != Long.MIN_VALUE) {
        return com.fasterxml.jackson.databind.node.LongNode.valueOf(occurredAtEpochMillis);
      }
      String text = field(field);
      return text == null
          ? MissingNode.getInstance()
          : com.fasterxml.jackson.databind.node.TextNode.valueOf(text);
    }
    JsonNode raw = document.get(name);
    return raw == null ? MissingNode.getInstance() : raw;
  }

  @Override
  public String toString() {
    return "Envelope{"
        + format
        + ", id="
        + eventId
        + ", name="
        + eventName
        + ", version="
        + eventVersion
        + "}";
  }

  /** Builds an {@link Envelope}; used by envelope formats. */
  public static final class Builder {
    private final String format;
    private @Nullable String eventId;
    private @Nullable String eventName;
    private @Nullable String eventVersion;
    private @Nullable String occurredAtText;
    private long occurredAtEpochMillis = Long.MIN_VALUE;
    private @Nullable String producer;
    private @Nullable String traceId;
    private @Nullable String idempotencyKey;
    private @Nullable String tenantId;
    private @Nullable String correlationId;
    private @Nullable String schemaRef;
    private @Nullable JsonNode payload;
    private String payloadPointer = "";
    private @Nullable JsonNode document;
    private @Nullable Map<String, String> attributes;

    private Builder(String format) {
      this.format = format;
    }

    /** Sets a normalized text field (every field but the payload). */
    public Builder field(EnvelopeField field, @Nullable String value) {
      switch (field) {
        case EVENT_ID -> eventId = value;
        case EVENT_NAME -> eventName = value;
        case EVENT_VERSION -> eventVersion = value;
        case OCCURRED_AT -> occurredAtText = value;
        case PRODUCER -> producer = value;
        case TRACE_ID -> traceId = value;
        case IDEMPOTENCY_KEY -> idempotencyKey = value;
        case TENANT_ID -> tenantId = value;
        case CORRELATION_ID -> correlationId = value;
        case SCHEMA_REF -> schemaRef = value;
        case PAYLOAD -> throw new IllegalArgumentException("use payload(node, pointer)");
      }
      return this;
    }

    /** Sets the event id. */
    public Builder eventId(String value) {
      return field(EnvelopeField.EVENT_ID, value);
    }

    /** Sets the event name. */
    public Builder eventName(String value) {
      return field(EnvelopeField.EVENT_NAME, value);
    }

    /** Sets the event version as written. */
    public Builder eventVersion(String value) {
      return field(EnvelopeField.EVENT_VERSION, value);
    }

    /** Sets when the event happened, as ISO-8601 text. */
    public Builder occurredAt(@Nullable String value) {
      return field(EnvelopeField.OCCURRED_AT, value);
    }

    /** Sets when the event happened, as epoch milliseconds. */
    public Builder occurredAtEpochMillis(long millis) {
      this.occurredAtEpochMillis = millis;
      this.occurredAtText = Long.toString(millis);
      return this;
    }

    /** Sets the payload and where it sits in the document. */
    public Builder payload(JsonNode payload, String pointer) {
      this.payload = payload;
      this.payloadPointer = Objects.requireNonNull(pointer, "pointer");
      return this;
    }

    /** Sets the whole parsed document. */
    public Builder document(JsonNode document) {
      this.document = document;
      return this;
    }

    /** Sets the transport attributes. */
    public Builder attributes(Map<String, String> attributes) {
      this.attributes = attributes;
      return this;
    }

    /** Builds the envelope. */
    public Envelope build() {
      return new Envelope(this);
    }
  }
}
