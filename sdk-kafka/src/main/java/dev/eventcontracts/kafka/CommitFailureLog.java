package dev.eventcontracts.kafka;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs offset commit failures once per state change instead of once per commit: a broker outage
 * fails a commit on every loop turn, several times a second. The first failure is a WARN with its
 * cause, the ones after it are DEBUG, and the first success after them an INFO saying how many
 * failed meanwhile. Touched by the polling thread only.
 */
final class CommitFailureLog {
  private static final Logger LOG = LoggerFactory.getLogger(OffsetCommits.class);

  /** What a call logged; for tests. */
  enum Logged {
    NOTHING,
    FIRST_FAILURE,
    FAILURE_WHILE_FAILING,
    RECOVERED
  }

  private final String groupId;
  private final LongSupplier nanoTime;
  private long failures;
  private long failingSince;

  CommitFailureLog(String groupId, LongSupplier nanoTime) {
    this.groupId = groupId;
    this.nanoTime = nanoTime;
  }

  /** Whether the last commit failed. */
  boolean failing() {
    return failures > 0;
  }

  /** Records a failed commit of {@code partitions} partitions. */
  Logged failed(String what, int partitions, Throwable cause) {
    failures++;
    if (failures == 1) {
      failingSince = nanoTime.getAsLong();
      LOG.warn(
          "offset commits of consumer group {} are failing ({} of {} partitions); the offsets are"
              + " sent again with the next commit, and records after the last committed offset are"
              + " delivered again if the partitions move. Logged again once commits succeed.",
          groupId,
          what,
          partitions,
          cause);
      return Logged.FIRST_FAILURE;
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "{} of {} partitions failed again ({} failures in a row): {}",
          what,
          partitions,
          failures,
          cause.toString());
    }
    return Logged.FAILURE_WHILE_FAILING;
  }

  /** Records a successful commit. */
  Logged succeeded() {
    if (failures == 0) {
      return Logged.NOTHING;
    }
    long millis = (nanoTime.getAsLong() - failingSince) / 1_000_000;
    LOG.info(
        "offset commits of consumer group {} succeed again, after {} failed commits over {} ms",
        groupId,
        failures,
        millis);
    failures = 0;
    return Logged.RECOVERED;
  }
}
