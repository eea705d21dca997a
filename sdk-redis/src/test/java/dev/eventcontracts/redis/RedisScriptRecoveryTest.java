package dev.eventcontracts.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.dedup.ClaimState;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scripts leave the server's cache on {@code SCRIPT FLUSH}, a restart or a fail-over; the
 * stores must notice the {@code NOSCRIPT} answer and carry on with {@code EVAL}.
 */
class RedisScriptRecoveryTest {
  private static final Duration LEASE = Duration.ofMinutes(1);

  private RedisCommands<String, String> redis;
  private RedisDedupStore dedup;
  private RedisEntityVersionStore versions;

  @BeforeEach
  void open() {
    redis = TestRedis.connection().sync();
    dedup =
        RedisDedupStore.builder(TestRedis.client()).keyPrefix(TestRedis.freshPrefix("nos")).build();
    versions =
        RedisEntityVersionStore.builder(TestRedis.connection())
            .keyPrefix(TestRedis.freshPrefix("nos"))
            .build();
  }

  @AfterEach
  void close() {
    if (dedup != null) {
      dedup.close();
    }
    if (versions != null) {
      versions.close();
    }
  }

  @Test
  void buildLoadsTheScripts() {
    assertThat(
            redis.scriptExists(
                DedupScripts.CLAIM.sha(),
                DedupScripts.COMPLETE.sha(),
                DedupScripts.RELEASE.sha(),
                EntityScripts.ADVANCE.sha()))
        .containsOnly(true);
  }

  @Test
  void claimWorksAfterScriptFlush() {
    redis.scriptFlush();

    assertThat(dedup.claim("a", "owner-1", LEASE)).isEqualTo(ClaimState.CLAIMED);
    assertThat(dedup.claim("a", "owner-2", LEASE)).isEqualTo(ClaimState.IN_PROGRESS);
    // EVAL put the script back, so the next call runs by SHA again
    assertThat(redis.scriptExists(DedupScripts.CLAIM.sha())).containsExactly(true);
  }

  @Test
  void claimAllWorksAfterScriptFlush() {
    redis.scriptFlush();

    assertThat(dedup.claimAll(List.of("a", "b", "a"), "owner-1", LEASE))
        .containsExactly(Map.entry("a", ClaimState.CLAIMED), Map.entry("b", ClaimState.CLAIMED));
  }

  @Test
  void completeAndReleaseWorkAfterScriptFlush() {
    dedup.claim("done", "owner-1", LEASE);
    dedup.claim("failed", "owner-1", LEASE);
    redis.scriptFlush();

    dedup.complete("done", "owner-1", LEASE);
    redis.scriptFlush();
    dedup.release("failed", "owner-1");

    assertThat(dedup.claim("done", "owner-2", LEASE)).isEqualTo(ClaimState.COMPLETED);
    assertThat(dedup.claim("failed", "owner-2", LEASE)).isEqualTo(ClaimState.CLAIMED);
  }

  @Test
  void advanceWorksAfterScriptFlush() {
    versions.advance("order-1", 3);
    redis.scriptFlush();

    assertThat(versions.advance("order-1", 2)).isFalse();
    assertThat(versions.advance("order-1", 4)).isTrue();
    assertThat(versions.current("order-1")).hasValue(4);
  }
}
