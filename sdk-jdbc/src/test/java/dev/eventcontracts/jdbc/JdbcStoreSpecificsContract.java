package dev.eventcontracts.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.Field;
import dev.eventcontracts.contract.OrderingRule;
import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.stores.MutableClock;
import io.github.resilience4j.retry.RetryConfig;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the JDBC stores add to the kits, run on each database. */
abstract class JdbcStoreSpecificsContract {
  private DataSource dataSource;
  private String prefix;

  abstract DataSource dataSource();

  abstract JdbcDialect dialect();

  /** The schema that holds unqualified tables, for the schema-qualified name test. */
  abstract String schema(Connection connection) throws SQLException;

  @BeforeEach
  final void connect() {
    dataSource = dataSource();
    prefix = "spec-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  }

  @Test
  void theDialectIsDetectedWhenNotGiven() {
    assertThat(JdbcDedupStore.builder(dataSource).build().dialect()).isEqualTo(dialect());
    assertThat(JdbcEntityVersionStore.builder(dataSource).build().dialect()).isEqualTo(dialect());
    assertThat(JdbcTransactionalStore.builder(dataSource).build().dialect()).isEqualTo(dialect());
  }

  @Test
  void createSchemaIsIdempotentAndTakesSchemaQualifiedNames() throws SQLException {
    String schema;
    try (Connection connection = dataSource.getConnection()) {
      schema = schema(connection);
    }
    JdbcDedupStore store =
        JdbcDedupStore.builder(dataSource)
            .dialect(dialect())
            .table(schema + ".spec_q_dedup")
            .build();

    store.createSchema();
    store.createSchema();

    assertThat(store.claim(prefix + "k", "owner", Duration.ofMinutes(1)))
        .isEqualTo(ClaimState.CLAIMED);
  }

  @Test
  void deleteExpiredDeletesOnlyRowsWhoseLeaseOrRetentionRanOut() throws SQLException {
    MutableClock clock = MutableClock.create();
    JdbcDedupStore store =
        JdbcDedupStore.builder(dataSource)
            .dialect(dialect())
            .table("spec_expiry")
            .clock(clock)
            .build();
    store.createSchema();
    execute("DELETE FROM spec_expiry");
    store.claim(prefix + "short-lease", "owner", Duration.ofSeconds(10));
    store.claim(prefix + "long-lease", "owner", Duration.ofHours(1));
    store.claim(prefix + "short-retention", "owner", Duration.ofHours(1));
    store.complete(prefix + "short-retention", "owner", Duration.ofSeconds(10));
    store.claim(prefix + "long-retention", "owner", Duration.ofSeconds(10));
    store.complete(prefix + "long-retention", "owner", Duration.ofHours(1));

    clock.advance(Duration.ofSeconds(20));

    assertThat(store.deleteExpired()).isEqualTo(2);
    assertThat(store.claim(prefix + "long-lease", "other", Duration.ofMinutes(1)))
        .isEqualTo(ClaimState.IN_PROGRESS);
    assertThat(store.claim(prefix + "long-retention", "other", Duration.ofMinutes(1)))
        .isEqualTo(ClaimState.COMPLETED);
    assertThat(store.claim(prefix + "short-lease", "other", Duration.ofMinutes(1)))
        .isEqualTo(ClaimState.CLAIMED);
  }

  @Test
  void deleteKeysOlderThanForgetsOnlyOldProcessedKeys() throws Exception {
    MutableClock clock = MutableClock.create();
    JdbcTransactionalStore store =
        JdbcTransactionalStore.builder(dataSource)
            .dialect(dialect())
            .dedupTable("spec_processed")
            .positionTable("spec_position")
            .clock(clock)
            .build();
    store.createSchema();
    execute("DELETE FROM spec_processed");
    Instant start = clock.instant();
    store.inTransaction(tx -> tx.recordKey(prefix + "old"));
    clock.advance(Duration.ofHours(1));
    store.inTransaction(tx -> tx.recordKey(prefix + "new"));

    assertThat(store.deleteKeysOlderThan(start.plus(Duration.ofMinutes(30)))).isEqualTo(1);

    List<Boolean> recorded =
        store.inTransaction(
            tx -> List.of(tx.recordKey(prefix + "old"), tx.recordKey(prefix + "new")));
    assertThat(recorded).containsExactly(true, false);
  }

  @Test
  void theVersionStoreReadsTheTransactionalStoresPlaceholderAsNoPosition() throws Exception {
    JdbcTransactionalStore transactional =
        JdbcTransactionalStore.builder(dataSource)
            .dialect(dialect())
            .dedupTable("spec_processed")
            .positionTable("spec_shared_position")
            .build();
    transactional.createSchema();
    JdbcEntityVersionStore versions =
        JdbcEntityVersionStore.builder(dataSource)
            .dialect(dialect())
            .table("spec_shared_position")
            .build();
    String entity = prefix + "entity";
    // locking a new entity commits a placeholder row with no position
    transactional.inTransaction(tx -> tx.lockPosition(entity));

    assertThat(versions.current(entity)).isEmpty();
    assertThat(versions.advance(entity, Long.MIN_VALUE)).isTrue();
    assertThat(versions.advance(entity, 4)).isTrue();
    long locked = transactional.inTransaction(tx -> tx.lockPosition(entity).getAsLong());
    assertThat(locked).isEqualTo(4);
  }

  @Test
  void aTransactionCannotBeUsedAfterItsWorkReturned() throws Exception {
    JdbcTransactionalStore store =
        JdbcTransactionalStore.builder(dataSource)
            .dialect(dialect())
            .dedupTable("spec_processed")
            .positionTable("spec_position")
            .build();
    store.createSchema();

    TransactionalStore.Transaction leaked = store.inTransaction(tx -> tx);

    assertThatThrownBy(() -> leaked.recordKey(prefix + "k"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(leaked::connection).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void databaseErrorsSurfaceWithTheirSqlState() {
    JdbcDedupStore store =
        JdbcDedupStore.builder(dataSource).dialect(dialect()).table("spec_missing_table").build();

    assertThatThrownBy(() -> store.claim(prefix + "k", "owner", Duration.ofMinutes(1)))
        .isInstanceOfSatisfying(
            JdbcStoreException.class,
            e -> {
              assertThat(e.sqlState()).isNotBlank();
              assertThat(e).hasMessageContaining("spec_missing_table");
            });
  }

  @Test
  @Timeout(60)
  void aClaimBlockedByALockFailsAfterTheQueryTimeout() throws Exception {
    MutableClock clock = MutableClock.create();
    JdbcDedupStore store =
        JdbcDedupStore.builder(dataSource)
            .dialect(dialect())
            .table("spec_timeout")
            .clock(clock)
            .queryTimeout(Duration.ofSeconds(1))
            .build();
    store.createSchema();
    String key = prefix + "locked";
    store.claim(key, "first", Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(2)); // the lease ran out: the next claim updates the row
    try (Connection holder = dataSource.getConnection()) {
      holder.setAutoCommit(false);
      lockRow(holder, "spec_timeout", "dedup_key", key);

      long start = System.nanoTime();
      assertThatThrownBy(() -> store.claim(key, "second", Duration.ofMinutes(1)))
          .isInstanceOf(JdbcStoreException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

      holder.rollback();
    }
    assertThat(store.claim(key, "second", Duration.ofMinutes(1))).isEqualTo(ClaimState.CLAIMED);
  }

  @Test
  @Timeout(60)
  void aPositionLockHeldElsewhereFailsTheTransactionAfterTheQueryTimeout() throws Exception {
    JdbcTransactionalStore store = transactionalStoreTimingOutAfterOneSecond();
    String entity = prefix + "entity";
    store.inTransaction(
        tx -> {
          tx.setPosition(entity, 1);
          return tx.lockPosition(entity);
        });
    try (Connection holder = dataSource.getConnection()) {
      holder.setAutoCommit(false);
      lockRow(holder, "spec_timeout_position", "entity", entity);

      long start = System.nanoTime();
      assertThatThrownBy(() -> store.inTransaction(tx -> tx.lockPosition(entity)))
          .isInstanceOf(JdbcStoreException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

      holder.rollback();
    }
    OptionalLong after = store.inTransaction(tx -> tx.lockPosition(entity));
    assertThat(after).hasValue(1);
  }

  @Test
  @Timeout(60)
  void aHandlersBatchedRowBlockedByALockFailsAfterTheQueryTimeout() throws Exception {
    JdbcTransactionalStore store = transactionalStoreTimingOutAfterOneSecond();
    execute("CREATE TABLE IF NOT EXISTS spec_batch_rows (id VARCHAR(200) PRIMARY KEY, n INTEGER)");
    String row = prefix + "row";
    execute("INSERT INTO spec_batch_rows (id, n) VALUES ('" + row + "', 0)");
    InMemoryDeadLetterSink deadLetters = DeadLetterSink.inMemory();
    EventPipeline pipeline =
        EventPipeline.builder(OneEvent.REGISTRY)
            .transactionalStore(store)
            .deadLetterSink(deadLetters)
            .retry(RetryConfig.custom().maxAttempts(1).build())
            .handler(
                HandlerBinding.ofJson(
                    OneEvent.NAME,
                    (payload, context) ->
                        context
                            .batch("UPDATE spec_batch_rows SET n = n + 1 WHERE id = ?")
                            .add(update -> update.setString(1, row))))
            .build();
    ExecutorService consumer = Executors.newSingleThreadExecutor();
    try (Connection holder = dataSource.getConnection()) {
      holder.setAutoCommit(false);
      lockRow(holder, "spec_batch_rows", "id", row);
      Future<ProcessingResult> blocked =
          consumer.submit(() -> pipeline.process(OneEvent.message(prefix + "a")));
      try {
        // an unbounded batch would wait for the lock for ever: this get would time out
        ProcessingResult result = blocked.get(10, TimeUnit.SECONDS);
        // the handler's failure (one attempt here), as if its own statement had timed out
        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.FAILED);
        assertThat(deadLetters.deadLetters()).hasSize(1);
      } finally {
        holder.rollback(); // frees the consumer thread, should it still wait
      }
    } finally {
      consumer.shutdown();
    }
    assertThat(pipeline.process(OneEvent.message(prefix + "b")).outcome())
        .isEqualTo(Outcome.PROCESSED);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement("SELECT n FROM spec_batch_rows WHERE id = ?")) {
      select.setString(1, row);
      try (ResultSet rows = select.executeQuery()) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getInt(1)).isEqualTo(1); // the blocked event's row was never written
      }
    }
  }

  @Test
  void aNegativeQueryTimeoutIsRefused() {
    assertThatThrownBy(
            () -> JdbcDedupStore.builder(dataSource).queryTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> JdbcEntityVersionStore.builder(dataSource).queryTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> JdbcTransactionalStore.builder(dataSource).queryTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A registry of one event, {@code spec.item.changed}, keyed and ordered by its item. */
  private static final class OneEvent {
    static final String NAME = "spec.item.changed";
    static final ContractRegistry REGISTRY =
        ContractRegistry.builder()
            .name("spec")
            .add(
                EventContract.builder(NAME, "v1")
                    .required("item", Field.string())
                    .required("version", Field.integer())
                    .idempotencyKey(NAME + ":{item}:{version}")
                    .ordering(OrderingRule.byVersion("{item}", "version"))
                    .build())
            .build();

    /** Version 1 of {@code item}. */
    static InboundMessage message(String item) {
      String event =
          "{\"event_id\":\""
              + UUID.randomUUID()
              + "\",\"event_name\":\""
              + NAME
              + "\",\"event_version\":\"v1\",\"occurred_at\":\"2026-01-01T00:00:00Z\","
              + "\"producer\":\"spec\",\"trace_id\":\"0af7651916cd43dd8448eb211c80319c\","
              + "\"idempotency_key\":\""
              + NAME
              + ":"
              + item
              + ":1\",\"payload\":{\"item\":\""
              + item
              + "\",\"version\":1}}";
      return InboundMessage.of(event.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A transactional store on its own tables, whose statements time out after one second. */
  private JdbcTransactionalStore transactionalStoreTimingOutAfterOneSecond() {
    JdbcTransactionalStore store =
        JdbcTransactionalStore.builder(dataSource)
            .dialect(dialect())
            .dedupTable("spec_timeout_processed")
            .positionTable("spec_timeout_position")
            .queryTimeout(Duration.ofSeconds(1))
            .build();
    store.createSchema();
    return store;
  }

  /** Locks one row in {@code holder}'s open transaction, as a stuck consumer or a DBA would. */
  private static void lockRow(Connection holder, String table, String column, String value)
      throws SQLException {
    try (PreparedStatement lock =
        holder.prepareStatement(
            "SELECT " + column + " FROM " + table + " WHERE " + column + " = ? FOR UPDATE")) {
      lock.setString(1, value);
      try (ResultSet rows = lock.executeQuery()) {
        assertThat(rows.next()).isTrue();
      }
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
