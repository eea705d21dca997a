package dev.eventcontracts.redis;

import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.testing.stores.EntityVersionStoreContract;

/** The shared entity-version kit against a real Redis. */
class RedisEntityVersionStoreTest extends EntityVersionStoreContract {

  @Override
  protected EntityVersionStore createStore() {
    return RedisEntityVersionStore.builder(TestRedis.client())
        .keyPrefix(TestRedis.freshPrefix("kit-entity"))
        .batchSize(100)
        .build();
  }
}
