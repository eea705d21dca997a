package dev.eventcontracts.testing.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PubSubServerTest {

  @Test
  void sharedServerListensOnLoopback() {
    PubSubServer server = PubSubServer.sharedOrSkip();

    assertThat(PubSubServer.listening(server.host(), server.port())).isTrue();
    assertThat(server.target()).isEqualTo(server.host() + ":" + server.port());
  }

  @Test
  void privateServerStopsOnClose() {
    PubSubServer.sharedOrSkip(); // skips when Go or pstest is missing
    PubSubServer server = PubSubServer.start();
    assertThat(PubSubServer.listening(server.host(), server.port())).isTrue();

    server.close();

    assertThat(PubSubServer.listening(server.host(), server.port())).isFalse();
  }

  @Test
  void buildsTheBinaryOnceForTheSameSources() {
    PubSubServer.sharedOrSkip();

    assertThat(PubSubServer.binary()).isEqualTo(PubSubServer.binary()).isExecutable();
  }
}
