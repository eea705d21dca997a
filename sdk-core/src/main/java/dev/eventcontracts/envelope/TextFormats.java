package dev.eventcontracts.envelope;

/**
 * Cheap structural checks for the formats envelopes use. They scan characters instead of parsing
 * with {@code java.time}, which costs more than parsing the whole event.
 */
final class TextFormats {
  private TextFormats() {}

  /** True for {@code 8-4-4-4-12} hexadecimal UUID text. */
  static boolean isUuid(String s) {
    if (s.length() != 36
        || s.charAt(8) != '-'
        || s.charAt(13) != '-'
        || s.charAt(18) != '-'
        || s.charAt(23) != '-') {
      return false;
    }
    return (notHex(s, 0, 8)
            | notHex(s, 9, 13)
            | notHex(s, 14, 18)
            | notHex(s, 19, 23)
            | notHex(s, 24, 36))
        == 0;
  }

  /**
   * True for a random (version 4) UUID: {@link #isUuid} text whose version digit is {@code 4} and
   * whose variant digit is {@code 8}, {@code 9}, {@code a} or {@code b} (RFC 9562).
   */
  static boolean isUuidV4(String s) {
    if (!isUuid(s) || s.charAt(14) != '4') {
      return false;
    }
    char variant = Character.toLowerCase(s.charAt(19));
    return variant == '8' || variant == '9' || variant == 'a' || variant == 'b';
  }

  /**
   * True for {@link #isDateTime} text in UTC: it ends in {@code Z} or {@code +00:00} ({@code
   * -00:00} means "offset unknown" in RFC 3339, so it is not UTC).
   */
  static boolean isUtcDateTime(String s) {
    if (!isDateTime(s)) {
      return false;
    }
    char last = s.charAt(s.length() - 1);
    return last == 'Z' || last == 'z' || s.endsWith("+00:00");
  }

  /** Non-zero when a character in [from, to) is not ASCII hex; no branch depends on the text. */
  private static int notHex(String s, int from, int to) {
    int bad = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      bad |= NOT_HEX[c & 0x7F] | (c >>> 7);
    }
    return bad;
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

  // a table, not comparisons: in random UUIDs digit-or-letter is a coin toss per character, and a
  // branch on it is mispredicted about once every three characters
  private static final byte[] NOT_HEX = new byte[128];

  static {
    java.util.Arrays.fill(NOT_HEX, (byte) 1);
    for (char c = '0'; c <= '9'; c++) {
      NOT_HEX[c] = 0;
    }
    for (char c = 'a'; c <= 'f'; c++) {
      NOT_HEX[c] = 0;
      NOT_HEX[c - 32] = 0;
    }
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

  /**
   * Epoch milliseconds of RFC 3339 text that {@link #isDateTime} accepts, computed with integer
   * arithmetic (fractions beyond milliseconds are truncated); {@link Long#MIN_VALUE} for other
   * text.
   */
  static long epochMillis(String s) {
    if (!isDateTime(s)) {
      return Long.MIN_VALUE;
    }
    long year = num(s, 0, 4);
    int month = num(s, 5, 7);
    int day = num(s, 8, 10);
    if (day > daysInMonth(year, month)) {
      return Long.MIN_VALUE;
    }
    long seconds = num(s, 11, 13) * 3600L + num(s, 14, 16) * 60L + Math.min(59, num(s, 17, 19));
    int i = 19;
    long millis = 0;
    if (s.charAt(i) == '.') {
      i++;
      int digits = 0;
      while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        if (digits < 3) {
          millis = millis * 10 + (s.charAt(i) - '0');
        }
        digits++;
        i++;
      }
      for (; digits < 3; digits++) {
        millis *= 10;
      }
    }
    long offsetSeconds = 0;
    char sign = s.charAt(i);
    if (sign == '+' || sign == '-') {
      offsetSeconds = num(s, i + 1, i + 3) * 3600L + num(s, i + 4, i + 6) * 60L;
      if (sign == '-') {
        offsetSeconds = -offsetSeconds;
      }
    }
    return (epochDay(year, month, day) * 86_400L + seconds - offsetSeconds) * 1000L + millis;
  }

  private static int daysInMonth(long year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (the algorithm java.time uses). */
  private static long epochDay(long year, int month, int day) {
    long y = year;
    long total = 365 * y;
    total += (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
    total += (367L * month - 362) / 12;
    total += day - 1;
    if (month > 2) {
      total--;
      if (!(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) {
        total--;
      }
    }
    return total - 719_528L;
  }
}
