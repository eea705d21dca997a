package dev.eventcontracts.jdbc;

import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.testing.stores.EntityVersionStoreContract;

class PostgresEntityVersionStoreTest extends EntityVersionStoreContract {
  @Override
  protected EntityVersionStore createStore() {
    JdbcEntityVersionStore store =
        JdbcEntityVersionStore.builder(TestDatabases.postgres())
            .dialect(JdbcDialect.POSTGRESQL)
            .table("kit_position")
            .build();
    store.createSchema();
    return store;
  }
}
