package dev.eventcontracts.testing.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class ServerAvailabilityTest {

  @Test
  void skipsOutsideCi() {
    assertThatThrownBy(() -> ServerAvailability.skipOrFail("redis-server not installed", false))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("redis-server not installed");
  }

  @Test
  void failsInCi() {
    assertThatThrownBy(() -> ServerAvailability.skipOrFail("redis-server not installed", true))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("redis-server not installed")
        .hasMessageContaining("CI=true");
  }

  @Test
  void findsExecutablesOnThePathOnly() {
    assertThat(ServerAvailability.findExecutable("sh")).isPresent();
    assertThat(ServerAvailability.findExecutable("no-such-server-binary-x")).isEmpty();
  }
}
