package dev.eventcontracts.envelope;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.validation.Violation;
import dev.eventcontracts.validation.ViolationCode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An envelope format described by data: for each normalized field, the JSON pointers where it may
 * be found (first present wins), which fields are required, defaults, and format checks. The
 * built-in shapes of seeds 000, 001, 002 and 004 are instances of this class, and users describe
 * new shapes the same way, in Java with {@link #builder(String)} or in a registry file with {@link
 * #fromSpec(JsonNode)}:
 *
 * <pre>{@code
 * {"name": "billing", "detect": ["/type", "/billingId"],
 *  "fields": {"event_id": "/id", "event_name": "/type", "event_version": ["/v", "/meta/v"],
 *             "occurred_at": "/at", "payload": "/body"},
 *  "required": ["event_id", "event_name", "payload"],
 *  "defaults": {"event_version": "1"},
 *  "formats": {"event_id": "uuid", "occurred_at": "date-time"}}
 * }</pre>
 */
public final class JsonEnvelopeFormat implements EnvelopeFormat {

  /**
   * Checks that a format description may ask for on a field. The strict ones are the default of
   * every built-in format; leniency a seed does not grant ({@link #DATE_TIME_OR_EPOCH_MILLIS}) is
   * asked for by name.
   */
  public enum Check {
    /** {@code 8-4-4-4-12} hexadecimal UUID, any version. */
    UUID("uuid"),
    /**
     * A random UUID: version digit {@code 4}, variant {@code 8}, {@code 9}, {@code a}, {@code b}.
     */
    UUID_V4("uuid-v4"),
    /** RFC 3339 date-time text with an offset ({@code Z} or {@code +HH:MM}); no epoch numbers. */
    DATE_TIME("date-time"),
    /** RFC 3339 date-time text in UTC: ending in {@code Z} or {@code +00:00}. */
    DATE_TIME_UTC("date-time-utc"),
    /**
     * Lenient: RFC 3339 date-time text with an offset, or an integer of epoch milliseconds (seed
     * 002 prints both). Only {@code occurred_at} may ask for it.
     */
    DATE_TIME_OR_EPOCH_MILLIS("date-time-or-epoch-millis");

    private final String key;

    Check(String key) {
      this.key = key;
    }

    /** The name of the check in a format description ({@code "uuid-v4"}). */
    public String key() {
      return key;
    }

    /**
     * The check with this name.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static Check fromKey(String key) {
      for (Check check : values()) {
        if (check.key.equals(key)) {
          return check;
        }
      }
      throw new IllegalArgumentException(
          "unknown format '"
              + key
              + "' (known: "
              + java.util.Arrays.stream(values()).map(Check::key).toList()
              + ")");
    }

    /** True when the text passes the check. */
    boolean accepts(String text) {
      return switch (this) {
        case UUID -> TextFormats.isUuid(text);
        case UUID_V4 -> TextFormats.isUuidV4(text);
        case DATE_TIME, DATE_TIME_OR_EPOCH_MILLIS -> TextFormats.isDateTime(text);
        case DATE_TIME_UTC -> TextFormats.isUtcDateTime(text);
      };
    }

    /** What the field must be, for a violation message. */
    String expected() {
      return switch (this) {
        case UUID -> "a UUID";
        case UUID_V4 -> "a version 4 (random) UUID";
        case DATE_TIME -> "an RFC 3339 date-time with offset";
        case DATE_TIME_UTC -> "an RFC 3339 date-time in UTC (Z or +00:00)";
        case DATE_TIME_OR_EPOCH_MILLIS -> "an RFC 3339 date-time with offset or epoch milliseconds";
      };
    }
  }

  private final String name;
  private final Locator[] detect;
  private final EnumMap<EnvelopeField, Locator[]> fields;
  private final Set<EnvelopeField> required;
  private final EnumMap<EnvelopeField, String> defaults;
  private final EnumMap<EnvelopeField, Check> checks;
  private final List<JsonNode> schemaNodes;
  private final List<dev.eventcontracts.contract.PayloadSchema> schemas;
  private final List<String> detectPointers;
  private final EnumMap<EnvelopeField, List<String>> fieldPointers;
  // map() walks these arrays: iterating the EnumMaps allocates an entry per field per event
  private final EnvelopeField[] planFields;
  private final Locator[][] planLocators;
  private final Check[] planChecks;
  private final EnvelopeField[] defaultFields;
  private final String[] defaultValues;
  private final int requiredMask;
  // single pass: every top-level name any locator reads gets a slot; an open-addressing table
  // keyed by the name's hash finds the slot of a document property (identity first: Jackson interns
  // property names, and so do the locators)
  private final String[] slotNames;
  private final String[] tableKeys;
  private final int[] tableSlots;
  private final int tableMask;
  private final boolean onlyTopLevel;
  private final boolean numericVersions;

  private JsonEnvelopeFormat(Builder b) {
    this.name = b.name;
    this.detectPointers = List.copyOf(b.detect);
    this.fieldPointers = new EnumMap<>(EnvelopeField.class);
    b.fields.forEach((k, v) -> fieldPointers.put(k, List.copyOf(v)));
    this.schemaNodes = List.copyOf(b.schemaNodes);
    this.schemas = List.copyOf(b.schemas);
    // fresh locators per format: each one carries the slot of this format's scan table
    this.detect = b.detect.stream().map(Locator::new).toArray(Locator[]::new);
    this.fields = new EnumMap<>(EnvelopeField.class);
    b.fields.forEach((k, v) -> fields.put(k, v.stream().map(Locator::new).toArray(Locator[]::new)));
    this.required =
        EnumSet.copyOf(b.required.isEmpty() ? EnumSet.of(EnvelopeField.EVENT_NAME) : b.required);
    this.defaults = new EnumMap<>(b.defaults);
    this.checks = new EnumMap<>(b.checks);
    this.planFields = fields.keySet().toArray(EnvelopeField[]::new);
    this.planLocators = new Locator[planFields.length][];
    this.planChecks = new Check[planFields.length];
    for (int i = 0; i < planFields.length; i++) {
      planLocators[i] = fields.get(planFields[i]);
      planChecks[i] = checks.get(planFields[i]);
    }
    this.defaultFields = defaults.keySet().toArray(EnvelopeField[]::new);
    this.defaultValues = defaults.values().toArray(String[]::new);
    int mask = 0;
    for (EnvelopeField field : required) {
      mask |= 1 << field.ordinal();
    }
    this.requiredMask = mask;
    java.util.LinkedHashMap<String, Integer> slots = new java.util.LinkedHashMap<>();
    boolean top = true;
    List<Locator> all = new ArrayList<>(List.of(detect));
    for (Locator[] ls : planLocators) {
      all.addAll(List.of(ls));
    }
    for (Locator l : all) {
      if (l.topLevel == null) {
        top = false;
      } else {
        l.slot = slots.computeIfAbsent(l.topLevel, k -> slots.size());
      }
    }
    this.onlyTopLevel = top;
    this.numericVersions = b.numericVersions;
    this.slotNames = slots.keySet().toArray(String[]::new);
    int size = Integer.highestOneBit(Math.max(4, slotNames.length * 4) - 1) << 1;
    this.tableKeys = new String[size];
    this.tableSlots = new int[size];
    this.tableMask = size - 1;
    for (int i = 0; i < slotNames.length; i++) {
      int h = spread(slotNames[i].hashCode()) & tableMask;
      while (tableKeys[h] != null) {
        h = (h + 1) & tableMask;
      }
      tableKeys[h] = slotNames[i];
      tableSlots[h] = i;
    }
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }

  private int slotOf(String key) {
    int h = spread(key.hashCode()) & tableMask;
    String k;
    while ((k = tableKeys[h]) != null) {
      if (k == key || k.equals(key)) {
        return tableSlots[h];
      }
      h = (h + 1) & tableMask;
    }
    return -1;
  }

  /** One walk over the document's properties; null when some locator is not top-level. */
  private JsonNode @Nullable [] scan(JsonNode document) {
    if (!onlyTopLevel) {
      return null;
    }
    JsonNode[] found = new JsonNode[slotNames.length];
    for (Map.Entry<String, JsonNode> e : document.properties()) {
      int slot = slotOf(e.getKey());
      if (slot >= 0) {
        found[slot] = e.getValue();
      }
    }
    return found;
  }

  /** Starts a description of a format called {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * A builder that starts from this format's description, to add requirements, checks and schemas
   * to a built-in format: {@code EnvelopeFormats.interview().toBuilder().check(EVENT_ID,
   * Check.UUID).build()}.
   */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.detect.addAll(detectPointers);
    fieldPointers.forEach((k, v) -> b.fields.put(k, new ArrayList<>(v)));
    b.required.addAll(required);
    b.defaults.putAll(defaults);
    b.checks.putAll(checks);
    b.schemaNodes.addAll(schemaNodes);
    b.schemas.addAll(schemas);
    b.numericVersions = numericVersions;
    return b;
  }

  /** Whether a number is read as {@code event_version} ({@code "version": 1} as {@code 1}). */
  public boolean numericVersions() {
    return numericVersions;
  }

  /** The format checks by field. */
  public Map<EnvelopeField, Check> checks() {
    return java.util.Collections.unmodifiableMap(checks);
  }

  /** The fields that must be present. */
  public Set<EnvelopeField> required() {
    return java.util.Collections.unmodifiableSet(required);
  }

  /** The JSON Schemas the whole message must also honour, in the order they were added. */
  public List<JsonNode> schemas() {
    return schemaNodes;
  }

  /**
   * The JSON pointers a field is read from, first present wins; empty when the format does not
   * carry the field. Fixture generators write a field at the first of them.
   */
  public List<String> pointers(EnvelopeField field) {
    return fieldPointers.getOrDefault(Objects.requireNonNull(field, "field"), List.of());
  }

  /** The pointers whose presence makes this format recognise a document. */
  public List<String> detectPointers() {
    return detectPointers;
  }

  /** The value a field takes when the document lacks it, or {@code null}. */
  public @Nullable String defaultValue(EnvelopeField field) {
    return defaults.get(Objects.requireNonNull(field, "field"));
  }

  /**
   * Reads a format description (the JSON shape shown in the class comment).
   *
   * @throws IllegalArgumentException naming the problem when the description is not valid
   */
  public static JsonEnvelopeFormat fromSpec(JsonNode spec) {
    if (spec == null || !spec.isObject()) {
      throw new IllegalArgumentException("an envelope format must be a JSON object");
    }
    JsonNode use = spec.get("use");
    Set<String> known =
        use == null
            ? Set.of(
                "name",
                "detect",
                "fields",
                "required",
                "defaults",
                "formats",
                "schema",
                "numericVersions")
            : Set.of("use", "name", "required", "defaults", "formats", "schema", "numericVersions");
    for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            "unknown key '"
                + key
                + "' in envelope format"
                + (use == null ? "" : " that uses a built-in one")
                + " (known: "
                + new java.util.TreeSet<>(known)
                + ")");
      }
    }
    JsonNode name = spec.get("name");
    if (name != null && (!name.isTextual() || name.asText().isBlank())) {
      throw new IllegalArgumentException("envelope format 'name' must be a non-empty string");
    }
    Builder b;
    if (use != null) {
      if (!use.isTextual()
          || !(EnvelopeFormats.named(use.asText()) instanceof JsonEnvelopeFormat base)) {
        throw new IllegalArgumentException(
            "'use' must name a built-in JSON envelope format " + EnvelopeFormats.names());
      }
      b = base.toBuilder();
      if (name != null) {
        b = b.renamed(name.asText());
      }
    } else {
      if (name == null) {
        throw new IllegalArgumentException("envelope format needs a 'name'");
      }
      b = builder(name.asText());
      for (String pointer : texts(spec.get("detect"), "detect")) {
        b.detectWhenPresent(pointer);
      }
      JsonNode fieldSpec = spec.get("fields");
      if (fieldSpec == null || !fieldSpec.isObject()) {
        throw new IllegalArgumentException("envelope format '" + b.name + "' needs 'fields'");
      }
      Builder target = b;
      fieldSpec
          .properties()
          .forEach(
              e ->
                  target.field(
                      field(e.getKey()),
                      texts(e.getValue(), "fields." + e.getKey()).toArray(String[]::new)));
    }
    applyOptions(b, spec);
    return b.build();
  }

  /** Applies {@code required}, {@code defaults}, {@code formats} and {@code schema}. */
  private static void applyOptions(Builder b, JsonNode spec) {
    for (String key : texts(spec.get("required"), "required")) {
      b.require(field(key));
    }
    JsonNode defaults = spec.get("defaults");
    if (defaults != null) {
      defaults.properties().forEach(e -> b.defaultValue(field(e.getKey()), e.getValue().asText()));
    }
    for (Map.Entry<EnvelopeField, Check> e : checks(spec.get("formats")).entrySet()) {
      b.check(e.getKey(), e.getValue());
    }
    JsonNode schema = spec.get("schema");
    if (schema != null) {
      b.schema(schema);
    }
    JsonNode numeric = spec.get("numericVersions");
    if (numeric != null) {
      if (!numeric.isBoolean()) {
        throw new IllegalArgumentException("'numericVersions' must be true or false");
      }
      b.numericVersions(numeric.booleanValue());
    }
  }

  /** Reads a {@code formats} object: envelope field key to check name. */
  static Map<EnvelopeField, Check> checks(JsonNode formats) {
    Map<EnvelopeField, Check> out = new EnumMap<>(EnvelopeField.class);
    if (formats == null) {
      return out;
    }
    if (!formats.isObject()) {
      throw new IllegalArgumentException("'formats' must be an object");
    }
    for (Map.Entry<String, JsonNode> e : formats.properties()) {
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException("formats." + e.getKey() + " must be a string");
      }
      try {
        out.put(field(e.getKey()), Check.fromKey(e.getValue().asText()));
      } catch (IllegalArgumentException x) {
        throw new IllegalArgumentException(x.getMessage() + " for envelope field " + e.getKey(), x);
      }
    }
    return out;
  }

  static EnvelopeField field(String key) {
    EnvelopeField field = EnvelopeField.fromKey(key);
    if (field == null) {
      throw new IllegalArgumentException("unknown envelope field '" + key + "'");
    }
    return field;
  }

  static List<String> texts(JsonNode node, String what) {
    List<String> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (node.isTextual()) {
      out.add(node.asText());
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        if (!item.isTextual()) {
          throw new IllegalArgumentException("'" + what + "' must hold strings");
        }
        out.add(item.asText());
      }
    } else {
      throw new IllegalArgumentException("'" + what + "' must be a string or an array of strings");
    }
    return out;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean matches(JsonNode document, Map<String, String> attributes) {
    if (detect.length == 0) {
      // no explicit detection: any one of the places event_name may be found will do
      // build() refuses a format that does not locate event_name
      Locator[] eventName = Objects.requireNonNull(fields.get(EnvelopeField.EVENT_NAME));
      for (Locator locator : eventName) {
        if (locator.find(document) != null) {
          return true;
        }
      }
      return false;
    }
    for (Locator locator : detect) {
      if (locator.find(document) == null) {
        return false;
      }
    }
    return true;
  }

  @Override
  public EnvelopeResult map(JsonNode document, InboundMessage message) {
    Envelope.Builder out =
        Envelope.builder(name).document(document).attributes(message.attributes());
    List<Violation> violations = null;
    int present = 0;
    JsonNode[] found = scan(document);
    for (int i = 0; i < planFields.length; i++) {
      EnvelopeField field = planFields[i];
      for (Locator locator : planLocators[i]) {
        JsonNode value =
            found != null ? Locator.present(found[locator.slot]) : locator.find(document);
        if (value == null) {
          continue;
        }
        if (field == EnvelopeField.PAYLOAD) {
          out.payload(value, locator.pointer);
        } else {
          Violation problem =
              set(out, field, planChecks[i], value, locator.pointer, numericVersions);
          if (problem != null) {
            violations = add(violations, problem);
          }
        }
        present |= 1 << field.ordinal();
        break;
      }
    }
    for (int i = 0; i < defaultFields.length; i++) {
      int bit = 1 << defaultFields[i].ordinal();
      if ((present & bit) == 0) {
        out.field(defaultFields[i], defaultValues[i]);
        present |= bit;
      }
    }
    if ((requiredMask & ~present) != 0) {
      for (EnvelopeField field : required) {
        if ((present & (1 << field.ordinal())) == 0) {
          violations =
              add(
                  violations,
                  Violation.of(
                      pointerOf(field),
                      ViolationCode.REQUIRED,
                      "envelope field '" + field.key() + "' is required"));
        }
      }
    }
    for (dev.eventcontracts.contract.PayloadSchema schema : schemas) {
      for (Violation v : schema.validate(document, "")) {
        if (!reported(violations, v)) { // a mapped field's own type check said it already
          violations = add(violations, v);
        }
      }
    }
    return new EnvelopeResult(out.build(), violations == null ? List.of() : violations);
  }

  /** Stores a value, or returns the violation that makes it unusable. */
  private static @Nullable Violation set(
      Envelope.Builder out,
      EnvelopeField field,
      Check check,
      JsonNode value,
      String pointer,
      boolean numericVersions) {
    if (value.isTextual()) {
      String text = value.textValue();
      if (check != null && !check.accepts(text)) {
        return Violation.of(
            pointer,
            ViolationCode.FORMAT,
            "envelope field '" + field.key() + "' must be " + check.expected());
      }
      out.field(field, text);
      return null;
    }
    if (value.isIntegralNumber() && field == EnvelopeField.OCCURRED_AT) {
      // epoch milliseconds only where the format grants them (or checks nothing at all)
      if (check != null && check != Check.DATE_TIME_OR_EPOCH_MILLIS) {
        return Violation.of(
            pointer,
            ViolationCode.FORMAT,
            "envelope field '"
                + field.key()
                + "' must be "
                + check.expected()
                + ", not epoch milliseconds");
      }
      out.occurredAtEpochMillis(value.longValue());
      return null;
    }
    if (value.isNumber() && field == EnvelopeField.EVENT_VERSION && numericVersions) {
      out.field(field, value.asText());
      return null;
    }
    return Violation.of(
        pointer,
        ViolationCode.TYPE,
        "envelope field '"
            + field.key()
            + "' must be a string, not "
            + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
  }

  @Override
  public String pointerOf(EnvelopeField field, Envelope envelope) {
    Locator[] locators = fields.get(field);
    if (locators != null) {
      for (Locator locator : locators) {
        if (locator.find(envelope.document()) != null) {
          return locator.pointer;
        }
      }
    }
    return pointerOf(field);
  }

  private String pointerOf(EnvelopeField field) {
    Locator[] locators = fields.get(field);
    return locators == null || locators.length == 0 ? "/" + field.key() : locators[0].pointer;
  }

  private static boolean reported(@Nullable List<Violation> list, Violation v) {
    if (list != null) {
      for (Violation seen : list) {
        if (seen.path().equals(v.path()) && seen.code().equals(v.code())) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<Violation> add(@Nullable List<Violation> list, Violation v) {
    List<Violation> out = list == null ? new ArrayList<>(4) : list;
    out.add(v);
    return out;
  }

  @Override
  public String toString() {
    return "JsonEnvelopeFormat{" + name + "}";
  }

  /** Finds one value in a document, with a fast path for top-level fields. */
  private static final class Locator {
    final String pointer;
    final @Nullable String topLevel;
    final JsonPointer compiled;
    int slot = -1;

    static @Nullable JsonNode present(JsonNode node) {
      return node == null || node.isNull() ? null : node;
    }

    Locator(String pointer) {
      if (!pointer.startsWith("/") || pointer.length() < 2) {
        throw new IllegalArgumentException("not a JSON pointer to a field: '" + pointer + "'");
      }
      this.pointer = pointer;
      this.compiled = JsonPointer.compile(pointer);
      this.topLevel = compiled.tail().matches() ? compiled.getMatchingProperty().intern() : null;
    }

    /** The value, or {@code null} when absent or JSON null. */
    @Nullable JsonNode find(JsonNode document) {
      JsonNode node = topLevel != null ? document.get(topLevel) : document.at(compiled);
      return node == null || node.isMissingNode() || node.isNull() ? null : node;
    }
  }

  /** Describes a {@link JsonEnvelopeFormat}. */
  public static final class Builder {
    private final String name;
    private final List<String> detect = new ArrayList<>();
    private final EnumMap<EnvelopeField, List<String>> fields = new EnumMap<>(EnvelopeField.class);
    private final List<JsonNode> schemaNodes = new ArrayList<>();
    private final List<dev.eventcontracts.contract.PayloadSchema> schemas = new ArrayList<>();
    private final EnumSet<EnvelopeField> required = EnumSet.noneOf(EnvelopeField.class);
    private final EnumMap<EnvelopeField, String> defaults = new EnumMap<>(EnvelopeField.class);
    private final EnumMap<EnvelopeField, Check> checks = new EnumMap<>(EnvelopeField.class);
    private boolean numericVersions = true;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * The format matches only documents where this JSON pointer is present; without any such
     * pointer, a document matches when one of the places {@code event_name} may be found is there.
     */
    public Builder detectWhenPresent(String pointer) {
      new Locator(pointer); // refuses a pointer that cannot name a field
      detect.add(pointer);
      return this;
    }

    /** Where a field may be found, in order of preference. */
    public Builder field(EnvelopeField field, String... pointers) {
      List<String> list = fields.computeIfAbsent(field, k -> new ArrayList<>());
      for (String pointer : pointers) {
        new Locator(pointer); // refuses a pointer that cannot name a field
        list.add(pointer);
      }
      return this;
    }

    /** The same description under another name. */
    Builder renamed(String newName) {
      Builder b = new Builder(newName);
      b.detect.addAll(detect);
      fields.forEach((k, v) -> b.fields.put(k, new ArrayList<>(v)));
      b.required.addAll(required);
      b.defaults.putAll(defaults);
      b.checks.putAll(checks);
      b.schemaNodes.addAll(schemaNodes);
      b.schemas.addAll(schemas);
      b.numericVersions = numericVersions;
      return b;
    }

    /**
     * A JSON Schema 2020-12 the whole message must also honour, for envelope members that are not
     * normalized fields (seed 001's {@code userId}) or rules across them (seed 002's {@code
     * metadata}: when present, a string {@code service} and {@code version}). Violations point into
     * the message as sent. Describe the envelope only: leave the payload to the contracts.
     *
     * @throws IllegalArgumentException when the schema is not valid JSON Schema 2020-12
     */
    public Builder schema(JsonNode schema) {
      try {
        schemas.add(dev.eventcontracts.contract.PayloadSchema.compile(schema));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "envelope format '" + name + "' schema: " + e.getMessage(), e);
      }
      schemaNodes.add(schema.deepCopy());
      return this;
    }

    /** Fields that must be present; {@code event_name} is always required. */
    public Builder require(EnvelopeField... required) {
      this.required.addAll(List.of(required));
      return this;
    }

    /** A value to use when the document leaves a field out. */
    public Builder defaultValue(EnvelopeField field, String value) {
      defaults.put(field, Objects.requireNonNull(value));
      return this;
    }

    /**
     * Whether a JSON number is read as the version ({@code "version": 1} is {@code 1}); on by
     * default. Off, a number is a {@code type} violation: for shapes whose version is a string
     * ({@code "v1"}, {@code "1.0"}), as seeds 000, 002 and 004 say.
     */
    public Builder numericVersions(boolean accepted) {
      this.numericVersions = accepted;
      return this;
    }

    /** A format check for a field; it replaces any check the field had. */
    public Builder check(EnvelopeField field, Check check) {
      if (check == Check.DATE_TIME_OR_EPOCH_MILLIS && field != EnvelopeField.OCCURRED_AT) {
        throw new IllegalArgumentException(check.key() + " applies to occurred_at only");
      }
      checks.put(field, Objects.requireNonNull(check));
      return this;
    }

    /** Builds the format. */
    public JsonEnvelopeFormat build() {
      if (!fields.containsKey(EnvelopeField.EVENT_NAME)) {
        throw new IllegalArgumentException("envelope format '" + name + "' must locate event_name");
      }
      required.add(EnvelopeField.EVENT_NAME);
      return new JsonEnvelopeFormat(this);
    }
  }
}
