package dev.eventcontracts.jdbc;

import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.testing.stores.TransactionalStoreContract;

class PostgresTransactionalStoreTest extends TransactionalStoreContract {
  @Override
  protected TransactionalStore createStore() {
    JdbcTransactionalStore store =
        JdbcTransactionalStore.builder(TestDatabases.postgres())
            .dialect(JdbcDialect.POSTGRESQL)
            .dedupTable("kit_processed")
            .positionTable("kit_position")
            .build();
    store.createSchema();
    return store;
  }
}
