package dev.eventcontracts.testing.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.testing.DocsSnippets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/** The servers example of docs/testing.md, compiled and run so that it cannot go stale. */
class ServersDocsExampleTest {

  @Test
  void serversExampleRuns() throws Exception {
    // --8<-- [start:servers]
    EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.shared(); // one per JVM, stopped at exit
    kafka.createTopic("orders", 3);
    Map<String, Object> clientConfig = Map.of("bootstrap.servers", kafka.bootstrapServers());

    PostgresServer postgres = PostgresServer.shared();
    DataSource dataSource = postgres.dataSource(); // or jdbcUrl(), user(), password()

    RedisServer redis = RedisServer.sharedOrSkip(); // skips without redis-server; fails if CI=true
    String redisUri = redis.uri(); // redis://127.0.0.1:PORT

    try (RedisServer outage = RedisServer.startPersistent()) { // private: yours to break
      outage.stop(); // connections break, new ones are refused
      outage.restart(); // same port, same data
    } // close() stops it and deletes its data
    // --8<-- [end:servers]

    try (Admin admin = Admin.create(clientConfig)) {
      assertThat(admin.listTopics().names().get()).contains("orders");
    }
    try (Connection connection = dataSource.getConnection()) {
      assertThat(connection.isValid(5)).isTrue();
    }
    assertThat(redisUri).startsWith("redis://");
  }

  @Test
  void theDocsShowTheExampleAsItIsHere() throws Exception {
    String example =
        DocsSnippets.snippet(
            Path.of("src/test/java/dev/eventcontracts/testing/server/ServersDocsExampleTest.java"),
            "servers");
    assertThat(Files.readString(Path.of("../docs/testing.md"))).contains(example);
  }
}
