package dev.eventcontracts.jdbc;

import java.sql.SQLException;

/** A database error from a JDBC store, unchecked because the store interfaces declare none. */
public final class JdbcStoreException extends RuntimeException {
  private final String sqlState;

  JdbcStoreException(String message, SQLException cause) {
    super(message + ": " + cause.getMessage(), cause);
    this.sqlState = cause.getSQLState();
  }

  /** The SQLState the driver reported, or null when it reported none. */
  public String sqlState() {
    return sqlState;
  }
}
