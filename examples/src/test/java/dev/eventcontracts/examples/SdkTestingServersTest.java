package dev.eventcontracts.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.testing.server.EmbeddedKafkaBroker;
import dev.eventcontracts.testing.server.MariaDbServer;
import dev.eventcontracts.testing.server.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * The servers of sdk-testing work for a module that declares only sdk-testing: this module names no
 * Kafka broker artifact, no embedded PostgreSQL and no JDBC driver (see its pom), so each server
 * below runs on sdk-testing's own transitive dependencies, as in a user's test scope.
 */
class SdkTestingServersTest {

  @Test
  void kafkaBrokerStartsAndTakesATopic() throws Exception {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.shared();
    broker.createTopic("servers-check", 1);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      Set<String> topics = admin.listTopics().names().get();
      assertThat(topics).contains("servers-check");
    }
  }

  @Test
  void postgresAnswersThroughItsDataSourceAndItsUrl() throws SQLException {
    PostgresServer postgres = PostgresServer.shared();
    try (Connection connection = postgres.dataSource().getConnection()) {
      assertThat(selectOne(connection)).isEqualTo(1);
    }
    try (Connection connection =
        java.sql.DriverManager.getConnection(
            postgres.jdbcUrl(), postgres.user(), postgres.password())) {
      assertThat(selectOne(connection)).isEqualTo(1);
    }
  }

  @Test
  void mariaDbAnswersThroughTheDriverSdkTestingBrings() throws SQLException {
    try (Connection connection = MariaDbServer.sharedOrSkip().openConnection()) {
      assertThat(selectOne(connection)).isEqualTo(1);
    }
  }

  private static int selectOne(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("select 1")) {
      result.next();
      return result.getInt(1);
    }
  }
}
