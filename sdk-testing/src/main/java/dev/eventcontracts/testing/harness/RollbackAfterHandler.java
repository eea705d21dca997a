package dev.eventcontracts.testing.harness;

import dev.eventcontracts.dedup.TransactionalStore;

/**
 * A transactional store that, while armed, lets the work (key, position, handler) run and then
 * rolls the transaction back, as a commit that fails would. Whatever the handler wrote through the
 * transaction's connection is undone; state it kept anywhere else is not, and that is what the
 * harness looks for.
 */
final class RollbackAfterHandler implements TransactionalStore {
  private final TransactionalStore delegate;
  private boolean armed;

  RollbackAfterHandler(TransactionalStore delegate) {
    this.delegate = delegate;
  }

  void arm(boolean armed) {
    this.armed = armed;
  }

  @Override
  public <R> R inTransaction(Work<R> work) throws Exception {
    if (!armed) {
      return delegate.inTransaction(work);
    }
    return delegate.inTransaction(
        tx -> {
          work.run(tx);
          throw new InjectedRollback();
        });
  }

  /** Thrown inside the transaction so the store rolls it back; the pipeline retries the event. */
  static final class InjectedRollback extends Exception {
    private static final long serialVersionUID = 1L;

    InjectedRollback() {
      super("the harness rolled the transaction back after the handler ran");
    }
  }
}
