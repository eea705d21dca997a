package dev.eventcontracts.version;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A parsed event version: {@code v1}, {@code V2}, {@code 1}, {@code 1.0} and {@code 1.1} are
 * understood. {@code v1}, {@code 1} and {@code 1.0} are the same version.
 *
 * @param major the major number; a new major breaks compatibility
 * @param minor the minor number; a new minor only adds optional fields
 */
public record EventVersion(int major, int minor) implements Comparable<EventVersion> {

  /** Checks that both numbers are non-negative. */
  public EventVersion {
    if (major < 0 || minor < 0) {
      throw new IllegalArgumentException("version numbers must not be negative");
    }
  }

  /**
   * Parses a version string.
   *
   * @throws IllegalArgumentException if the text is not a version
   */
  public static EventVersion parse(String text) {
    EventVersion version = tryParse(text);
    if (version == null) {
      throw new IllegalArgumentException("not an event version: '" + text + "'");
    }
    return version;
  }

  /** Parses a version string, or returns {@code null} if it is not one. */
  public static @Nullable EventVersion tryParse(String text) {
    if (text == null) {
      return null;
    }
    int start = 0;
    int end = text.length();
    if (end > 0 && (text.charAt(0) == 'v' || text.charAt(0) == 'V')) {
      start = 1;
    }
    int dot = text.indexOf('.', start);
    int majorEnd = dot < 0 ? end : dot;
    int major = digits(text, start, majorEnd);
    if (major < 0) {
      return null;
    }
    int minor = 0;
    if (dot >= 0) {
      int minorEnd = text.indexOf('.', dot + 1);
      if (minorEnd >= 0) {
        // a patch number (1.2.3) is allowed and ignored: patches never change the contract
        if (digits(text, minorEnd + 1, end) < 0) {
          return null;
        }
      } else {
        minorEnd = end;
      }
      minor = digits(text, dot + 1, minorEnd);
      if (minor < 0) {
        return null;
      }
    }
    return new EventVersion(major, minor);
  }

  private static int digits(String text, int from, int to) {
    if (from >= to || to - from > 9) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** True when both versions share a major number. */
  public boolean sameMajor(EventVersion other) {
    return major == Objects.requireNonNull(other).major;
  }

  @Override
  public int compareTo(EventVersion other) {
    return major != other.major
        ? Integer.compare(major, other.major)
        : Integer.compare(minor, other.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
