package dev.eventcontracts.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedisStoresExampleTest {

  @Test
  void theDocumentedExampleRunsAndIgnoresTheRedelivery() {
    String dedupPrefix = TestRedis.freshPrefix("example-dedup");
    String entityPrefix = TestRedis.freshPrefix("example-entity");

    assertThat(RedisStoresExample.handleBatch(TestRedis.client(), dedupPrefix, entityPrefix))
        .containsExactly("evt-1", "evt-2");
    // the same batch again: both keys are completed, nothing runs twice
    assertThat(RedisStoresExample.handleBatch(TestRedis.client(), dedupPrefix, entityPrefix))
        .isEmpty();
  }
}
