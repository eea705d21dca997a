package dev.eventcontracts.kafka;

import dev.eventcontracts.kafka.RecordProcessor.Attempt;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The partitions rewound to a record whose result was {@code RETRY}: the record's offset and how
 * often it was tried (so its redelivery gets the next delivery attempt), and until when the
 * partition stays paused (the result's {@code retryAfter}). Used only by the polling thread.
 */
final class RetryPauses {
  private final Map<TopicPartition, Attempt> attempts = new HashMap<>();
  private final Map<TopicPartition, Long> pausedUntilNanos = new HashMap<>();

  /** The retried record of {@code tp} and its attempts so far, or {@code null}. */
  @Nullable Attempt attempt(TopicPartition tp) {
    return attempts.get(tp);
  }

  /** Remembers that {@code tp} waits at {@code offset} for {@code retryAfter}. */
  void pause(TopicPartition tp, long offset, int attemptsDone, Duration retryAfter, long now) {
    attempts.put(tp, new Attempt(offset, attemptsDone));
    pausedUntilNanos.put(tp, now + Math.max(0, retryAfter.toNanos()));
  }

  /** The retried record of {@code tp} is done (or gone). */
  void done(TopicPartition tp) {
    attempts.remove(tp);
  }

  /** True while {@code tp} waits for its retry back-off. */
  boolean waiting(TopicPartition tp) {
    return pausedUntilNanos.containsKey(tp);
  }

  /** The partitions whose back-off has passed; they are no longer waiting. */
  void takeDue(long now, List<TopicPartition> into) {
    if (pausedUntilNanos.isEmpty()) {
      return;
    }
    for (var it = pausedUntilNanos.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (e.getValue() - now <= 0) {
        it.remove();
        into.add(e.getKey());
      }
    }
  }

  /** {@code pollTimeout}, or less when a back-off ends sooner. */
  Duration nextPollTimeout(Duration pollTimeout, long now) {
    long wait = pollTimeout.toNanos();
    for (long until : pausedUntilNanos.values()) {
      wait = Math.min(wait, Math.max(0, until - now));
    }
    return Duration.ofNanos(wait);
  }

  /** Forgets {@code tp} (revoked or lost). */
  void forget(TopicPartition tp) {
    attempts.remove(tp);
    pausedUntilNanos.remove(tp);
  }
}
