package dev.eventcontracts.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.resilience.StoreResilience;
import dev.eventcontracts.resilience.StoreRole;
import dev.eventcontracts.resilience.StoreUnavailableException;
import dev.eventcontracts.testing.stores.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A paused Redis fails store calls after the store's timeout, and opens the breaker. */
class RedisStoreTimeoutTest {
  private final String prefix = TestRedis.freshPrefix("timeout");
  private RedisCommands<String, String> admin;

  @BeforeEach
  void connect() {
    admin = TestRedis.connection().sync();
  }

  @Test
  @Timeout(60)
  void theDefaultTimeoutBoundsACallOnAPausedServer() {
    try (RedisEntityVersionStore store =
        RedisEntityVersionStore.builder(TestRedis.client()).keyPrefix(prefix).build()) {
      store.advance("e", 1);
      admin.clientPause(6_500); // answers nobody for 6.5 s; Lettuce alone would wait 60 s

      long start = System.nanoTime();
      assertThatThrownBy(() -> store.current("e"))
          .isInstanceOf(RedisCommandTimeoutException.class)
          .hasMessageContaining("PT5S");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isBetween(Duration.ofMillis(4_500), Duration.ofMillis(6_400));

      admin.ping(); // answered once the pause is over
      assertThat(store.current("e")).hasValue(1);
    }
  }

  @Test
  @Timeout(60)
  void timeoutsOpenTheBreakerWhichThenFailsFastUntilTheServerAnswersAgain() {
    MutableClock clock = MutableClock.create();
    StoreResilience resilience = StoreResilience.builder().clock(clock).build();
    try (RedisEntityVersionStore redis =
        RedisEntityVersionStore.builder(TestRedis.client())
            .keyPrefix(prefix)
            .timeout(Duration.ofMillis(200))
            .build()) {
      EntityVersionStore store = resilience.entityVersionStore(redis);
      store.advance("e", 1);
      admin.clientPause(2_000);

      // with the advance above, five calls of which four failed: over the 50 % threshold
      for (int i = 0; i < 4; i++) {
        assertThatThrownBy(() -> store.current("e"))
            .isInstanceOf(RedisCommandTimeoutException.class);
      }
      assertThat(resilience.circuitBreaker(StoreRole.ORDERING).getState()).isEqualTo(State.OPEN);
      long start = System.nanoTime();
      assertThatThrownBy(() -> store.current("e"))
          .isInstanceOfSatisfying(
              StoreUnavailableException.class,
              e -> assertThat(e.retryAfter()).isEqualTo(StoreResilience.DEFAULT_INITIAL_WAIT));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));

      admin.ping(); // answered once the pause is over
      clock.advance(StoreResilience.DEFAULT_INITIAL_WAIT.plusMillis(1));
      for (int i = 0; i < StoreResilience.DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE; i++) {
        assertThat(store.current("e")).hasValue(1);
      }
      assertThat(resilience.circuitBreaker(StoreRole.ORDERING).getState()).isEqualTo(State.CLOSED);
    }
  }
}
