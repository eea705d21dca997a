package dev.eventcontracts.pipeline;

import org.jspecify.annotations.Nullable;

/**
 * Makes a producer's text (an event id or name) safe for a log line: control characters are
 * escaped, so a value cannot forge a line of its own, and long values are cut, so no line repeats a
 * 100 KB field.
 */
final class LogSafe {
  /** The most chars of a value a log line shows. */
  static final int MAX_CHARS = 80;

  private LogSafe() {}

  static @Nullable String text(@Nullable String value) {
    if (value == null) {
      return null;
    }
    int shown = Math.min(value.length(), MAX_CHARS);
    boolean clean = shown == value.length();
    for (int i = 0; clean && i < shown; i++) {
      clean = !needsEscape(value.charAt(i));
    }
    if (clean) {
      return value;
    }
    StringBuilder out = new StringBuilder(shown + 24);
    for (int i = 0; i < shown; i++) {
      char c = value.charAt(i);
      if (needsEscape(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (shown < value.length()) {
      out.append("...(").append(value.length()).append(" chars)");
    }
    return out.toString();
  }

  private static boolean needsEscape(char c) {
    return c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c);
  }
}
