package dev.eventcontracts.redis;

import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.testing.stores.DedupStoreContract;
import java.time.Clock;

/**
 * The shared dedup kit against a real Redis. The store ignores the kit's clock: leases and
 * retention are Redis key expiries on the server's clock, so the kit's expiry tests use short real
 * durations.
 */
class RedisDedupStoreTest extends DedupStoreContract {

  @Override
  protected DedupStore createStore(Clock clock) {
    return RedisDedupStore.builder(TestRedis.client())
        .keyPrefix(TestRedis.freshPrefix("kit-dedup"))
        // small chunks, so the kit's batches span several script calls
        .batchSize(64)
        .build();
  }

  @Override
  protected boolean usesServerTime() {
    return true;
  }
}
