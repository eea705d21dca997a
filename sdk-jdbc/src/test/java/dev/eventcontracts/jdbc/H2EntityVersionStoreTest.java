package dev.eventcontracts.jdbc;

import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.testing.stores.EntityVersionStoreContract;

class H2EntityVersionStoreTest extends EntityVersionStoreContract {
  @Override
  protected EntityVersionStore createStore() {
    JdbcEntityVersionStore store =
        JdbcEntityVersionStore.builder(TestDatabases.h2())
            .dialect(JdbcDialect.H2)
            .table("kit_position")
            .build();
    store.createSchema();
    return store;
  }
}
