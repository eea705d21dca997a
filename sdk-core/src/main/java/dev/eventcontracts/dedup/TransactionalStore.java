package dev.eventcontracts.dedup;

import java.sql.Connection;
import java.util.OptionalLong;

/**
 * A store that records the idempotency key, the entity position and the handler's own writes in one
 * database transaction, for exactly-once effects. The claim, handle, complete protocol of {@link
 * DedupStore} leaves a window (the side effect is done, the completion not yet recorded, the
 * consumer dies, the lease expires, the handler runs again); in a transaction there is no such
 * window, because the key, the position and the side effect commit or roll back together.
 */
public interface TransactionalStore {

  /**
   * Runs work in one transaction: commits when it returns, rolls back when it throws.
   *
   * @param work what to do inside the transaction
   * @return what the work returned
   * @throws Exception what the work threw, after the rollback, or a database error
   */
  <R> R inTransaction(Work<R> work) throws Exception;

  /** Work done inside a transaction. */
  @FunctionalInterface
  interface Work<R> {
    /** Does the work. */
    R run(Transaction transaction) throws Exception;
  }

  /** One open transaction. */
  interface Transaction {
    /**
     * Records the key as processed, if no transaction recorded it before.
     *
     * @return true when this transaction recorded it (the event is new); false for a duplicate
     */
    boolean recordKey(String key);

    /**
     * The entity's last applied position, locking the entity until the transaction ends, so two
     * transactions on one entity serialize.
     */
    OptionalLong lockPosition(String entity);

    /** Stores the entity's new position (the caller checked that it is newer). */
    void setPosition(String entity, long position);

    /** The transaction's connection, for the handler's own writes. Do not commit or close it. */
    Connection connection();
  }
}
