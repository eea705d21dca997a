package dev.eventcontracts.jdbc;

import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.testing.stores.EntityVersionStoreContract;

class MariaDbEntityVersionStoreTest extends EntityVersionStoreContract {
  @Override
  protected EntityVersionStore createStore() {
    JdbcEntityVersionStore store =
        JdbcEntityVersionStore.builder(TestDatabases.mariaDb())
            .dialect(JdbcDialect.MARIADB)
            .table("kit_position")
            .build();
    store.createSchema();
    return store;
  }
}
