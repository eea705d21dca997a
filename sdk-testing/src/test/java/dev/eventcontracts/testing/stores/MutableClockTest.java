package dev.eventcontracts.testing.stores;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class MutableClockTest {

  @Test
  void standsStillUntilMoved() {
    MutableClock clock = MutableClock.create();

    assertThat(clock.instant()).isEqualTo(MutableClock.DEFAULT_START);
    assertThat(clock.millis()).isEqualTo(MutableClock.DEFAULT_START.toEpochMilli());
  }

  @Test
  void advancesAndSets() {
    MutableClock clock = MutableClock.startingAt(Instant.parse("2030-05-06T07:08:09.123456Z"));

    assertThat(clock.instant()).isEqualTo(Instant.parse("2030-05-06T07:08:09.123Z"));
    clock.advance(Duration.ofSeconds(2));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2030-05-06T07:08:11.123Z"));
    clock.set(Instant.EPOCH);
    assertThat(clock.millis()).isZero();
  }

  @Test
  void aZoneViewMovesWithItsClock() {
    MutableClock clock = MutableClock.create();
    MutableClock paris = clock.withZone(ZoneId.of("Europe/Paris"));

    clock.advance(Duration.ofMinutes(5));

    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(paris.instant()).isEqualTo(clock.instant());
  }
}
