package dev.eventcontracts.jdbc;

import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.testing.stores.DedupStoreContract;
import java.time.Clock;

class PostgresDedupStoreTest extends DedupStoreContract {
  @Override
  protected DedupStore createStore(Clock clock) {
    JdbcDedupStore store =
        JdbcDedupStore.builder(TestDatabases.postgres())
            .dialect(JdbcDialect.POSTGRESQL)
            .table("kit_dedup")
            .clock(clock)
            .build();
    store.createSchema();
    return store;
  }
}
