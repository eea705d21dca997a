package dev.eventcontracts.redis;

import dev.eventcontracts.testing.server.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.UUID;

/**
 * One Lettuce client and connection on the JVM-shared test Redis, and fresh key prefixes so test
 * classes sharing that server never see each other's keys.
 */
final class TestRedis {
  private static RedisClient client;
  private static StatefulRedisConnection<String, String> connection;

  private TestRedis() {}

  /** The client, created on first use; skips the test (fails it in CI) without redis-server. */
  static synchronized RedisClient client() {
    if (client == null) {
      RedisServer server = RedisServer.sharedOrSkip();
      client = RedisClient.create(server.uri());
      Runtime.getRuntime().addShutdownHook(new Thread(client::shutdown, "redis-client-stop"));
    }
    return client;
  }

  /** A connection shared by the tests, for looking at the keys the stores write. */
  static synchronized StatefulRedisConnection<String, String> connection() {
    if (connection == null) {
      connection = client().connect();
    }
    return connection;
  }

  /** A key prefix no other test uses. */
  static String freshPrefix(String kind) {
    return "test:" + kind + ":" + UUID.randomUUID() + ":";
  }
}
