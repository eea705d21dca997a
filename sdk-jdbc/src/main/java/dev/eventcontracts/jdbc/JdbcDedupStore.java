package dev.eventcontracts.jdbc;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger(JdbcDedupStore.class);

  private final DataSource dataSource;
  private final JdbcDialect dialect;
  private final String table;
  private final Clock clock;
  private final ClaimSql claims;
  private final SecureRandom tokens = new SecureRandom();
  private final String completeSql;
  private final String fingerprintAllPostgresSql;
  private final String releaseSql;
  private final String completeAllPostgresSql;
  private final String completeAllWithFingerprintsPostgresSql;
  private final int timeoutSeconds;

  // whether the table has the fingerprint column (tables made before 1.0 may not): asked once
  private volatile Boolean fingerprintColumn;

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
    this.completeAllPostgresSql =
        "INSERT INTO "
            + table
            + " AS d (dedup_key, owner, state, expires_at)"
            + " SELECT u.k, ?, 'COMPLETED', ? FROM unnest(?::text[]) AS u(k)"
            + " WHERE (SELECT x.owner FROM "
            + table
            + " x WHERE x.dedup_key = u.k) = ?"
            + " ON CONFLICT (dedup_key) DO UPDATE"
            + " SET state = 'COMPLETED', expires_at = EXCLUDED.expires_at"
            + " WHERE d.owner = EXCLUDED.owner";
    this.completeAllWithFingerprintsPostgresSql =
        "INSERT INTO "
            + table
            + " AS d (dedup_key, owner, state, expires_at, fingerprint)"
            + " SELECT u.k, ?, 'COMPLETED', ?, u.f FROM unnest(?::text[], ?::bigint[]) AS u(k, f)"
            + " WHERE (SELECT x.owner FROM "
            + table
            + " x WHERE x.dedup_key = u.k) = ?"
            + " ON CONFLICT (dedup_key) DO UPDATE"
            + " SET state = 'COMPLETED', expires_at = EXCLUDED.expires_at,"
            + " fingerprint = EXCLUDED.fingerprint"
            + " WHERE d.owner = EXCLUDED.owner";
    this.fingerprintAllPostgresSql =
        "SELECT u.k, (SELECT d.fingerprint FROM "
            + table
            + " d WHERE d.dedup_key = u.k AND d.state = 'COMPLETED' AND d.expires_at > ?)"
            + " FROM unnest(?::text[]) AS u(k)";
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
    Set<String> distinct = Names.keys("key", keys);
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
    // leaves the fingerprint column alone (it may not exist): a row completed with a fingerprint,
    // expired, taken over and completed again without one (the key-reuse setting changed in
    // between) keeps the old value, which can cause at most a false report for that key
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
    Set<String> distinct = new java.util.TreeSet<>(Names.keys("key", keys));
    for (List<String> chunk : Jdbc.chunks(new ArrayList<>(distinct))) {
      if (dialect == JdbcDialect.POSTGRESQL) {
        completePostgres(chunk, null, owner, retention);
        continue;
      }
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

  /**
   * Completes a chunk on PostgreSQL in one statement whose plan is a primary-key probe per key
   * whatever the table's statistics: an upsert (its conflict check is always an index lookup) of
   * only the keys the owner holds (a correlated sub-select per key), updating a row only while the
   * owner still holds it. The plain {@code UPDATE ... WHERE dedup_key IN (...)} is planned once per
   * pooled connection and kept a sequential scan when that happened on a small table (41 ms per
   * batch of 170 on 30,000 rows, docs/performance.md). One difference: a row of the owner that
   * {@link #deleteExpired()} removes between the sub-select and the insert (its lease ran out while
   * the handler ran) comes back as completed by the owner, which is what happened. With {@code
   * fingerprints}, each key's fingerprint is kept in the same statement.
   */
  private void completePostgres(
      List<String> chunk,
      @Nullable Map<String, Long> fingerprints,
      String owner,
      Duration retention) {
    Long[] values = null;
    if (fingerprints != null) {
      values = new Long[chunk.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = fingerprints.get(chunk.get(i));
      }
    }
    Long[] kept = values;
    Jdbc.autocommit(
        dataSource,
        dialect,
        "completing " + chunk.size() + " keys in " + table,
        connection -> {
          try (PreparedStatement upsert =
              Jdbc.prepare(
                  connection,
                  kept == null ? completeAllPostgresSql : completeAllWithFingerprintsPostgresSql,
                  timeoutSeconds)) {
            int p = 1;
            upsert.setString(p++, owner);
            upsert.setLong(p++, Jdbc.plus(clock.millis(), retention));
            upsert.setArray(p++, Jdbc.textArray(connection, dialect, chunk));
            if (kept != null) {
              upsert.setArray(p++, connection.createArrayOf("bigint", kept));
            }
            upsert.setString(p, owner);
            return upsert.executeUpdate();
          }
        });
  }

  /**
   * Completes the owner's claim like {@link #complete(String, String, Duration)} and keeps the
   * payload fingerprint in the {@code fingerprint} column. On a table without that column (made
   * before it existed; see docs/stores.md for the {@code ALTER TABLE}), completes without it,
   * having logged a warning once.
   */
  @Override
  public void complete(String key, String owner, Duration retention, long fingerprint) {
    completeAllWithFingerprints(Map.of(key, fingerprint), owner, retention);
  }

  /**
   * Completes a batch of the owner's claims with their fingerprints, with one statement per 1,000
   * keys ({@code UPDATE ... SET fingerprint = CASE dedup_key WHEN ? THEN ? ... END}).
   */
  @Override
  public void completeAllWithFingerprints(
      Map<String, Long> fingerprints, String owner, Duration retention) {
    Names.owner(owner);
    Objects.requireNonNull(retention, "retention");
    java.util.TreeMap<String, Long> sorted = new java.util.TreeMap<>();
    fingerprints.forEach(
        (key, fingerprint) ->
            sorted.put(Names.key("key", key), Objects.requireNonNull(fingerprint)));
    if (!hasFingerprintColumn()) {
      completeAll(sorted.keySet(), owner, retention);
      return;
    }
    for (List<String> chunk : Jdbc.chunks(new ArrayList<>(sorted.keySet()))) {
      if (dialect == JdbcDialect.POSTGRESQL) {
        completePostgres(chunk, sorted, owner, retention);
        continue;
      }
      StringBuilder sql =
          new StringBuilder("UPDATE ")
              .append(table)
              .append(" SET state = 'COMPLETED', expires_at = ?, fingerprint = CASE dedup_key");
      for (int i = 0; i < chunk.size(); i++) {
        sql.append(" WHEN ? THEN ?");
      }
      sql.append(" END WHERE owner = ? AND dedup_key IN (")
          .append(Jdbc.placeholders(chunk.size(), "?"))
          .append(")");
      Jdbc.autocommit(
          dataSource,
          dialect,
          "completing " + chunk.size() + " keys in " + table,
          connection -> {
            try (PreparedStatement update =
                Jdbc.prepare(connection, sql.toString(), timeoutSeconds)) {
              int p = 1;
              update.setLong(p++, Jdbc.plus(clock.millis(), retention));
              for (String key : chunk) {
                update.setString(p++, key);
                update.setLong(p++, sorted.get(key));
              }
              update.setString(p++, owner);
              for (String key : chunk) {
                update.setString(p++, key);
              }
              return update.executeUpdate();
            }
          });
    }
  }

  /**
   * The fingerprint kept with a completed, unexpired key; empty for a key completed without one or
   * on a table without the {@code fingerprint} column.
   */
  @Override
  public OptionalLong fingerprint(String key) {
    Names.key("key", key);
    if (!hasFingerprintColumn()) {
      return OptionalLong.empty();
    }
    String sql =
        "SELECT fingerprint FROM "
            + table
            + " WHERE dedup_key = ? AND state = 'COMPLETED' AND expires_at > ?";
    return Jdbc.autocommit(
        dataSource,
        dialect,
        "reading a fingerprint in " + table,
        connection -> {
          try (PreparedStatement select = Jdbc.prepare(connection, sql, timeoutSeconds)) {
            select.setString(1, key);
            select.setLong(2, clock.millis());
            try (ResultSet rs = select.executeQuery()) {
              if (!rs.next()) {
                return OptionalLong.empty();
              }
              long fingerprint = rs.getLong(1);
              return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(fingerprint);
            }
          }
        });
  }

  /**
   * The fingerprints of many completed, unexpired keys: on PostgreSQL one SELECT per 1,000 keys (a
   * primary-key lookup per key, as {@code currentAll} of the position store), elsewhere key by key.
   */
  @Override
  public Map<String, Long> fingerprintAll(Collection<String> keys) {
    Set<String> distinct = Names.keys("key", keys);
    if (distinct.isEmpty() || !hasFingerprintColumn()) {
      return Map.of();
    }
    if (dialect != JdbcDialect.POSTGRESQL) {
      return DedupStore.super.fingerprintAll(distinct);
    }
    Map<String, Long> found = new HashMap<>();
    for (List<String> chunk : Jdbc.chunks(new ArrayList<>(distinct))) {
      found.putAll(
          Jdbc.autocommit(
              dataSource,
              dialect,
              "reading fingerprints in " + table,
              connection -> {
                try (PreparedStatement select =
                    Jdbc.prepare(connection, fingerprintAllPostgresSql, timeoutSeconds)) {
                  select.setLong(1, clock.millis());
                  select.setArray(2, Jdbc.textArray(connection, dialect, chunk));
                  Map<String, Long> out = new HashMap<>();
                  try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                      long fingerprint = rs.getLong(2);
                      if (!rs.wasNull()) {
                        out.put(rs.getString(1), fingerprint);
                      }
                    }
                  }
                  return out;
                }
              }));
    }
    Map<String, Long> out = new LinkedHashMap<>();
    for (String key : distinct) {
      Long fingerprint = found.get(key);
      if (fingerprint != null) {
        out.put(key, fingerprint);
      }
    }
    return out;
  }

  /** The statement of {@link #fingerprintAll} on PostgreSQL (for the plan test). */
  String postgresFingerprintAllSql() {
    return fingerprintAllPostgresSql;
  }

  private boolean hasFingerprintColumn() {
    Boolean known = fingerprintColumn;
    if (known != null) {
      return known;
    }
    boolean present;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement probe =
            Jdbc.prepare(
                connection, "SELECT fingerprint FROM " + table + " WHERE 1 = 0", timeoutSeconds)) {
      probe.executeQuery().close();
      present = true;
    } catch (SQLException e) {
      // a missing column is a schema fact, not an outage: detection is off until a restart
      LOG.warn(
          "{} has no fingerprint column, so key reuse cannot be detected; add it with: ALTER TABLE"
              + " {} ADD COLUMN fingerprint BIGINT ({})",
          table,
          table,
          e.toString());
      present = false;
    }
    fingerprintColumn = present;
    return present;
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

  /** The batched completion on PostgreSQL, for the plan test. */
  String postgresCompleteAllSql() {
    return completeAllPostgresSql;
  }

  /** The batched completion with fingerprints on PostgreSQL, for the plan test. */
  String postgresCompleteAllWithFingerprintsSql() {
    return completeAllWithFingerprintsPostgresSql;
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
