package dev.eventcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NdjsonLinesTest {

  /** Hands out at most one byte per read and reports nothing available, like a slow pipe. */
  private static InputStream trickle(byte[] bytes) {
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 1));
      }

      @Override
      public int available() {
        return 0;
      }
    };
  }

  private static List<String> read(NdjsonLines lines) throws IOException {
    List<String> out = new ArrayList<>();
    while (lines.next()) {
      out.add(
          lines.number()
              + ":"
              + (lines.tooLong()
                  ? "TOO_LONG(" + lines.length() + ")"
                  : new String(lines.bytes(), StandardCharsets.UTF_8))
              + (lines.blank() ? ":blank" : ""));
    }
    return out;
  }

  @Test
  void splitsOnNewlinesDropsCarriageReturnsAndKeepsAnUnterminatedLastLine() throws IOException {
    byte[] input = "a\r\nbb\n\n  \ncc\r\r\nlast".getBytes(StandardCharsets.UTF_8);
    List<String> expected = List.of("1:a", "2:bb", "3::blank", "4:  :blank", "5:cc\r", "6:last");
    assertThat(read(new NdjsonLines(new ByteArrayInputStream(input), 100, () -> {})))
        .isEqualTo(expected);
    assertThat(read(new NdjsonLines(trickle(input), 100, () -> {}))).isEqualTo(expected);
  }

  @Test
  void emptyInputHasNoLinesAndATrailingNewlineAddsNone() throws IOException {
    assertThat(read(new NdjsonLines(InputStream.nullInputStream(), 10, () -> {}))).isEmpty();
    assertThat(
            read(
                new NdjsonLines(
                    new ByteArrayInputStream("x\n".getBytes(StandardCharsets.UTF_8)),
                    10,
                    () -> {})))
        .containsExactly("1:x");
  }

  @Test
  void linesOverTheLimitAreMeasuredNotKept() throws IOException {
    String input = "12345\n123456\n12345\r\n123456\r\n" + "z".repeat(200_000) + "\nok";
    List<String> lines =
        read(
            new NdjsonLines(
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), 5, () -> {}));
    assertThat(lines)
        .containsExactly(
            "1:12345", "2:TOO_LONG(6)", "3:12345", "4:TOO_LONG(6)", "5:TOO_LONG(200000)", "6:ok");
    NdjsonLines tooLong =
        new NdjsonLines(
            new ByteArrayInputStream("123456".getBytes(StandardCharsets.UTF_8)), 5, () -> {});
    assertThat(tooLong.next()).isTrue();
    assertThatThrownBy(tooLong::bytes).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void longLinesAcrossManyBuffers() throws IOException {
    String big = "q".repeat(300_000);
    String input = big + "\n" + big;
    List<String> lines =
        read(
            new NdjsonLines(
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                1 << 20,
                () -> {}));
    assertThat(lines).containsExactly("1:" + big, "2:" + big);
  }

  @Test
  void flushesOnlyBeforeAReadThatMayWait() throws IOException {
    AtomicInteger flushes = new AtomicInteger();
    byte[] input = "a\nb\nc\n".getBytes(StandardCharsets.UTF_8);
    NdjsonLines fromFile =
        new NdjsonLines(new ByteArrayInputStream(input), 10, flushes::incrementAndGet);
    read(fromFile);
    assertThat(flushes.get()).isEqualTo(1);
    flushes.set(0);
    read(new NdjsonLines(trickle(input), 10, flushes::incrementAndGet));
    assertThat(flushes.get()).isEqualTo(input.length + 1);
  }
}
