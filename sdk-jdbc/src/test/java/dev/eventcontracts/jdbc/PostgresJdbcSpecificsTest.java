package dev.eventcontracts.jdbc;

import java.sql.Connection;
import javax.sql.DataSource;

class PostgresJdbcSpecificsTest extends JdbcStoreSpecificsContract {
  @Override
  DataSource dataSource() {
    return TestDatabases.postgres();
  }

  @Override
  JdbcDialect dialect() {
    return JdbcDialect.POSTGRESQL;
  }

  @Override
  String schema(Connection connection) {
    return "public";
  }
}
