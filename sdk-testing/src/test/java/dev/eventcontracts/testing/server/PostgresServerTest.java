package dev.eventcontracts.testing.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PostgresServerTest {

  @Test
  void answersSelectOneThroughItsDataSource() throws SQLException {
    try (Connection connection = PostgresServer.shared().dataSource().getConnection()) {
      assertThat(selectOne(connection)).isEqualTo(1);
    }
  }

  @Test
  void answersSelectOneThroughItsJdbcUrl() throws SQLException {
    PostgresServer server = PostgresServer.shared();
    assertThat(server.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:");

    try (Connection connection =
        DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password())) {
      assertThat(selectOne(connection)).isEqualTo(1);
    }
  }

  static int selectOne(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("select 1")) {
      result.next();
      return result.getInt(1);
    }
  }
}
