package dev.eventcontracts.contract;

import com.networknt.schema.format.UriFormat;

/**
 * The {@code format} checks of the fast path. Each accepts a subset of what networknt accepts with
 * format assertions on (so a value it accepts is one networknt accepts) and of what RFC 3339, RFC
 * 4122 and RFC 3986 allow; anything unusual (leap seconds, lower-case {@code t}/{@code z}, the
 * {@code -00:00} offset, offsets of 18 hours, more than nine fraction digits, IP literals in URIs)
 * is refused here and left to networknt. {@code FastFormatsTest} checks the subset relation against
 * networknt's own format classes on generated strings.
 */
final class FastFormats {
  private static final UriFormat URI = new UriFormat();

  private FastFormats() {}

  /** The formats the fast path knows; any other format makes a schema defer. */
  static boolean known(String format) {
    return switch (format) {
      case "date-time", "date", "uuid", "uri" -> true;
      default -> false;
    };
  }

  /** Whether a string certainly has the format. */
  static boolean certainly(String format, String value) {
    return switch (format) {
      case "date-time" -> dateTime(value);
      case "date" -> value.length() == 10 && date(value, 0);
      case "uuid" -> uuid(value);
      case "uri" -> uri(value);
      default -> false;
    };
  }

  /** RFC 3339 date-time: {@code YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|+HH:MM|-HH:MM)}, upper case. */
  static boolean dateTime(String s) {
    int n = s.length();
    if (n < 20 || n > 35 || !date(s, 0) || s.charAt(10) != 'T') {
      return false;
    }
    if (s.charAt(13) != ':' || s.charAt(16) != ':') {
      return false;
    }
    int hour = two(s, 11);
    int minute = two(s, 14);
    int second = two(s, 17);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return false;
    }
    int i = 19;
    if (s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && digit(s.charAt(i))) {
        i++;
      }
      if (i == start || i - start > 9) {
        return false;
      }
    }
    if (i == n - 1) {
      return s.charAt(i) == 'Z';
    }
    if (i != n - 6 || s.charAt(i + 3) != ':') {
      return false;
    }
    char sign = s.charAt(i);
    int offsetHour = two(s, i + 1);
    int offsetMinute = two(s, i + 4);
    if ((sign != '+' && sign != '-') || offsetHour < 0 || offsetHour > 17) {
      return false;
    }
    if (offsetMinute < 0 || offsetMinute > 59) {
      return false;
    }
    return !(sign == '-' && offsetHour == 0 && offsetMinute == 0);
  }

  /** {@code YYYY-MM-DD} at {@code at}, a real calendar day. */
  private static boolean date(String s, int at) {
    if (s.length() < at + 10 || s.charAt(at + 4) != '-' || s.charAt(at + 7) != '-') {
      return false;
    }
    int century = two(s, at);
    int yy = two(s, at + 2);
    int month = two(s, at + 5);
    int day = two(s, at + 8);
    if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1) {
      return false;
    }
    int year = century * 100 + yy;
    return day <= daysIn(year, month);
  }

  private static int daysIn(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  private static int two(String s, int at) {
    char a = s.charAt(at);
    char b = s.charAt(at + 1);
    if (!digit(a) || !digit(b)) {
      return -1;
    }
    return (a - '0') * 10 + (b - '0');
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Hexadecimal digits in groups of 8-4-4-4-12, any case, any version. */
  static boolean uuid(String s) {
    if (s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return false;
        }
      } else if (!hex(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /**
   * An absolute URI in the RFC 3986 grammar without IP literals, that networknt's own check (Java's
   * {@link java.net.URI} and its extra rules) also accepts.
   */
  static boolean uri(String s) {
    return rfc3986(s) && URI.matches(null, s);
  }

  private static final String UNRESERVED_OR_SUB_DELIMS = "-._~!$&'()*+,;=";

  private static boolean unreservedOrSubDelim(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || digit(c)
        || UNRESERVED_OR_SUB_DELIMS.indexOf(c) >= 0;
  }

  /** Length of a pct-encoded triplet at i, or 0. */
  private static int pct(String s, int i) {
    return i + 2 < s.length() && s.charAt(i) == '%' && hex(s.charAt(i + 1)) && hex(s.charAt(i + 2))
        ? 3
        : 0;
  }

  /** Scans characters of {@code unreserved / pct-encoded / sub-delims / extra} from i. */
  private static int scan(String s, int i, String extra) {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (unreservedOrSubDelim(c) || extra.indexOf(c) >= 0) {
        i++;
      } else if (pct(s, i) > 0) {
        i += 3;
      } else {
        break;
      }
    }
    return i;
  }

  static boolean rfc3986(String s) {
    int n = s.length();
    if (n == 0 || n > 8192 || !isAlpha(s.charAt(0))) {
      return false;
    }
    int i = 1;
    while (i < n
        && (isAlpha(s.charAt(i)) || digit(s.charAt(i)) || "+-.".indexOf(s.charAt(i)) >= 0)) {
      i++;
    }
    if (i >= n || s.charAt(i) != ':') {
      return false;
    }
    i++;
    if (s.startsWith("//", i)) {
      i += 2;
      int authorityEnd = i;
      while (authorityEnd < n && "/?#".indexOf(s.charAt(authorityEnd)) < 0) {
        authorityEnd++;
      }
      String authority = s.substring(i, authorityEnd);
      if (!authority(authority)) {
        return false;
      }
      i = authorityEnd;
    }
    // path: pchar and '/'
    i = scan(s, i, ":@/");
    if (i < n && s.charAt(i) == '?') {
      i = scan(s, i + 1, ":@/?");
    }
    if (i < n && s.charAt(i) == '#') {
      i = scan(s, i + 1, ":@/?");
    }
    return i == n;
  }

  private static boolean authority(String a) {
    int at = a.lastIndexOf('@');
    String hostPort = a;
    if (at >= 0) {
      if (scan(a, 0, ":") != at) {
        return false;
      }
      hostPort = a.substring(at + 1);
    }
    int colon = hostPort.indexOf(':');
    String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
    if (colon >= 0) {
      for (int k = colon + 1; k < hostPort.length(); k++) {
        if (!digit(hostPort.charAt(k))) {
          return false;
        }
      }
    }
    // reg-name (which covers IPv4 addresses); no IP literals
    return scan(host, 0, "") == host.length();
  }

  private static boolean isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
