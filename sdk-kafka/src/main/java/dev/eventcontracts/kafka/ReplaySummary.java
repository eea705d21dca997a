package dev.eventcontracts.kafka;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one {@link DeadLetterReplayer#run()} did.
 *
 * @param from the dead-letter topic read
 * @param groupId the consumer group whose offsets record what was replayed
 * @param dryRun true when nothing was sent and no offset committed
 * @param read dead-letter records read
 * @param matched records that passed the filters (and were replayed, or would be on a dry run)
 * @param replayed records sent back and acknowledged by the broker (0 on a dry run)
 * @param skippedByFilter records left alone because a filter did not match
 * @param failed matched records that could not be sent (no target topic, or the send failed); the
 *     replay of their partition stopped there, so a later run starts with them
 * @param reasons every record read, counted by its {@code ec-dlq-reason} ({@code "none"} when
 *     absent)
 * @param targets records replayed (or that would be) per target topic
 * @param complete true when every partition was read up to the end offsets taken at the start
 *     (false after {@code max}, a failure or the timeout)
 */
public record ReplaySummary(
    String from,
    String groupId,
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
  public ReplaySummary {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(groupId, "groupId");
    reasons = Collections.unmodifiableMap(new TreeMap<>(reasons));
    targets = Collections.unmodifiableMap(new TreeMap<>(targets));
  }
}
