package dev.eventcontracts.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Builder checks; none of them needs a server, since they fail before anything connects. */
class RedisKeyPrefixTest {
  // never connects: RedisClient.create only parses the URI
  private static RedisClient client;

  @BeforeAll
  static void createClient() {
    client = RedisClient.create("redis://127.0.0.1:1");
  }

  @AfterAll
  static void shutdown() {
    client.shutdown();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", " ", "ec: dedup:", "ec:\tdedup:", "ec:dedup:\n", "ec:\u00a0x", "a\u0000"})
  void dedupStoreRejectsEmptyOrWhitespacePrefixes(String prefix) {
    assertThatThrownBy(() -> RedisDedupStore.builder(client).keyPrefix(prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("keyPrefix must not");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "ec: entity:", "ec:\rentity:"})
  void entityStoreRejectsEmptyOrWhitespacePrefixes(String prefix) {
    assertThatThrownBy(() -> RedisEntityVersionStore.builder(client).keyPrefix(prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("keyPrefix must not");
  }

  @Test
  void nullPrefixIsRejected() {
    assertThatThrownBy(() -> RedisDedupStore.builder(client).keyPrefix(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> RedisEntityVersionStore.builder(client).keyPrefix(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void namesTheOffendingCharacter() {
    assertThatThrownBy(() -> RedisDedupStore.builder(client).keyPrefix("ec:\tx"))
        .hasMessageContaining("U+0009 at index 3");
  }

  @Test
  void otherBuilderSettingsAreCheckedToo() {
    assertThatThrownBy(() -> RedisDedupStore.builder(client).batchSize(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisDedupStore.builder(client).batchSize(10_001))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisDedupStore.builder(client).timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> RedisEntityVersionStore.builder(client).expireAfterAdvance(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisDedupStore.builder((RedisClient) null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void defaults() {
    assertThat(RedisDedupStore.DEFAULT_KEY_PREFIX).isEqualTo("ec:dedup:");
    assertThat(RedisEntityVersionStore.DEFAULT_KEY_PREFIX).isEqualTo("ec:entity:");
    assertThat(RedisDedupStore.DEFAULT_BATCH_SIZE).isEqualTo(500);
  }
}
