package dev.eventcontracts.cli;

import java.io.Flushable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines at {@code \n} (dropping a {@code \r} before it), without
 * decoding: the bytes of a line go to the envelope reader as they are, so invalid UTF-8 is reported
 * for that line only. A line longer than {@code maxLineBytes} is counted but not kept, so one huge
 * line cannot exhaust memory.
 */
final class NdjsonLines {
  private final InputStream in;
  private final int maxLineBytes;
  private final Flushable beforeWaiting;
  private final byte[] buffer = new byte[64 * 1024];
  private int pos;
  private int end;
  private boolean eof;

  private byte[] line = new byte[4096];
  private int kept;
  private long length;
  private byte last;
  private long number;

  /**
   * Reads lines from {@code in}.
   *
   * @param maxLineBytes the longest line whose bytes are kept
   * @param beforeWaiting flushed before a read that may block, so a consumer piping events in one
   *     at a time sees each answer at once, while a file is answered in large writes
   */
  NdjsonLines(InputStream in, int maxLineBytes, Flushable beforeWaiting) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
    this.beforeWaiting = beforeWaiting;
  }

  /** Advances to the next line; false at the end of the input. */
  boolean next() throws IOException {
    kept = 0;
    length = 0;
    last = 0;
    boolean started = false;
    while (true) {
      if (pos == end && !fill()) {
        if (!started) {
          return false;
        }
        break;
      }
      started = true;
      int newline = indexOfNewline();
      int stop = newline < 0 ? end : newline;
      append(stop);
      if (newline >= 0) {
        pos = newline + 1;
        break;
      }
      pos = end;
    }
    number++;
    if (last == '\r') {
      length--;
      kept = (int) Math.min(kept, length);
    }
    return true;
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    if (in.available() <= 0) {
      beforeWaiting.flush();
    }
    int n = in.read(buffer);
    while (n == 0) {
      n = in.read(buffer);
    }
    if (n < 0) {
      eof = true;
      return false;
    }
    pos = 0;
    end = n;
    return true;
  }

  private int indexOfNewline() {
    for (int i = pos; i < end; i++) {
      if (buffer[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private void append(int stop) {
    int n = stop - pos;
    if (n == 0) {
      return;
    }
    length += n;
    last = buffer[stop - 1];
    // keep one byte past the limit, so a line of exactly maxLineBytes plus its \r still fits
    int room = (int) Math.min(n, (long) maxLineBytes + 1 - kept);
    if (room > 0) {
      if (kept + room > line.length) {
        line =
            Arrays.copyOf(line, Math.max(kept + room, Math.min(line.length * 2, maxLineBytes + 1)));
      }
      System.arraycopy(buffer, pos, line, kept, room);
      kept += room;
    }
  }

  /** The 1-based number of the current line, counting blank lines. */
  long number() {
    return number;
  }

  /** The length of the current line in bytes, without its line end. */
  long length() {
    return length;
  }

  /** True when the current line is longer than {@code maxLineBytes} (its bytes were not kept). */
  boolean tooLong() {
    return length > maxLineBytes;
  }

  /** True when the current line holds nothing but spaces and tabs. */
  boolean blank() {
    if (tooLong()) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      byte b = line[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** A copy of the current line's bytes; only for lines that are not {@link #tooLong()}. */
  byte[] bytes() {
    if (tooLong()) {
      throw new IllegalStateException("line " + number + " is longer than " + maxLineBytes);
    }
    return Arrays.copyOf(line, (int) length);
  }
}
