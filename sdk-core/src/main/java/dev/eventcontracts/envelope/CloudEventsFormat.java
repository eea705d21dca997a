package dev.eventcontracts.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.PayloadSchema;
import dev.eventcontracts.envelope.JsonEnvelopeFormat.Check;
import dev.eventcontracts.validation.Violation;
import dev.eventcontracts.validation.ViolationCode;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * CloudEvents (seed 003), in structured mode (the whole event is the JSON value, data under {@code
 * data}) and in binary mode (attributes in transport headers prefixed {@code ce_} on Kafka or
 * {@code ce-} on Pub/Sub and HTTP, the value is the data). The attributes are checked by the {@code
 * io.cloudevents} builder, so spec rules (required attributes, URI syntax, extension names) are the
 * library's.
 *
 * <p>The event name and version come from the type: {@code com.todo.task.created.v1} (or {@code
 * .V1}, read as {@link dev.eventcontracts.version.EventVersion} reads it) is event {@code
 * com.todo.task.created} at version {@code v1}. A type without a suffix is version {@code v1},
 * unless the format {@linkplain Builder#requireVersionedType requires the suffix} (seed 003: "a
 * schema change needs a new type string"). Extensions map onto the envelope: {@code traceparent} to
 * trace id, {@code correlationid}, {@code tenantid} and {@code idempotencykey} to their fields.
 *
 * <p>Strict by default where CloudEvents 1.0 is: only {@code specversion} {@code 1.0} is accepted,
 * and {@code time} must be RFC 3339 with an offset. A {@code time} or {@code specversion} that
 * breaks these is a violation of a readable event ({@code format}, {@code enum}), not a malformed
 * message. Further checks on the attributes ({@code uuid-v4} ids, a JSON Schema over the
 * attributes) hold in both modes.
 */
public final class CloudEventsFormat implements EnvelopeFormat {
  static final String NAME = "cloudevents";
  private static final Pattern VERSIONED_TYPE = Pattern.compile("^(.+)\\.([vV]\\d+)$");
  private static final String[] HEADER_PREFIXES = {"ce_", "ce-"};

  private final String name;
  private final boolean versionedType;
  private final Set<String> specVersions;
  private final @Nullable Check idCheck;
  private final Check timeCheck;
  private final List<JsonNode> schemaNodes;
  private final List<PayloadSchema> schemas;

  private CloudEventsFormat(Builder b) {
    this.name = b.name;
    this.versionedType = b.versionedType;
    this.specVersions = Set.copyOf(b.specVersions);
    this.idCheck = b.idCheck;
    this.timeCheck = b.timeCheck;
    this.schemaNodes = List.copyOf(b.schemaNodes);
    this.schemas = List.copyOf(b.schemas);
  }

  /** The built-in format: CloudEvents 1.0, a type without a version suffix is version v1. */
  static CloudEventsFormat ofDefaults() {
    return builder().build();
  }

  /** Starts a CloudEvents format with the defaults of {@link EnvelopeFormats#cloudEvents()}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a registry description: {@code {"use": "cloudevents", "typeVersion": "required",
   * "specVersions": ["1.0"], "formats": {"event_id": "uuid-v4"}, "schema": {...}}}; every key but
   * {@code use} is optional.
   *
   * @throws IllegalArgumentException naming the problem
   */
  public static CloudEventsFormat fromSpec(JsonNode spec) {
    Set<String> known = Set.of("use", "name", "typeVersion", "specVersions", "formats", "schema");
    for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            "unknown key '"
                + key
                + "' in the cloudevents envelope format (known: "
                + new java.util.TreeSet<>(known)
                + ")");
      }
    }
    Builder b = builder();
    JsonNode name = spec.get("name");
    if (name != null) {
      if (!name.isTextual() || name.asText().isBlank()) {
        throw new IllegalArgumentException("envelope format 'name' must be a non-empty string");
      }
      b.name(name.asText());
    }
    JsonNode typeVersion = spec.get("typeVersion");
    if (typeVersion != null) {
      switch (typeVersion.asText()) {
        case "required" -> b.requireVersionedType(true);
        case "optional" -> b.requireVersionedType(false);
        default ->
            throw new IllegalArgumentException(
                "typeVersion must be 'required' or 'optional', not " + typeVersion);
      }
    }
    if (spec.has("specVersions")) {
      List<String> versions = JsonEnvelopeFormat.texts(spec.get("specVersions"), "specVersions");
      b.specVersions(versions.toArray(String[]::new));
    }
    JsonEnvelopeFormat.checks(spec.get("formats")).forEach(b::check);
    if (spec.has("schema")) {
      b.schema(spec.get("schema"));
    }
    return b.build();
  }

  @Override
  public String name() {
    return name;
  }

  /** Whether a type without a {@code .vN} suffix is refused. */
  public boolean requiresVersionedType() {
    return versionedType;
  }

  /** The {@code specversion} values accepted. */
  public Set<String> specVersions() {
    return specVersions;
  }

  /** The JSON Schemas the attributes must also honour, in the order they were added. */
  public List<JsonNode> schemas() {
    return schemaNodes;
  }

  /** The check on the {@code id} attribute, or {@code null} when any id is accepted. */
  public @Nullable Check idCheck() {
    return idCheck;
  }

  @Override
  public boolean matches(JsonNode document, Map<String, String> attributes) {
    return binaryPrefix(attributes) != null || document.has("specversion");
  }

  private static @Nullable String binaryPrefix(Map<String, String> attributes) {
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

  /**
   * Where an attribute sits in the message as sent: a JSON pointer in structured mode ({@code
   * /time}), the header name in binary mode ({@code ce_time}).
   */
  private static String where(@Nullable String prefix, String attribute) {
    return prefix == null ? "/" + attribute : prefix + attribute;
  }

  @Override
  public EnvelopeResult map(JsonNode document, InboundMessage message) {
    String prefix = binaryPrefix(message.attributes());
    List<Violation> violations = new ArrayList<>(2);
    Map<String, String> attributes;
    JsonNode data;
    String dataPointer;
    boolean base64 = false;
    CloudEvent event;
    try {
      if (prefix != null) {
        attributes = fromHeaders(message.attributes(), prefix);
        data = document;
        dataPointer = "";
      } else {
        attributes = fromDocument(document);
        data = document.get("data");
        dataPointer = "/data";
        if (data == null && document.has("data_base64")) {
          base64 = true;
          violations.add(
              Violation.of(
                  "/data_base64",
                  ViolationCode.TYPE,
                  "binary data (data_base64) cannot be validated as a JSON payload"));
        }
      }
      event = build(attributes, prefix, violations);
    } catch (RuntimeException e) {
      // CloudEventRWException, IllegalStateException (missing attribute), IllegalArgumentException
      String where = prefix == null ? "" : "/";
      violations.add(
          Violation.of(where, ViolationCode.REQUIRED, "not a valid CloudEvent: " + e.getMessage()));
      return new EnvelopeResult(
          Envelope.builder(name).document(document).attributes(message.attributes()).build(),
          violations);
    }
    Envelope.Builder out =
        Envelope.builder(name).document(document).attributes(message.attributes());
    Matcher m = VERSIONED_TYPE.matcher(event.getType());
    if (m.matches()) {
      out.eventName(m.group(1)).eventVersion(m.group(2));
    } else {
      if (versionedType) {
        violations.add(
            Violation.of(
                where(prefix, "type"),
                ViolationCode.PATTERN,
                "type '"
                    + event.getType()
                    + "' has no version suffix (.v<N>); a new version is a new type"));
      }
      out.eventName(event.getType()).eventVersion("v1");
    }
    out.eventId(event.getId());
    if (idCheck != null && !idCheck.accepts(event.getId())) {
      violations.add(
          Violation.of(
              where(prefix, "id"), ViolationCode.FORMAT, "id must be " + idCheck.expected()));
    }
    out.field(EnvelopeField.PRODUCER, event.getSource().toString());
    if (event.getTime() != null) {
      // the (validated) time as written: OffsetDateTime.toString() drops zero seconds ("09:00Z"),
      // which Envelope.parseTimestamp and ordering by occurred_at then cannot read
      out.occurredAt(attributes.get("time"));
    }
    if (event.getDataSchema() != null) {
      out.field(EnvelopeField.SCHEMA_REF, event.getDataSchema().toString());
    }
    out.field(EnvelopeField.TRACE_ID, extension(event, "traceparent"));
    out.field(EnvelopeField.CORRELATION_ID, extension(event, "correlationid"));
    out.field(EnvelopeField.TENANT_ID, extension(event, "tenantid"));
    out.field(EnvelopeField.IDEMPOTENCY_KEY, extension(event, "idempotencykey"));
    if (!schemas.isEmpty()) {
      ObjectNode view = JsonNodeFactory.instance.objectNode();
      attributes.forEach(view::put);
      for (PayloadSchema schema : schemas) {
        for (Violation v : schema.validate(view, "")) {
          violations.add(
              prefix == null || v.path().isEmpty()
                  ? v
                  : Violation.of(prefix + v.path().substring(1), v.code(), v.message()));
        }
      }
    }
    if (data != null && !data.isNull()) {
      out.payload(data, dataPointer);
    } else if (!base64) {
      violations.add(Violation.of(dataPointer, ViolationCode.REQUIRED, "CloudEvent has no data"));
    }
    return new EnvelopeResult(out.build(), violations);
  }

  /**
   * Builds the event with the SDK. A {@code specversion} or {@code time} this format does not
   * accept is a violation, and the event is read without it (as 1.0, without a time), so its id and
   * type still reach the report.
   */
  private CloudEvent build(
      Map<String, String> attributes, @Nullable String prefix, List<Violation> violations) {
    String specVersion = attributes.get("specversion");
    SpecVersion version = SpecVersion.V1;
    if (specVersion != null && !specVersions.contains(specVersion)) {
      violations.add(
          Violation.of(
              where(prefix, "specversion"),
              ViolationCode.ENUM,
              "specversion '"
                  + specVersion
                  + "' is not accepted (accepted: "
                  + new java.util.TreeSet<>(specVersions)
                  + ")"));
    } else if (specVersion != null) {
      version = SpecVersion.parse(specVersion);
    }
    CloudEventBuilder builder = CloudEventBuilder.fromSpecVersion(version);
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      String key = e.getKey();
      if (key.equals("specversion")) {
        continue;
      }
      if (key.equals("time") && !timeCheck.accepts(e.getValue())) {
        violations.add(
            Violation.of(
                where(prefix, "time"),
                ViolationCode.FORMAT,
                "time must be " + timeCheck.expected()));
        continue;
      }
      builder.withContextAttribute(key, e.getValue());
    }
    return builder.build();
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

  private static @Nullable String extension(CloudEvent event, String name) {
    Object value = event.getExtension(name);
    return value == null ? null : value.toString();
  }

  private static Map<String, String> fromHeaders(Map<String, String> attributes, String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(prefix)) {
        out.put(key.substring(prefix.length()), e.getValue());
      }
    }
    return out;
  }

  private static Map<String, String> fromDocument(JsonNode document) {
    JsonNode version = document.get("specversion");
    if (!version.isTextual()) {
      throw new IllegalArgumentException("specversion must be a string");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : document.properties()) {
      String key = e.getKey();
      if (key.equals("data") || key.equals("data_base64")) {
        continue;
      }
      JsonNode value = e.getValue();
      if (value.isNull()) {
        continue;
      }
      if (value.isContainerNode()) {
        throw new IllegalArgumentException("attribute '" + key + "' must be a scalar");
      }
      out.put(key, value.asText());
    }
    return out;
  }

  @Override
  public String toString() {
    return "CloudEventsFormat{" + name + (versionedType ? ", versioned types" : "") + "}";
  }

  /** Describes a {@link CloudEventsFormat}. */
  public static final class Builder {
    private String name = NAME;
    private boolean versionedType;
    private final Set<String> specVersions = new LinkedHashSet<>(List.of("1.0"));
    private @Nullable Check idCheck;
    private Check timeCheck = Check.DATE_TIME;
    private final List<JsonNode> schemaNodes = new ArrayList<>();
    private final List<PayloadSchema> schemas = new ArrayList<>();

    private Builder() {}

    /** The format's name; {@code cloudevents} by default. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Strict: a type without a {@code .vN} suffix is a {@code pattern} violation at {@code /type}
     * (seed 003). Lenient (the default): such a type is version {@code v1}.
     */
    public Builder requireVersionedType(boolean required) {
      this.versionedType = required;
      return this;
    }

    /**
     * The {@code specversion} values accepted; {@code 1.0} only by default. Another value is an
     * {@code enum} violation at {@code /specversion}.
     *
     * @throws IllegalArgumentException for a version the CloudEvents SDK does not know
     */
    public Builder specVersions(String... versions) {
      if (versions.length == 0) {
        throw new IllegalArgumentException("at least one specversion must be accepted");
      }
      specVersions.clear();
      for (String v : versions) {
        try {
          SpecVersion.parse(v);
        } catch (RuntimeException e) { // CloudEventRWException
          throw new IllegalArgumentException(
              "specversion '" + v + "' is not one the CloudEvents SDK reads", e);
        }
        specVersions.add(v);
      }
      return this;
    }

    /**
     * A check on {@code event_id} ({@code uuid}, {@code uuid-v4}) or {@code occurred_at} ({@code
     * date-time}, the default, or {@code date-time-utc}); it holds in both modes.
     *
     * @throws IllegalArgumentException for another field or check
     */
    public Builder check(EnvelopeField field, Check check) {
      Objects.requireNonNull(check, "check");
      if (field == EnvelopeField.EVENT_ID && (check == Check.UUID || check == Check.UUID_V4)) {
        idCheck = check;
      } else if (field == EnvelopeField.OCCURRED_AT
          && (check == Check.DATE_TIME || check == Check.DATE_TIME_UTC)) {
        timeCheck = check;
      } else {
        throw new IllegalArgumentException(
            "the cloudevents format checks event_id (uuid, uuid-v4) and occurred_at (date-time,"
                + " date-time-utc), not "
                + field.key()
                + " "
                + check.key());
      }
      return this;
    }

    /**
     * A JSON Schema 2020-12 the context attributes must honour, as an object of strings ({@code
     * {"specversion": "1.0", "id": ..., "type": ..., "time": ...}}) in both modes. A violation's
     * path is {@code /type} in structured mode and the header ({@code ce_type}) in binary mode.
     *
     * @throws IllegalArgumentException when the schema is not valid JSON Schema 2020-12
     */
    public Builder schema(JsonNode schema) {
      try {
        schemas.add(PayloadSchema.compile(schema));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "envelope format '" + name + "' schema: " + e.getMessage(), e);
      }
      schemaNodes.add(schema.deepCopy());
      return this;
    }

    /** Builds the format. */
    public CloudEventsFormat build() {
      return new CloudEventsFormat(this);
    }
  }
}
