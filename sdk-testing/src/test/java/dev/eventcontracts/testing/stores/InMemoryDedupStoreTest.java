package dev.eventcontracts.testing.stores;

import dev.eventcontracts.dedup.DedupStore;
import java.time.Clock;

/** Holds the in-memory dedup store to the dedup kit. */
class InMemoryDedupStoreTest extends DedupStoreContract {
  @Override
  protected DedupStore createStore(Clock clock) {
    return DedupStore.inMemory(100_000, clock);
  }
}
