package dev.eventcontracts.testing.stores;

import dev.eventcontracts.ordering.EntityVersionStore;

/** Holds the in-memory entity-version store to the ordering kit. */
class InMemoryEntityVersionStoreTest extends EntityVersionStoreContract {
  @Override
  protected EntityVersionStore createStore() {
    return EntityVersionStore.inMemory();
  }
}
