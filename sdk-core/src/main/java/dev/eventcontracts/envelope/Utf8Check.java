package dev.eventcontracts.envelope;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Refuses message bytes that are not UTF-8 JSON text before Jackson sees them. Jackson's UTF-8
 * parser rejects truncated sequences, stray continuation bytes and 0xF8-0xFF, but it decodes
 * overlong forms (0xC0 0xAF is {@code /}), CESU-8 surrogates and code points above U+10FFFF, and it
 * silently switches to UTF-16 or UTF-32 when the first bytes hold a NUL or a byte order mark. The
 * decoding itself is the JDK's UTF-8 decoder with {@link CodingErrorAction#REPORT}, which refuses
 * every ill-formed sequence of Unicode 15, table 3-7.
 */
final class Utf8Check {
  /** Decoded characters are thrown away; a small buffer bounds the memory per check. */
  private static final int CHUNK = 512;

  private Utf8Check() {}

  /**
   * Why these bytes are not UTF-8 JSON text.
   *
   * @return a message naming the byte offset (never quoting the bytes), or {@code null} when they
   *     are UTF-8 without a byte order mark
   */
  static String problem(byte[] value) {
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
    int start = 0;
    while (start < value.length && value[start] >= 0) {
      start++; // ASCII needs no decoding, and most events are ASCII
    }
    if (start == value.length) {
      return null;
    }
    int offset = firstMalformed(value, start);
    return offset < 0 ? null : "invalid UTF-8 at byte offset " + offset;
  }

  /** The offset of the first ill-formed sequence at or after {@code start}, or -1. */
  private static int firstMalformed(byte[] value, int start) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(value, start, value.length - start);
    CharBuffer out = CharBuffer.allocate(Math.min(CHUNK, value.length - start + 1));
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isError()) {
        return in.position();
      }
      if (result.isOverflow()) {
        out.clear();
        continue;
      }
      return decoder.flush(out).isError() ? in.position() : -1;
    }
  }
}
