package dev.eventcontracts.jdbc;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link DedupStore} in a database table, shared by every consumer instance that uses the same
 * table: claims are atomic across processes, and {@link #claimAll} claims a whole batch in one
 * round trip per 1,000 keys and reports exactly which keys it won.
 *
 * <p>Leases and retention are epoch milliseconds computed from the builder's {@link Clock}, so the
 * instances sharing a table need reasonably synchronized clocks. Expired rows are taken over by the
 * next claim and can be purged with {@link #deleteExpired()}. Give it a pooled {@link DataSource}:
 * every call borrows a connection and returns it.
 */
public final class JdbcDedupStore implements DedupStore {
  /** How long one statement may run by default before the driver cancels it. */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(5);

  private final DataSource dataSource;
  private final JdbcDialect dialect;
  private final String table;
  private final Clock clock;
  private final ClaimSql claims;
  private final SecureRandom tokens = new SecureRandom();
  private final String completeSql;
  private final String releaseSql;
  private final int timeoutSeconds;

  private JdbcDedupStore(Builder builder, JdbcDialect dialect) {
    this.dataSource = builder.dataSource;
    this.dialect = dialect;
    this.table = builder.table;
    this.clock = builder.clock;
    this.timeoutSeconds = Jdbc.timeoutSeconds(builder.queryTimeout);
    this.claims = ClaimSql.of(dialect, table, timeoutSeconds);
    this.completeSql =
        "UPDATE "
            + table
            + " SET state = 'COMPLETED', expires_at = ? WHERE dedup_key = ? AND owner = ?";
    this.releaseSql =
        "DELETE FROM " + table + " WHERE dedup_key = ? AND owner = ? AND state = 'IN_PROGRESS'";
  }

  /** Starts a builder for a store on {@code dataSource}. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /** Claims one key; the same statement as {@link #claimAll} with a batch of one. */
  @Override
  public ClaimState claim(String key, String owner, Duration lease) {
    return claimAll(List.of(key), owner, lease).get(key);
  }

  /**
   * Claims a batch, with one statement per 1,000 distinct keys plus, only when some keys were not
   * won, one SELECT to tell IN_PROGRESS from COMPLETED.
   *
   * @return the state of each distinct key, in the order given
   */
  @Override
  public Map<String, ClaimState> claimAll(List<String> keys, String owner, Duration lease) {
    Names.owner(owner);
    Objects.requireNonNull(lease, "lease");
    Set<String> distinct = new LinkedHashSet<>();
    for (String key : keys) {
      distinct.add(Names.key("key", key));
    }
    if (distinct.isEmpty()) {
      return new LinkedHashMap<>();
    }
    // one lock order for every claimer, so overlapping batches wait for each other, not deadlock
    List<String> sorted = new ArrayList<>(distinct);
    Collections.sort(sorted);
    // MariaDB and H2 read a token back; kept across retries, so a retried claim recognises the
    // rows that its failed try wrote
    long token = dialect == JdbcDialect.POSTGRESQL ? 0 : tokens.nextLong();
    Map<String, ClaimState> states = new HashMap<>();
    for (List<String> chunk : Jdbc.chunks(sorted)) {
      states.putAll(
          Jdbc.autocommit(
              dataSource,
              dialect,
              "claiming " + chunk.size() + " keys in " + table,
              connection -> {
                long now = clock.millis();
                return claims.claim(connection, chunk, owner, now, Jdbc.plus(now, lease), token);
              }));
    }
    Map<String, ClaimState> ordered = new LinkedHashMap<>();
    for (String key : distinct) {
      ordered.put(key, states.get(key));
    }
    return ordered;
  }

  /**
   * Marks the owner's claim completed and keeps it for {@code retention}; does nothing when the
   * owner no longer holds the key (another consumer took it over after the lease ran out).
   */
  @Override
  public void complete(String key, String owner, Duration retention) {
    Names.key("key", key);
    Names.owner(owner);
    Objects.requireNonNull(retention, "retention");
    Jdbc.autocommit(
        dataSource,
        dialect,
        "completing a key in " + table,
        connection -> {
          try (PreparedStatement update = Jdbc.prepare(connection, completeSql, timeoutSeconds)) {
            update.setLong(1, Jdbc.plus(clock.millis(), retention));
            update.setString(2, key);
            update.setString(3, owner);
            return update.executeUpdate();
          }
        });
  }

  /**
   * Completes a batch of the owner's claims with one statement per 1,000 keys; keys the owner no
   * longer holds are left alone, as in {@link #complete}.
   */
  @Override
  public void completeAll(Collection<String> keys, String owner, Duration retention) {
    Names.owner(owner);
    Objects.requireNonNull(retention, "retention");
    Set<String> distinct = new java.util.TreeSet<>();
    for (String key : keys) {
      distinct.add(Names.key("key", key));
    }
    for (List<String> chunk : Jdbc.chunks(new ArrayList<>(distinct))) {
      String sql =
          "UPDATE "
              + table
              + " SET state = 'COMPLETED', expires_at = ? WHERE owner = ? AND dedup_key IN ("
              + Jdbc.placeholders(chunk.size(), "?")
              + ")";
      Jdbc.autocommit(
          dataSource,
          dialect,
          "completing " + chunk.size() + " keys in " + table,
          connection -> {
            try (PreparedStatement update = Jdbc.prepare(connection, sql, timeoutSeconds)) {
              update.setLong(1, Jdbc.plus(clock.millis(), retention));
              update.setString(2, owner);
              for (int i = 0; i < chunk.size(); i++) {
                update.setString(3 + i, chunk.get(i));
              }
              return update.executeUpdate();
            }
          });
    }
  }

  /** Deletes the owner's unfinished claim, so a redelivery can claim the key at once. */
  @Override
  public void release(String key, String owner) {
    Names.key("key", key);
    Names.owner(owner);
    Jdbc.autocommit(
        dataSource,
        dialect,
        "releasing a key in " + table,
        connection -> {
          try (PreparedStatement delete = Jdbc.prepare(connection, releaseSql, timeoutSeconds)) {
            delete.setString(1, key);
            delete.setString(2, owner);
            return delete.executeUpdate();
          }
        });
  }

  /**
   * Deletes rows whose lease or retention has run out, which a claim would take over anyway; run it
   * now and then to keep the table small.
   *
   * @return how many rows were deleted
   */
  public int deleteExpired() {
    return Jdbc.autocommit(
        dataSource,
        dialect,
        "deleting expired keys from " + table,
        connection -> {
          try (PreparedStatement delete =
              Jdbc.prepare(
                  connection, "DELETE FROM " + table + " WHERE expires_at <= ?", timeoutSeconds)) {
            delete.setLong(1, clock.millis());
            return delete.executeUpdate();
          }
        });
  }

  /** Creates the table when it does not exist, with the shipped DDL of the dialect. */
  public void createSchema() {
    Schema.create(dataSource, dialect, Map.of(Schema.DEDUP_TABLE, table));
  }

  /** The dialect in use, given or detected. */
  public JdbcDialect dialect() {
    return dialect;
  }

  /** The table the store uses. */
  public String table() {
    return table;
  }

  /** Does nothing: the data source belongs to the caller, who closes it. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "JdbcDedupStore[" + dialect + ", " + table + "]";
  }

  /** Configures a {@link JdbcDedupStore}. */
  public static final class Builder {
    private final DataSource dataSource;
    private @Nullable JdbcDialect dialect;
    private String table = Schema.DEDUP_TABLE;
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
     * Sets the table, {@code event_dedup} by default; a plain SQL identifier, optionally {@code
     * schema.table}.
     *
     * @throws IllegalArgumentException when the name is not such an identifier
     */
    public Builder table(String table) {
      this.table = Names.table(table);
      return this;
    }

    /**
     * Sets the clock that leases and retention are computed from; the system UTC clock by default.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Bounds every statement of the store: the driver cancels one that runs longer ({@code
     * Statement.setQueryTimeout}, whole seconds, rounded up), and the call fails with a {@link
     * JdbcStoreException} instead of stalling the consumer on a hung or locked database. {@link
     * #DEFAULT_QUERY_TIMEOUT} by default; {@link Duration#ZERO} for no bound.
     *
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public Builder queryTimeout(Duration timeout) {
      Jdbc.timeoutSeconds(Objects.requireNonNull(timeout, "timeout"));
      this.queryTimeout = timeout;
      return this;
    }

    /** Builds the store, detecting the dialect from a connection when none was set. */
    public JdbcDedupStore build() {
      return new JdbcDedupStore(this, dialect != null ? dialect : JdbcDialect.detect(dataSource));
    }
  }
}
