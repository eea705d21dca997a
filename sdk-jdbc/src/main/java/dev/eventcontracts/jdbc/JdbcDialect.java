package dev.eventcontracts.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;
import javax.sql.DataSource;

/** The databases the JDBC stores speak to; each store picks its SQL by dialect. */
public enum JdbcDialect {
  /** PostgreSQL 9.5 or later (needs {@code INSERT ... ON CONFLICT}). */
  POSTGRESQL("postgresql", Set.of("40001", "40P01")),
  /**
   * MariaDB 10.3 or later with InnoDB; MySQL speaks the same SQL for the stores but needs another
   * collation in the DDL (see the docs).
   */
  MARIADB("mariadb", Set.of("40001")),
  /** H2 2.x, for tests and single-process use. */
  H2("h2", Set.of("40001", "23505", "90131"));

  private final String resourceName;
  // serialization failures, deadlocks, and for H2 the duplicate key a racing MERGE can hit
  private final Set<String> retryableStates;

  JdbcDialect(String resourceName, Set<String> retryableStates) {
    this.resourceName = resourceName;
    this.retryableStates = retryableStates;
  }

  /** The classpath resource that holds this dialect's DDL. */
  String ddlResource() {
    return "/dev/eventcontracts/jdbc/" + resourceName + ".sql";
  }

  /**
   * Whether a failed autocommit statement can simply run again: it lost a race (deadlock,
   * serialization failure) and nothing of it was applied.
   */
  boolean isRetryable(SQLException e) {
    return e.getSQLState() != null && retryableStates.contains(e.getSQLState());
  }

  /** Picks the dialect from the database product name a connection reports. */
  static JdbcDialect detect(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      String product = connection.getMetaData().getDatabaseProductName();
      return fromProductName(product);
    } catch (SQLException e) {
      throw new JdbcStoreException("cannot detect the database dialect", e);
    }
  }

  static JdbcDialect fromProductName(String product) {
    String name = product == null ? "" : product.toLowerCase(Locale.ROOT);
    if (name.contains("postgresql")) {
      return POSTGRESQL;
    }
    if (name.contains("mariadb") || name.contains("mysql")) {
      return MARIADB;
    }
    if (name.equals("h2")) {
      return H2;
    }
    throw new IllegalArgumentException(
        "unsupported database '" + product + "': the stores speak PostgreSQL, MariaDB and H2");
  }
}
