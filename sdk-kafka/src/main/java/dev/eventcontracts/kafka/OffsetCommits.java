package dev.eventcontracts.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offsets a consumer may commit: per partition, the one after the last finished record, and
 * which of them the broker has not been sent yet. Touched by the polling thread only (commit
 * callbacks and rebalance listeners run inside {@code poll}, on that thread).
 */
final class OffsetCommits {
  private static final Logger LOG = LoggerFactory.getLogger(OffsetCommits.class);

  private final Map<TopicPartition, OffsetAndMetadata> finished = new HashMap<>();
  private final Set<TopicPartition> uncommitted = new HashSet<>();
  private final CommitFailureLog failureLog;

  OffsetCommits(String groupId) {
    this.failureLog = new CommitFailureLog(groupId, System::nanoTime);
  }

  /** Records that everything of {@code tp} before {@code nextOffset} is finished. */
  void finished(TopicPartition tp, long nextOffset) {
    finished.put(tp, new OffsetAndMetadata(nextOffset));
    uncommitted.add(tp);
  }

  /** The partitions with a finished offset. */
  List<TopicPartition> partitions() {
    return new ArrayList<>(finished.keySet());
  }

  /** Forgets a partition that is no longer assigned. */
  void forget(TopicPartition tp) {
    finished.remove(tp);
    uncommitted.remove(tp);
  }

  /** Sends the offsets that moved since the last commit, without waiting. */
  void commitAsync(Consumer<byte[], byte[]> c) {
    if (uncommitted.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : uncommitted) {
      offsets.put(tp, finished.get(tp));
    }
    uncommitted.clear();
    try {
      c.commitAsync(
          offsets,
          (committed, e) -> {
            if (e != null) {
              failureLog.failed("async commit", offsets.size(), e);
              retryLater(offsets);
            } else {
              failureLog.succeeded();
            }
          });
    } catch (WakeupException e) {
      retryLater(offsets); // a worker's wakeup was pending; the next loop commits them
    }
  }

  /** Commits again unless newer progress or a revocation came. */
  private void retryLater(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach(
        (tp, offset) -> {
          if (offset.equals(finished.get(tp))) {
            uncommitted.add(tp);
          }
        });
  }

  /**
   * Commits the finished offsets of {@code partitions} and waits for the broker, up to {@code
   * timeout}. A failure is logged: those records are delivered again, and deduplicated.
   */
  void commitSync(
      Consumer<byte[], byte[]> c, Collection<TopicPartition> partitions, Duration timeout) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata offset = finished.get(tp);
      if (offset != null) {
        offsets.put(tp, offset);
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        c.commitSync(offsets, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        uncommitted.removeAll(offsets.keySet());
        failureLog.succeeded();
        return;
      } catch (WakeupException e) {
        // a wakeup from close() or from a worker was pending; it fires once, so try again
        if (System.nanoTime() - deadline >= 0) {
          LOG.warn("commit of {} timed out; those records will be delivered again", offsets);
          return;
        }
      } catch (KafkaException e) {
        if (failureLog.failing()) {
          // the outage was reported when it began, with its cause; a sync commit comes once per
          // rebalance or close, and its records are delivered again for sure: worth a short line
          LOG.warn(
              "commit of {} failed again ({}); those records will be delivered again",
              offsets.keySet(),
              e.toString());
        }
        failureLog.failed("sync commit", offsets.size(), e);
        return;
      }
    }
  }
}
