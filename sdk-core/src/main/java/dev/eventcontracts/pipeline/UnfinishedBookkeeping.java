package dev.eventcontracts.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Events whose outcome this pipeline already decided (the handler ran, or the event was found
 * stale) but whose store bookkeeping failed: the position did not advance or the key was not
 * completed. The message is retried, not acknowledged; when it comes back, only the missing store
 * calls are made and the handler does not run again. Without this memory, a store outage between
 * the handler and the bookkeeping would hold the key claimed until the lease ends, stalling the
 * partition, and then run the handler a second time.
 *
 * <p>Bounded (a Caffeine cache, least valuable dropped first) and forgotten after the lease: by
 * then the claim has expired, another consumer may have taken the key over, and the documented
 * window applies.
 */
final class UnfinishedBookkeeping {
  /** What is left to do for one key. */
  record Pending(Outcome outcome, String entity, Long position, boolean advanced) {}

  private final Cache<String, Pending> pending;

  UnfinishedBookkeeping(int capacity, Duration lease, Clock clock) {
    this.pending =
        Caffeine.newBuilder()
            .maximumSize(capacity)
            .expireAfterWrite(lease)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .executor(Runnable::run)
            .build();
  }

  /** Remembers that {@code key} needs its bookkeeping finished. */
  void remember(String key, Outcome outcome, String entity, Long position, boolean advanced) {
    pending.put(key, new Pending(outcome, entity, position, advanced));
  }

  /** What is left for {@code key}, or {@code null}; an entry older than the lease is gone. */
  @Nullable Pending get(String key) {
    if (key == null || pending.estimatedSize() == 0) {
      return null;
    }
    return pending.getIfPresent(key);
  }

  void forget(String key) {
    pending.invalidate(key);
  }
}
