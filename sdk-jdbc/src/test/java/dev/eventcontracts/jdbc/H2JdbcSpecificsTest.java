package dev.eventcontracts.jdbc;

import java.sql.Connection;
import javax.sql.DataSource;

class H2JdbcSpecificsTest extends JdbcStoreSpecificsContract {
  @Override
  DataSource dataSource() {
    return TestDatabases.h2();
  }

  @Override
  JdbcDialect dialect() {
    return JdbcDialect.H2;
  }

  @Override
  String schema(Connection connection) {
    return "PUBLIC";
  }
}
