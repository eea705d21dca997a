package dev.eventcontracts.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.version.EventVersion;
import org.junit.jupiter.api.Test;

/** A binding's version range, read back through {@code accepts}, is the one it was given. */
class VersionRangeTest {
  private static final EventVersion V1_2 = new EventVersion(1, 2);

  private static HandlerBinding<Object> binding() {
    return HandlerBinding.of("e", Object.class, (p, c) -> {});
  }

  @Test
  void aBoundedRangeIsFoundExactly() {
    assertThat(VersionRange.of(binding().versions("v1.1", "v3.7"), V1_2))
        .contains(new VersionRange("1.1", "3.7"));
    assertThat(VersionRange.of(binding().versions("v1.2", "v1.2"), V1_2))
        .contains(new VersionRange("1.2", "1.2"));
  }

  @Test
  void halfOpenRangesReachTheEnds() {
    assertThat(VersionRange.of(binding().versions("0.0", "v2"), V1_2))
        .contains(new VersionRange("0.0", "2.0"));
    assertThat(VersionRange.of(binding().versions("v1", "999999999.999999999"), V1_2))
        .contains(new VersionRange("1.0", "999999999.999999999"));
  }

  @Test
  void everyVersionIsNoRange() {
    assertThat(VersionRange.of(binding(), V1_2)).isEmpty();
  }

  @Test
  void theKnownVersionMustBeAccepted() {
    assertThatThrownBy(() -> VersionRange.of(binding().versions("v2", "v3"), V1_2))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
