package dev.eventcontracts.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

class MariaDbJdbcSpecificsTest extends JdbcStoreSpecificsContract {
  @Override
  DataSource dataSource() {
    return TestDatabases.mariaDb();
  }

  @Override
  JdbcDialect dialect() {
    return JdbcDialect.MARIADB;
  }

  @Override
  String schema(Connection connection) throws SQLException {
    // MariaDB's schemas are its databases
    return connection.getCatalog();
  }
}
