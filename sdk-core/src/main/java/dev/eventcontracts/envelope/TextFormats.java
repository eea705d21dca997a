package dev.eventcontracts.envelope;

/**
 * Cheap structural checks for the formats envelopes use. They scan characters instead of parsing
 * with {@code java.time}, which costs more than parsing the whole event.
 */
final class TextFormats {
  private TextFormats() {}

  /** True for {@code 8-4-4-4-12} hexadecimal UUID text. */
  static boolean isUuid(String s) {
    if (s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return false;
        }
      } else if (Character.digit(c, 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * True for RFC 3339 date-time text: {@code YYYY-MM-DDTHH:MM:SS}, optional fraction, then {@code
   * Z} or an offset {@code +HH:MM}.
   */
  static boolean isDateTime(String s) {
    int n = s.length();
    if (n < 20) {
      return false;
    }
    if (!digits(s, 0, 4) || s.charAt(4) != '-' || !digits(s, 5, 7) || s.charAt(7) != '-') {
      return false;
    }
    if (!digits(s, 8, 10) || (s.charAt(10) != 'T' && s.charAt(10) != 't')) {
      return false;
    }
    if (!digits(s, 11, 13) || s.charAt(13) != ':' || !digits(s, 14, 16) || s.charAt(16) != ':') {
      return false;
    }
    if (!digits(s, 17, 19)) {
      return false;
    }
    int month = num(s, 5, 7);
    int day = num(s, 8, 10);
    if (month < 1 || month > 12 || day < 1 || day > 31) {
      return false;
    }
    if (num(s, 11, 13) > 23 || num(s, 14, 16) > 59 || num(s, 17, 19) > 60) {
      return false;
    }
    int i = 19;
    if (i < n && s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      if (i == start) {
        return false;
      }
    }
    if (i == n - 1) {
      char z = s.charAt(i);
      return z == 'Z' || z == 'z';
    }
    if (i + 6 != n) {
      return false;
    }
    char sign = s.charAt(i);
    return (sign == '+' || sign == '-')
        && digits(s, i + 1, i + 3)
        && s.charAt(i + 3) == ':'
        && digits(s, i + 4, i + 6)
        && num(s, i + 1, i + 3) <= 23
        && num(s, i + 4, i + 6) <= 59;
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static int num(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      v = v * 10 + (s.charAt(i) - '0');
    }
    return v;
  }
}
