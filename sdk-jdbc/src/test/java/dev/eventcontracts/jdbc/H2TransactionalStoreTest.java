package dev.eventcontracts.jdbc;

import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.testing.stores.TransactionalStoreContract;

class H2TransactionalStoreTest extends TransactionalStoreContract {
  @Override
  protected TransactionalStore createStore() {
    JdbcTransactionalStore store =
        JdbcTransactionalStore.builder(TestDatabases.h2())
            .dialect(JdbcDialect.H2)
            .dedupTable("kit_processed")
            .positionTable("kit_position")
            .build();
    store.createSchema();
    return store;
  }
}
