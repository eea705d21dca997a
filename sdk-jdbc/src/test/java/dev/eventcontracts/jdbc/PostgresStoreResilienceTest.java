package dev.eventcontracts.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.resilience.StoreResilience;
import dev.eventcontracts.resilience.StoreRole;
import dev.eventcontracts.resilience.StoreUnavailableException;
import dev.eventcontracts.testing.stores.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A database that stops answering (here: a row lock nobody releases) times the store's statements
 * out; the timeouts open the breaker, which then fails fast until the database answers again.
 */
class PostgresStoreResilienceTest {
  private final DataSource dataSource = TestDatabases.postgres();

  @Test
  @Timeout(60)
  void statementTimeoutsOpenTheBreakerAndItClosesOnceTheLockIsGone() throws Exception {
    MutableClock storeClock = MutableClock.create();
    MutableClock breakerClock = MutableClock.create();
    JdbcDedupStore jdbc =
        JdbcDedupStore.builder(dataSource)
            .dialect(JdbcDialect.POSTGRESQL)
            .table("resilience_dedup")
            .clock(storeClock)
            .queryTimeout(Duration.ofSeconds(1))
            .build();
    jdbc.createSchema();
    StoreResilience resilience = StoreResilience.builder().clock(breakerClock).build();
    DedupStore store = resilience.dedupStore(jdbc);
    String key = "locked-" + UUID.randomUUID();
    store.claim(key, "first", Duration.ofSeconds(1));
    storeClock.advance(Duration.ofSeconds(2)); // the lease ran out: the next claim updates the row

    try (Connection holder = dataSource.getConnection()) {
      holder.setAutoCommit(false);
      try (PreparedStatement lock =
          holder.prepareStatement(
              "SELECT dedup_key FROM resilience_dedup WHERE dedup_key = ? FOR UPDATE")) {
        lock.setString(1, key);
        try (ResultSet rows = lock.executeQuery()) {
          assertThat(rows.next()).isTrue();
        }
      }
      // with the first claim, five calls of which four timed out: over the 50 % threshold
      for (int i = 0; i < 4; i++) {
        assertThatThrownBy(() -> store.claim(key, "second", Duration.ofMinutes(1)))
            .isInstanceOfSatisfying(
                JdbcStoreException.class, e -> assertThat(e.sqlState()).isEqualTo("57014"));
      }
      assertThat(resilience.circuitBreaker(StoreRole.DEDUP).getState()).isEqualTo(State.OPEN);

      long start = System.nanoTime();
      assertThatThrownBy(() -> store.claim(key, "second", Duration.ofMinutes(1)))
          .isInstanceOf(StoreUnavailableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));

      holder.rollback();
    }
    breakerClock.advance(StoreResilience.DEFAULT_INITIAL_WAIT.plusMillis(1));
    assertThat(store.claim(key, "second", Duration.ofMinutes(1))).isEqualTo(ClaimState.CLAIMED);
    store.complete(key, "second", Duration.ofDays(1));
    assertThat(store.claim(key, "third", Duration.ofMinutes(1))).isEqualTo(ClaimState.COMPLETED);
    assertThat(resilience.circuitBreaker(StoreRole.DEDUP).getState()).isEqualTo(State.CLOSED);
  }
}
