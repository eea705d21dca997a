package dev.eventcontracts.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventcontracts.testing.server.MariaDbServer;
import dev.eventcontracts.testing.server.PostgresServer;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** The three databases the stores are tested on, each behind a pool shared by the test classes. */
final class TestDatabases {
  // more connections than racing threads, so a race measures the database, not the pool
  private static final int POOL_SIZE = 12;

  private static DataSource postgres;
  private static DataSource mariaDb;
  private static DataSource h2;

  private TestDatabases() {}

  /** A pool on the JVM-wide embedded PostgreSQL. */
  static synchronized DataSource postgres() {
    if (postgres == null) {
      HikariConfig config = new HikariConfig();
      config.setDataSource(PostgresServer.shared().dataSource());
      postgres = pool(config, "postgres");
    }
    return postgres;
  }

  /** A pool on the JVM-wide MariaDB; skips the test (fails it in CI) when MariaDB is missing. */
  static synchronized DataSource mariaDb() {
    if (mariaDb == null) {
      MariaDbServer server = MariaDbServer.sharedOrSkip();
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(server.jdbcUrl());
      config.setUsername(server.user());
      config.setPassword(server.password());
      mariaDb = pool(config, "mariadb");
    }
    return mariaDb;
  }

  /** An in-memory H2 database that lives as long as the JVM. */
  static synchronized DataSource h2() {
    if (h2 == null) {
      JdbcDataSource dataSource = new JdbcDataSource();
      dataSource.setURL("jdbc:h2:mem:stores;DB_CLOSE_DELAY=-1");
      h2 = dataSource;
    }
    return h2;
  }

  private static DataSource pool(HikariConfig config, String name) {
    config.setPoolName(name);
    config.setMaximumPoolSize(POOL_SIZE);
    HikariDataSource pool = new HikariDataSource(config);
    Runtime.getRuntime().addShutdownHook(new Thread(pool::close, name + "-pool-close"));
    return pool;
  }
}
