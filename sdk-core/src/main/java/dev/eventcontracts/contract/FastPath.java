package dev.eventcontracts.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A payload schema compiled into plain checks for the common keywords. It may only accept: {@link
 * #accepts} returns true only when the instance is valid both for networknt, configured as {@link
 * PayloadSchema} configures it, and for JSON Schema 2020-12; any other answer means "ask
 * networknt", which then decides and writes the report. A schema with a keyword, a keyword value or
 * a format outside the subset anywhere in it gets no fast path at all ({@link #compile} returns the
 * reason instead).
 *
 * <p>The subset: {@code type} (single or array), {@code enum} and {@code const} of scalars, {@code
 * minLength}, {@code maxLength}, {@code pattern} (see {@link FastPatterns}), {@code format} ({@code
 * date-time}, {@code date}, {@code uuid}, {@code uri}; see {@link FastFormats}), {@code minimum},
 * {@code maximum}, {@code exclusiveMinimum}, {@code exclusiveMaximum}, {@code properties}, {@code
 * patternProperties}, {@code additionalProperties}, {@code required}, {@code minProperties}, {@code
 * maxProperties}, {@code items}, {@code minItems}, {@code maxItems}, {@code uniqueItems}, {@code
 * $ref} to {@code #/$defs/name}, boolean schemas, and the annotations {@code title}, {@code
 * description}, {@code default}, {@code examples}, {@code $comment}, {@code deprecated}, {@code
 * x-*}.
 *
 * <p>Where networknt departs from the specification the fast path takes the stricter answer and
 * defers: property names starting with {@code #} (networknt skips them under {@code
 * additionalProperties}), {@code uniqueItems} on an object, numbers outside the {@code long} range
 * under an integer bound (networknt compares them as truncated {@code long}s), and unusual number
 * node types.
 *
 * <p>Why hand-written: networknt costs about as much as parsing the event (an {@code
 * ExecutionContext} and a {@code NodePath} per property, about 2,400 bytes per event); these checks
 * cost a third of that, which takes {@code EventValidator.validate} from 0.38 to 0.55 of a bare
 * {@code readTree} (docs/performance.md, "Validation fast path", with the command).
 */
final class FastPath {
  /** Deepest chain of schema evaluations before the fast path gives up (reference loops). */
  private static final int MAX_DEPTH = 200;

  private static final Set<String> ANNOTATIONS =
      Set.of("title", "description", "default", "examples", "$comment", "deprecated");

  /** Keywords that change how references resolve; anywhere in the schema, they defer it. */
  private static final Set<String> STRUCTURAL =
      Set.of(
          "$id",
          "$anchor",
          "$dynamicAnchor",
          "$dynamicRef",
          "$recursiveRef",
          "$recursiveAnchor",
          "$vocabulary");

  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private final Node root;

  private FastPath(Node root) {
    this.root = root;
  }

  /** The outcome of compiling: a fast path, or why there is none. */
  record Compiled(@Nullable FastPath fastPath, @Nullable String reason) {}

  /** Compiles a schema that has already passed the meta-schema check. */
  static Compiled compile(JsonNode schema) {
    try {
      String structural = findStructural(schema, true);
      if (structural != null) {
        throw new Unsupported(structural);
      }
      Compiler compiler = new Compiler(schema);
      Node root = compiler.compile(schema, true);
      return new Compiled(new FastPath(root), null);
    } catch (Unsupported e) {
      return new Compiled(null, e.getMessage());
    }
  }

  /** True only when the instance is certainly valid. */
  boolean accepts(JsonNode instance) {
    return instance != null && root.accepts(instance, 0);
  }

  private static @Nullable String findStructural(JsonNode node, boolean isRoot) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (STRUCTURAL.contains(e.getKey())) {
          return e.getKey();
        }
        if (!isRoot && e.getKey().equals("$schema")) {
          return "$schema below the root";
        }
        String inner = findStructural(e.getValue(), false);
        if (inner != null) {
          return inner;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        String inner = findStructural(item, false);
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  /** Thrown while compiling when something is outside the subset. */
  private static final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsupported(String reason) {
      super(reason, null, false, false);
    }
  }

  private static final class Compiler {
    private final JsonNode document;
    private final Map<String, Node> definitions = new HashMap<>();

    Compiler(JsonNode document) {
      this.document = document;
    }

    Node compile(JsonNode schema, boolean isRoot) {
      if (schema.isBoolean()) {
        return schema.booleanValue() ? Node.TRUE : Node.FALSE;
      }
      if (!schema.isObject()) {
        throw new Unsupported("a schema that is neither an object nor a boolean");
      }
      Node n = new Node();
      JsonNode typeNode = schema.get("type");
      String typeText = typeNode != null && typeNode.isTextual() ? typeNode.textValue() : null;
      for (Map.Entry<String, JsonNode> e : schema.properties()) {
        String keyword = e.getKey();
        JsonNode value = e.getValue();
        switch (keyword) {
          case "$schema" -> {
            if (!isRoot || !PayloadSchema.DIALECT.equals(value.asText())) {
              throw new Unsupported("$schema other than " + PayloadSchema.DIALECT);
            }
          }
          case "$defs", "definitions" -> {
            // containers: only what a $ref names is compiled
          }
          case "type" -> n.types = types(value);
          case "enum" -> n.enumValues = scalars(value, "enum");
          case "const" ->
              n.constValue = scalars(JsonNodeFactory.instance.arrayNode().add(value), "const")[0];
          case "minLength" -> n.minLength = count(value, keyword);
          case "maxLength" -> n.maxLength = count(value, keyword);
          case "pattern" -> n.pattern = pattern(value.asText());
          case "format" -> {
            if (!value.isTextual() || !FastFormats.known(value.textValue())) {
              throw new Unsupported("format " + value);
            }
            n.format = value.textValue();
          }
          case "minimum" -> n.minimum = bound(value, typeText, n);
          case "maximum" -> n.maximum = bound(value, typeText, n);
          case "exclusiveMinimum" -> n.exclusiveMinimum = bound(value, typeText, n);
          case "exclusiveMaximum" -> n.exclusiveMaximum = bound(value, typeText, n);
          case "properties" -> {
            n.properties = new HashMap<>();
            for (Map.Entry<String, JsonNode> p : value.properties()) {
              n.properties.put(p.getKey(), compile(p.getValue(), false));
            }
          }
          case "patternProperties" -> {
            List<FastPatterns.Compiled> patterns = new ArrayList<>();
            List<Node> schemas = new ArrayList<>();
            for (Map.Entry<String, JsonNode> p : value.properties()) {
              patterns.add(pattern(p.getKey()));
              schemas.add(compile(p.getValue(), false));
            }
            n.patternKeys = patterns.toArray(new FastPatterns.Compiled[0]);
            n.patternSchemas = schemas.toArray(new Node[0]);
          }
          case "additionalProperties" -> n.additional = compile(value, false);
          case "required" -> {
            List<String> names = new ArrayList<>();
            for (JsonNode name : value) {
              if (!name.isTextual()) {
                throw new Unsupported("required with a non-string");
              }
              names.add(name.textValue());
            }
            n.required = names.toArray(new String[0]);
          }
          case "minProperties" -> n.minProperties = count(value, keyword);
          case "maxProperties" -> n.maxProperties = count(value, keyword);
          case "items" -> n.items = compile(value, false);
          case "minItems" -> n.minItems = count(value, keyword);
          case "maxItems" -> n.maxItems = count(value, keyword);
          case "uniqueItems" -> {
            if (!value.isBoolean()) {
              throw new Unsupported("uniqueItems that is not a boolean");
            }
            n.uniqueItems = value.booleanValue();
          }
          case "$ref" -> n.ref = reference(value.asText());
          default -> {
            if (!ANNOTATIONS.contains(keyword) && !keyword.startsWith("x-")) {
              throw new Unsupported("keyword " + keyword);
            }
          }
        }
      }
      return n;
    }

    private Node reference(String ref) {
      String prefix = "#/$defs/";
      if (!ref.startsWith(prefix)) {
        throw new Unsupported("$ref " + ref);
      }
      String name = ref.substring(prefix.length());
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        boolean plain =
            (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_'
                || c == '-'
                || c == '.';
        if (!plain) {
          throw new Unsupported("$ref " + ref); // escapes and percent-encoding: not worth it
        }
      }
      JsonNode defs = document.get("$defs");
      JsonNode target = defs == null ? null : defs.get(name);
      if (name.isEmpty() || target == null) {
        throw new Unsupported("$ref " + ref);
      }
      Node known = definitions.get(name);
      if (known != null) {
        return known;
      }
      // a node that only delegates, registered before compiling, so recursive references end
      Node delegate = new Node();
      definitions.put(name, delegate);
      delegate.ref = compile(target, false);
      return delegate;
    }

    private static FastPatterns.Compiled pattern(String regex) {
      FastPatterns.Compiled compiled = FastPatterns.compile(regex);
      if (compiled == null) {
        throw new Unsupported("pattern " + regex);
      }
      return compiled;
    }

    private static int count(JsonNode value, String keyword) {
      if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
        throw new Unsupported(keyword + " " + value);
      }
      return value.intValue();
    }

    private static int types(JsonNode value) {
      int mask = 0;
      if (value.isTextual()) {
        return type(value.textValue());
      }
      for (JsonNode t : value) {
        mask |= type(t.asText());
      }
      if (mask == 0) {
        throw new Unsupported("an empty type array");
      }
      return mask;
    }

    private static int type(String name) {
      return switch (name) {
        case "null" -> Node.NULL;
        case "boolean" -> Node.BOOLEAN;
        case "object" -> Node.OBJECT;
        case "array" -> Node.ARRAY;
        case "string" -> Node.STRING;
        case "number" -> Node.NUMBER | Node.INTEGER;
        case "integer" -> Node.INTEGER;
        default -> throw new Unsupported("type " + name);
      };
    }

    private static JsonNode[] scalars(JsonNode values, String keyword) {
      if (!values.isArray()) {
        throw new Unsupported(keyword + " that is not an array");
      }
      JsonNode[] out = new JsonNode[values.size()];
      for (int i = 0; i < out.length; i++) {
        JsonNode v = values.get(i);
        if (v.isNumber()) {
          // networknt compares enum and const numbers through decimalValue(), as same() does
          if (!plainNumber(v) && !finiteDouble(v)) {
            throw new Unsupported(keyword + " with the number " + v);
          }
        } else if (!v.isTextual() && !v.isBoolean() && !v.isNull()) {
          throw new Unsupported(keyword + " with an array or object value");
        }
        out[i] = v;
      }
      return out;
    }

    private static BigDecimal bound(JsonNode value, @Nullable String typeText, Node n) {
      if (finiteDouble(value)) {
        // a schema read without BigDecimal floats: networknt reads the bound from its text
        return new BigDecimal(value.asText());
      }
      if (!value.isNumber() || !plainNumber(value)) {
        throw new Unsupported("a bound that is not a plain number: " + value);
      }
      if ((value.isInt() || value.isLong()) && "integer".equals(typeText)) {
        // networknt compares such bounds with the instance's asLong(); see accepts()
        n.longBounds = true;
      }
      return value.decimalValue();
    }
  }

  private static boolean finiteDouble(JsonNode v) {
    return v.isDouble() && Double.isFinite(v.doubleValue());
  }

  /** Number nodes whose value networknt and this class read the same way. */
  private static boolean plainNumber(JsonNode v) {
    // not double or float nodes: networknt reads them through asText(), whose digits can differ
    // from decimalValue() (and the SDK's parser makes BigDecimal nodes anyway)
    return v.isInt() || v.isLong() || v.isBigInteger() || v.isBigDecimal();
  }

  /** Equality as JSON Schema defines it: numbers by value, objects regardless of order. */
  static final class Equality {
    private Equality() {}

    /** True when no two items are equal (false also when the items nest too deeply to tell). */
    static boolean allDistinct(JsonNode array) {
      int size = array.size();
      if (size < 2) {
        return true;
      }
      Map<Integer, List<JsonNode>> byHash = new HashMap<>();
      for (JsonNode item : array) {
        if (item.isNumber() && !plainNumber(item)) {
          return false; // NaN, float: no equality worth trusting
        }
        int h = hash(item, 0);
        List<JsonNode> bucket = byHash.computeIfAbsent(h, k -> new ArrayList<>(1));
        for (JsonNode other : bucket) {
          if (!certainlyDifferent(item, other, 0)) {
            return false;
          }
        }
        bucket.add(item);
      }
      return true;
    }

    private static int hash(JsonNode n, int depth) {
      if (depth > MAX_DEPTH) {
        return 0;
      }
      if (n.isNumber()) {
        // equal values have equal doubles, so 1 and 1.0 land in one bucket
        return plainNumber(n) ? Double.hashCode(n.decimalValue().doubleValue()) : 0;
      }
      if (n.isObject()) {
        int h = 1;
        for (Map.Entry<String, JsonNode> e : n.properties()) {
          h += e.getKey().hashCode() ^ hash(e.getValue(), depth + 1);
        }
        return h;
      }
      if (n.isArray()) {
        int h = 2;
        for (JsonNode item : n) {
          h = 31 * h + hash(item, depth + 1);
        }
        return h;
      }
      return n.hashCode();
    }

    /** True only when a and b are certainly not equal. */
    private static boolean certainlyDifferent(JsonNode a, JsonNode b, int depth) {
      if (depth > MAX_DEPTH) {
        return false;
      }
      if (a.isNumber() || b.isNumber()) {
        if (!a.isNumber() || !b.isNumber()) {
          return true;
        }
        if (!plainNumber(a) || !plainNumber(b)) {
          return false;
        }
        return a.decimalValue().compareTo(b.decimalValue()) != 0;
      }
      if (a.getNodeType() != b.getNodeType()) {
        return true;
      }
      if (a.isObject()) {
        if (a.size() != b.size()) {
          return true;
        }
        for (Map.Entry<String, JsonNode> e : a.properties()) {
          JsonNode other = b.get(e.getKey());
          if (other == null || certainlyDifferent(e.getValue(), other, depth + 1)) {
            return true;
          }
        }
        return false;
      }
      if (a.isArray()) {
        if (a.size() != b.size()) {
          return true;
        }
        for (int i = 0; i < a.size(); i++) {
          if (certainlyDifferent(a.get(i), b.get(i), depth + 1)) {
            return true;
          }
        }
        return false;
      }
      if (a.isTextual() || a.isBoolean() || a.isNull()) {
        return !a.equals(b);
      }
      return false; // binary, POJO: cannot tell
    }
  }

  /** One compiled (sub)schema. */
  private static final class Node {
    static final int NULL = 1;
    static final int BOOLEAN = 2;
    static final int OBJECT = 4;
    static final int ARRAY = 8;
    static final int STRING = 16;
    static final int NUMBER = 32; // a number with a fractional part
    static final int INTEGER = 64;

    static final Node TRUE = new Node();
    static final Node FALSE = new Node();

    int types; // 0: any
    JsonNode @Nullable [] enumValues;
    @Nullable JsonNode constValue;
    int minLength = -1;
    int maxLength = -1;
    FastPatterns.@Nullable Compiled pattern;
    @Nullable String format;
    @Nullable BigDecimal minimum;
    @Nullable BigDecimal maximum;
    @Nullable BigDecimal exclusiveMinimum;
    @Nullable BigDecimal exclusiveMaximum;
    boolean longBounds;
    @Nullable Map<String, Node> properties;
    FastPatterns.Compiled @Nullable [] patternKeys;
    Node @Nullable [] patternSchemas;
    @Nullable Node additional;
    String @Nullable [] required;
    int minProperties = -1;
    int maxProperties = -1;
    @Nullable Node items;
    int minItems = -1;
    int maxItems = -1;
    boolean uniqueItems;
    @Nullable Node ref;

    boolean accepts(JsonNode value, int depth) {
      if (this == TRUE) {
        return true;
      }
      if (this == FALSE || depth > MAX_DEPTH) {
        return false;
      }
      int kind = kind(value);
      if (kind == 0) {
        return false; // a node type the fast path does not read (binary, POJO, missing, NaN...)
      }
      if (types != 0 && (types & kind) == 0) {
        return false;
      }
      if (enumValues != null && !oneOf(enumValues, value, kind)) {
        return false;
      }
      if (constValue != null && !same(constValue, value, kind)) {
        return false;
      }
      if (ref != null && !ref.accepts(value, depth + 1)) {
        return false;
      }
      switch (kind) {
        case STRING:
          return string(value.textValue());
        case NUMBER:
        case INTEGER:
          return number(value);
        case OBJECT:
          return object(value, depth);
        case ARRAY:
          return array(value, depth);
        default:
          return true;
      }
    }

    private boolean string(String s) {
      if (minLength >= 0 || maxLength >= 0) {
        // JSON Schema counts code points, as networknt does
        int length = s.codePointCount(0, s.length());
        if (length < minLength || (maxLength >= 0 && length > maxLength)) {
          return false;
        }
      }
      if (pattern != null && !pattern.certainlyMatches(s)) {
        return false;
      }
      return format == null || FastFormats.certainly(format, s);
    }

    private boolean number(JsonNode value) {
      if (minimum == null
          && maximum == null
          && exclusiveMinimum == null
          && exclusiveMaximum == null) {
        return true;
      }
      BigDecimal v = value.decimalValue();
      if (longBounds
          && !value.isInt()
          && !value.isLong()
          && !value.isBigInteger()
          && (v.compareTo(LONG_MIN) < 0 || v.compareTo(LONG_MAX) > 0)) {
        return false; // networknt would compare a wrapped asLong()
      }
      return (minimum == null || v.compareTo(minimum) >= 0)
          && (maximum == null || v.compareTo(maximum) <= 0)
          && (exclusiveMinimum == null || v.compareTo(exclusiveMinimum) > 0)
          && (exclusiveMaximum == null || v.compareTo(exclusiveMaximum) < 0);
    }

    private boolean object(JsonNode value, int depth) {
      int size = value.size();
      if (size < minProperties || (maxProperties >= 0 && size > maxProperties)) {
        return false;
      }
      if (required != null) {
        for (String name : required) {
          if (value.get(name) == null) {
            return false;
          }
        }
      }
      if (uniqueItems && size > 1) {
        return false; // networknt iterates an object's values for uniqueItems
      }
      if (properties == null && patternKeys == null && additional == null) {
        return true;
      }
      for (Map.Entry<String, JsonNode> e : value.properties()) {
        String name = e.getKey();
        JsonNode child = e.getValue();
        boolean matched = false;
        if (properties != null) {
          Node p = properties.get(name);
          if (p != null) {
            matched = true;
            if (!p.accepts(child, depth + 1)) {
              return false;
            }
          }
        }
        if (patternKeys != null) {
          // set together with patternKeys
          Node[] patternSchemas = Objects.requireNonNull(this.patternSchemas);
          for (int i = 0; i < patternKeys.length; i++) {
            if (!patternKeys[i].decides(name)) {
              return false; // Java and ECMA-262 might disagree on this name
            }
            if (patternKeys[i].matches(name)) {
              matched = true;
              if (!patternSchemas[i].accepts(child, depth + 1)) {
                return false;
              }
            }
          }
        }
        if (!matched && additional != null && !additional.accepts(child, depth + 1)) {
          return false;
        }
      }
      return true;
    }

    private boolean array(JsonNode value, int depth) {
      int size = value.size();
      if (size < minItems || (maxItems >= 0 && size > maxItems)) {
        return false;
      }
      if (items != null) {
        for (int i = 0; i < size; i++) {
          if (!items.accepts(value.get(i), depth + 1)) {
            return false;
          }
        }
      }
      return !uniqueItems || Equality.allDistinct(value);
    }

    private static boolean oneOf(JsonNode[] allowed, JsonNode value, int kind) {
      for (JsonNode a : allowed) {
        if (same(a, value, kind)) {
          return true;
        }
      }
      return false;
    }

    /** Equality of a scalar schema value and an instance: numbers by value, others exactly. */
    private static boolean same(JsonNode allowed, JsonNode value, int kind) {
      if (kind == NUMBER || kind == INTEGER) {
        return allowed.isNumber() && allowed.decimalValue().compareTo(value.decimalValue()) == 0;
      }
      if (kind == OBJECT || kind == ARRAY) {
        return false;
      }
      return allowed.equals(value);
    }

    /** The kind bit of an instance node, or 0 for nodes the fast path does not read. */
    static int kind(JsonNode value) {
      switch (value.getNodeType()) {
        case OBJECT:
          return OBJECT;
        case ARRAY:
          return ARRAY;
        case STRING:
          return STRING;
        case BOOLEAN:
          return BOOLEAN;
        case NULL:
          return NULL;
        case NUMBER:
          if (!plainNumber(value)) {
            return 0;
          }
          return value.isIntegralNumber() || value.canConvertToExactIntegral() ? INTEGER : NUMBER;
        default:
          return 0;
      }
    }
  }
}
