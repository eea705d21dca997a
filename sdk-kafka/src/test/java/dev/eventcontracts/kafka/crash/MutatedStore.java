package dev.eventcontracts.kafka.crash;

import dev.eventcontracts.dedup.TransactionalStore;
import java.sql.Connection;
import java.util.Locale;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * A {@link TransactionalStore} with one guarantee taken out, to show that the crash test notices:
 * run it with {@code -Dcrash.mutation=<name>} and it must fail. Not used otherwise.
 */
final class MutatedStore implements TransactionalStore {

  /** Which guarantee is broken. */
  enum Mutation {
    /** None: the store as it is. */
    NONE,
    /** Every key counts as new: deduplication is gone (ordering still catches most repeats). */
    NO_DEDUP,
    /** Every entity looks new: stale versions are applied. */
    NO_ORDERING,
    /**
     * The handler writes on its own autocommit connection, outside the store's transaction: the
     * window of the claim/complete protocol, where a crash after the side effect leaves it behind.
     */
    SIDE_EFFECTS_OUTSIDE;

    static Mutation fromProperty() {
      return valueOf(System.getProperty("crash.mutation", "none").toUpperCase(Locale.ROOT));
    }
  }

  private final TransactionalStore delegate;
  private final DataSource dataSource;
  private final Mutation mutation;

  private MutatedStore(TransactionalStore delegate, DataSource dataSource, Mutation mutation) {
    this.delegate = delegate;
    this.dataSource = dataSource;
    this.mutation = mutation;
  }

  /** The store itself when there is no mutation, else a wrapper that breaks it. */
  static TransactionalStore of(TransactionalStore store, DataSource dataSource, Mutation mutation) {
    return mutation == Mutation.NONE ? store : new MutatedStore(store, dataSource, mutation);
  }

  @Override
  public <R> R inTransaction(Work<R> work) throws Exception {
    if (mutation != Mutation.SIDE_EFFECTS_OUTSIDE) {
      return delegate.inTransaction(tx -> work.run(wrap(tx, null)));
    }
    try (Connection outside = dataSource.getConnection()) {
      outside.setAutoCommit(true);
      return delegate.inTransaction(tx -> work.run(wrap(tx, outside)));
    }
  }

  private Transaction wrap(Transaction tx, Connection outside) {
    return new Transaction() {
      @Override
      public boolean recordKey(String key) {
        boolean recorded = tx.recordKey(key);
        return mutation == Mutation.NO_DEDUP || recorded;
      }

      @Override
      public OptionalLong lockPosition(String entity) {
        OptionalLong position = tx.lockPosition(entity);
        return mutation == Mutation.NO_ORDERING ? OptionalLong.empty() : position;
      }

      @Override
      public void setPosition(String entity, long position) {
        tx.setPosition(entity, position);
      }

      @Override
      public Connection connection() {
        return outside != null ? outside : tx.connection();
      }
    };
  }
}
