package dev.eventcontracts.kafka.crash;

import dev.eventcontracts.kafka.crash.CrashMessage.Expect;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What must become of every message, computed from the order the broker stored them in (each
 * partition by offset), with no SDK code: a message is
 *
 * <ol>
 *   <li>{@code DEAD_LETTER} when it is invalid;
 *   <li>else {@code DUPLICATE} when an earlier message of its partition had the same idempotency
 *       key (whether that one was applied or found stale: either way the key was recorded);
 *   <li>else {@code STALE} when its version is not above the highest version applied for its entity
 *       so far;
 *   <li>else {@code APPLY}, and its version becomes the entity's highest.
 * </ol>
 *
 * Keys and entities both contain the entity id, which is also the record key, so one partition
 * holds everything a message can be compared with and the partitions are independent.
 */
final class ExpectedModel {
  private final Map<Expect, Integer> counts = new EnumMap<>(Expect.class);
  private final Map<String, Long> finalVersions = new HashMap<>();

  private ExpectedModel() {
    for (Expect e : Expect.values()) {
      counts.put(e, 0);
    }
  }

  /** Sets {@link CrashMessage#expect} on every message, which must all have been placed. */
  static ExpectedModel compute(List<CrashMessage> messages) {
    ExpectedModel model = new ExpectedModel();
    Map<Integer, List<CrashMessage>> byPartition = new HashMap<>();
    for (CrashMessage m : messages) {
      if (m.partition < 0 || m.offset < 0) {
        throw new IllegalStateException("not placed by the broker: " + m);
      }
      byPartition.computeIfAbsent(m.partition, p -> new ArrayList<>()).add(m);
    }
    for (List<CrashMessage> partition : byPartition.values()) {
      partition.sort(Comparator.comparingLong(m -> m.offset));
      Set<String> recordedKeys = new HashSet<>();
      Map<String, Long> highestApplied = new HashMap<>();
      for (CrashMessage m : partition) {
        Expect expect;
        if (!m.valid) {
          expect = Expect.DEAD_LETTER;
        } else if (!recordedKeys.add(m.contractKey())) {
          expect = Expect.DUPLICATE;
        } else {
          Long highest = highestApplied.get(m.orderingEntity());
          if (highest != null && m.version <= highest) {
            expect = Expect.STALE;
          } else {
            expect = Expect.APPLY;
            highestApplied.put(m.orderingEntity(), m.version);
          }
        }
        m.expect = expect;
        model.counts.merge(expect, 1, Integer::sum);
      }
      for (Map.Entry<String, Long> e : highestApplied.entrySet()) {
        if (model.finalVersions.put(e.getKey(), e.getValue()) != null) {
          throw new IllegalStateException("entity on two partitions: " + e.getKey());
        }
      }
    }
    return model;
  }

  int count(Expect expect) {
    return counts.get(expect);
  }

  /** The highest applied version per ordering entity ({@code event name/entity id}). */
  Map<String, Long> finalVersions() {
    return finalVersions;
  }
}
