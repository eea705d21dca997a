package dev.eventcontracts.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;

/**
 * A payload field type for contracts written in code; each field becomes a JSON Schema 2020-12
 * property, so contracts from code and from registry files are validated the same way.
 *
 * <pre>{@code
 * EventContract.builder("profile.updated", "v1")
 *     .required("candidate_id", Field.string())
 *     .required("profile_version", Field.integer().min(1))
 *     .optional("source", Field.string().oneOf("manual", "import", "parser"))
 *     .build();
 * }</pre>
 */
public final class Field {
  private final ObjectNode schema;

  private Field(ObjectNode schema) {
    this.schema = schema;
  }

  private static Field of(String type) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("type", type);
    return new Field(node);
  }

  /** A string. */
  public static Field string() {
    return of("string");
  }

  /** An RFC 3339 date-time string. */
  public static Field dateTime() {
    return string().format("date-time");
  }

  /** An integer. */
  public static Field integer() {
    return of("integer");
  }

  /** Any number. */
  public static Field number() {
    return of("number");
  }

  /** A boolean. */
  public static Field bool() {
    return of("boolean");
  }

  /** An object with any content. */
  public static Field object() {
    return of("object");
  }

  /** An array whose items are all of one type. */
  public static Field arrayOf(Field items) {
    Field field = of("array");
    field.schema.set("items", items.schema.deepCopy());
    return field;
  }

  /** A field described by a raw JSON Schema. */
  public static Field schema(JsonNode schema) {
    if (!schema.isObject()) {
      throw new IllegalArgumentException("a field schema must be an object");
    }
    return new Field(((ObjectNode) schema).deepCopy());
  }

  /** Restricts the value to these strings. */
  public Field oneOf(String... values) {
    var array = schema.putArray("enum");
    for (String value : values) {
      array.add(value);
    }
    return this;
  }

  /** The smallest allowed number (inclusive). */
  public Field min(Number min) {
    schema.put("minimum", new BigDecimal(min.toString()));
    return this;
  }

  /** The largest allowed number (inclusive). */
  public Field max(Number max) {
    schema.put("maximum", new BigDecimal(max.toString()));
    return this;
  }

  /** The fewest array items. */
  public Field minItems(int count) {
    schema.put("minItems", count);
    return this;
  }

  /** The most array items. */
  public Field maxItems(int count) {
    schema.put("maxItems", count);
    return this;
  }

  /** The shortest string. */
  public Field minLength(int length) {
    schema.put("minLength", length);
    return this;
  }

  /** The longest string. */
  public Field maxLength(int length) {
    schema.put("maxLength", length);
    return this;
  }

  /** A regular expression the string must match. */
  public Field pattern(String regex) {
    schema.put("pattern", regex);
    return this;
  }

  /** A JSON Schema format (date-time, date, uuid, uri, email, ...). */
  public Field format(String format) {
    schema.put("format", format);
    return this;
  }

  /** The JSON Schema of this field (a copy). */
  public ObjectNode toSchema() {
    return schema.deepCopy();
  }
}
