package dev.eventcontracts.testing.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RedisServerTest {

  @Test
  void answersPingOverARawSocket() throws IOException {
    RedisServer redis = RedisServer.sharedOrSkip();

    try (Socket socket = new Socket(redis.host(), redis.port())) {
      socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(in.readLine()).isEqualTo("+PONG");
    }
    assertThat(redis.uri()).isEqualTo("redis://" + redis.host() + ":" + redis.port());
  }

  @Test
  void privateServerStopsOnClose() {
    RedisServer.sharedOrSkip(); // skips when redis-server is missing
    RedisServer redis = RedisServer.start();
    assertThat(RedisServer.ping(redis.host(), redis.port())).isTrue();

    redis.close();

    assertThat(RedisServer.ping(redis.host(), redis.port())).isFalse();
  }
}
