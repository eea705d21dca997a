package dev.eventcontracts.memory;

import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.ordering.EntityVersionStore;
import java.time.Clock;

/**
 * Makes the in-memory stores, whose classes are package-private. Users normally reach them through
 * {@link DedupStore#inMemory(long, Clock)} and {@link EntityVersionStore#inMemory()}, which
 * delegate here.
 */
public final class InMemoryStores {
  private InMemoryStores() {}

  /**
   * A bounded, expiring in-memory dedup store; see {@link DedupStore#inMemory(long, Clock)}.
   *
   * @param maximumKeys the most keys held (at least two)
   * @param clock the time source for leases and retention
   * @throws IllegalArgumentException if {@code maximumKeys} is not positive
   */
  public static DedupStore dedupStore(long maximumKeys, Clock clock) {
    return new InMemoryDedupStore(maximumKeys, clock);
  }

  /** An unbounded in-memory entity-version store; see {@link EntityVersionStore#inMemory()}. */
  public static EntityVersionStore entityVersionStore() {
    return new InMemoryEntityVersionStore();
  }
}
