package dev.eventcontracts.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class EventVersionTest {

  @ParameterizedTest
  @CsvSource({
    "v1, 1, 0",
    "V2, 2, 0",
    "1, 1, 0",
    "1.0, 1, 0",
    "1.1, 1, 1",
    "2.0, 2, 0",
    "1.2.3, 1, 2",
    "v1.2, 1, 2",
    "v10, 10, 0",
    "0.9, 0, 9",
    "01.02, 1, 2"
  })
  void parses(String text, int major, int minor) {
    assertThat(EventVersion.parse(text)).isEqualTo(new EventVersion(major, minor));
    assertThat(EventVersion.tryParse(text)).isEqualTo(new EventVersion(major, minor));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "garbage",
        "v",
        "V",
        "vv1",
        "1.",
        ".1",
        "1..2",
        "1.2.",
        "1.2.x",
        "1.2.3.4",
        "-1",
        "+1",
        " 1",
        "1 ",
        "1.0-beta",
        "v1beta",
        "1e3",
        "１",
        "9999999999"
      })
  void refusesWhatIsNotAVersion(String text) {
    assertThat(EventVersion.tryParse(text)).isNull();
    assertThatThrownBy(() -> EventVersion.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an event version");
  }

  @Test
  void spellingsOfOneVersionAreEqual() {
    assertThat(EventVersion.parse("v1"))
        .isEqualTo(EventVersion.parse("1"))
        .isEqualTo(EventVersion.parse("1.0"))
        .isEqualTo(EventVersion.parse("V1"))
        .isEqualTo(EventVersion.parse("1.0.7"));
    assertThat(EventVersion.parse("v1").toString()).isEqualTo("1.0");
  }

  @Test
  void ordersByMajorThenMinor() {
    List<EventVersion> versions =
        new ArrayList<>(
            List.of(
                EventVersion.parse("2.0"),
                EventVersion.parse("1.10"),
                EventVersion.parse("v1"),
                EventVersion.parse("1.2"),
                EventVersion.parse("0.9")));
    Collections.sort(versions);
    assertThat(versions)
        .extracting(EventVersion::toString)
        .containsExactly("0.9", "1.0", "1.2", "1.10", "2.0");
  }

  @Test
  void sameMajor() {
    assertThat(EventVersion.parse("1.3").sameMajor(EventVersion.parse("v1"))).isTrue();
    assertThat(EventVersion.parse("2.0").sameMajor(EventVersion.parse("1.9"))).isFalse();
  }

  @Test
  void negativeNumbersAreRefused() {
    assertThatThrownBy(() -> new EventVersion(-1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
