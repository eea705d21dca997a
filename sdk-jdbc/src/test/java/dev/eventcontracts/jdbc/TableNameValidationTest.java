package dev.eventcontracts.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventcontracts.dedup.DedupStore;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TableNameValidationTest {
  private static final DataSource H2 = TestDatabases.h2();

  static List<Consumer<String>> builders() {
    return List.of(
        name -> JdbcDedupStore.builder(H2).table(name),
        name -> JdbcEntityVersionStore.builder(H2).table(name),
        name -> JdbcTransactionalStore.builder(H2).dedupTable(name),
        name -> JdbcTransactionalStore.builder(H2).positionTable(name));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "event_dedup",
        "_t",
        "T1",
        "public.event_dedup",
        "my_schema.My_Table_2",
        "a23456789012345678901234567890123456789012345678901234567890123"
      })
  void plainAndSchemaQualifiedIdentifiersAreAccepted(String name) {
    for (Consumer<String> builder : builders()) {
      builder.accept(name);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "1abc",
        "event-dedup",
        "event dedup",
        "a.b.c",
        ".t",
        "s.",
        "t;DROP TABLE users",
        "t--",
        "\"quoted\"",
        "`quoted`",
        "t\u00e1bla",
        "t\n",
        "a234567890123456789012345678901234567890123456789012345678901234"
      })
  void anythingElseIsRejected(String name) {
    for (Consumer<String> builder : builders()) {
      assertThatThrownBy(() -> builder.accept(name))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("table name");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "user",
        "USER",
        "order",
        "Select",
        "table",
        "group",
        "key",
        "limit",
        "returning",
        "value",
        "position",
        "public.order",
        "from.event_dedup",
        "_rowid_"
      })
  void reservedWordsAreRejected(String name) {
    for (Consumer<String> builder : builders()) {
      assertThatThrownBy(() -> builder.accept(name))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("reserved word");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pg_catalog.event_dedup",
        "PG_CATALOG.t",
        "information_schema.tables",
        "mysql.event_dedup",
        "performance_schema.t",
        "sys.t",
        "pg_toast.t",
        "pg_temp_3.t",
        "pg_class",
        "public.pg_dedup"
      })
  void systemCatalogsAreRejected(String name) {
    for (Consumer<String> builder : builders()) {
      assertThatThrownBy(() -> builder.accept(name))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("system catalog");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"users", "orders", "positions", "my_pg_table", "pgx", "mysql_app.t", "system_x"})
  void namesThatOnlyResembleReservedOnesAreAccepted(String name) {
    for (Consumer<String> builder : builders()) {
      builder.accept(name);
    }
  }

  @Test
  void aNullTableNameIsRejected() {
    for (Consumer<String> builder : builders()) {
      assertThatThrownBy(() -> builder.accept(null)).isInstanceOf(NullPointerException.class);
    }
  }

  @Test
  void keysLongerThan512CharsOrWithNulAreRejectedBeforeReachingTheDatabase() {
    DedupStore store =
        JdbcDedupStore.builder(H2).dialect(JdbcDialect.H2).table("never_created").build();
    Duration lease = Duration.ofSeconds(1);

    assertThatThrownBy(() -> store.claim("x".repeat(513), "owner", lease))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("512");
    assertThatThrownBy(() -> store.claim("a\u0000b", "owner", lease))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUL");
    assertThatThrownBy(() -> store.claim("k", "o".repeat(256), lease))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("owner");
    assertThatThrownBy(() -> store.claimAll(List.of("k", "x".repeat(513)), "owner", lease))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDialectIsReadFromTheProductName() {
    assertThat(JdbcDialect.fromProductName("PostgreSQL")).isEqualTo(JdbcDialect.POSTGRESQL);
    assertThat(JdbcDialect.fromProductName("MariaDB")).isEqualTo(JdbcDialect.MARIADB);
    assertThat(JdbcDialect.fromProductName("MySQL")).isEqualTo(JdbcDialect.MARIADB);
    assertThat(JdbcDialect.fromProductName("H2")).isEqualTo(JdbcDialect.H2);
    assertThatThrownBy(() -> JdbcDialect.fromProductName("Oracle"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Oracle");
  }

  static List<JdbcDialect> dialects() {
    return List.of(JdbcDialect.values());
  }

  @ParameterizedTest
  @MethodSource("dialects")
  void theShippedDdlIsRenamedToTheConfiguredTables(JdbcDialect dialect) {
    List<String> statements =
        Schema.statements(
            dialect, java.util.Map.of(Schema.DEDUP_TABLE, "s.d", Schema.PROCESSED_TABLE, "p"));

    assertThat(statements).hasSize(2);
    assertThat(statements)
        .anySatisfy(sql -> assertThat(sql).startsWith("CREATE TABLE IF NOT EXISTS s.d ("));
    assertThat(statements)
        .anySatisfy(sql -> assertThat(sql).startsWith("CREATE TABLE IF NOT EXISTS p ("));
    assertThat(String.join("\n", statements))
        .doesNotContain("event_dedup", "event_processed", "--");
  }
}
