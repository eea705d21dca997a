package dev.eventcontracts.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.testing.server.RedisServer;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A batch whose script calls partly fail must not leave the keys the other calls won locked until
 * their lease ends (the pipeline retries the whole batch, and a claim is not reentrant). An ACL
 * user allowed only some keys makes exactly one call of the batch fail.
 */
class RedisDedupStoreFailureTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(10);
  private static final Duration LEASE = Duration.ofMinutes(10);

  private final String user = "ec-test-" + UUID.randomUUID();
  private final String prefix = TestRedis.freshPrefix("acl");
  private RedisCommands<String, String> admin;
  private RedisClient limitedClient;

  @BeforeEach
  void createLimitedUser() {
    admin = TestRedis.connection().sync();
    RedisServer server = RedisServer.sharedOrSkip();
    admin.aclSetuser(
        user,
        AclSetuserArgs.Builder.on().addPassword("secret").keyPattern(prefix + "ok*").allCommands());
    limitedClient =
        RedisClient.create(
            RedisURI.builder()
                .withHost(server.host())
                .withPort(server.port())
                .withAuthentication(user, "secret".toCharArray())
                .build());
  }

  @AfterEach
  void dropLimitedUser() {
    if (limitedClient != null) {
      limitedClient.shutdown();
      admin.aclDeluser(user);
    }
  }

  @Test
  void keysWonByTheOtherCallsAreReleasedWhenOneCallFails() {
    try (RedisDedupStore store =
        RedisDedupStore.builder(limitedClient).keyPrefix(prefix).batchSize(2).build()) {
      // calls: [ok-1, ok-2] succeeds, [forbidden, ok-3] is refused by the ACL
      assertThatThrownBy(
              () -> store.claimAll(List.of("ok-1", "ok-2", "forbidden", "ok-3"), "owner-1", LEASE))
          .isInstanceOf(RedisException.class)
          .hasMessageContaining("NOPERM");

      await("the keys of the successful call are released")
          .atMost(BOUND)
          .pollInterval(POLL)
          .until(() -> admin.exists(prefix + "ok-1", prefix + "ok-2") == 0);
      assertThat(store.claimAll(List.of("ok-1", "ok-2", "ok-3"), "owner-2", LEASE).values())
          .containsOnly(ClaimState.CLAIMED);
    }
  }

  @Test
  void aBatchWithoutAReplyInTimeFailsAndItsLateClaimsAreReleased() {
    try (RedisDedupStore store =
            RedisDedupStore.builder(TestRedis.client())
                .keyPrefix(prefix)
                .batchSize(2)
                .timeout(Duration.ofMillis(200))
                .build();
        RedisDedupStore patient =
            RedisDedupStore.builder(TestRedis.client()).keyPrefix(prefix).build()) {
      admin.clientPause(1_500); // the server answers nobody for 1.5 s

      // thrown only when the 200 ms passed without a reply: the store did not wait out the pause
      assertThatThrownBy(() -> store.claimAll(List.of("t-1", "t-2", "t-3"), "owner-1", LEASE))
          .isInstanceOf(RedisCommandTimeoutException.class)
          .hasMessageContaining("PT0.2S");

      // the claims run once the pause ends and are released when their replies arrive, so
      // another owner gets every key long before the ten-minute lease would have run out
      List<ClaimState> states =
          await("another owner gets every key")
              .atMost(BOUND)
              .pollDelay(Duration.ZERO)
              .pollInterval(POLL)
              .until(
                  () ->
                      List.copyOf(
                          patient
                              .claimAll(List.of("t-1", "t-2", "t-3"), "owner-2", LEASE)
                              .values()),
                  claimed -> !claimed.contains(ClaimState.IN_PROGRESS));
      assertThat(states).containsOnly(ClaimState.CLAIMED);
    }
  }
}
