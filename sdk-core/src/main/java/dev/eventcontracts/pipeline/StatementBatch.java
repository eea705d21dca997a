package dev.eventcontracts.pipeline;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A handler's rows for one SQL statement in transactional mode, sent to the database together when
 * the transaction's handlers are done and before it commits: one JDBC {@code executeBatch} for the
 * whole transaction instead of one round trip per event. Get it from {@link
 * EventContext#batch(String)}; every handler in the transaction that asks for the same SQL adds to
 * the same batch, and the batches of different SQL are sent in the order they were first asked for.
 *
 * <p>The rows commit with the events' keys and positions or not at all. When the database refuses
 * the batch, the transaction rolls back and its events run again one transaction each, so the row
 * it refuses fails only its own event, through the handler's retry and dead-letter policy. A row
 * added here is not visible to a query in the same transaction until the batch is sent.
 */
public final class StatementBatch {
  private final PreparedStatement statement;
  private int rows;

  StatementBatch(PreparedStatement statement) {
    this.statement = statement;
  }

  /** Sets one row's parameters on the statement. */
  @FunctionalInterface
  public interface Row {
    /** Sets the parameters, as on any {@link PreparedStatement}; do not execute it. */
    void set(PreparedStatement statement) throws SQLException;
  }

  /** Adds a row: sets its parameters and queues it. */
  public void add(Row row) throws SQLException {
    row.set(statement);
    statement.addBatch();
    rows++;
  }

  /** How many rows this transaction has queued so far. */
  public int rows() {
    return rows;
  }

  void execute() throws SQLException {
    if (rows > 0) {
      statement.executeBatch();
    }
  }

  void close() throws SQLException {
    statement.close();
  }
}
