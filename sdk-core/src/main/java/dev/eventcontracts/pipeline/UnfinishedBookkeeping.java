package dev.eventcontracts.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Events whose outcome this pipeline already decided (the handler ran, or the event was found
 * stale) but whose store bookkeeping failed: the position did not advance or the key was not
 * completed. The message is retried, not acknowledged; when it comes back, only the missing store
 * calls are made and the handler does not run again. Without this memory, a store outage between
 * the handler and the bookkeeping would hold the key claimed until the lease ends, stalling the
 * partition, and then run the handler a second time.
 *
 * <p>Bounded (oldest dropped first) and forgotten after the lease: by then the claim has expired,
 * another consumer may have taken the key over, and the documented window applies.
 */
final class UnfinishedBookkeeping {
  /** What is left to do for one key. */
  record Pending(Outcome outcome, String entity, Long position, boolean advanced, long atMillis) {}

  private final int capacity;
  private final Duration lease;
  private final Clock clock;
  private final LinkedHashMap<String, Pending> pending;

  UnfinishedBookkeeping(int capacity, Duration lease, Clock clock) {
    this.capacity = capacity;
    this.lease = lease;
    this.clock = clock;
    this.pending =
        new LinkedHashMap<>(16, 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Pending> eldest) {
            return size() > UnfinishedBookkeeping.this.capacity;
          }
        };
  }

  /** Remembers that {@code key} needs its bookkeeping finished. */
  synchronized void remember(
      String key, Outcome outcome, String entity, Long position, boolean advanced) {
    pending.put(key, new Pending(outcome, entity, position, advanced, clock.millis()));
  }

  /** What is left for {@code key}, or {@code null}; an entry older than the lease is dropped. */
  synchronized Pending get(String key) {
    if (key == null || pending.isEmpty()) {
      return null;
    }
    Pending p = pending.get(key);
    if (p != null && clock.millis() - p.atMillis() > lease.toMillis()) {
      pending.remove(key);
      return null;
    }
    return p;
  }

  synchronized void forget(String key) {
    pending.remove(key);
  }
}
