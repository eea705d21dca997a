package dev.eventcontracts.pipeline;

import dev.eventcontracts.dedup.TransactionalStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The handlers' {@link StatementBatch}es of one open transaction, by SQL, sent in the order first
 * asked for just before the transaction commits. Made inside the transaction's work, so a retried
 * transaction starts with none. The statements are prepared by the transaction, which bounds them
 * by the store's query timeout.
 */
final class TransactionWrites implements AutoCloseable {
  private final TransactionalStore.Transaction transaction;
  private final Connection connection;
  private final Map<String, StatementBatch> batches = new LinkedHashMap<>();

  TransactionWrites(TransactionalStore.Transaction transaction) {
    this.transaction = transaction;
    this.connection = transaction.connection();
  }

  Connection connection() {
    return connection;
  }

  StatementBatch batch(String sql) throws SQLException {
    StatementBatch batch = batches.get(sql);
    if (batch == null) {
      batch = new StatementBatch(transaction.prepare(sql));
      batches.put(sql, batch);
    }
    return batch;
  }

  /** Sends every batch; the first the database refuses stops the rest. */
  void execute() throws SQLException {
    for (StatementBatch batch : batches.values()) {
      batch.execute();
    }
  }

  /** Closes the statements; rows not sent are dropped with the rolled-back transaction. */
  @Override
  public void close() throws SQLException {
    SQLException first = null;
    for (StatementBatch batch : batches.values()) {
      try {
        batch.close();
      } catch (SQLException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    batches.clear();
    if (first != null) {
      throw first;
    }
  }
}
