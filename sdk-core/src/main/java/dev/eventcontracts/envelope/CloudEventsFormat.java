package dev.eventcontracts.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.validation.Violation;
import dev.eventcontracts.validation.ViolationCode;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CloudEvents 1.0 (seed 003), in structured mode (the whole event is the JSON value, data under
 * {@code data}) and in binary mode (attributes in transport headers prefixed {@code ce_} on Kafka
 * or {@code ce-} on Pub/Sub and HTTP, the value is the data). The attributes are checked by the
 * {@code io.cloudevents} builder, so spec rules (required attributes, URI and time syntax,
 * extension names) are the library's.
 *
 * <p>The event name and version come from the type: {@code com.todo.task.created.v1} is event
 * {@code com.todo.task.created} at version {@code v1}. A type without a {@code .vN} suffix is
 * version {@code v1}. Extensions map onto the envelope: {@code traceparent} to trace id, {@code
 * correlationid}, {@code tenantid} and {@code idempotencykey} to their fields.
 */
final class CloudEventsFormat implements EnvelopeFormat {
  static final String NAME = "cloudevents";
  private static final Pattern VERSIONED_TYPE = Pattern.compile("^(.+)\\.(v\\d+)$");
  private static final String[] HEADER_PREFIXES = {"ce_", "ce-"};

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean matches(JsonNode document, Map<String, String> attributes) {
    return binaryPrefix(attributes) != null || document.has("specversion");
  }

  private static String binaryPrefix(Map<String, String> attributes) {
    if (attributes.isEmpty()) {
      return null;
    }
    for (String prefix : HEADER_PREFIXES) {
      if (attributes.containsKey(prefix + "specversion")) {
        return prefix;
      }
    }
    return null;
  }

  @Override
  public EnvelopeResult map(JsonNode document, InboundMessage message) {
    String prefix = binaryPrefix(message.attributes());
    List<Violation> violations = new ArrayList<>(2);
    CloudEvent event;
    JsonNode data;
    String dataPointer;
    try {
      if (prefix != null) {
        event = fromHeaders(message.attributes(), prefix);
        data = document;
        dataPointer = "";
      } else {
        event = fromDocument(document);
        data = document.get("data");
        dataPointer = "/data";
        if (data == null && document.has("data_base64")) {
          violations.add(
              Violation.of(
                  "/data_base64",
                  ViolationCode.TYPE,
                  "binary data (data_base64) cannot be validated as a JSON payload"));
        }
      }
    } catch (RuntimeException e) {
      // CloudEventRWException, IllegalStateException (missing attribute), IllegalArgumentException
      String where = prefix == null ? "" : "/";
      violations.add(
          Violation.of(where, ViolationCode.REQUIRED, "not a valid CloudEvent: " + e.getMessage()));
      return new EnvelopeResult(
          Envelope.builder(NAME).document(document).attributes(message.attributes()).build(),
          violations);
    }
    Envelope.Builder out =
        Envelope.builder(NAME).document(document).attributes(message.attributes());
    Matcher m = VERSIONED_TYPE.matcher(event.getType());
    if (m.matches()) {
      out.eventName(m.group(1)).eventVersion(m.group(2));
    } else {
      out.eventName(event.getType()).eventVersion("v1");
    }
    out.eventId(event.getId());
    out.field(EnvelopeField.PRODUCER, event.getSource().toString());
    if (event.getTime() != null) {
      // the (validated) time as written: OffsetDateTime.toString() drops zero seconds ("09:00Z"),
      // which Envelope.parseTimestamp and ordering by occurred_at then cannot read
      out.occurredAt(
          prefix != null
              ? message.attributes().get(prefix + "time")
              : document.get("time").asText());
    }
    if (event.getDataSchema() != null) {
      out.field(EnvelopeField.SCHEMA_REF, event.getDataSchema().toString());
    }
    out.field(EnvelopeField.TRACE_ID, extension(event, "traceparent"));
    out.field(EnvelopeField.CORRELATION_ID, extension(event, "correlationid"));
    out.field(EnvelopeField.TENANT_ID, extension(event, "tenantid"));
    out.field(EnvelopeField.IDEMPOTENCY_KEY, extension(event, "idempotencykey"));
    if (data != null && !data.isNull()) {
      out.payload(data, dataPointer);
    } else if (violations.isEmpty()) {
      violations.add(Violation.of(dataPointer, ViolationCode.REQUIRED, "CloudEvent has no data"));
    }
    return new EnvelopeResult(out.build(), violations);
  }

  /**
   * The attribute's pointer in structured mode ({@code /time}); {@code ""} in binary mode, where
   * attributes are transport headers and not in the value.
   */
  @Override
  public String pointerOf(EnvelopeField field, Envelope envelope) {
    if (binaryPrefix(envelope.attributes()) != null) {
      return "";
    }
    return switch (field) {
      case EVENT_ID -> "/id";
      case EVENT_NAME, EVENT_VERSION -> "/type";
      case OCCURRED_AT -> "/time";
      case PRODUCER -> "/source";
      case SCHEMA_REF -> "/dataschema";
      case TRACE_ID -> "/traceparent";
      case CORRELATION_ID -> "/correlationid";
      case TENANT_ID -> "/tenantid";
      case IDEMPOTENCY_KEY -> "/idempotencykey";
      case PAYLOAD -> "/data";
    };
  }

  private static String extension(CloudEvent event, String name) {
    Object value = event.getExtension(name);
    return value == null ? null : value.toString();
  }

  private static CloudEvent fromHeaders(Map<String, String> attributes, String prefix) {
    CloudEventBuilder builder =
        CloudEventBuilder.fromSpecVersion(
            SpecVersion.parse(attributes.get(prefix + "specversion")));
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(prefix) && !key.equals(prefix + "specversion")) {
        builder.withContextAttribute(key.substring(prefix.length()), e.getValue());
      }
    }
    return builder.build();
  }

  private static CloudEvent fromDocument(JsonNode document) {
    JsonNode version = document.get("specversion");
    if (!version.isTextual()) {
      throw new IllegalArgumentException("specversion must be a string");
    }
    CloudEventBuilder builder =
        CloudEventBuilder.fromSpecVersion(SpecVersion.parse(version.textValue()));
    for (Map.Entry<String, JsonNode> e : document.properties()) {
      String key = e.getKey();
      if (key.equals("specversion") || key.equals("data") || key.equals("data_base64")) {
        continue;
      }
      JsonNode value = e.getValue();
      if (value.isNull()) {
        continue;
      }
      if (value.isContainerNode()) {
        throw new IllegalArgumentException("attribute '" + key + "' must be a scalar");
      }
      builder.withContextAttribute(key, value.asText());
    }
    return builder.build();
  }
}
