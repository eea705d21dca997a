package dev.eventcontracts.redis;

import dev.eventcontracts.dedup.ClaimState;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The example of docs/redis.md, compiled and run by {@link RedisStoresExampleTest}. */
public final class RedisStoresExample {
  private RedisStoresExample() {}

  /** Runs the example against {@code redis://localhost:6379} or the URI given. */
  public static void main(String[] args) {
    RedisClient client = RedisClient.create(args.length > 0 ? args[0] : "redis://localhost:6379");
    try {
      System.out.println("handled " + handleBatch(client, "ec:dedup:", "ec:entity:"));
    } finally {
      client.shutdown();
    }
  }

  /** Handles one batch of three deliveries (one of them a redelivery) and returns what ran. */
  static List<String> handleBatch(RedisClient client, String dedupPrefix, String entityPrefix) {
    List<String> handled = new ArrayList<>();
    String owner = "consumer-" + ProcessHandle.current().pid();
    try (RedisDedupStore dedup = RedisDedupStore.builder(client).keyPrefix(dedupPrefix).build();
        RedisEntityVersionStore versions =
            RedisEntityVersionStore.builder(client).keyPrefix(entityPrefix).build()) {
      // one Lua call per 500 keys; a key given twice is claimed once
      Map<String, ClaimState> claims =
          dedup.claimAll(List.of("evt-1", "evt-2", "evt-1"), owner, Duration.ofSeconds(30));
      for (Map.Entry<String, ClaimState> claim : claims.entrySet()) {
        if (claim.getValue() != ClaimState.CLAIMED) {
          continue; // COMPLETED: a duplicate; IN_PROGRESS: another consumer is on it
        }
        try {
          // the entity's position only moves forward, so a stale event is skipped
          if (versions.advance("orders/o-17", claim.getKey().equals("evt-1") ? 5 : 6)) {
            handled.add(claim.getKey());
          }
          dedup.complete(claim.getKey(), owner, Duration.ofDays(7));
        } catch (RuntimeException e) {
          dedup.release(claim.getKey(), owner); // let a redelivery claim it again
          throw e;
        }
      }
    }
    return handled;
  }
}
