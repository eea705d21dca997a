package dev.eventcontracts.testing.harness;

import dev.eventcontracts.dedup.TransactionalStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An H2 in-memory database holding the handlers' table ({@code balances}) and a small transactional
 * store over it (keys and positions), so the kit's tests run handlers in transactional mode on a
 * real connection. sdk-jdbc's store cannot be used here: sdk-jdbc tests with sdk-testing.
 */
final class H2Ledger {
  private final String url = "jdbc:h2:mem:ledger-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  private final Connection keepAlive;

  H2Ledger() throws SQLException {
    keepAlive = DriverManager.getConnection(url);
    try (Statement s = keepAlive.createStatement()) {
      s.execute("CREATE TABLE processed_keys (k VARCHAR(512) PRIMARY KEY)");
      s.execute("CREATE TABLE positions (entity VARCHAR(512) PRIMARY KEY, position BIGINT)");
      s.execute("CREATE TABLE balances (account_id VARCHAR(64) PRIMARY KEY, balance BIGINT)");
    }
  }

  /** Empties every table: the harness calls this before each scenario. */
  void reset() {
    run("DELETE FROM processed_keys", "DELETE FROM positions", "DELETE FROM balances");
  }

  /** The committed balances, read outside any transaction. */
  Map<String, Long> balances() {
    Map<String, Long> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(url);
        ResultSet rs =
            c.createStatement().executeQuery("SELECT account_id, balance FROM balances")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** Writes a balance through the handler's transaction. */
  static void upsert(Connection c, String account, long balance) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "MERGE INTO balances (account_id, balance) KEY (account_id) VALUES (?, ?)")) {
      ps.setString(1, account);
      ps.setLong(2, balance);
      ps.executeUpdate();
    }
  }

  TransactionalStore store() {
    return new TransactionalStore() {
      @Override
      public <R> R inTransaction(Work<R> work) throws Exception {
        try (Connection c = DriverManager.getConnection(url)) {
          c.setAutoCommit(false);
          try {
            R result = work.run(transaction(c));
            c.commit();
            return result;
          } catch (Exception | Error e) {
            c.rollback();
            throw e;
          }
        }
      }
    };
  }

  private static TransactionalStore.Transaction transaction(Connection c) {
    return new TransactionalStore.Transaction() {
      @Override
      public boolean recordKey(String key) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO processed_keys (k) SELECT ? WHERE NOT EXISTS"
                    + " (SELECT 1 FROM processed_keys WHERE k = ?)")) {
          ps.setString(1, key);
          ps.setString(2, key);
          return ps.executeUpdate() == 1;
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public OptionalLong lockPosition(String entity) {
        try (PreparedStatement ps =
            c.prepareStatement("SELECT position FROM positions WHERE entity = ? FOR UPDATE")) {
          ps.setString(1, entity);
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
          }
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public void setPosition(String entity, long position) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "MERGE INTO positions (entity, position) KEY (entity) VALUES (?, ?)")) {
          ps.setString(1, entity);
          ps.setLong(2, position);
          ps.executeUpdate();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public Connection connection() {
        return c;
      }
    };
  }

  private void run(String... statements) {
    try (Statement s = keepAlive.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
