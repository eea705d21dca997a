package dev.eventcontracts.jdbc;

import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.testing.stores.DedupStoreContract;
import java.time.Clock;

class H2DedupStoreTest extends DedupStoreContract {
  @Override
  protected DedupStore createStore(Clock clock) {
    JdbcDedupStore store =
        JdbcDedupStore.builder(TestDatabases.h2())
            .dialect(JdbcDialect.H2)
            .table("kit_dedup")
            .clock(clock)
            .build();
    store.createSchema();
    return store;
  }
}
