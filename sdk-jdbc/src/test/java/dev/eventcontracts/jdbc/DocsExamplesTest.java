package dev.eventcontracts.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.dedup.ClaimState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The examples of docs/stores.md, compiled and run on H2 so that they cannot go stale. */
class DocsExamplesTest {
  private final DataSource dataSource = TestDatabases.h2();
  private final List<String> handled = new ArrayList<>();

  @Test
  void dedupStore() {
    // --- docs: dedup ---
    JdbcDedupStore store = JdbcDedupStore.builder(dataSource).table("docs_dedup").build();
    store.createSchema(); // or run the shipped DDL in your migrations
    String owner = "orders-consumer-1"; // one id per consumer instance

    String key = "order-42:created";
    switch (store.claim(key, owner, Duration.ofSeconds(30))) {
      case CLAIMED -> {
        try {
          handle(key);
          store.complete(key, owner, Duration.ofDays(7));
        } catch (RuntimeException e) {
          store.release(key, owner); // a redelivery may claim it again at once
          throw e;
        }
      }
      case IN_PROGRESS -> {} // another consumer runs it right now: redeliver later
      case COMPLETED -> {} // a duplicate: acknowledge and skip
    }
    // --- end ---

    assertThat(handled).containsExactly(key);
    assertThat(store.claim(key, "orders-consumer-2", Duration.ofSeconds(30)))
        .isEqualTo(ClaimState.COMPLETED);
  }

  @Test
  void batchClaims() {
    JdbcDedupStore store = JdbcDedupStore.builder(dataSource).table("docs_dedup").build();
    store.createSchema();
    String owner = "orders-consumer-1";
    List<String> polled = List.of("order-1:created", "order-2:created", "order-1:created");

    // --- docs: batch ---
    Map<String, ClaimState> states = store.claimAll(polled, owner, Duration.ofSeconds(30));
    states.forEach(
        (key, state) -> {
          if (state == ClaimState.CLAIMED) {
            handle(key);
            store.complete(key, owner, Duration.ofDays(7));
          }
        });
    // --- end ---

    assertThat(handled).containsExactly("order-1:created", "order-2:created");
  }

  @Test
  void entityVersionStore() {
    // --- docs: versions ---
    JdbcEntityVersionStore versions =
        JdbcEntityVersionStore.builder(dataSource).table("docs_versions").build();
    versions.createSchema();

    boolean newer = versions.advance("candidate:c-7", 3); // true: 3 is newer than nothing
    boolean stale = !versions.advance("candidate:c-7", 2); // true: 2 is older than 3
    OptionalLong current = versions.current("candidate:c-7"); // 3
    // --- end ---

    assertThat(newer).isTrue();
    assertThat(stale).isTrue();
    assertThat(current).hasValue(3);
  }

  @Test
  void transactionalStore() throws Exception {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS candidate (id VARCHAR(64) PRIMARY KEY, name VARCHAR(200))");
      statement.execute("MERGE INTO candidate KEY (id) VALUES ('c-7', 'Ada')");
    }

    // --- docs: transactional ---
    JdbcTransactionalStore store =
        JdbcTransactionalStore.builder(dataSource)
            .dedupTable("docs_processed")
            .positionTable("docs_position")
            .build();
    store.createSchema();

    String outcome =
        store.inTransaction(
            tx -> {
              if (!tx.recordKey("evt-9f2c")) {
                return "duplicate"; // committed before: nothing to do
              }
              OptionalLong position = tx.lockPosition("candidate:c-7"); // row lock until commit
              long version = 5;
              if (position.isPresent() && position.getAsLong() >= version) {
                return "stale"; // the key is still recorded: the event is done
              }
              try (PreparedStatement update =
                  tx.connection().prepareStatement("UPDATE candidate SET name = ? WHERE id = ?")) {
                update.setString(1, "Ada Lovelace");
                update.setString(2, "c-7");
                update.executeUpdate();
              }
              tx.setPosition("candidate:c-7", version);
              return "applied"; // key, position and the update commit together
            });

    // now and then: forget keys older than any redelivery you expect
    store.deleteKeysOlderThan(Instant.now().minus(Duration.ofDays(7)));
    // --- end ---

    assertThat(outcome).isEqualTo("applied");
    String again = store.inTransaction(tx -> tx.recordKey("evt-9f2c") ? "new" : "duplicate");
    assertThat(again).isEqualTo("duplicate");
  }

  private void handle(String key) {
    handled.add(key);
  }
}
