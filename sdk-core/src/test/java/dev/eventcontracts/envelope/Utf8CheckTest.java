package dev.eventcontracts.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written UTF-8 check accepts exactly what the JDK's UTF-8 decoder accepts with {@code
 * REPORT}, and points at the same byte.
 */
class Utf8CheckTest {
  private static final byte[] PREFIX = "{\"a\": \"".getBytes(StandardCharsets.US_ASCII);

  /** The JDK's answer: the offset of the first malformed sequence, or -1. */
  private static int jdk(byte[] value) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(value);
    CharBuffer out = CharBuffer.allocate(value.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    return result.isError() ? in.position() : -1;
  }

  private static void agree(byte[] sequence) {
    // bare, after an ASCII prefix (offsets move), and long enough for the eight-byte stride
    for (byte[] value :
        new byte[][] {
          sequence, concat(PREFIX, sequence), concat(concat(PREFIX, PREFIX), sequence, PREFIX)
        }) {
      assertThat(Utf8Check.firstMalformed(value))
          .as(HexFormat.ofDelimiter(" ").formatHex(value))
          .isEqualTo(jdk(value));
    }
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  @Test
  void everyOneAndTwoByteSequence() {
    for (int a = 0; a < 256; a++) {
      agree(new byte[] {(byte) a});
      for (int b = 0; b < 256; b++) {
        agree(new byte[] {(byte) a, (byte) b});
      }
    }
  }

  @Test
  void threeAndFourByteSequencesAroundEveryBoundary() {
    int[] tails = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xFF};
    for (int lead = 0xC0; lead < 0x100; lead++) {
      for (int b1 = 0x70; b1 <= 0xC1; b1++) {
        for (int b2 : tails) {
          agree(new byte[] {(byte) lead, (byte) b1, (byte) b2});
          for (int b3 : tails) {
            agree(new byte[] {(byte) lead, (byte) b1, (byte) b2, (byte) b3});
          }
        }
      }
    }
  }

  @Test
  void randomInput() {
    Random random = new Random(20261204);
    byte[] alphabet =
        HexFormat.of().parseHex("00417f80819fa0bfc0c1c2dfe0e1ecedeef0f1f4f5f8fcfeff22");
    for (int i = 0; i < 200_000; i++) {
      byte[] value = new byte[1 + random.nextInt(24)];
      for (int j = 0; j < value.length; j++) {
        value[j] =
            random.nextInt(3) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(26)];
      }
      agree(value);
    }
  }

  @Test
  void wellFormedTextOfEveryLengthIsAccepted() {
    String text = "plain ASCII, Zoë, Łukasiewicz, 名前, ✓, 😀, \uDBFF\uDFFF and U+0080 \u0080";
    for (int repeat = 1; repeat < 40; repeat++) {
      assertThat(Utf8Check.firstMalformed(text.repeat(repeat).getBytes(StandardCharsets.UTF_8)))
          .isEqualTo(-1);
    }
  }
}
