package dev.eventcontracts.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Map;

/**
 * A 64-bit fingerprint of a payload's JSON value, for key-reuse detection: equal for payloads that
 * are equal as JSON (object members in any order, {@code 1} and {@code 1.0}), whatever the envelope
 * around them (event id, occurred-at and headers may differ between two deliveries of one event).
 * Computed by walking the parsed tree, so nothing is serialised again. Not a cryptographic hash: a
 * collision only hides one reuse, it never rejects an event. Never 0, which stores use for "none".
 * The algorithm is part of the stored format: changing it would make every kept fingerprint differ
 * from new ones, so from 1.0 on it must not change.
 *
 * <p>Member names are hashed with {@link String#hashCode()}, which the JLS defines and which
 * Jackson's interned name strings keep cached, so a name costs nothing after its first event.
 * String values are hashed four chars at a time (four FNV-1a lanes): one lane's multiply chain made
 * the walk 8% of a worker's CPU with in-memory stores.
 */
final class PayloadFingerprint {
  private static final long OBJECT = 0x6f626a6563740001L;
  private static final long ARRAY = 0x6172726179000002L;
  private static final long STRING = 0x737472696e670003L;
  private static final long NUMBER = 0x6e756d6265720004L;
  private static final long TRUE = 0x7472756500000005L;
  private static final long FALSE = 0x66616c7365000006L;
  private static final long NULL = 0x6e756c6c00000007L;
  private static final long OTHER = 0x6f74686572000008L;
  private static final long NAME = 0x6e616d6500000009L;
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private PayloadFingerprint() {}

  /** The fingerprint of {@code payload}; never 0. */
  static long of(JsonNode payload) {
    long h = hash(payload);
    return h == 0 ? 1 : h;
  }

  private static long hash(JsonNode node) {
    if (node == null) {
      return NULL;
    }
    switch (node.getNodeType()) {
      case OBJECT:
        {
          long h = OBJECT;
          // a sum of the members' hashes: the same for any member order
          for (Map.Entry<String, JsonNode> member : node.properties()) {
            h += mix(mix(NAME ^ member.getKey().hashCode()) * 31 + hash(member.getValue()));
          }
          return mix(h);
        }
      case ARRAY:
        {
          long h = ARRAY;
          for (JsonNode item : node) {
            h = mix(h * 31 + hash(item));
          }
          return mix(h + node.size());
        }
      case STRING:
        return text(STRING, node.textValue());
      case NUMBER:
        return number(node);
      case BOOLEAN:
        return node.booleanValue() ? TRUE : FALSE;
      case NULL:
      case MISSING:
        return NULL;
      default:
        return text(OTHER, node.toString());
    }
  }

  private static long number(JsonNode node) {
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return mix(NUMBER ^ node.longValue());
    }
    BigDecimal d = node.decimalValue().stripTrailingZeros();
    if (d.scale() <= 0 && d.precision() - d.scale() < 19) {
      return mix(NUMBER ^ d.longValue()); // an integral value written with a fraction: 1.0 is 1
    }
    return text(NUMBER, d.toString());
  }

  /** FNV-1a in four lanes (chars 0, 4, 8... in the first), the lanes and the length then mixed. */
  private static long text(long seed, String s) {
    int n = s.length();
    long a = FNV_OFFSET ^ seed;
    long b = a ^ 1;
    long c = a ^ 2;
    long d = a ^ 3;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      a = (a ^ s.charAt(i)) * FNV_PRIME;
      b = (b ^ s.charAt(i + 1)) * FNV_PRIME;
      c = (c ^ s.charAt(i + 2)) * FNV_PRIME;
      d = (d ^ s.charAt(i + 3)) * FNV_PRIME;
    }
    for (; i < n; i++) {
      a = (a ^ s.charAt(i)) * FNV_PRIME;
    }
    return mix(mix(mix(mix(a) + b) + c) + d + n);
  }

  /** The SplitMix64 finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
