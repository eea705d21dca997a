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
 * from new ones, so it must not change.
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
            h += mix(text(STRING, member.getKey()) * 31 + hash(member.getValue()));
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

  /** FNV-1a over the chars, then mixed. */
  private static long text(long seed, String s) {
    long h = 0xcbf29ce484222325L ^ seed;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** The SplitMix64 finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
