package dev.eventcontracts.kafka.crash;

import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.pipeline.Outcome;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

/**
 * Counts, per outcome, the transactions a consumer runs while it is a zombie: after a stall got it
 * expelled from the group and before it learned so at its next poll. Those run at the same time as
 * the partitions' new owner, on the same records.
 */
final class ZombieWatch implements TransactionalStore {
  private final TransactionalStore delegate;
  private final BooleanSupplier zombie;
  private final AtomicLongArray counts;

  ZombieWatch(TransactionalStore delegate, BooleanSupplier zombie, AtomicLongArray counts) {
    this.delegate = delegate;
    this.zombie = zombie;
    this.counts = counts;
  }

  /** Counts by {@link Outcome#ordinal()}, to share between the consumers. */
  static AtomicLongArray newCounts() {
    return new AtomicLongArray(Outcome.values().length);
  }

  @Override
  public <R> R inTransaction(Work<R> work) throws Exception {
    boolean counted = zombie.getAsBoolean();
    R result = delegate.inTransaction(work);
    if (counted && result instanceof Outcome outcome) {
      counts.incrementAndGet(outcome.ordinal());
    }
    return result;
  }
}
