package dev.eventcontracts.benchmarks.kafka;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.ordering.EntityVersionStore;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Stores that remember nothing, for the diagnostic run (b0): every claim wins and no entity has a
 * position. The pipeline does all its other work, so (b) minus (b0) is what the in-memory stores
 * cost, garbage collection of what they retain included.
 */
final class NoopStores {
  private NoopStores() {}

  static DedupStore dedup() {
    return new DedupStore() {
      @Override
      public ClaimState claim(String key, String owner, Duration lease) {
        return ClaimState.CLAIMED;
      }

      @Override
      public Map<String, ClaimState> claimAll(List<String> keys, String owner, Duration lease) {
        Map<String, ClaimState> out = new HashMap<>(keys.size() * 2);
        for (String key : keys) {
          out.put(key, ClaimState.CLAIMED);
        }
        return out;
      }

      @Override
      public void complete(String key, String owner, Duration retention) {}

      @Override
      public void release(String key, String owner) {}
    };
  }

  static EntityVersionStore versions() {
    return new EntityVersionStore() {
      @Override
      public OptionalLong current(String entity) {
        return OptionalLong.empty();
      }

      @Override
      public Map<String, OptionalLong> currentAll(Collection<String> entities) {
        Map<String, OptionalLong> out = new HashMap<>(entities.size() * 2);
        for (String entity : entities) {
          out.put(entity, OptionalLong.empty());
        }
        return out;
      }

      @Override
      public boolean advance(String entity, long position) {
        return true;
      }
    };
  }
}
