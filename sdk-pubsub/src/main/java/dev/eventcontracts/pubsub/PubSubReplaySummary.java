package dev.eventcontracts.pubsub;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one {@link PubSubDeadLetterReplayer#run()} did.
 *
 * @param from the dead-letter subscription read
 * @param dryRun true when nothing was published or acked
 * @param read dead letters read
 * @param matched dead letters that passed the filters (and were replayed, or would be)
 * @param replayed dead letters published back, confirmed by the service and acked (0 on a dry run)
 * @param skippedByFilter dead letters left alone because a filter did not match
 * @param failed matched dead letters that could not be replayed (no target topic, or the publish
 *     failed); they stay in the subscription for a later run
 * @param reasons every dead letter read, counted by its {@code ec-dlq-reason} ({@code "none"} when
 *     absent, as on messages the service's own dead-letter policy forwarded)
 * @param targets dead letters replayed (or that would be) per target topic
 * @param complete true when the subscription had nothing more to give (false after {@code max}, a
 *     failure or the timeout)
 */
public record PubSubReplaySummary(
    String from,
    boolean dryRun,
    long read,
    long matched,
    long replayed,
    long skippedByFilter,
    long failed,
    Map<String, Long> reasons,
    Map<String, Long> targets,
    boolean complete) {

  /** Checks the components and copies the maps, sorted by key. */
  public PubSubReplaySummary {
    Objects.requireNonNull(from, "from");
    reasons = Collections.unmodifiableMap(new TreeMap<>(reasons));
    targets = Collections.unmodifiableMap(new TreeMap<>(targets));
  }
}
