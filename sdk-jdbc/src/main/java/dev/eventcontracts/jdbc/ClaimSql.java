package dev.eventcontracts.jdbc;

import dev.eventcontracts.dedup.ClaimState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-dialect statements that claim a chunk of keys in one round trip and learn exactly which
 * keys this call won. JDBC {@code addBatch} cannot be used: drivers report {@code SUCCESS_NO_INFO}
 * for rewritten batches, which says nothing about which rows were inserted.
 */
abstract class ClaimSql {
  static final String IN_PROGRESS = "IN_PROGRESS";
  static final String COMPLETED = "COMPLETED";

  final String table;
  int timeoutSeconds;

  ClaimSql(String table) {
    this.table = table;
  }

  /** The claim statements of a dialect, each bounded by {@code timeoutSeconds} (0: unbounded). */
  static ClaimSql of(JdbcDialect dialect, String table, int timeoutSeconds) {
    ClaimSql sql =
        switch (dialect) {
          case POSTGRESQL -> new Postgres(table);
          case MARIADB -> new MariaDb(table);
          case H2 -> new H2(table);
        };
    sql.timeoutSeconds = timeoutSeconds;
    return sql;
  }

  PreparedStatement prepare(Connection connection, String sql) throws SQLException {
    return Jdbc.prepare(connection, sql, timeoutSeconds);
  }

  /**
   * Claims {@code keys} (distinct, sorted so that concurrent batches lock rows in one order and
   * cannot deadlock each other) and returns the state of each.
   *
   * @param token unique to this claim call and the same on a retry of it
   */
  abstract Map<String, ClaimState> claim(
      Connection connection, List<String> keys, String owner, long now, long expiresAt, long token)
      throws SQLException;

  static ClaimState state(String column) {
    return COMPLETED.equals(column) ? ClaimState.COMPLETED : ClaimState.IN_PROGRESS;
  }

  /**
   * PostgreSQL: one {@code INSERT ... SELECT unnest(?) ... ON CONFLICT DO UPDATE ... WHERE expired
   * RETURNING}; RETURNING lists exactly the rows inserted or taken over, that is the keys won.
   */
  static final class Postgres extends ClaimSql {
    private final String sql;

    Postgres(String table) {
      super(table);
      this.sql =
          "INSERT INTO "
              + table
              + " AS d (dedup_key, owner, state, expires_at)"
              + " SELECT k, ?, 'IN_PROGRESS', ? FROM unnest(?::text[]) AS u(k)"
              + " ON CONFLICT (dedup_key) DO UPDATE"
              + " SET owner = EXCLUDED.owner, state = 'IN_PROGRESS', expires_at = EXCLUDED.expires_at"
              + " WHERE d.expires_at <= ?"
              + " RETURNING d.dedup_key";
    }

    @Override
    Map<String, ClaimState> claim(
        Connection connection,
        List<String> keys,
        String owner,
        long now,
        long expiresAt,
        long token)
        throws SQLException {
      Set<String> won = new HashSet<>();
      try (PreparedStatement insert = prepare(connection, sql)) {
        insert.setString(1, owner);
        insert.setLong(2, expiresAt);
        insert.setArray(3, Jdbc.textArray(connection, JdbcDialect.POSTGRESQL, keys));
        insert.setLong(4, now);
        try (ResultSet rows = insert.executeQuery()) {
          while (rows.next()) {
            won.add(rows.getString(1));
          }
        }
      }
      return withLosers(connection, keys, won);
    }

    /**
     * Completes the states of keys that were not won: COMPLETED or IN_PROGRESS as the table says; a
     * row deleted meanwhile (its owner released it) still counts as IN_PROGRESS, as it was at the
     * claim.
     */
    private Map<String, ClaimState> withLosers(
        Connection connection, List<String> keys, Set<String> won) throws SQLException {
      Map<String, ClaimState> states = new HashMap<>();
      List<String> losers = keys.stream().filter(key -> !won.contains(key)).toList();
      for (String key : won) {
        states.put(key, ClaimState.CLAIMED);
      }
      if (losers.isEmpty()) {
        return states;
      }
      // a primary-key probe per key: WHERE dedup_key = ANY (?) would be planned once per pooled
      // connection and stay a sequential scan when first planned on a small table
      String sql =
          "SELECT u.k, (SELECT d.state FROM "
              + table
              + " d WHERE d.dedup_key = u.k) FROM unnest(?::text[]) AS u(k)";
      try (PreparedStatement select = prepare(connection, sql)) {
        select.setArray(1, Jdbc.textArray(connection, JdbcDialect.POSTGRESQL, losers));
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            String state = rows.getString(2);
            if (state != null) {
              states.put(rows.getString(1), state(state));
            }
          }
        }
      }
      for (String loser : losers) {
        states.putIfAbsent(loser, ClaimState.IN_PROGRESS);
      }
      return states;
    }
  }

  /**
   * Dialects without a reliable RETURNING for upserts write a token unique to the claim call into
   * each row they insert or take over, then read the rows back in one SELECT: the rows carrying
   * this call's token are the keys won, the others say IN_PROGRESS or COMPLETED. The table, not a
   * statement's result, decides who won, so a claim retried with the same token still recognises
   * the rows it wrote.
   */
  abstract static class WithToken extends ClaimSql {
    WithToken(String table) {
      super(table);
    }

    /** Inserts missing keys and takes over expired ones, writing {@code token} into them. */
    abstract void write(
        Connection connection,
        List<String> keys,
        String owner,
        long now,
        long expiresAt,
        long token)
        throws SQLException;

    @Override
    final Map<String, ClaimState> claim(
        Connection connection,
        List<String> keys,
        String owner,
        long now,
        long expiresAt,
        long token)
        throws SQLException {
      write(connection, keys, owner, now, expiresAt, token);
      String selectSql =
          "SELECT dedup_key, claim_token, state FROM "
              + table
              + " WHERE dedup_key IN ("
              + Jdbc.placeholders(keys.size(), "?")
              + ")";
      Map<String, ClaimState> states = new HashMap<>();
      try (PreparedStatement select = prepare(connection, selectSql)) {
        int i = 1;
        for (String key : keys) {
          select.setString(i++, key);
        }
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            String key = rows.getString(1);
            boolean mine = rows.getLong(2) == token && IN_PROGRESS.equals(rows.getString(3));
            states.put(key, mine ? ClaimState.CLAIMED : state(rows.getString(3)));
          }
        }
      }
      // a row deleted meanwhile was released by its owner: it was in progress at the claim
      for (String key : keys) {
        states.putIfAbsent(key, ClaimState.IN_PROGRESS);
      }
      return states;
    }
  }

  /**
   * H2: {@code MERGE INTO ... USING UNNEST(?)} that inserts missing keys and updates expired ones.
   * H2's {@code FINAL TABLE (MERGE ...)} would list the rows changed, but under concurrent merges
   * it left out rows it did write, and a failed statement wrapped in it kept its partial writes; so
   * H2 uses the token and reads back.
   */
  static final class H2 extends WithToken {
    private final String sql;

    H2(String table) {
      super(table);
      this.sql =
          "MERGE INTO "
              + table
              + " d USING (SELECT k FROM UNNEST(CAST(? AS VARCHAR(512) ARRAY)) AS u(k)) s"
              + " ON d.dedup_key = s.k"
              + " WHEN MATCHED AND d.expires_at <= ? THEN"
              + " UPDATE SET owner = ?, state = 'IN_PROGRESS', expires_at = ?, claim_token = ?"
              + " WHEN NOT MATCHED THEN INSERT (dedup_key, owner, state, expires_at, claim_token)"
              + " VALUES (s.k, ?, 'IN_PROGRESS', ?, ?)";
    }

    @Override
    void write(
        Connection connection,
        List<String> keys,
        String owner,
        long now,
        long expiresAt,
        long token)
        throws SQLException {
      try (PreparedStatement merge = prepare(connection, sql)) {
        merge.setArray(1, Jdbc.textArray(connection, JdbcDialect.H2, keys));
        merge.setLong(2, now);
        merge.setString(3, owner);
        merge.setLong(4, expiresAt);
        merge.setLong(5, token);
        merge.setString(6, owner);
        merge.setLong(7, expiresAt);
        merge.setLong(8, token);
        merge.executeUpdate();
      }
    }
  }

  /**
   * MariaDB has no RETURNING for {@code INSERT ... ON DUPLICATE KEY UPDATE} and reports one
   * affected-row count for the whole statement: a multi-row upsert replaces only expired rows and
   * writes the token, then the read-back tells which keys were won.
   */
  static final class MariaDb extends WithToken {
    // MariaDB assigns left to right and later assignments see earlier results, so expires_at,
    // which every condition reads, must be assigned last.
    private static final String ON_DUPLICATE =
        " ON DUPLICATE KEY UPDATE"
            + " claim_token = IF(expires_at <= ?, ?, claim_token),"
            + " owner = IF(expires_at <= ?, ?, owner),"
            + " state = IF(expires_at <= ?, 'IN_PROGRESS', state),"
            + " expires_at = IF(expires_at <= ?, ?, expires_at)";

    MariaDb(String table) {
      super(table);
    }

    @Override
    void write(
        Connection connection,
        List<String> keys,
        String owner,
        long now,
        long expiresAt,
        long token)
        throws SQLException {
      String insertSql =
          "INSERT INTO "
              + table
              + " (dedup_key, owner, state, expires_at, claim_token) VALUES "
              + Jdbc.placeholders(keys.size(), "(?, ?, 'IN_PROGRESS', ?, ?)")
              + ON_DUPLICATE;
      try (PreparedStatement insert = prepare(connection, insertSql)) {
        int i = 1;
        for (String key : keys) {
          insert.setString(i++, key);
          insert.setString(i++, owner);
          insert.setLong(i++, expiresAt);
          insert.setLong(i++, token);
        }
        insert.setLong(i++, now);
        insert.setLong(i++, token);
        insert.setLong(i++, now);
        insert.setString(i++, owner);
        insert.setLong(i++, now);
        insert.setLong(i++, now);
        insert.setLong(i, expiresAt);
        insert.executeUpdate();
      }
    }
  }
}
