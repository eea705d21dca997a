package dev.eventcontracts.jdbc;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/** Connection handling shared by the stores: borrow, run in autocommit, retry lost races. */
final class Jdbc {
  /** The most keys sent in one statement; larger batches are split into chunks of this size. */
  static final int CHUNK_SIZE = 1_000;

  // Lost races (deadlocks between overlapping batches) resolve within a few tries.
  private static final int MAX_ATTEMPTS = 10;
  private static final int MAX_BACKOFF_MILLIS = 20;

  private Jdbc() {}

  /**
   * A statement timeout in whole seconds, as JDBC takes it: rounded up, 0 for none.
   *
   * @throws IllegalArgumentException when {@code timeout} is negative
   */
  static int timeoutSeconds(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("query timeout must not be negative");
    }
    long seconds = timeout.getSeconds() + (timeout.getNano() > 0 ? 1 : 0);
    return (int) Math.min(Integer.MAX_VALUE, seconds);
  }

  /**
   * Prepares a statement bounded by {@code timeoutSeconds} (0: unbounded). The driver cancels a
   * statement that runs longer, so a hung or locked database fails the call instead of stalling the
   * consumer.
   */
  static PreparedStatement prepare(Connection connection, String sql, int timeoutSeconds)
      throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    if (timeoutSeconds > 0) {
      try {
        statement.setQueryTimeout(timeoutSeconds);
      } catch (SQLException | RuntimeException e) {
        statement.close();
        throw e;
      }
    }
    return statement;
  }

  /** Work on a borrowed connection. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} on a connection in autocommit mode, so each statement is atomic on its own,
   * running it again when the dialect says the failure was a lost race; wraps errors.
   */
  static <T> T autocommit(
      DataSource dataSource, JdbcDialect dialect, String what, SqlWork<T> work) {
    for (int attempt = 1; ; attempt++) {
      try (Connection connection = dataSource.getConnection()) {
        // a pool configured without autocommit would leave our statements uncommitted
        if (!connection.getAutoCommit()) {
          connection.setAutoCommit(true);
        }
        return work.run(connection);
      } catch (SQLException e) {
        if (attempt >= MAX_ATTEMPTS || !dialect.isRetryable(e)) {
          throw new JdbcStoreException(what + " failed", e);
        }
        backOff(attempt);
      }
    }
  }

  /** A text array parameter (PostgreSQL {@code text[]}, H2 {@code VARCHAR ARRAY}). */
  static Array textArray(Connection connection, JdbcDialect dialect, Collection<String> values)
      throws SQLException {
    String type = dialect == JdbcDialect.POSTGRESQL ? "text" : "VARCHAR";
    return connection.createArrayOf(type, values.toArray());
  }

  /** {@code n} comma-separated placeholders, for IN lists and multi-row VALUES. */
  static String placeholders(int n, String one) {
    return String.join(", ", Collections.nCopies(n, one));
  }

  /** Splits a list into consecutive chunks of at most {@link #CHUNK_SIZE}. */
  static <T> List<List<T>> chunks(List<T> values) {
    List<List<T>> chunks = new ArrayList<>();
    for (int from = 0; from < values.size(); from += CHUNK_SIZE) {
      chunks.add(values.subList(from, Math.min(values.size(), from + CHUNK_SIZE)));
    }
    return chunks;
  }

  /** {@code now} plus {@code duration} in epoch millis, saturating instead of overflowing. */
  static long plus(long nowMillis, Duration duration) {
    try {
      return Math.addExact(nowMillis, duration.toMillis());
    } catch (ArithmeticException e) {
      return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private static void backOff(int attempt) {
    // jitter, so the racers that deadlocked do not collide again in lockstep
    long millis =
        ThreadLocalRandom.current().nextLong(1, Math.min(MAX_BACKOFF_MILLIS, 2L << attempt));
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a database statement", e);
    }
  }
}
