package dev.eventcontracts.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The batched PostgreSQL statements keep a primary-key lookup per key in the plan PostgreSQL caches
 * for a pooled connection, even when that plan was made on an empty table: the generic plan ({@code
 * plan_cache_mode = force_generic_plan}) of each, on a table that was never analyzed, must not scan
 * the table. The obvious {@code = ANY (?)} form is checked to do exactly that, so the test would
 * notice if the server stopped showing it.
 */
class PostgresPlanTest {
  private final DataSource dataSource = TestDatabases.postgres();

  @Test
  void theBatchedPositionReadIsAnIndexLookupInTheGenericPlan() throws SQLException {
    String table = "plan_position_" + suffix();
    JdbcEntityVersionStore store =
        JdbcEntityVersionStore.builder(dataSource)
            .dialect(JdbcDialect.POSTGRESQL)
            .table(table)
            .build();
    store.createSchema();

    assertThat(genericPlan(store.postgresSelectSql(), "text[]", "ARRAY['a', 'b']"))
        .doesNotContain("Seq Scan on " + table)
        .contains("Index");
    assertThat(
            genericPlan(
                "SELECT entity, position FROM " + table + " WHERE entity = ANY (?)",
                "text[]",
                "ARRAY['a', 'b']"))
        .as("the form it replaced")
        .contains("Seq Scan on " + table);
  }

  @Test
  void theBatchedCompletionIsAnIndexLookupInTheGenericPlan() throws SQLException {
    String table = "plan_dedup_" + suffix();
    JdbcDedupStore store = dedupStore(table);

    assertThat(
            genericPlan(
                store.postgresCompleteAllSql(),
                "text, bigint, text[], text",
                "'owner', 1, ARRAY['a', 'b'], 'owner'"))
        .doesNotContain("Seq Scan on " + table)
        .contains("Index");
    assertThat(
            genericPlan(
                store.postgresCompleteAllWithFingerprintsSql(),
                "text, bigint, text[], bigint[], text",
                "'owner', 1, ARRAY['a', 'b'], ARRAY[1, 2]::bigint[], 'owner'"))
        .as("the completion that keeps fingerprints")
        .doesNotContain("Seq Scan on " + table)
        .contains("Index");
    assertThat(
            genericPlan(
                "UPDATE "
                    + table
                    + " SET state = 'COMPLETED', expires_at = ? WHERE owner = ?"
                    + " AND dedup_key = ANY (?)",
                "bigint, text, text[]",
                "1, 'owner', ARRAY['a', 'b']"))
        .as("the form it replaced")
        .contains("Seq Scan on " + table);
  }

  @Test
  void theBatchedFingerprintReadIsAnIndexLookupInTheGenericPlan() throws SQLException {
    String table = "plan_fingerprint_" + suffix();
    JdbcDedupStore store = dedupStore(table);

    assertThat(genericPlan(store.postgresFingerprintAllSql(), "bigint, text[]", "1, ARRAY['a']"))
        .doesNotContain("Seq Scan on " + table)
        .contains("Index");
  }

  /** A PostgreSQL dedup store on {@code table}, its schema created. */
  private JdbcDedupStore dedupStore(String table) {
    JdbcDedupStore store =
        JdbcDedupStore.builder(dataSource).dialect(JdbcDialect.POSTGRESQL).table(table).build();
    store.createSchema();
    return store;
  }

  /** EXPLAIN of the generic plan of {@code sql} (JDBC placeholders), on one session. */
  private String genericPlan(String sql, String types, String arguments) throws SQLException {
    StringBuilder numbered = new StringBuilder();
    int n = 0;
    for (char c : sql.toCharArray()) {
      if (c == '?') {
        numbered.append('$').append(++n);
      } else {
        numbered.append(c);
      }
    }
    String name = "plan_" + suffix();
    StringBuilder plan = new StringBuilder();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("SET plan_cache_mode = force_generic_plan");
      try {
        statement.execute("PREPARE " + name + " (" + types + ") AS " + numbered);
        try (ResultSet rows =
            statement.executeQuery("EXPLAIN EXECUTE " + name + "(" + arguments + ")")) {
          while (rows.next()) {
            plan.append(rows.getString(1)).append('\n');
          }
        }
        statement.execute("DEALLOCATE " + name);
      } finally {
        statement.execute("RESET plan_cache_mode");
      }
    }
    return plan.toString();
  }

  private static String suffix() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
