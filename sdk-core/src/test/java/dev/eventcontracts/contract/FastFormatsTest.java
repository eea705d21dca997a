package dev.eventcontracts.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.format.Format;
import com.networknt.schema.format.Formats;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast path's format checks accept a subset of what networknt's own format classes accept: on
 * hand-picked edge cases and on 200,000 strings mutated from valid values.
 */
class FastFormatsTest {
  private static final String[] SEEDS = {
    "2026-02-03T09:00:00.120Z",
    "2026-02-03T09:00:00+02:00",
    "2024-02-29T23:59:59.123456789-05:30",
    "2026-02-03",
    "2024-02-29",
    "9a89b6b0-a247-4158-a83b-ba51bea27dc0",
    "9A89B6B0-A247-4158-A83B-BA51BEA27DC0",
    "https://example.com/a/b?q=1#frag",
    "urn:isbn:0451450523",
    "mailto:someone@example.com",
    "http://user:pw@host:8080/p%20q",
    "s3://bucket/key",
  };

  private static final String ALPHABET = "0123456789-:.TtZz+ /?#[]@%aAfFgG_~!$&'()*,;=\n\u00a0٣é😀";

  @Test
  void everyAcceptedValueIsAcceptedByNetworknt() {
    SplittableRandom random = new SplittableRandom(7);
    List<String> unsound = new ArrayList<>();
    int accepted = 0;
    for (String format : List.of("date-time", "date", "uuid", "uri")) {
      Format networknt = networknt(format);
      for (int n = 0; n < 50_000; n++) {
        String value = mutate(SEEDS[random.nextInt(SEEDS.length)], random);
        if (FastFormats.certainly(format, value)) {
          accepted++;
          if (!networknt.matches(null, value)) {
            unsound.add(format + ": " + value);
          }
        }
      }
    }
    assertThat(unsound).isEmpty();
    assertThat(accepted).isGreaterThan(10_000);
  }

  @Test
  void edgeCasesAreLeftToNetworknt() {
    for (String v :
        List.of(
            "1998-12-31T23:59:60Z", // leap second
            "2026-02-03t09:00:00z", // lower case
            "2026-02-03T09:00:00-00:00", // unknown local offset
            "2026-02-03T09:00:00+18:00",
            "2026-02-03T09:00:00.1234567891Z", // ten fraction digits
            "2026-02-30T09:00:00Z",
            "2026-02-03 09:00:00Z",
            "2026-02-03T09:00:00")) {
      assertThat(FastFormats.certainly("date-time", v)).as(v).isFalse();
    }
    assertThat(FastFormats.certainly("date-time", "2024-02-29T00:00:00.5+05:45")).isTrue();
    assertThat(FastFormats.certainly("date", "2023-02-29")).isFalse();
    assertThat(FastFormats.certainly("date", "1900-02-29")).isFalse();
    assertThat(FastFormats.certainly("date", "2000-02-29")).isTrue();
    assertThat(FastFormats.certainly("uuid", "9a89b6b0-a247-4158-a83b-ba51bea27dc0\n")).isFalse();
    assertThat(FastFormats.certainly("uuid", "9a89b6b0-a247-4158-a83b-ba51bea27d٣c")).isFalse();
    assertThat(FastFormats.certainly("uri", "http://[::1]/")).isFalse();
    assertThat(FastFormats.certainly("uri", "http://host:port/")).isFalse();
    assertThat(FastFormats.certainly("uri", "/relative")).isFalse();
    assertThat(FastFormats.certainly("uri", "http://exämple.com/")).isFalse();
    assertThat(FastFormats.certainly("uri", "https://example.com/a?b=c")).isTrue();
    assertThat(FastFormats.known("email")).isFalse();
  }

  private static Format networknt(String name) {
    for (Format f : Formats.DEFAULT) {
      if (f.getName().equals(name)) {
        return f;
      }
    }
    throw new IllegalStateException(name);
  }

  private static String mutate(String s, SplittableRandom random) {
    StringBuilder b = new StringBuilder(s);
    int edits = random.nextInt(3);
    for (int e = 0; e < edits && b.length() > 0; e++) {
      int at = random.nextInt(b.length());
      String c = String.valueOf(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      switch (random.nextInt(4)) {
        case 0 -> b.replace(at, at + 1, c);
        case 1 -> b.insert(at, c);
        case 2 -> b.deleteCharAt(at);
        default -> {
          // a digit in a digit's place: keeps the shape, changes the value
          if (Character.isDigit(b.charAt(at))) {
            b.setCharAt(at, (char) ('0' + random.nextInt(10)));
          }
        }
      }
    }
    return b.toString();
  }
}
