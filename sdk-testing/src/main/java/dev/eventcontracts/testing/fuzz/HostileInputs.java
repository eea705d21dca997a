package dev.eventcontracts.testing.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;

/**
 * A deterministic stream of hostile messages made from valid sample events. Each {@link #next()}
 * picks a {@link Kind} and builds one input of that kind from a random sample; the same seed gives
 * the same stream. Structural mutations work on the JSON tree, byte-level ones on the encoded
 * bytes, so both what a parser sees and what a schema sees are covered.
 */
public final class HostileInputs {
  /** The classes of input, each with what it does to a sample. */
  public enum Kind {
    /** The sample, unchanged but for a fresh event id. */
    VALID,
    /** The exact bytes of an earlier input again. */
    REDELIVERY,
    /** Random bytes, sometimes starting like JSON. */
    RANDOM_BYTES,
    /** A strict prefix of the encoded sample. */
    TRUNCATED,
    /** The encoded sample with a few bytes overwritten. */
    BYTE_MUTATION,
    /** A value anywhere in the tree replaced by one of another type. */
    WRONG_TYPE,
    /** A value anywhere replaced by an extreme or oddly written number. */
    EXTREME_NUMBER,
    /** A field removed anywhere in the tree. */
    DROPPED_FIELD,
    /** Invalid UTF-8 inside a string, a BOM, or the whole message in UTF-16. */
    INVALID_UTF8,
    /** Valid JSON text whose strings hold NUL, lone surrogates, controls or bidi overrides. */
    UNICODE_TEXT,
    /** An object with the same name twice, at the top or in the payload. */
    DUPLICATE_NAME,
    /** A string value of 300 KB to 10 MB. */
    HUGE_VALUE,
    /** Arrays nested 65 to 100,000 deep. */
    DEEP_NESTING,
    /** A valid event under a hostile tenant id. */
    HOSTILE_TENANT,
    /** A valid event whose key-bearing fields hold hostile text. */
    HOSTILE_KEY,
    /** The event version changed to one no contract has. */
    UNKNOWN_VERSION,
    /** The event name changed to one no contract has. */
    UNKNOWN_EVENT
  }

  /** One hostile message: its kind and its bytes. */
  public record Input(Kind kind, byte[] value) {
    /** Checks the components. */
    public Input {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Input other && other.kind == kind && Arrays.equals(other.value, value);
    }

    @Override
    public int hashCode() {
      return kind.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return kind + " (" + value.length + " bytes)";
    }
  }

  /** Tenants chosen to collide under a naive scoping: separators, prefixes, lengths. */
  public static final List<String> HOSTILE_TENANTS =
      List.of(
          "",
          "a",
          "a/b",
          "a/",
          "/a",
          "t1:a",
          "t1:a/",
          "-",
          "-/",
          "tenant/a",
          "tenant/a/b",
          "1:a",
          "a:b",
          "\u00e9",
          "e\u0301",
          "a b",
          "A");

  private static final String RAW = "\u0000raw\u0000";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Kind[] KINDS = Kind.values();
  private static final String[] EXTREME_NUMBERS = {
    "1e400",
    "-1e400",
    "1e-400",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "123456789012345678901234567890123456789",
    "3.0",
    "1e2",
    "-0",
    "0.000000000000000000000000001",
    "1" + "0".repeat(99),
    "1" + "0".repeat(150),
    "01",
    "+1",
    "1.",
    ".5",
    "0x10",
    "NaN",
    "Infinity"
  };
  private static final byte[][] BAD_UTF8 = {
    {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
    {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, // overlong '/', three bytes
    {(byte) 0xC1, (byte) 0xBF}, // overlong
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // CESU-8 high surrogate
    {(byte) 0xED, (byte) 0xB0, (byte) 0x80}, // CESU-8 low surrogate
    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
    {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // five bytes
    {(byte) 0xFF},
    {(byte) 0xFE},
    {(byte) 0x80}, // stray continuation
    {(byte) 0xE2, (byte) 0x82}, // truncated sequence
    {(byte) 0xC3} // truncated at the end of a string
  };
  private static final String[] ODD_TEXT = {
    "\u0000",
    "nul\u0000inside",
    "\ud800",
    "\udc00",
    "\udc00\ud800",
    "\u202e\u0645right-to-left",
    "\u0007\u001b[31m",
    "line\nbreak\r\n",
    "\ud83c\udf89",
    "e\u0301\u0301\u0301",
    "\ufeff",
    "\uffff",
    "/../..",
    "%00",
    "'; DROP TABLE processed; --"
  };

  private final Random random;
  private final List<ObjectNode> samples;
  private final List<byte[]> history = new ArrayList<>();
  private final double hugeShare;

  private HostileInputs(long seed, List<ObjectNode> samples, double hugeShare) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("at least one sample event is needed");
    }
    this.random = new Random(seed);
    this.samples = List.copyOf(samples);
    this.hugeShare = hugeShare;
  }

  /**
   * A stream over {@code samples} (valid events of the registry under test).
   *
   * @param hugeShare how often (0 to 1) a {@link Kind#HUGE_VALUE} input is 10 MB rather than 300 KB
   *     to 1.1 MB; they are slow to build, so keep it small
   */
  public static HostileInputs of(long seed, List<ObjectNode> samples, double hugeShare) {
    return new HostileInputs(seed, samples, hugeShare);
  }

  /** A stream over {@code samples} with one 10 MB value in a thousand huge ones. */
  public static HostileInputs of(long seed, List<ObjectNode> samples) {
    return of(seed, samples, 0.001);
  }

  /** The next input, of a random kind. */
  public Input next() {
    return next(KINDS[random.nextInt(KINDS.length)]);
  }

  /** The next input of {@code kind}. */
  public Input next(Kind kind) {
    byte[] value = build(kind);
    if (history.size() < 1_000) {
      history.add(value);
    } else if (value.length < 64 * 1024) {
      history.set(random.nextInt(history.size()), value);
    }
    return new Input(kind, value);
  }

  private byte[] build(Kind kind) {
    ObjectNode event = fresh();
    return switch (kind) {
      case VALID -> bytes(event);
      case REDELIVERY ->
          history.isEmpty() ? bytes(event) : history.get(random.nextInt(history.size())).clone();
      case RANDOM_BYTES -> randomBytes();
      case TRUNCATED -> {
        byte[] b = bytes(event);
        yield Arrays.copyOf(b, random.nextInt(b.length - 1));
      }
      case BYTE_MUTATION -> {
        byte[] b = bytes(event);
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        yield b;
      }
      case WRONG_TYPE -> {
        replaceRandom(event, otherTypeThan(random.nextInt(7)));
        yield bytes(event);
      }
      case EXTREME_NUMBER -> {
        replaceRandom(event, MAPPER.getNodeFactory().textNode(RAW));
        yield raw(event, EXTREME_NUMBERS[random.nextInt(EXTREME_NUMBERS.length)]);
      }
      case DROPPED_FIELD -> {
        dropRandom(event);
        yield bytes(event);
      }
      case INVALID_UTF8 -> invalidUtf8(event);
      case UNICODE_TEXT -> {
        replaceRandomString(event, ODD_TEXT[random.nextInt(ODD_TEXT.length)]);
        yield bytes(event);
      }
      case DUPLICATE_NAME -> duplicateName(event);
      case HUGE_VALUE -> {
        int size =
            random.nextDouble() < hugeShare
                ? 10 * 1024 * 1024
                : 300 * 1024 + random.nextInt(800 * 1024);
        replaceRandomString(event, "h".repeat(size));
        yield bytes(event);
      }
      case DEEP_NESTING -> {
        int depth =
            random.nextBoolean() ? 65 + random.nextInt(100) : 1_000 + random.nextInt(99_000);
        replaceRandom(event, MAPPER.getNodeFactory().textNode(RAW));
        yield raw(event, "[".repeat(depth) + "]".repeat(depth));
      }
      case HOSTILE_TENANT -> {
        event.put("tenant_id", hostileText(HOSTILE_TENANTS));
        yield bytes(event);
      }
      case HOSTILE_KEY -> {
        String text = hostileText(List.of(ODD_TEXT));
        if (event.has("idempotency_key") && random.nextBoolean()) {
          event.put("idempotency_key", text);
        } else {
          replaceFirstString(payloadOf(event), text);
        }
        yield bytes(event);
      }
      case UNKNOWN_VERSION -> {
        String[] versions = {"v9", "v0", "v99", "v2", "v1000000000000", "vv1", "v-1", "v1e9"};
        setEnvelopeText(event, "version", versions[random.nextInt(versions.length)]);
        yield bytes(event);
      }
      case UNKNOWN_EVENT -> {
        setEnvelopeText(event, "name", "no.such.event." + random.nextInt(1_000));
        yield bytes(event);
      }
    };
  }

  private ObjectNode fresh() {
    ObjectNode event = samples.get(random.nextInt(samples.size())).deepCopy();
    for (String id : List.of("event_id", "eventId", "id", "messageId")) {
      if (event.path(id).isTextual()) {
        event.put(
            id, new UUID(random.nextLong(), random.nextLong() & ~0xF000L | 0x4000L).toString());
        break;
      }
    }
    return event;
  }

  private String hostileText(List<String> pool) {
    return switch (random.nextInt(4)) {
      case 0 -> "x".repeat(500 + random.nextInt(200)); // past every store's 512 chars
      case 1 -> pool.get(random.nextInt(pool.size())) + pool.get(random.nextInt(pool.size()));
      default -> pool.get(random.nextInt(pool.size()));
    };
  }

  private byte[] randomBytes() {
    byte[] b = new byte[random.nextInt(2_000)];
    random.nextBytes(b);
    if (b.length > 0 && random.nextBoolean()) {
      b[0] = '{';
    }
    return b;
  }

  private byte[] invalidUtf8(ObjectNode event) {
    return switch (random.nextInt(4)) {
      case 0 -> { // a BOM, then the event
        byte[] b = bytes(event);
        byte[] out = new byte[b.length + 3];
        out[0] = (byte) 0xEF;
        out[1] = (byte) 0xBB;
        out[2] = (byte) 0xBF;
        System.arraycopy(b, 0, out, 3, b.length);
        yield out;
      }
      case 1 -> event.toString().getBytes(StandardCharsets.UTF_16LE);
      default -> {
        replaceRandomString(event, RAW);
        byte[] b = bytes(event);
        byte[] marker = RAW_JSON.getBytes(StandardCharsets.UTF_8);
        int at = indexOf(b, marker);
        byte[] bad = BAD_UTF8[random.nextInt(BAD_UTF8.length)];
        byte[] out = new byte[b.length - marker.length + bad.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(
            b, at + marker.length, out, at + bad.length, b.length - at - marker.length);
        yield out;
      }
    };
  }

  private static final String RAW_JSON = "\\u0000raw\\u0000";

  private byte[] duplicateName(ObjectNode event) {
    ObjectNode target = random.nextBoolean() ? event : payloadOf(event);
    if (target.isEmpty()) {
      target = event;
    }
    String name = target.properties().iterator().next().getKey();
    // rebuild the object's text with the first field written twice, the second with another value
    String text = event.toString();
    String field = MAPPER.getNodeFactory().textNode(name).toString() + ":";
    String whole = target.toString();
    int objectAt = text.indexOf(whole);
    String doubled = "{" + field + "\"first\"," + whole.substring(1);
    return (text.substring(0, objectAt) + doubled + text.substring(objectAt + whole.length()))
        .getBytes(StandardCharsets.UTF_8);
  }

  private ObjectNode payloadOf(ObjectNode event) {
    for (String name : List.of("payload", "data", "detail")) {
      if (event.path(name).isObject()) {
        return (ObjectNode) event.get(name);
      }
    }
    return event;
  }

  private void setEnvelopeText(ObjectNode event, String role, String value) {
    List<String> names =
        role.equals("version")
            ? List.of("event_version", "version", "eventVersion", "specversion", "schemaVersion")
            : List.of("event_name", "eventType", "event_type", "type", "eventName");
    for (String name : names) {
      if (event.has(name)) {
        event.put(name, value);
        return;
      }
    }
    event.put(names.get(0), value);
  }

  private JsonNode otherTypeThan(int pick) {
    var f = MAPPER.getNodeFactory();
    return switch (pick) {
      case 0 -> f.textNode("wrong");
      case 1 -> f.numberNode(12);
      case 2 -> f.numberNode(-1.5);
      case 3 -> f.booleanNode(true);
      case 4 -> f.nullNode();
      case 5 -> f.arrayNode().add(1);
      default -> f.objectNode().put("k", "v");
    };
  }

  /** Every container node and the names or indexes of its children, for picking a place. */
  private record Place(JsonNode container, String name, int index) {}

  private List<Place> places(JsonNode root) {
    List<Place> out = new ArrayList<>();
    collect(root, out);
    return out;
  }

  private void collect(JsonNode node, List<Place> out) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        out.add(new Place(node, field.getKey(), -1));
        collect(field.getValue(), out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        out.add(new Place(node, null, i));
        collect(node.get(i), out);
      }
    }
  }

  private void replaceRandom(ObjectNode event, JsonNode value) {
    List<Place> places = places(event);
    Place p = places.get(random.nextInt(places.size()));
    if (p.name() != null) {
      ((ObjectNode) p.container()).set(p.name(), value);
    } else {
      ((ArrayNode) p.container()).set(p.index(), value);
    }
  }

  private void replaceRandomString(ObjectNode event, String text) {
    List<Place> strings = new ArrayList<>();
    for (Place p : places(event)) {
      JsonNode v = p.name() != null ? p.container().get(p.name()) : p.container().get(p.index());
      if (v.isTextual()) {
        strings.add(p);
      }
    }
    if (strings.isEmpty()) {
      event.put("text", text);
      return;
    }
    Place p = strings.get(random.nextInt(strings.size()));
    if (p.name() != null) {
      ((ObjectNode) p.container()).put(p.name(), text);
    } else {
      ((ArrayNode) p.container()).set(p.index(), MAPPER.getNodeFactory().textNode(text));
    }
  }

  private static void replaceFirstString(ObjectNode object, String text) {
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (field.getValue().isTextual()) {
        field.setValue(MAPPER.getNodeFactory().textNode(text));
        return;
      }
    }
    object.put("text", text);
  }

  private void dropRandom(ObjectNode event) {
    List<Place> named = new ArrayList<>();
    for (Place p : places(event)) {
      if (p.name() != null) {
        named.add(p);
      }
    }
    Place p = named.get(random.nextInt(named.size()));
    ((ObjectNode) p.container()).remove(p.name());
  }

  private static byte[] raw(ObjectNode event, String rawValue) {
    return event
        .toString()
        .replace(MAPPER.getNodeFactory().textNode(RAW).toString(), rawValue)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(JsonNode event) {
    return event.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("marker not found");
  }
}
