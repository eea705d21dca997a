package dev.eventcontracts.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.dedup.ClaimState;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A dedup table made before the fingerprint column existed keeps working (completions with a
 * fingerprint complete, no fingerprint is answered), and the documented {@code ALTER TABLE} turns
 * key-reuse detection on.
 */
class DedupFingerprintMigrationTest {
  private static final Duration LEASE = Duration.ofMinutes(5);
  private static final Duration RETENTION = Duration.ofHours(1);

  @Test
  void aTableWithoutTheColumnCompletesWithoutFingerprintsUntilMigrated() throws Exception {
    DataSource h2 = TestDatabases.h2();
    String table = "old_dedup_" + System.nanoTime();
    execute(
        h2,
        "CREATE TABLE "
            + table
            + " (dedup_key VARCHAR(512) NOT NULL PRIMARY KEY, owner VARCHAR(255) NOT NULL,"
            + " state VARCHAR(11) NOT NULL, expires_at BIGINT NOT NULL,"
            + " claim_token BIGINT NOT NULL)");
    JdbcDedupStore old = JdbcDedupStore.builder(h2).dialect(JdbcDialect.H2).table(table).build();
    old.claim("k1", "owner-1", LEASE);
    old.complete("k1", "owner-1", RETENTION, 42);
    old.claimAll(java.util.List.of("k2"), "owner-1", LEASE);
    old.completeAllWithFingerprints(Map.of("k2", 43L), "owner-1", RETENTION);

    assertThat(old.claim("k1", "owner-2", LEASE)).isEqualTo(ClaimState.COMPLETED);
    assertThat(old.claim("k2", "owner-2", LEASE)).isEqualTo(ClaimState.COMPLETED);
    assertThat(old.fingerprint("k1")).isEmpty();

    execute(h2, "ALTER TABLE " + table + " ADD COLUMN fingerprint BIGINT");
    JdbcDedupStore migrated =
        JdbcDedupStore.builder(h2).dialect(JdbcDialect.H2).table(table).build();
    assertThat(migrated.fingerprint("k1")).isEmpty(); // completed before the migration
    migrated.claim("k3", "owner-1", LEASE);
    migrated.complete("k3", "owner-1", RETENTION, 44);
    assertThat(migrated.fingerprint("k3")).hasValue(44);
  }

  private static void execute(DataSource dataSource, String sql) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
