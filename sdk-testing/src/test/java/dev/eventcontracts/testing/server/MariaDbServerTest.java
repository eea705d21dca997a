package dev.eventcontracts.testing.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class MariaDbServerTest {

  @Test
  void answersSelectOne() throws SQLException {
    try (Connection connection = MariaDbServer.sharedOrSkip().openConnection()) {
      assertThat(PostgresServerTest.selectOne(connection)).isEqualTo(1);
    }
  }

  @Test
  void startedServerHasTheEventContractsDatabaseInUtf8mb4() throws SQLException {
    assumeTrue(System.getenv(MariaDbServer.URL_ENV) == null, "an external server is configured");
    MariaDbServer server = MariaDbServer.sharedOrSkip();
    assertThat(server.jdbcUrl())
        .isEqualTo("jdbc:mariadb://127.0.0.1:" + server.port() + "/eventcontracts");

    try (Connection connection = server.openConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("select database(), @@character_set_database")) {
      result.next();
      assertThat(result.getString(1)).isEqualTo(MariaDbServer.DATABASE);
      assertThat(result.getString(2)).isEqualTo("utf8mb4");
    }
  }
}
