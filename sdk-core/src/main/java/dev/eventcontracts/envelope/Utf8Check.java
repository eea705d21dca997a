package dev.eventcontracts.envelope;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.jspecify.annotations.Nullable;

/**
 * Refuses message bytes that are not UTF-8 JSON text before Jackson sees them. Jackson's UTF-8
 * parser rejects truncated sequences, stray continuation bytes and 0xF8-0xFF, but it decodes
 * overlong forms (0xC0 0xAF is {@code /}), CESU-8 surrogates and code points above U+10FFFF, and it
 * silently switches to UTF-16 or UTF-32 when the first bytes hold a NUL or a byte order mark.
 *
 * <p>The check accepts exactly the well-formed byte sequences of the Unicode Standard (chapter 3,
 * table 3-7), which is what the JDK's UTF-8 decoder accepts with {@code CodingErrorAction.REPORT};
 * a test compares the two on every two-byte sequence, on three- and four-byte sequences around
 * every boundary, and on random input. It is written out instead of calling the decoder because the
 * decoder, which must produce characters that are then thrown away, cost 1.4 to 2.7 microseconds
 * per 650-byte event with one non-ASCII field, as much as a second parse, against 0.3 for this loop
 * (docs/performance.md, "Reading: strict UTF-8 and duplicate names").
 */
final class Utf8Check {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  private Utf8Check() {}

  /**
   * Why these bytes are not UTF-8 JSON text.
   *
   * @return a message naming the byte offset (never quoting the bytes), or {@code null} when they
   *     are UTF-8 without a byte order mark
   */
  static @Nullable String problem(byte[] value) {
    // Jackson picks UTF-16 or UTF-32 from a NUL or a BOM among the first four bytes; a JSON text
    // never holds a raw NUL, so a NUL there can only mean another encoding (or garbage)
    int head = Math.min(4, value.length);
    for (int i = 0; i < head; i++) {
      if (value[i] == 0) {
        return "not UTF-8: NUL byte at byte offset "
            + i
            + " (UTF-16 and UTF-32 are refused; JSON between systems is UTF-8, RFC 8259 section"
            + " 8.1)";
      }
    }
    if (value.length >= 3
        && value[0] == (byte) 0xEF
        && value[1] == (byte) 0xBB
        && value[2] == (byte) 0xBF) {
      return "starts with a UTF-8 byte order mark; a JSON message must not (RFC 8259 section 8.1)";
    }
    int offset = firstMalformed(value);
    return offset < 0 ? null : "invalid UTF-8 at byte offset " + offset;
  }

  /**
   * The offset of the first byte of the first ill-formed sequence, or -1 when every sequence is
   * well-formed (Unicode table 3-7).
   */
  static int firstMalformed(byte[] v) {
    int n = v.length;
    int i = 0;
    while (i < n) {
      // most events are ASCII: eight bytes at a time while no byte has its high bit set
      if (i + 8 <= n && ((long) LONGS.get(v, i) & HIGH_BITS) == 0) {
        i += 8;
        continue;
      }
      int b = v[i];
      if (b >= 0) {
        i++;
        continue;
      }
      b &= 0xFF;
      if (b < 0xC2) {
        return i; // a continuation byte without a lead, or C0/C1 (overlong two-byte forms)
      }
      if (b < 0xE0) {
        if (i + 1 >= n || !continuation(v[i + 1])) {
          return i;
        }
        i += 2;
        continue;
      }
      if (b < 0xF0) {
        if (i + 2 >= n) {
          return i;
        }
        int b1 = v[i + 1] & 0xFF;
        if (!continuation(v[i + 1])
            || (b == 0xE0 && b1 < 0xA0) // overlong three-byte form
            || (b == 0xED && b1 > 0x9F) // a surrogate, U+D800 to U+DFFF (CESU-8)
            || !continuation(v[i + 2])) {
          return i;
        }
        i += 3;
        continue;
      }
      if (b < 0xF5) {
        if (i + 3 >= n) {
          return i;
        }
        int b1 = v[i + 1] & 0xFF;
        if (!continuation(v[i + 1])
            || (b == 0xF0 && b1 < 0x90) // overlong four-byte form
            || (b == 0xF4 && b1 > 0x8F) // above U+10FFFF
            || !continuation(v[i + 2])
            || !continuation(v[i + 3])) {
          return i;
        }
        i += 4;
        continue;
      }
      return i; // F5 to FF: above U+10FFFF, or never valid
    }
    return -1;
  }

  private static boolean continuation(byte b) {
    return (b & 0xC0) == 0x80;
  }
}
