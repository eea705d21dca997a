package dev.eventcontracts.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import com.networknt.schema.path.PathType;
import dev.eventcontracts.validation.Violation;
import dev.eventcontracts.validation.ViolationCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A compiled JSON Schema 2020-12 for an event payload, validated by the networknt
 * json-schema-validator with format assertions on. Reports every violation at once, each with a
 * JSON pointer into the event document and a stable {@link ViolationCode}.
 *
 * <p>In front of networknt sits a fast path: the schema compiled into plain checks for the common
 * keywords, which may only accept. When it says valid the payload is valid; on anything else
 * networknt decides and writes the report. A schema with a keyword outside the fast path's subset
 * has no fast path ({@link #fastPathGap()} says why). See {@code docs/contracts.md}.
 */
public final class PayloadSchema {
  /** The JSON Schema dialect contracts are written in. */
  public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

  /**
   * System property that turns the fast path off for schemas compiled afterwards when set to {@code
   * false} (every payload then goes through networknt); read at compile time.
   */
  public static final String FAST_PATH_PROPERTY = "eventcontracts.validation.fastPath";

  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          b ->
              b.schemaRegistryConfig(
                  SchemaRegistryConfig.builder()
                      .formatAssertionsEnabled(true)
                      .pathType(PathType.JSON_POINTER)
                      .build()));

  private static final Map<String, String> CODES =
      Map.ofEntries(
          Map.entry("required", ViolationCode.REQUIRED),
          Map.entry("dependentRequired", ViolationCode.REQUIRED),
          Map.entry("type", ViolationCode.TYPE),
          Map.entry("enum", ViolationCode.ENUM),
          Map.entry("const", ViolationCode.ENUM),
          Map.entry("minimum", ViolationCode.RANGE),
          Map.entry("maximum", ViolationCode.RANGE),
          Map.entry("exclusiveMinimum", ViolationCode.RANGE),
          Map.entry("exclusiveMaximum", ViolationCode.RANGE),
          Map.entry("multipleOf", ViolationCode.RANGE),
          Map.entry("format", ViolationCode.FORMAT),
          Map.entry("pattern", ViolationCode.PATTERN),
          Map.entry("minLength", ViolationCode.LENGTH),
          Map.entry("maxLength", ViolationCode.LENGTH),
          Map.entry("minItems", ViolationCode.ITEMS),
          Map.entry("maxItems", ViolationCode.ITEMS),
          Map.entry("uniqueItems", ViolationCode.ITEMS),
          Map.entry("minProperties", ViolationCode.ITEMS),
          Map.entry("maxProperties", ViolationCode.ITEMS),
          Map.entry("additionalProperties", ViolationCode.ADDITIONAL),
          Map.entry("unevaluatedProperties", ViolationCode.ADDITIONAL));

  private static final Set<String> PROPERTY_KEYWORDS =
      Set.of(
          "required",
          "dependentRequired",
          "additionalProperties",
          "unevaluatedProperties",
          "propertyNames");

  private final JsonNode node;
  private final Schema schema;
  private final @Nullable FastPath fastPath;
  private final @Nullable String fastPathGap;

  private PayloadSchema(JsonNode node, Schema schema) {
    this.node = node;
    this.schema = schema;
    if (Boolean.parseBoolean(System.getProperty(FAST_PATH_PROPERTY, "true"))) {
      FastPath.Compiled compiled = FastPath.compile(node);
      this.fastPath = compiled.fastPath();
      this.fastPathGap = compiled.reason();
    } else {
      this.fastPath = null;
      this.fastPathGap = FAST_PATH_PROPERTY + "=false";
    }
  }

  /**
   * Compiles a schema after checking it against the JSON Schema 2020-12 meta-schema.
   *
   * @throws IllegalArgumentException naming every problem when the schema is broken
   */
  public static PayloadSchema compile(JsonNode schemaNode) {
    Objects.requireNonNull(schemaNode, "schemaNode");
    if (!schemaNode.isObject()) {
      throw new IllegalArgumentException("a schema must be a JSON object");
    }
    List<Error> metaErrors = MetaSchema.INSTANCE.validate(schemaNode);
    if (!metaErrors.isEmpty()) {
      List<String> problems = new ArrayList<>();
      for (Error error : metaErrors) {
        problems.add(pointer(error.getInstanceLocation(), null) + ": " + error.getMessage());
      }
      throw new IllegalArgumentException(
          "not a valid JSON Schema 2020-12: " + String.join("; ", problems));
    }
    try {
      return new PayloadSchema(schemaNode, REGISTRY.getSchema(schemaNode));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("schema does not compile: " + e.getMessage(), e);
    }
  }

  /** The schema document (without the contract's extension keywords). */
  public JsonNode node() {
    return node;
  }

  /**
   * Why this schema has no fast path (the first keyword or value outside its subset), or {@code
   * null} when it has one.
   */
  public @Nullable String fastPathGap() {
    return fastPathGap;
  }

  /**
   * Whether the fast path alone accepts a payload; false means networknt has to decide, not that
   * the payload is invalid. For tests and measurements; {@link #validate} uses it.
   */
  public boolean fastPathAccepts(JsonNode payload) {
    return fastPath != null && fastPath.accepts(payload);
  }

  /**
   * Validates a payload.
   *
   * @param payload the payload
   * @param pointerPrefix where the payload sits in the event document, such as {@code /payload}
   * @return every violation; empty when the payload is valid
   */
  public List<Violation> validate(JsonNode payload, String pointerPrefix) {
    if (fastPath != null && fastPath.accepts(payload)) {
      return List.of();
    }
    return validateWithoutFastPath(payload, pointerPrefix);
  }

  /**
   * Validates a payload with networknt alone, as {@link #validate} does when the fast path defers.
   * For the differential tests and benchmarks that compare the two.
   */
  public List<Violation> validateWithoutFastPath(JsonNode payload, String pointerPrefix) {
    List<Error> errors = schema.validate(payload);
    if (errors.isEmpty()) {
      return List.of();
    }
    List<Violation> out = new ArrayList<>(errors.size());
    for (Error error : errors) {
      String keyword = error.getKeyword();
      String code = CODES.getOrDefault(keyword, ViolationCode.SCHEMA);
      // these keywords fail on the object; the path names the property that is missing or extra
      String property = PROPERTY_KEYWORDS.contains(keyword) ? error.getProperty() : null;
      String path = pointerPrefix + pointer(error.getInstanceLocation(), property);
      String message = message(keyword, error);
      if (code.equals(ViolationCode.SCHEMA)) {
        message = keyword + ": " + message;
      }
      out.add(Violation.of(path, code, message));
    }
    return out;
  }

  /**
   * The validator's message, except where it would quote the instance: no message of the
   * validator's catalogue quotes an instance value (they quote the schema's values: the
   * enumeration, the pattern, the bound), but three quote a property name of the instance, which
   * may be personal data (a map keyed by e-mail address). The path names that property instead.
   */
  private static String message(String keyword, Error error) {
    return switch (keyword) {
      case "additionalProperties" ->
          "property is not defined in the schema and the schema does not allow additional"
              + " properties";
      case "unevaluatedProperties" ->
          "property is not evaluated and the schema does not allow unevaluated properties";
      case "propertyNames" -> {
        Object[] arguments = error.getArguments();
        yield arguments != null && arguments.length > 1
            ? "property name is not valid: " + arguments[1]
            : "property name is not valid";
      }
      default -> error.getMessage();
    };
  }

  private static String pointer(NodePath location, @Nullable String property) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < location.getNameCount(); i++) {
      out.append('/').append(escape(String.valueOf(location.getElement(i))));
    }
    if (property != null) {
      out.append('/').append(escape(property));
    }
    return out.toString();
  }

  private static String escape(String segment) {
    return segment.indexOf('~') < 0 && segment.indexOf('/') < 0
        ? segment
        : segment.replace("~", "~0").replace("/", "~1");
  }

  /** The 2020-12 meta-schema, loaded once from the validator's bundled copy. */
  private static final class MetaSchema {
    static final Schema INSTANCE = REGISTRY.getSchema(SchemaLocation.of(DIALECT));
  }
}
