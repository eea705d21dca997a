package dev.eventcontracts.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventcontracts.dedup.ClaimState;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the Redis store adds to the kit: its key layout, server-side expiry and batching. */
class RedisDedupStoreRedisTest {
  private static final Duration LEASE = Duration.ofMinutes(1);

  private RedisCommands<String, String> redis;
  private String prefix;
  private RedisDedupStore store;

  @BeforeEach
  void open() {
    redis = TestRedis.connection().sync();
    prefix = TestRedis.freshPrefix("dedup");
    store = RedisDedupStore.builder(TestRedis.client()).keyPrefix(prefix).batchSize(100).build();
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void recordsAreStringsWithStateOwnerAndServerSideExpiry() {
    store.claim("k", "owner-1", Duration.ofSeconds(30));
    assertThat(redis.get(prefix + "k")).isEqualTo("P|owner-1");
    assertThat(redis.pttl(prefix + "k")).isBetween(1L, 30_000L);

    store.complete("k", "owner-1", Duration.ofHours(2));
    assertThat(redis.get(prefix + "k")).isEqualTo("C|owner-1");
    assertThat(redis.pttl(prefix + "k")).isBetween(30_001L, 7_200_000L);
  }

  @Test
  void subMillisecondLeasesRoundUpInsteadOfFailing() {
    assertThat(store.claim("k", "owner-1", Duration.ofNanos(1))).isEqualTo(ClaimState.CLAIMED);
    assertThatThrownBy(() -> store.claim("z", "owner-1", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.complete("z", "owner-1", Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void foreignValuesCountAsInProgressAndAreNeverOverwritten() {
    redis.set(prefix + "text", "something else");
    redis.hset(prefix + "hash", "field", "value");

    Map<String, ClaimState> states = store.claimAll(List.of("text", "hash", "new"), "o", LEASE);

    assertThat(states)
        .containsExactly(
            Map.entry("text", ClaimState.IN_PROGRESS),
            Map.entry("hash", ClaimState.IN_PROGRESS),
            Map.entry("new", ClaimState.CLAIMED));
    store.release("text", "o");
    assertThat(redis.get(prefix + "text")).isEqualTo("something else");
  }

  @Test
  void largeBatchesSpanManyScriptCallsAndKeepTheGivenOrder() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 2_345; i++) {
      keys.add("key-" + i);
    }
    store.claim("key-7", "other", LEASE);
    store.claim("key-1999", "other", LEASE);
    store.complete("key-1999", "other", LEASE);
    keys.add("key-0"); // a repeat counts once

    Map<String, ClaimState> states = store.claimAll(keys, "owner-1", LEASE);

    assertThat(states).hasSize(2_345);
    assertThat(new ArrayList<>(states.keySet())).isEqualTo(keys.subList(0, 2_345));
    assertThat(states.get("key-7")).isEqualTo(ClaimState.IN_PROGRESS);
    assertThat(states.get("key-1999")).isEqualTo(ClaimState.COMPLETED);
    assertThat(states.values().stream().filter(ClaimState.CLAIMED::equals).count())
        .isEqualTo(2_343);
    assertThat(redis.get(prefix + "key-2344")).isEqualTo("P|owner-1");
  }

  @Test
  void emptyBatchNeedsNoRoundTrip() {
    assertThat(store.claimAll(List.of(), "owner-1", LEASE)).isEmpty();
  }

  @Test
  void aStoreBuiltOnAConnectionLeavesItOpen() {
    StatefulRedisConnection<String, String> connection = TestRedis.client().connect();
    try {
      RedisDedupStore borrowing = RedisDedupStore.builder(connection).keyPrefix(prefix).build();
      borrowing.claim("k", "owner-1", LEASE);
      borrowing.close();
      assertThat(connection.isOpen()).isTrue();
      assertThat(connection.sync().get(prefix + "k")).isEqualTo("P|owner-1");
    } finally {
      connection.close();
    }
  }

  @Test
  void closedStoreFails() {
    store.close();
    assertThatThrownBy(() -> store.claim("k", "owner-1", LEASE))
        .isInstanceOf(RuntimeException.class);
  }
}
