package dev.eventcontracts.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.envelope.Envelope;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link Envelope#parseTimestamp} takes a fast path ({@code TextFormats.epochMillis}, integer
 * arithmetic) for RFC 3339 text; it must agree with {@code java.time} to the millisecond (the fast
 * path truncates fractions beyond milliseconds, like {@link Instant#toEpochMilli}).
 */
class TimestampParsingTest {

  private static long jdk(String text) {
    return OffsetDateTime.parse(text).toInstant().toEpochMilli();
  }

  private static long fast(String text) {
    Instant parsed = Envelope.parseTimestamp(text);
    assertThat(parsed).as("parseTimestamp(%s)", text).isNotNull();
    return parsed.toEpochMilli();
  }

  @Property(tries = 3000)
  void agreesWithJavaTimeForValidRfc3339(@ForAll("rfc3339") String text) {
    assertThat(fast(text)).as(text).isEqualTo(jdk(text));
  }

  @Property(tries = 500)
  void agreesOnLeapDays(
      @ForAll("leapYears") int year,
      @ForAll("times") String time,
      @ForAll("offsets") String offset) {
    String text = "%04d-02-29T%s%s".formatted(year, time, offset);
    assertThat(fast(text)).as(text).isEqualTo(jdk(text));
  }

  @Property(tries = 500)
  void rejectsFebruary29OfCommonYearsLikeJavaTime(
      @ForAll @IntRange(min = 1, max = 9999) int year, @ForAll("offsets") String offset) {
    if (Year.isLeap(year)) {
      return;
    }
    String text = "%04d-02-29T12:00:00%s".formatted(year, offset);
    assertThat(Envelope.parseTimestamp(text)).as(text).isNull();
    assertThat(parses(text)).isFalse();
  }

  @Property(tries = 500)
  void rejectsDaysBeyondTheMonthLikeJavaTime(
      @ForAll @IntRange(min = 1, max = 9999) int year,
      @ForAll @IntRange(min = 1, max = 12) int month,
      @ForAll @IntRange(min = 29, max = 31) int day) {
    String text = "%04d-%02d-%02dT00:00:00Z".formatted(year, month, day);
    boolean exists = day <= YearMonth.of(year, month).lengthOfMonth();
    assertThat(Envelope.parseTimestamp(text) != null).as(text).isEqualTo(exists);
    assertThat(parses(text)).isEqualTo(exists);
  }

  @Example
  void epochMillisDigitsAreTimestampsToo() {
    assertThat(Envelope.parseTimestamp("1728212400000"))
        .isEqualTo(Instant.ofEpochMilli(1728212400000L));
    assertThat(Envelope.parseTimestamp("")).isNull();
    assertThat(Envelope.parseTimestamp(null)).isNull();
    assertThat(Envelope.parseTimestamp("yesterday")).isNull();
  }

  @Example
  void lowerCaseSeparatorAndZuluAreAccepted() {
    assertThat(fast("2024-02-29t10:00:00.5z")).isEqualTo(jdk("2024-02-29T10:00:00.5Z"));
  }

  private static boolean parses(String text) {
    try {
      OffsetDateTime.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  @Provide
  Arbitrary<String> rfc3339() {
    Arbitrary<String> date =
        Combinators.combine(
                Arbitraries.integers().between(0, 9999),
                Arbitraries.integers().between(1, 12),
                Arbitraries.integers().between(1, 31))
            .filter((y, m, d) -> d <= YearMonth.of(y, m).lengthOfMonth())
            .as((y, m, d) -> "%04d-%02d-%02d".formatted(y, m, d));
    return Combinators.combine(date, Arbitraries.of("T", "t"), times(), offsets())
        .as((d, t, time, offset) -> d + t + time + offset);
  }

  @Provide
  Arbitrary<Integer> leapYears() {
    return Arbitraries.integers().between(0, 2499).map(i -> i * 4).filter(Year::isLeap);
  }

  /** {@code HH:MM:SS} with an optional fraction of 1 to 9 digits. */
  @Provide
  Arbitrary<String> times() {
    Arbitrary<String> fraction =
        Combinators.combine(
                Arbitraries.integers().between(1, 9), Arbitraries.longs().between(0, 999_999_999L))
            .as((digits, value) -> "." + String.format("%09d", value).substring(0, digits));
    return Combinators.combine(
            Arbitraries.integers().between(0, 23),
            Arbitraries.integers().between(0, 59),
            Arbitraries.integers().between(0, 59),
            Arbitraries.oneOf(Arbitraries.just(""), fraction))
        .as((h, m, s, f) -> "%02d:%02d:%02d%s".formatted(h, m, s, f));
  }

  /** {@code Z}, {@code z} or an offset java.time accepts: up to 18 hours either way. */
  @Provide
  Arbitrary<String> offsets() {
    Arbitrary<String> numeric =
        Combinators.combine(
                Arbitraries.of("+", "-"),
                Arbitraries.integers().between(0, 18),
                Arbitraries.integers().between(0, 59))
            .filter((sign, h, m) -> h < 18 || m == 0)
            .as((sign, h, m) -> "%s%02d:%02d".formatted(sign, h, m));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2, Arbitraries.of("Z", "z")), net.jqwik.api.Tuple.of(5, numeric));
  }
}
