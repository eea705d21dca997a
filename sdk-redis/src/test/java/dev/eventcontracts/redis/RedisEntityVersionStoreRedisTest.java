package dev.eventcontracts.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the Redis store adds to the kit: exact 64-bit comparison, key layout and expiry. */
class RedisEntityVersionStoreRedisTest {
  private RedisCommands<String, String> redis;
  private String prefix;
  private RedisEntityVersionStore store;

  @BeforeEach
  void open() {
    redis = TestRedis.connection().sync();
    prefix = TestRedis.freshPrefix("entity");
    store = RedisEntityVersionStore.builder(TestRedis.client()).keyPrefix(prefix).build();
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void positionsAreDecimalStringsWithoutExpiry() {
    store.advance("order-1", 42);
    assertThat(redis.get(prefix + "order-1")).isEqualTo("42");
    assertThat(redis.pttl(prefix + "order-1")).isEqualTo(-1L);
  }

  @Test
  void comparesEveryLongExactlyEvenWhereLuaDoublesCannot() {
    // 2^53 + 1 and 2^53 are one double in Lua; the store compares the digits instead
    assertThat(store.advance("a", 9_007_199_254_740_992L)).isTrue();
    assertThat(store.advance("a", 9_007_199_254_740_993L)).isTrue();
    assertThat(store.advance("a", 9_007_199_254_740_992L)).isFalse();
    assertThat(store.advance("b", Long.MAX_VALUE - 1)).isTrue();
    assertThat(store.advance("b", Long.MAX_VALUE)).isTrue();
    assertThat(store.advance("c", Long.MIN_VALUE)).isTrue();
    assertThat(store.advance("c", Long.MIN_VALUE + 1)).isTrue();
    assertThat(store.advance("c", -12)).isTrue();
    assertThat(store.advance("c", -13)).isFalse();
    assertThat(store.advance("c", -5)).isTrue();
    assertThat(store.advance("c", 0)).isTrue();
    assertThat(store.advance("c", -1)).isFalse();
    assertThat(store.advance("c", 10)).isTrue();
    assertThat(store.advance("c", 9)).isFalse();
    assertThat(store.current("c")).hasValue(10);
  }

  @Test
  void agreesWithLongComparisonOnRandomPositions() {
    Random random = new Random(20_250_101);
    for (int i = 0; i < 2_000; i++) {
      String entity = "r" + random.nextInt(4);
      long position = random.nextBoolean() ? random.nextLong() : random.nextInt(2_000) - 1_000L;
      OptionalLong before = store.current(entity);
      boolean expected = before.isEmpty() || position > before.getAsLong();
      assertThat(store.advance(entity, position))
          .as("%s %s -> %d", entity, before, position)
          .isEqualTo(expected);
    }
  }

  @Test
  void currentAllSpansManyMgets() {
    RedisEntityVersionStore small =
        RedisEntityVersionStore.builder(TestRedis.connection())
            .keyPrefix(prefix)
            .batchSize(7)
            .build();
    List<String> entities = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      entities.add("e" + i);
      if (i % 2 == 0) {
        small.advance("e" + i, i);
      }
    }

    var positions = small.currentAll(entities);

    assertThat(new ArrayList<>(positions.keySet())).isEqualTo(entities);
    assertThat(positions.get("e10")).hasValue(10);
    assertThat(positions.get("e11")).isEmpty();
    small.close();
  }

  @Test
  void expireAfterAdvanceSetsAServerSideTtl() {
    RedisEntityVersionStore expiring =
        RedisEntityVersionStore.builder(TestRedis.connection())
            .keyPrefix(prefix)
            .expireAfterAdvance(Duration.ofMinutes(5))
            .build();

    expiring.advance("order-1", 1);

    assertThat(redis.pttl(prefix + "order-1")).isBetween(1L, 300_000L);
    expiring.close();
  }

  @Test
  void aForeignValueIsReportedNotMisread() {
    redis.set(prefix + "bad", "not-a-number");
    assertThatThrownBy(() -> store.current("bad"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(prefix + "bad");
  }
}
