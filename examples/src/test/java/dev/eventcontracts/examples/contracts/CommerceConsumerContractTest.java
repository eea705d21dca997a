package dev.eventcontracts.examples.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.jdbc.JdbcTransactionalStore;
import dev.eventcontracts.pipeline.EventContext;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.testing.harness.HandlerHarness;
import dev.eventcontracts.testing.junit.ContractTest;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * Seed 004 (commerce): a storefront read model in transactional mode. The handlers write their rows
 * through the transaction's connection ({@link EventContext#connection()}), so the rows, the
 * idempotency key and the entity position commit together (sdk-jdbc's {@link
 * JdbcTransactionalStore} on H2); the harness rolls transactions back to prove no state lives
 * outside them.
 */
@ContractTest(registry = "registries/commerce")
class CommerceConsumerContractTest {

  /** Available stock per product and location, and current prices, as rows of two tables. */
  static final class Storefront {
    record InventoryUpdated(
        @JsonProperty("product_id") String productId,
        @JsonProperty("location_id") String locationId,
        @JsonProperty("available_quantity") int availableQuantity) {}

    record PriceChanged(
        @JsonProperty("product_id") String productId,
        @JsonProperty("new_price") BigDecimal newPrice) {}

    private final DataSource dataSource;

    Storefront(DataSource dataSource) throws SQLException {
      this.dataSource = dataSource;
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE stock (product_id VARCHAR(64), location_id VARCHAR(64), available INT,"
                + " PRIMARY KEY (product_id, location_id))");
        s.execute("CREATE TABLE prices (product_id VARCHAR(64) PRIMARY KEY, price DECIMAL(12, 2))");
      }
    }

    List<HandlerBinding<?>> bindings() {
      return List.of(
          HandlerBinding.of("InventoryUpdated", InventoryUpdated.class, this::onInventory),
          HandlerBinding.of("product.price_changed", PriceChanged.class, this::onPrice));
    }

    void onInventory(InventoryUpdated e, EventContext context) throws SQLException {
      Connection tx = context.connection();
      try (PreparedStatement ps =
          tx.prepareStatement(
              "MERGE INTO stock (product_id, location_id, available) KEY (product_id, location_id)"
                  + " VALUES (?, ?, ?)")) {
        ps.setString(1, e.productId());
        ps.setString(2, e.locationId());
        ps.setInt(3, e.availableQuantity());
        ps.executeUpdate();
      }
    }

    void onPrice(PriceChanged e, EventContext context) throws SQLException {
      Connection tx = context.connection();
      try (PreparedStatement ps =
          tx.prepareStatement(
              "MERGE INTO prices (product_id, price) KEY (product_id) VALUES (?, ?)")) {
        ps.setString(1, e.productId());
        ps.setBigDecimal(2, e.newPrice());
        ps.executeUpdate();
      }
    }

    /** The committed rows, read on a connection of their own. */
    Map<String, String> snapshot() {
      Map<String, String> rows = new TreeMap<>();
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        try (ResultSet rs =
            s.executeQuery("SELECT product_id, location_id, available FROM stock")) {
          while (rs.next()) {
            rows.put("stock/" + rs.getString(1) + "/" + rs.getString(2), rs.getString(3));
          }
        }
        try (ResultSet rs = s.executeQuery("SELECT product_id, price FROM prices")) {
          while (rs.next()) {
            rows.put("price/" + rs.getString(1), rs.getBigDecimal(2).toPlainString());
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      return rows;
    }
  }

  private final HandlerHarness harness;

  CommerceConsumerContractTest(ContractRegistry registry) throws SQLException {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:storefront-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    Storefront storefront = new Storefront(dataSource);
    // --8<-- [start:transactional]
    JdbcTransactionalStore store = JdbcTransactionalStore.builder(dataSource).build();
    store.createSchema();
    harness =
        HandlerHarness.builder(registry)
            .handlers(storefront.bindings())
            .transactionalStore(() -> store)
            // every scenario starts from empty tables: rows, keys and positions
            .reset(
                () ->
                    execute(
                        dataSource,
                        "DELETE FROM stock",
                        "DELETE FROM prices",
                        "DELETE FROM " + store.dedupTable(),
                        "DELETE FROM " + store.positionTable()))
            .state(storefront::snapshot)
            .build();
    // --8<-- [end:transactional]
  }

  @Test
  void everyCheckOfTheKitPassesInTransactionalMode() {
    harness.assertAll();
  }

  @Test
  void noStateLivesOutsideTheTransaction() {
    harness.assertStateInsideTransaction();
  }

  private static void execute(DataSource dataSource, String... statements) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
