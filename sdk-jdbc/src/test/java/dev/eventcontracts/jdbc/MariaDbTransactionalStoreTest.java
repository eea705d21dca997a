package dev.eventcontracts.jdbc;

import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.testing.stores.TransactionalStoreContract;

class MariaDbTransactionalStoreTest extends TransactionalStoreContract {
  @Override
  protected TransactionalStore createStore() {
    JdbcTransactionalStore store =
        JdbcTransactionalStore.builder(TestDatabases.mariaDb())
            .dialect(JdbcDialect.MARIADB)
            .dedupTable("kit_processed")
            .positionTable("kit_position")
            .build();
    store.createSchema();
    return store;
  }
}
