package dev.eventcontracts.jdbc;

import dev.eventcontracts.dedup.TransactionalStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TransactionalStore} on a database: each {@link #inTransaction} runs on one connection in
 * a READ COMMITTED transaction, where the processed key, the entity position and the handler's own
 * writes through {@link Transaction#connection()} commit or roll back together.
 *
 * <p>Processed keys are kept until {@link #deleteKeysOlderThan(Instant)} removes them; run it now
 * and then with a cut-off older than any redelivery you expect. The position table can be shared
 * with {@link JdbcEntityVersionStore}. Give it a pooled {@link DataSource}.
 */
public final class JdbcTransactionalStore implements TransactionalStore {
  /**
   * How long one statement may run by default before the driver cancels it. Longer than the other
   * stores' because {@code lockPosition} waits, as it should, while another consumer's transaction
   * on the same entity runs its handler.
   */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(30);

  private final DataSource dataSource;
  private final JdbcDialect dialect;
  private final String dedupTable;
  private final String positionTable;
  private final Clock clock;
  private final String recordKeySql;
  private final String lockPositionSql;
  private final String insertPlaceholderSql;
  private final String setPositionSql;
  private final int timeoutSeconds;

  private JdbcTransactionalStore(Builder builder, JdbcDialect dialect) {
    this.dataSource = builder.dataSource;
    this.dialect = dialect;
    this.dedupTable = builder.dedupTable;
    this.positionTable = builder.positionTable;
    this.clock = builder.clock;
    this.timeoutSeconds = Jdbc.timeoutSeconds(builder.queryTimeout);
    String insertKey = " (dedup_key, processed_at) VALUES (?, ?)";
    String insertPlaceholder = " (entity, position) VALUES (?, NULL)";
    this.recordKeySql =
        switch (dialect) {
          case POSTGRESQL ->
              "INSERT INTO " + dedupTable + insertKey + " ON CONFLICT (dedup_key) DO NOTHING";
          case MARIADB -> "INSERT IGNORE INTO " + dedupTable + insertKey;
            // H2 undoes just the failed statement, so a duplicate-key error is the answer
          case H2 -> "INSERT INTO " + dedupTable + insertKey;
        };
    this.insertPlaceholderSql =
        switch (dialect) {
          case POSTGRESQL ->
              "INSERT INTO "
                  + positionTable
                  + insertPlaceholder
                  + " ON CONFLICT (entity) DO NOTHING";
            // not INSERT IGNORE: on a duplicate it takes a shared lock, and two transactions that
            // then both ask FOR UPDATE deadlock; this takes the exclusive lock at once
          case MARIADB ->
              "INSERT INTO "
                  + positionTable
                  + insertPlaceholder
                  + " ON DUPLICATE KEY UPDATE entity = entity";
          case H2 -> "INSERT INTO " + positionTable + insertPlaceholder;
        };
    this.lockPositionSql = "SELECT position FROM " + positionTable + " WHERE entity = ? FOR UPDATE";
    this.setPositionSql = "UPDATE " + positionTable + " SET position = ? WHERE entity = ?";
  }

  /** Starts a builder for a store on {@code dataSource}. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * Runs {@code work} in one READ COMMITTED transaction on one connection: commits when it returns,
   * rolls back and rethrows when it throws. The work is not retried: a deadlock or serialization
   * failure surfaces as a {@link JdbcStoreException} after the rollback, for the caller to retry.
   */
  @Override
  public <R> R inTransaction(Work<R> work) throws Exception {
    Objects.requireNonNull(work, "work");
    Connection connection = borrow();
    boolean autoCommit = true;
    int isolation = -1;
    try {
      try {
        autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        isolation = readCommitted(connection);
      } catch (SQLException e) {
        throw new JdbcStoreException("starting a transaction failed", e);
      }
      JdbcTransaction transaction = new JdbcTransaction(connection);
      R result;
      try {
        result = work.run(transaction);
      } catch (Throwable failure) {
        // what the work threw goes back unchanged, after the rollback
        transaction.open = false;
        rollback(connection, failure);
        throw failure;
      }
      transaction.open = false;
      try {
        connection.commit();
      } catch (SQLException e) {
        rollback(connection, e);
        throw new JdbcStoreException("committing a transaction failed", e);
      }
      return result;
    } finally {
      restore(connection, autoCommit, isolation);
      close(connection);
    }
  }

  /**
   * Deletes processed keys recorded before {@code cutoff}; an event redelivered after that would be
   * handled again, so pick a cut-off older than any redelivery you expect.
   *
   * @return how many keys were deleted
   */
  public int deleteKeysOlderThan(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    return Jdbc.autocommit(
        dataSource,
        dialect,
        "deleting processed keys from " + dedupTable,
        connection -> {
          try (PreparedStatement delete =
              Jdbc.prepare(
                  connection,
                  "DELETE FROM " + dedupTable + " WHERE processed_at < ?",
                  timeoutSeconds)) {
            delete.setLong(1, cutoff.toEpochMilli());
            return delete.executeUpdate();
          }
        });
  }

  /** Creates both tables when they do not exist, with the shipped DDL of the dialect. */
  public void createSchema() {
    Schema.create(
        dataSource,
        dialect,
        Map.of(Schema.PROCESSED_TABLE, dedupTable, Schema.POSITION_TABLE, positionTable));
  }

  /** The dialect in use, given or detected. */
  public JdbcDialect dialect() {
    return dialect;
  }

  /** The table of processed keys. */
  public String dedupTable() {
    return dedupTable;
  }

  /** The table of entity positions. */
  public String positionTable() {
    return positionTable;
  }

  @Override
  public String toString() {
    return "JdbcTransactionalStore[" + dialect + ", " + dedupTable + ", " + positionTable + "]";
  }

  private Connection borrow() {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      throw new JdbcStoreException("cannot get a connection", e);
    }
  }

  /** Makes the transaction READ COMMITTED; returns the level to restore, or -1 for none. */
  private int readCommitted(Connection connection) throws SQLException {
    if (dialect == JdbcDialect.H2) {
      // H2 has no per-transaction form; its level is a cheap local setting
      int previous = connection.getTransactionIsolation();
      if (previous != Connection.TRANSACTION_READ_COMMITTED) {
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        return previous;
      }
      return -1;
    }
    // applies to this transaction only, so a pooled connection keeps its own default
    try (Statement statement = connection.createStatement()) {
      if (timeoutSeconds > 0) {
        statement.setQueryTimeout(timeoutSeconds);
      }
      statement.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
    }
    return -1;
  }

  private static void rollback(Connection connection, Throwable failure) {
    try {
      connection.rollback();
    } catch (SQLException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private static void restore(Connection connection, boolean autoCommit, int isolation) {
    try {
      if (isolation != -1) {
        connection.setTransactionIsolation(isolation);
      }
      connection.setAutoCommit(autoCommit);
    } catch (SQLException ignored) {
      // the pool checks the connection when it comes back; the transaction's outcome stands
    }
  }

  private static void close(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // returning a connection to the pool failed: the transaction's outcome stands
    }
  }

  /** The open transaction handed to the work; unusable once the work has returned. */
  private final class JdbcTransaction implements Transaction {
    private final Connection connection;
    private volatile boolean open = true;

    JdbcTransaction(Connection connection) {
      this.connection = connection;
    }

    @Override
    public boolean recordKey(String key) {
      Names.key("key", key);
      checkOpen();
      try (PreparedStatement insert = Jdbc.prepare(connection, recordKeySql, timeoutSeconds)) {
        insert.setString(1, key);
        insert.setLong(2, clock.millis());
        return insert.executeUpdate() == 1;
      } catch (SQLException e) {
        if (dialect == JdbcDialect.H2 && "23505".equals(e.getSQLState())) {
          return false;
        }
        throw new JdbcStoreException("recording a key in " + dedupTable + " failed", e);
      }
    }

    @Override
    public OptionalLong lockPosition(String entity) {
      Names.key("entity", entity);
      checkOpen();
      try {
        // the common case, a known entity, costs one statement
        Long[] found = select(entity);
        if (found != null) {
          return toOptional(found[0]);
        }
        // a placeholder row gives a new entity something to lock
        insertPlaceholder(entity);
        found = select(entity);
        if (found == null) {
          throw new IllegalStateException("the placeholder row of " + entity + " vanished");
        }
        return toOptional(found[0]);
      } catch (SQLException e) {
        throw new JdbcStoreException("locking a position in " + positionTable + " failed", e);
      }
    }

    @Override
    public void setPosition(String entity, long position) {
      Names.key("entity", entity);
      checkOpen();
      try {
        if (updatePosition(entity, position) == 0) {
          // the caller skipped lockPosition for a new entity: create the row, then set it
          insertPlaceholder(entity);
          updatePosition(entity, position);
        }
      } catch (SQLException e) {
        throw new JdbcStoreException("setting a position in " + positionTable + " failed", e);
      }
    }

    /** On PostgreSQL one statement per 1,000 keys; elsewhere one per key. */
    @Override
    public Set<String> recordKeys(Collection<String> keys) {
      if (dialect != JdbcDialect.POSTGRESQL) {
        return Transaction.super.recordKeys(keys);
      }
      List<String> sorted = sortedKeys("key", keys);
      checkOpen();
      Set<String> recorded = new LinkedHashSet<>();
      try {
        for (List<String> chunk : Jdbc.chunks(sorted)) {
          try (PreparedStatement insert =
              Jdbc.prepare(
                  connection,
                  "INSERT INTO "
                      + dedupTable
                      + " (dedup_key, processed_at) SELECT k, ? FROM unnest(?::text[]) AS u(k)"
                      + " ORDER BY k ON CONFLICT (dedup_key) DO NOTHING RETURNING dedup_key",
                  timeoutSeconds)) {
            insert.setLong(1, clock.millis());
            insert.setArray(2, Jdbc.textArray(connection, dialect, chunk));
            try (ResultSet rows = insert.executeQuery()) {
              while (rows.next()) {
                recorded.add(rows.getString(1));
              }
            }
          }
        }
      } catch (SQLException e) {
        throw new JdbcStoreException("recording keys in " + dedupTable + " failed", e);
      }
      return recorded;
    }

    /**
     * On PostgreSQL one statement per 1,000 entities, an upsert that inserts placeholders for new
     * entities and locks the existing rows ({@code ON CONFLICT DO UPDATE} leaving the position as
     * it is) and returns every position; elsewhere one entity at a time, in sorted order.
     */
    @Override
    public Map<String, OptionalLong> lockPositions(Collection<String> entities) {
      if (dialect != JdbcDialect.POSTGRESQL) {
        return Transaction.super.lockPositions(entities);
      }
      List<String> sorted = sortedKeys("entity", entities);
      checkOpen();
      Map<String, OptionalLong> positions = new LinkedHashMap<>();
      try {
        for (List<String> chunk : Jdbc.chunks(sorted)) {
          // one statement inserts the placeholders of new entities and locks every row: the
          // conflict check is an index lookup in every plan, and DO UPDATE locks the row it
          // leaves unchanged (a separate SELECT ... WHERE entity = ANY (?) FOR UPDATE cost a round
          // trip more and could be planned as a sequential scan, see docs/performance.md)
          try (PreparedStatement upsert =
              Jdbc.prepare(
                  connection,
                  "INSERT INTO "
                      + positionTable
                      + " AS v (entity, position) SELECT e, NULL FROM unnest(?::text[]) AS u(e)"
                      + " ORDER BY e ON CONFLICT (entity) DO UPDATE SET position = v.position"
                      + " RETURNING v.entity, v.position",
                  timeoutSeconds)) {
            upsert.setArray(1, Jdbc.textArray(connection, dialect, chunk));
            try (ResultSet rows = upsert.executeQuery()) {
              while (rows.next()) {
                String entity = rows.getString(1);
                long position = rows.getLong(2);
                positions.put(
                    entity, rows.wasNull() ? OptionalLong.empty() : OptionalLong.of(position));
              }
            }
          }
        }
      } catch (SQLException e) {
        throw new JdbcStoreException("locking positions in " + positionTable + " failed", e);
      }
      for (String entity : sorted) {
        if (!positions.containsKey(entity)) {
          throw new IllegalStateException("the placeholder row of an entity vanished");
        }
      }
      return positions;
    }

    /** On PostgreSQL one upsert per 1,000 entities; elsewhere one statement per entity. */
    @Override
    public void setPositions(Map<String, Long> positions) {
      if (dialect != JdbcDialect.POSTGRESQL) {
        Transaction.super.setPositions(positions);
        return;
      }
      Map<String, Long> sorted = new TreeMap<>();
      for (Map.Entry<String, Long> e : positions.entrySet()) {
        sorted.put(
            Names.key("entity", e.getKey()), Objects.requireNonNull(e.getValue(), "position"));
      }
      checkOpen();
      try {
        for (List<String> chunk : Jdbc.chunks(new ArrayList<>(sorted.keySet()))) {
          Long[] values = new Long[chunk.size()];
          for (int i = 0; i < values.length; i++) {
            values[i] = sorted.get(chunk.get(i));
          }
          try (PreparedStatement upsert =
              Jdbc.prepare(
                  connection,
                  "INSERT INTO "
                      + positionTable
                      + " AS v (entity, position)"
                      + " SELECT e, p FROM unnest(?::text[], ?::bigint[]) AS u(e, p) ORDER BY e"
                      + " ON CONFLICT (entity) DO UPDATE SET position = EXCLUDED.position",
                  timeoutSeconds)) {
            upsert.setArray(1, Jdbc.textArray(connection, dialect, chunk));
            upsert.setArray(2, connection.createArrayOf("bigint", values));
            upsert.executeUpdate();
          }
        }
      } catch (SQLException e) {
        throw new JdbcStoreException("setting positions in " + positionTable + " failed", e);
      }
    }

    @Override
    public Connection connection() {
      checkOpen();
      return connection;
    }

    /** Prepares the statement bounded by the store's query timeout, as its own statements are. */
    @Override
    public PreparedStatement prepare(String sql) throws SQLException {
      checkOpen();
      return Jdbc.prepare(connection, sql, timeoutSeconds);
    }

    private List<String> sortedKeys(String what, Collection<String> values) {
      return new ArrayList<>(new TreeSet<>(Names.keys(what, values)));
    }

    private void checkOpen() {
      if (!open) {
        throw new IllegalStateException("the transaction has ended");
      }
    }

    /** The entity's row, locked: null when absent, else a one-element array (null position). */
    private Long @Nullable [] select(String entity) throws SQLException {
      try (PreparedStatement select = Jdbc.prepare(connection, lockPositionSql, timeoutSeconds)) {
        select.setString(1, entity);
        try (ResultSet rows = select.executeQuery()) {
          if (!rows.next()) {
            return null;
          }
          long position = rows.getLong(1);
          return new Long[] {rows.wasNull() ? null : position};
        }
      }
    }

    private void insertPlaceholder(String entity) throws SQLException {
      try (PreparedStatement insert =
          Jdbc.prepare(connection, insertPlaceholderSql, timeoutSeconds)) {
        insert.setString(1, entity);
        insert.executeUpdate();
      } catch (SQLException e) {
        // H2: a racing transaction inserted it first, which is all we wanted
        if (dialect != JdbcDialect.H2 || !"23505".equals(e.getSQLState())) {
          throw e;
        }
      }
    }

    private int updatePosition(String entity, long position) throws SQLException {
      try (PreparedStatement update = Jdbc.prepare(connection, setPositionSql, timeoutSeconds)) {
        update.setLong(1, position);
        update.setString(2, entity);
        return update.executeUpdate();
      }
    }

    private OptionalLong toOptional(Long position) {
      return position == null ? OptionalLong.empty() : OptionalLong.of(position);
    }
  }

  /** Configures a {@link JdbcTransactionalStore}. */
  public static final class Builder {
    private final DataSource dataSource;
    private @Nullable JdbcDialect dialect;
    private String dedupTable = Schema.PROCESSED_TABLE;
    private String positionTable = Schema.POSITION_TABLE;
    private Clock clock = Clock.systemUTC();
    private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Sets the dialect; when not set, {@link #build()} detects it from a connection. */
    public Builder dialect(JdbcDialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * Sets the table of processed keys, {@code event_processed} by default; a plain SQL identifier,
     * optionally {@code schema.table}.
     *
     * @throws IllegalArgumentException when the name is not such an identifier
     */
    public Builder dedupTable(String table) {
      this.dedupTable = Names.table(table);
      return this;
    }

    /**
     * Sets the table of entity positions, {@code entity_position} by default; a plain SQL
     * identifier, optionally {@code schema.table}.
     *
     * @throws IllegalArgumentException when the name is not such an identifier
     */
    public Builder positionTable(String table) {
      this.positionTable = Names.table(table);
      return this;
    }

    /** Sets the clock that stamps processed keys; the system UTC clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Bounds every statement of the store: the driver cancels one that runs longer ({@code
     * Statement.setQueryTimeout}, whole seconds, rounded up), and the call fails with a {@link
     * JdbcStoreException} instead of stalling the consumer on a hung or locked database. {@link
     * #DEFAULT_QUERY_TIMEOUT} by default; {@link Duration#ZERO} for no bound. It bounds the store's
     * own statements and the handlers' batched rows ({@code EventContext.batch}, prepared with
     * {@link Transaction#prepare}), not the statements a handler prepares itself on {@link
     * Transaction#connection()}.
     *
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public Builder queryTimeout(Duration timeout) {
      Jdbc.timeoutSeconds(Objects.requireNonNull(timeout, "timeout"));
      this.queryTimeout = timeout;
      return this;
    }

    /** Builds the store, detecting the dialect from a connection when none was set. */
    public JdbcTransactionalStore build() {
      return new JdbcTransactionalStore(
          this, dialect != null ? dialect : JdbcDialect.detect(dataSource));
    }
  }
}
