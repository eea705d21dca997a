package dev.eventcontracts.jdbc;

import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.testing.stores.DedupStoreContract;
import java.time.Clock;

class MariaDbDedupStoreTest extends DedupStoreContract {
  @Override
  protected DedupStore createStore(Clock clock) {
    JdbcDedupStore store =
        JdbcDedupStore.builder(TestDatabases.mariaDb())
            .dialect(JdbcDialect.MARIADB)
            .table("kit_dedup")
            .clock(clock)
            .build();
    store.createSchema();
    return store;
  }
}
