package dev.eventcontracts.dedup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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

    /**
     * Records many keys, as {@link #recordKey} does one; a batch of events processed in one
     * transaction uses this. The default records one by one; stores override it with one round
     * trip.
     *
     * @return the distinct keys this transaction recorded (the new events); the others are
     *     duplicates
     */
    default Set<String> recordKeys(Collection<String> keys) {
      Set<String> recorded = new LinkedHashSet<>();
      for (String key : new TreeSet<>(keys)) {
        if (recordKey(key)) {
          recorded.add(key);
        }
      }
      return recorded;
    }

    /**
     * Locks and reads many entities, as {@link #lockPosition} does one, in sorted order so that two
     * transactions locking overlapping sets wait for each other instead of deadlocking. The default
     * locks one by one; stores override it with fewer round trips.
     *
     * @return the last applied position of every entity asked for (empty when none)
     */
    default Map<String, OptionalLong> lockPositions(Collection<String> entities) {
      Map<String, OptionalLong> positions = new LinkedHashMap<>();
      for (String entity : new TreeSet<>(entities)) {
        positions.put(entity, lockPosition(entity));
      }
      return positions;
    }

    /**
     * Stores many entities' new positions, as {@link #setPosition} does one (the caller checked
     * that each is newer). The default sets one by one, in sorted order; stores override it with
     * one round trip.
     */
    default void setPositions(Map<String, Long> positions) {
      for (Map.Entry<String, Long> e : new TreeMap<>(positions).entrySet()) {
        setPosition(e.getKey(), e.getValue());
      }
    }

    /** The transaction's connection, for the handler's own writes. Do not commit or close it. */
    Connection connection();

    /**
     * Prepares a statement on the transaction's connection for the handlers' batched writes ({@code
     * EventContext.batch}), bounded as the store bounds its own statements, so a row lock held
     * elsewhere fails the transaction instead of stalling the consumer. The caller closes it. The
     * default prepares it on {@link #connection()} without a bound.
     */
    default PreparedStatement prepare(String sql) throws SQLException {
      return connection().prepareStatement(sql);
    }
  }
}
