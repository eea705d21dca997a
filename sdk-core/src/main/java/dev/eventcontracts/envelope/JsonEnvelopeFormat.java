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

  /** Checks that a format description may ask for on a field. */
  public enum Check {
    /** {@code 8-4-4-4-12} hexadecimal UUID. */
    UUID,
    /** RFC 3339 date-time with an offset (or epoch milliseconds, for {@code occurred_at}). */
    DATE_TIME
  }

  private final String name;
  private final Locator[] detect;
  private final EnumMap<EnvelopeField, Locator[]> fields;
  private final Set<EnvelopeField> required;
  private final EnumMap<EnvelopeField, String> defaults;
  private final EnumMap<EnvelopeField, Check> checks;
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

  private JsonEnvelopeFormat(Builder b) {
    this.name = b.name;
    this.detect = b.detect.toArray(Locator[]::new);
    this.fields = new EnumMap<>(EnvelopeField.class);
    b.fields.forEach((k, v) -> fields.put(k, v.toArray(Locator[]::new)));
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
  private JsonNode[] scan(JsonNode document) {
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
   * Reads a format description (the JSON shape shown in the class comment).
   *
   * @throws IllegalArgumentException naming the problem when the description is not valid
   */
  public static JsonEnvelopeFormat fromSpec(JsonNode spec) {
    if (spec == null || !spec.isObject()) {
      throw new IllegalArgumentException("an envelope format must be a JSON object");
    }
    Set<String> known = Set.of("name", "detect", "fields", "required", "defaults", "formats");
    for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw new IllegalArgumentException("unknown key '" + key + "' in envelope format");
      }
    }
    JsonNode name = spec.get("name");
    if (name == null || !name.isTextual() || name.asText().isBlank()) {
      throw new IllegalArgumentException("envelope format needs a 'name'");
    }
    Builder b = builder(name.asText());
    for (String pointer : texts(spec.get("detect"), "detect")) {
      b.detectWhenPresent(pointer);
    }
    JsonNode fieldSpec = spec.get("fields");
    if (fieldSpec == null || !fieldSpec.isObject()) {
      throw new IllegalArgumentException("envelope format '" + b.name + "' needs 'fields'");
    }
    fieldSpec
        .properties()
        .forEach(
            e ->
                b.field(
                    field(e.getKey()),
                    texts(e.getValue(), "fields." + e.getKey()).toArray(String[]::new)));
    for (String key : texts(spec.get("required"), "required")) {
      b.require(field(key));
    }
    JsonNode defaults = spec.get("defaults");
    if (defaults != null) {
      defaults.properties().forEach(e -> b.defaultValue(field(e.getKey()), e.getValue().asText()));
    }
    JsonNode formats = spec.get("formats");
    if (formats != null) {
      formats
          .properties()
          .forEach(
              e -> {
                String check = e.getValue().asText();
                switch (check) {
                  case "uuid" -> b.check(field(e.getKey()), Check.UUID);
                  case "date-time" -> b.check(field(e.getKey()), Check.DATE_TIME);
                  default ->
                      throw new IllegalArgumentException(
                          "unknown format '" + check + "' for envelope field " + e.getKey());
                }
              });
    }
    return b.build();
  }

  private static EnvelopeField field(String key) {
    EnvelopeField field = EnvelopeField.fromKey(key);
    if (field == null) {
      throw new IllegalArgumentException("unknown envelope field '" + key + "'");
    }
    return field;
  }

  private static List<String> texts(JsonNode node, String what) {
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
      for (Locator locator : fields.get(EnvelopeField.EVENT_NAME)) {
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
          Violation problem = set(out, field, planChecks[i], value, locator.pointer);
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
    return new EnvelopeResult(out.build(), violations == null ? List.of() : violations);
  }

  /** Stores a value, or returns the violation that makes it unusable. */
  private static Violation set(
      Envelope.Builder out, EnvelopeField field, Check check, JsonNode value, String pointer) {
    if (value.isTextual()) {
      String text = value.textValue();
      if (check == Check.UUID && !TextFormats.isUuid(text)) {
        return Violation.of(
            pointer, ViolationCode.FORMAT, "envelope field '" + field.key() + "' must be a UUID");
      }
      if (check == Check.DATE_TIME && !TextFormats.isDateTime(text)) {
        return Violation.of(
            pointer,
            ViolationCode.FORMAT,
            "envelope field '" + field.key() + "' must be an RFC 3339 date-time with offset");
      }
      out.field(field, text);
      return null;
    }
    if (value.isIntegralNumber() && field == EnvelopeField.OCCURRED_AT) {
      out.occurredAtEpochMillis(value.longValue());
      return null;
    }
    if (value.isNumber() && field == EnvelopeField.EVENT_VERSION) {
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

  private static List<Violation> add(List<Violation> list, Violation v) {
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
    final String topLevel;
    final JsonPointer compiled;
    int slot = -1;

    static JsonNode present(JsonNode node) {
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
    JsonNode find(JsonNode document) {
      JsonNode node = topLevel != null ? document.get(topLevel) : document.at(compiled);
      return node == null || node.isMissingNode() || node.isNull() ? null : node;
    }
  }

  /** Describes a {@link JsonEnvelopeFormat}. */
  public static final class Builder {
    private final String name;
    private final List<Locator> detect = new ArrayList<>();
    private final EnumMap<EnvelopeField, List<Locator>> fields = new EnumMap<>(EnvelopeField.class);
    private final EnumSet<EnvelopeField> required = EnumSet.noneOf(EnvelopeField.class);
    private final EnumMap<EnvelopeField, String> defaults = new EnumMap<>(EnvelopeField.class);
    private final EnumMap<EnvelopeField, Check> checks = new EnumMap<>(EnvelopeField.class);

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * The format matches only documents where this JSON pointer is present; without any such
     * pointer, a document matches when one of the places {@code event_name} may be found is there.
     */
    public Builder detectWhenPresent(String pointer) {
      detect.add(new Locator(pointer));
      return this;
    }

    /** Where a field may be found, in order of preference. */
    public Builder field(EnvelopeField field, String... pointers) {
      List<Locator> list = fields.computeIfAbsent(field, k -> new ArrayList<>());
      for (String pointer : pointers) {
        list.add(new Locator(pointer));
      }
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

    /** A format check for a field. */
    public Builder check(EnvelopeField field, Check check) {
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
