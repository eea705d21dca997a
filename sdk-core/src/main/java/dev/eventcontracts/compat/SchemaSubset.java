package dev.eventcontracts.compat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Decides structurally whether every instance the writing side's schema accepts is accepted by the
 * reading side's schema, over the keywords registries use; reports each way it is not as a finding.
 * Where a keyword cannot be decided (two different patterns, {@code oneOf}), it reports an {@link
 * Severity#UNPROVEN} finding instead of guessing.
 *
 * <p>One assumption: a property the reading side declares but the writing side does not declare is
 * not written (producers send what their schema names), so adding an optional property to an open
 * object is compatible.
 */
final class SchemaSubset {
  private static final int MAX_DEPTH = 64;
  private static final int MAX_REF_HOPS = 32;

  /** Keywords that only annotate. */
  private static final Set<String> ANNOTATIONS =
      Set.of(
          "$schema",
          "$id",
          "$anchor",
          "$dynamicAnchor",
          "$comment",
          "$defs",
          "definitions",
          "$vocabulary",
          "title",
          "description",
          "default",
          "examples",
          "deprecated",
          "readOnly",
          "writeOnly",
          "contentMediaType",
          "contentEncoding",
          "contentSchema");

  /** Keywords compared structurally. */
  private static final Set<String> HANDLED =
      Set.of(
          "$ref",
          "type",
          "enum",
          "const",
          "required",
          "properties",
          "additionalProperties",
          "items",
          "minimum",
          "maximum",
          "exclusiveMinimum",
          "exclusiveMaximum",
          "multipleOf",
          "minLength",
          "maxLength",
          "pattern",
          "format",
          "minItems",
          "maxItems",
          "uniqueItems",
          "minProperties",
          "maxProperties");

  private static final List<String> ALL_TYPES =
      List.of("null", "boolean", "object", "array", "number", "integer", "string");

  private final JsonNode writerRoot;
  private final JsonNode readerRoot;
  private final String writer;
  private final String reader;
  private final Direction direction;
  private final boolean reportRemovals;
  private final String event;
  private final String version;
  private final String note;
  private final List<Finding> out;
  private final List<Pair> visiting = new ArrayList<>();
  // one merged schema per $ref with siblings, so that a recursive reference is met again as the
  // same node and the comparison stops there
  private final Map<JsonNode, JsonNode> merged = new IdentityHashMap<>();

  /**
   * @param writer the side that wrote the events: {@code old} or {@code new}
   * @param reader the side that reads them
   * @param reportRemovals whether a property the reader declares and the writer does not is a
   *     removed field (when the writer is the newer contract)
   * @param note appended to every message, such as {@code (read as 1.0)}; empty for none
   */
  private SchemaSubset(
      JsonNode writerRoot,
      JsonNode readerRoot,
      String writer,
      String reader,
      Direction direction,
      boolean reportRemovals,
      String event,
      String version,
      String note,
      List<Finding> out) {
    this.writerRoot = writerRoot;
    this.readerRoot = readerRoot;
    this.writer = writer;
    this.reader = reader;
    this.direction = direction;
    this.reportRemovals = reportRemovals;
    this.event = event;
    this.version = version;
    this.note = note;
    this.out = out;
  }

  /** Compares two payload schemas in one direction and adds the findings to {@code out}. */
  static void compare(
      JsonNode writerSchema,
      JsonNode readerSchema,
      Direction direction,
      String event,
      String version,
      String note,
      List<Finding> out) {
    boolean forward = direction == Direction.FORWARD;
    new SchemaSubset(
            writerSchema,
            readerSchema,
            forward ? "new" : "old",
            forward ? "old" : "new",
            direction,
            forward,
            event,
            version,
            note,
            out)
        .subset(writerSchema, readerSchema, "", false, 0);
  }

  /** A pair of schema nodes being compared, by identity, to stop at recursive references. */
  private record Pair(JsonNode a, JsonNode b) {
    boolean same(JsonNode x, JsonNode y) {
      return a == x && b == y;
    }
  }

  private void subset(JsonNode aNode, JsonNode bNode, String path, boolean opaque, int depth) {
    if (depth > MAX_DEPTH) {
      report(Severity.UNPROVEN, Rule.KEYWORD, path, "schemas nest deeper than " + MAX_DEPTH);
      return;
    }
    JsonNode a = resolve(aNode, writerRoot, writer, path);
    JsonNode b = resolve(bNode, readerRoot, reader, path);
    if (a == null || b == null) {
      return;
    }
    for (Pair p : visiting) {
      if (p.same(a, b)) {
        return; // a recursive schema: this pair is being proved further up
      }
    }
    visiting.add(new Pair(a, b));
    try {
      compareResolved(a, b, path, opaque, depth);
    } finally {
      visiting.remove(visiting.size() - 1);
    }
  }

  private void compareResolved(JsonNode a, JsonNode b, String path, boolean opaque, int depth) {
    if (isFalse(a) || isTrue(b)) {
      return;
    }
    if (isTrue(a)) {
      a = emptySchema(); // the writer allows anything
    }
    if (isFalse(b)) {
      report(opaque, Rule.TYPE, path, reader + " accepts no value here, " + writer + " does");
      return;
    }
    if (!a.isObject() || !b.isObject()) {
      report(Severity.UNPROVEN, Rule.KEYWORD, path, "a schema is neither an object nor a boolean");
      return;
    }
    if (a.equals(b) && !containsRef(a)) {
      return;
    }
    // keywords the checker does not decide: equal on both sides is fine; otherwise say so
    Set<String> writerOnly = new TreeSet<>();
    for (String k : names(a)) {
      if (!HANDLED.contains(k) && !ANNOTATIONS.contains(k) && !sameKeyword(a, b, k)) {
        writerOnly.add(k);
      }
    }
    for (String k : names(b)) {
      if (!HANDLED.contains(k) && !ANNOTATIONS.contains(k) && !sameKeyword(a, b, k)) {
        report(
            Severity.UNPROVEN,
            Rule.KEYWORD,
            path,
            "cannot prove compatible: "
                + reader
                + " uses '"
                + k
                + "'"
                + (a.has(k) ? " with another value than " + writer : ", " + writer + " does not"));
      }
    }
    boolean narrowed = opaque || !writerOnly.isEmpty();

    Set<String> writerTypes = writerTypes(a);
    Set<String> readerTypes = declaredTypes(b);
    checkTypes(writerTypes, readerTypes, path, narrowed);

    List<JsonNode> readerValues = values(b);
    List<JsonNode> writerValues = values(a);
    if (readerValues != null) {
      if (writerValues == null) {
        report(
            narrowed,
            Rule.ENUM,
            path,
            reader + " allows only " + readerValues + ", " + writer + " allows any value");
      } else {
        List<JsonNode> missing =
            writerValues.stream()
                .filter(v -> readerValues.stream().noneMatch(r -> same(v, r)))
                .toList();
        if (!missing.isEmpty()) {
          report(
              narrowed,
              Rule.ENUM,
              path,
              writer + " allows values " + reader + " does not: " + missing);
        }
      }
    }
    if (writerValues != null) {
      // a finite set of values: check each against the reader's value constraints
      for (JsonNode value : writerValues) {
        checkValue(value, a, b, path, narrowed);
      }
      return;
    }
    if (writerTypes.contains("number") || writerTypes.contains("integer")) {
      checkNumbers(a, b, path, narrowed, !writerTypes.contains("number"));
    }
    if (writerTypes.contains("string")) {
      checkStrings(a, b, path, narrowed);
    }
    if (writerTypes.contains("array")) {
      checkArrays(a, b, path, narrowed, depth);
    }
    if (writerTypes.contains("object")) {
      checkObjects(a, b, path, narrowed, depth);
    }
  }

  // ---- types and values ----

  private void checkTypes(
      Set<String> writerTypes, Set<String> readerTypes, String path, boolean n) {
    Set<String> refused = new LinkedHashSet<>();
    for (String t : writerTypes) {
      boolean accepted =
          readerTypes.contains(t) || (t.equals("integer") && readerTypes.contains("number"));
      if (!accepted) {
        refused.add(
            t.equals("number") && readerTypes.contains("integer") ? "non-integer number" : t);
      }
    }
    if (!refused.isEmpty()) {
      report(
          n,
          Rule.TYPE,
          path,
          writer
              + " allows "
              + String.join(", ", refused)
              + " values, "
              + reader
              + " accepts only "
              + String.join(", ", readerTypes));
    }
  }

  /** The types the writer can produce: from its values when it lists them, else its type. */
  private static Set<String> writerTypes(JsonNode a) {
    List<JsonNode> values = values(a);
    if (values == null) {
      return declaredTypes(a);
    }
    Set<String> types = new LinkedHashSet<>();
    for (JsonNode v : values) {
      types.add(typeOf(v));
    }
    return types;
  }

  private static Set<String> declaredTypes(JsonNode node) {
    JsonNode type = node.get("type");
    Set<String> types = new LinkedHashSet<>();
    if (type == null) {
      types.addAll(ALL_TYPES);
    } else if (type.isArray()) {
      type.forEach(t -> types.add(t.asText()));
    } else {
      types.add(type.asText());
    }
    return types;
  }

  private static String typeOf(JsonNode v) {
    if (v.isNull()) {
      return "null";
    }
    if (v.isBoolean()) {
      return "boolean";
    }
    if (v.isObject()) {
      return "object";
    }
    if (v.isArray()) {
      return "array";
    }
    if (v.isNumber()) {
      return isInteger(v) ? "integer" : "number";
    }
    return "string";
  }

  private static boolean isInteger(JsonNode v) {
    return v.isIntegralNumber()
        || (finite(v) && v.decimalValue().stripTrailingZeros().scale() <= 0);
  }

  private static boolean finite(JsonNode number) {
    return !number.isFloatingPointNumber()
        || number.isBigDecimal()
        || Double.isFinite(number.doubleValue());
  }

  /** The values of {@code enum} and {@code const}, or {@code null} when neither is present. */
  private static @Nullable List<JsonNode> values(JsonNode node) {
    JsonNode e = node.get("enum");
    JsonNode c = node.get("const");
    if (e == null && c == null) {
      return null;
    }
    List<JsonNode> out = new ArrayList<>();
    if (e != null && e.isArray()) {
      e.forEach(out::add);
    }
    if (c != null) {
      if (e != null) {
        // both: only the constant, and only if the enumeration holds it
        boolean inEnum = out.stream().anyMatch(v -> same(v, c));
        out.clear();
        if (inEnum) {
          out.add(c);
        }
      } else {
        out.add(c);
      }
    }
    return out;
  }

  private static boolean same(JsonNode x, JsonNode y) {
    if (x.isNumber() && y.isNumber() && finite(x) && finite(y)) {
      return x.decimalValue().compareTo(y.decimalValue()) == 0;
    }
    return x.equals(y);
  }

  /** Checks one value the writer may write against the reader's value constraints. */
  private void checkValue(JsonNode value, JsonNode a, JsonNode b, String path, boolean n) {
    String shown = value.toString();
    if (value.isNumber()) {
      if (!finite(value)) {
        report(
            Severity.UNPROVEN,
            Rule.RANGE,
            path,
            "cannot prove compatible: " + writer + " lists a number beyond the double range");
        return;
      }
      BigDecimal x = value.decimalValue();
      Bound lower = lower(b, false);
      if (lower != null && !lower.admitsFromAbove(x)) {
        report(n, Rule.RANGE, path, writer + " allows " + shown + ", " + reader + lower.text(">"));
      }
      Bound upper = upper(b, false);
      if (upper != null && !upper.admitsFromBelow(x)) {
        report(n, Rule.RANGE, path, writer + " allows " + shown + ", " + reader + upper.text("<"));
      }
      BigDecimal m = decimal(b, "multipleOf");
      if (m != null && m.signum() > 0 && x.remainder(m).signum() != 0) {
        report(
            n,
            Rule.RANGE,
            path,
            writer + " allows " + shown + ", " + reader + " requires a multiple of " + m);
      }
    } else if (value.isTextual()) {
      String s = value.textValue();
      int length = s.codePointCount(0, s.length());
      Integer min = integer(b, "minLength");
      Integer max = integer(b, "maxLength");
      if ((min != null && length < min) || (max != null && length > max)) {
        report(
            n,
            Rule.LENGTH,
            path,
            writer + " allows " + shown + ", its length is outside " + reader + "'s");
      }
      JsonNode pattern = b.get("pattern");
      if (pattern != null) {
        try {
          if (!Pattern.compile(pattern.asText()).matcher(s).find()) {
            report(
                n,
                Rule.PATTERN,
                path,
                writer
                    + " allows "
                    + shown
                    + ", which does not match "
                    + reader
                    + "'s pattern "
                    + pattern.asText());
          }
        } catch (PatternSyntaxException e) {
          report(
              Severity.UNPROVEN,
              Rule.PATTERN,
              path,
              "cannot prove compatible: " + reader + "'s pattern does not compile here");
        }
      }
      JsonNode format = b.get("format");
      if (format != null && !format.equals(a.get("format"))) {
        report(
            Severity.UNPROVEN,
            Rule.FORMAT,
            path,
            "cannot prove compatible: "
                + reader
                + " asserts format "
                + format.asText()
                + " on the values "
                + writer
                + " lists");
      }
    } else if ((value.isObject() || value.isArray()) && hasContainerConstraints(b)) {
      report(
          Severity.UNPROVEN,
          Rule.ENUM,
          path,
          "cannot prove compatible: " + writer + " lists an object or array value");
    }
  }

  private static boolean hasContainerConstraints(JsonNode b) {
    for (String k :
        List.of(
            "properties",
            "required",
            "additionalProperties",
            "items",
            "minItems",
            "maxItems",
            "uniqueItems",
            "minProperties",
            "maxProperties")) {
      if (b.has(k)) {
        return true;
      }
    }
    return false;
  }

  // ---- numbers ----

  /** A bound: the value and whether it is exclusive. */
  private record Bound(BigDecimal value, boolean exclusive, String keyword) {
    /** Whether {@code x} is above this lower bound. */
    boolean admitsFromAbove(BigDecimal x) {
      int c = x.compareTo(value);
      return exclusive ? c > 0 : c >= 0;
    }

    boolean admitsFromBelow(BigDecimal x) {
      int c = x.compareTo(value);
      return exclusive ? c < 0 : c <= 0;
    }

    String text(String direction) {
      String op = direction.equals(">") ? (exclusive ? ">" : ">=") : (exclusive ? "<" : "<=");
      return " requires " + op + " " + value.toPlainString();
    }

    String show(String direction) {
      return (direction.equals(">") ? (exclusive ? ">" : ">=") : (exclusive ? "<" : "<="))
          + " "
          + value.toPlainString();
    }
  }

  /** The tightest lower bound; for integers, an exclusive bound becomes the next integer. */
  private static @Nullable Bound lower(JsonNode node, boolean integers) {
    Bound best = null;
    BigDecimal min = decimal(node, "minimum");
    if (min != null) {
      best = new Bound(min, false, "minimum");
    }
    BigDecimal exMin = decimal(node, "exclusiveMinimum");
    if (exMin != null && (best == null || exMin.compareTo(best.value) >= 0)) {
      best = new Bound(exMin, true, "exclusiveMinimum");
    }
    if (best != null && integers) {
      BigDecimal v =
          best.exclusive
              ? best.value.setScale(0, RoundingMode.FLOOR).add(BigDecimal.ONE)
              : best.value.setScale(0, RoundingMode.CEILING);
      best = new Bound(v, false, best.keyword);
    }
    return best;
  }

  private static @Nullable Bound upper(JsonNode node, boolean integers) {
    Bound best = null;
    BigDecimal max = decimal(node, "maximum");
    if (max != null) {
      best = new Bound(max, false, "maximum");
    }
    BigDecimal exMax = decimal(node, "exclusiveMaximum");
    if (exMax != null && (best == null || exMax.compareTo(best.value) <= 0)) {
      best = new Bound(exMax, true, "exclusiveMaximum");
    }
    if (best != null && integers) {
      BigDecimal v =
          best.exclusive
              ? best.value.setScale(0, RoundingMode.CEILING).subtract(BigDecimal.ONE)
              : best.value.setScale(0, RoundingMode.FLOOR);
      best = new Bound(v, false, best.keyword);
    }
    return best;
  }

  private void checkNumbers(JsonNode a, JsonNode b, String path, boolean n, boolean integers) {
    Bound rl = lower(b, integers);
    if (rl != null) {
      Bound wl = lower(a, integers);
      if (wl == null) {
        report(n, Rule.RANGE, path, reader + rl.text(">") + ", " + writer + " has no lower bound");
      } else if (wl.value.compareTo(rl.value) < 0
          || (wl.value.compareTo(rl.value) == 0 && rl.exclusive && !wl.exclusive)) {
        report(
            n, Rule.RANGE, path, reader + rl.text(">") + ", " + writer + " allows " + wl.show(">"));
      }
    }
    Bound ru = upper(b, integers);
    if (ru != null) {
      Bound wu = upper(a, integers);
      if (wu == null) {
        report(n, Rule.RANGE, path, reader + ru.text("<") + ", " + writer + " has no upper bound");
      } else if (wu.value.compareTo(ru.value) > 0
          || (wu.value.compareTo(ru.value) == 0 && ru.exclusive && !wu.exclusive)) {
        report(
            n, Rule.RANGE, path, reader + ru.text("<") + ", " + writer + " allows " + wu.show("<"));
      }
    }
    BigDecimal rm = decimal(b, "multipleOf");
    if (rm != null && rm.signum() > 0) {
      BigDecimal wm = decimal(a, "multipleOf");
      if (wm == null || wm.remainder(rm).signum() != 0) {
        report(
            n,
            Rule.RANGE,
            path,
            reader
                + " requires a multiple of "
                + rm.toPlainString()
                + ", "
                + writer
                + (wm == null ? " does not" : " requires a multiple of " + wm.toPlainString()));
      }
    }
  }

  // ---- strings ----

  private void checkStrings(JsonNode a, JsonNode b, String path, boolean n) {
    minimum(a, b, "minLength", Rule.LENGTH, "string length", path, n);
    maximum(a, b, "maxLength", Rule.LENGTH, "string length", path, n);
    JsonNode rp = b.get("pattern");
    if (rp != null) {
      JsonNode wp = a.get("pattern");
      if (wp == null && !a.has("format")) {
        report(
            n,
            Rule.PATTERN,
            path,
            reader + " requires pattern " + rp.asText() + ", " + writer + " has no pattern");
      } else if (wp == null || !wp.asText().equals(rp.asText())) {
        report(
            Severity.UNPROVEN,
            Rule.PATTERN,
            path,
            "cannot prove compatible: "
                + reader
                + " requires pattern "
                + rp.asText()
                + ", "
                + writer
                + (wp == null
                    ? " has format " + a.get("format").asText() + " instead"
                    : " has pattern " + wp.asText()));
      }
    }
    JsonNode rf = b.get("format");
    if (rf != null) {
      JsonNode wf = a.get("format");
      if (wf == null && !a.has("pattern")) {
        report(
            n,
            Rule.FORMAT,
            path,
            reader + " asserts format " + rf.asText() + ", " + writer + " does not");
      } else if (wf == null || !wf.asText().equals(rf.asText())) {
        report(
            Severity.UNPROVEN,
            Rule.FORMAT,
            path,
            "cannot prove compatible: "
                + reader
                + " asserts format "
                + rf.asText()
                + ", "
                + writer
                + (wf == null
                    ? " has pattern " + a.get("pattern").asText() + " instead"
                    : " asserts format " + wf.asText()));
      }
    }
  }

  // ---- arrays ----

  private void checkArrays(JsonNode a, JsonNode b, String path, boolean n, int depth) {
    minimum(a, b, "minItems", Rule.ITEMS, "item count", path, n);
    maximum(a, b, "maxItems", Rule.ITEMS, "item count", path, n);
    if (b.path("uniqueItems").asBoolean(false) && !a.path("uniqueItems").asBoolean(false)) {
      report(n, Rule.ITEMS, path, reader + " requires unique items, " + writer + " does not");
    }
    JsonNode wi = a.has("items") ? a.get("items") : BooleanNode.TRUE;
    JsonNode ri = b.has("items") ? b.get("items") : BooleanNode.TRUE;
    subset(wi, ri, path + "/*", n, depth + 1);
  }

  // ---- objects ----

  private void checkObjects(JsonNode a, JsonNode b, String path, boolean n, int depth) {
    minimum(a, b, "minProperties", Rule.PROPERTY_COUNT, "property count", path, n);
    maximum(a, b, "maxProperties", Rule.PROPERTY_COUNT, "property count", path, n);
    Set<String> writerRequired = strings(a.get("required"));
    for (String r : strings(b.get("required"))) {
      if (!writerRequired.contains(r)) {
        report(
            n,
            Rule.REQUIRED,
            child(path, r),
            reader + " requires '" + r + "', " + writer + " does not");
      }
    }
    JsonNode wp = a.path("properties");
    JsonNode rp = b.path("properties");
    JsonNode wa = a.has("additionalProperties") ? a.get("additionalProperties") : BooleanNode.TRUE;
    JsonNode ra = b.has("additionalProperties") ? b.get("additionalProperties") : BooleanNode.TRUE;
    Set<String> names = new TreeSet<>(names(wp));
    names.addAll(names(rp));
    for (String p : names) {
      JsonNode ws = wp.get(p);
      JsonNode rs = rp.get(p);
      String at = child(path, p);
      if (ws != null && rs != null) {
        subset(ws, rs, at, n, depth + 1);
      } else if (ws != null) {
        if (isFalse(ws)) {
          continue;
        }
        if (isFalse(ra)) {
          report(
              n,
              Rule.PROPERTY_NOT_ALLOWED,
              at,
              writer
                  + " declares '"
                  + p
                  + "', "
                  + reader
                  + " does not and allows no undeclared properties");
        } else if (!isTrue(ra)) {
          subset(ws, ra, at, n, depth + 1);
        }
      } else {
        // the reader declares p, the writer does not
        if (reportRemovals && !isFalse(rs)) {
          report(
              Severity.ERROR,
              Rule.FIELD_REMOVED,
              at,
              "'"
                  + p
                  + "' is declared by "
                  + reader
                  + " and gone from "
                  + writer
                  + " (seeds 001 and 004: never remove or rename a field within a major version)");
        }
        if (!isTrue(wa) && !isFalse(wa)) {
          subset(wa, rs, at, n, depth + 1); // the writer's undeclared properties follow a schema
        }
        // otherwise assumed not written: see the class comment
      }
    }
    if (!isFalse(wa) && !isTrue(ra)) {
      if (isFalse(ra)) {
        report(
            n,
            Rule.OBJECT_CLOSED,
            child(path, "*"),
            reader + " allows no undeclared properties, " + writer + " allows them");
      } else {
        subset(wa, ra, child(path, "*"), n, depth + 1);
      }
    }
  }

  // ---- shared helpers ----

  private void minimum(
      JsonNode a, JsonNode b, String keyword, Rule rule, String what, String path, boolean n) {
    Integer r = integer(b, keyword);
    if (r != null && r > 0) {
      Integer w = integer(a, keyword);
      if (w == null || w < r) {
        report(
            n,
            rule,
            path,
            reader
                + " requires "
                + what
                + " >= "
                + r
                + ", "
                + writer
                + " allows "
                + (w == null ? 0 : w));
      }
    }
  }

  private void maximum(
      JsonNode a, JsonNode b, String keyword, Rule rule, String what, String path, boolean n) {
    Integer r = integer(b, keyword);
    if (r != null) {
      Integer w = integer(a, keyword);
      if (w == null || w > r) {
        report(
            n,
            rule,
            path,
            reader
                + " requires "
                + what
                + " <= "
                + r
                + ", "
                + writer
                + (w == null ? " has no limit" : " allows " + w));
      }
    }
  }

  /**
   * Follows {@code $ref} to a schema within the same document; a {@code $ref} with sibling keywords
   * is merged with its target when they do not clash. Reports and returns {@code null} when it
   * cannot.
   */
  private @Nullable JsonNode resolve(JsonNode node, JsonNode root, String side, String path) {
    JsonNode current = node;
    for (int hop = 0; hop < MAX_REF_HOPS; hop++) {
      if (current == null || !current.isObject() || !current.has("$ref")) {
        return current;
      }
      String ref = current.get("$ref").asText();
      JsonNode target = null;
      if (ref.startsWith("#")) {
        try {
          String pointer =
              URLDecoder.decode(ref.substring(1).replace("+", "%2B"), StandardCharsets.UTF_8);
          JsonNode found = root.at(JsonPointer.compile(pointer));
          target = found.isMissingNode() ? null : found;
        } catch (IllegalArgumentException e) {
          target = null;
        }
      }
      if (target == null) {
        report(
            Severity.UNPROVEN,
            Rule.REF,
            path,
            "cannot prove compatible: "
                + side
                + "'s $ref '"
                + ref
                + "' does not resolve within its schema");
        return null;
      }
      if (current.size() > 1) {
        JsonNode known = merged.get(current);
        if (known != null) {
          current = known;
          continue;
        }
        if (!target.isObject()) {
          report(
              Severity.UNPROVEN,
              Rule.REF,
              path,
              "cannot prove compatible: " + side + "'s $ref '" + ref + "' has sibling keywords");
          return null;
        }
        // shallow: the target's subschemas keep their identity, so recursion is recognised
        ObjectNode combined = JsonNodeFactory.instance.objectNode();
        combined.setAll((ObjectNode) target);
        for (Map.Entry<String, JsonNode> e : current.properties()) {
          if (e.getKey().equals("$ref") || ANNOTATIONS.contains(e.getKey())) {
            continue;
          }
          JsonNode there = combined.get(e.getKey());
          if (there != null && !there.equals(e.getValue())) {
            report(
                Severity.UNPROVEN,
                Rule.REF,
                path,
                "cannot prove compatible: "
                    + side
                    + "'s $ref '"
                    + ref
                    + "' and its sibling '"
                    + e.getKey()
                    + "' both constrain");
            return null;
          }
          combined.set(e.getKey(), e.getValue());
        }
        merged.put(current, combined);
        current = combined;
      } else {
        current = target;
      }
    }
    report(
        Severity.UNPROVEN,
        Rule.REF,
        path,
        "cannot prove compatible: " + side + "'s $ref chain is longer than " + MAX_REF_HOPS);
    return null;
  }

  private static boolean containsRef(JsonNode node) {
    if (node.isObject()) {
      if (node.has("$ref") || node.has("$dynamicRef")) {
        return true;
      }
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (containsRef(e.getValue())) {
          return true;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        if (containsRef(item)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean sameKeyword(JsonNode a, JsonNode b, String keyword) {
    JsonNode x = a.get(keyword);
    return x != null && x.equals(b.get(keyword)) && !containsRef(x);
  }

  private static boolean isTrue(JsonNode node) {
    return (node.isBoolean() && node.booleanValue()) || (node.isObject() && node.isEmpty());
  }

  private static boolean isFalse(JsonNode node) {
    return node.isBoolean() && !node.booleanValue();
  }

  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node != null && node.isObject()) {
      node.fieldNames().forEachRemaining(out::add);
    }
    return out;
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> out = new LinkedHashSet<>();
    if (array != null && array.isArray()) {
      array.forEach(v -> out.add(v.asText()));
    }
    return out;
  }

  /** A number keyword's value; {@code null} when absent or infinite (1e999 read as a double). */
  private static @Nullable BigDecimal decimal(JsonNode node, String keyword) {
    JsonNode v = node.get(keyword);
    if (v == null
        || !v.isNumber()
        || (v.isFloatingPointNumber() && !Double.isFinite(v.doubleValue()) && !v.isBigDecimal())) {
      return null;
    }
    return v.decimalValue();
  }

  private static @Nullable Integer integer(JsonNode node, String keyword) {
    JsonNode v = node.get(keyword);
    return v != null && v.isNumber() && v.canConvertToInt() ? v.intValue() : null;
  }

  /** The pointer to a property: {@code path/name}, escaped as JSON pointers are. */
  static String child(String path, String name) {
    return path + "/" + name.replace("~", "~0").replace("/", "~1");
  }

  private void report(boolean narrowed, Rule rule, String path, String message) {
    if (narrowed) {
      report(
          Severity.UNPROVEN,
          rule,
          path,
          "cannot prove compatible ("
              + writer
              + " uses keywords the checker does not compare): "
              + message);
    } else {
      report(Severity.ERROR, rule, path, message);
    }
  }

  private void report(Severity severity, Rule rule, String path, String message) {
    out.add(new Finding(severity, rule, direction, event, version, path, message + note));
  }

  static ObjectNode emptySchema() {
    return JsonNodeFactory.instance.objectNode();
  }
}
