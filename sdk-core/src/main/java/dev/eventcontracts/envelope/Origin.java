package dev.eventcontracts.envelope;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a message came from, for dead letters, logs and replays.
 *
 * @param transport transport name, such as {@code kafka}, {@code pubsub} or {@code file}
 * @param source topic, subscription or file name
 * @param partition partition number, or -1 where the transport has none
 * @param offset offset within the partition (or line number), or -1 where there is none
 * @param messageId transport message id, or {@code null}
 * @param timestampMillis transport timestamp in epoch milliseconds, or -1 when unknown
 * @param consumerGroup the consumer group that received the message (Kafka), or {@code null} where
 *     the source already names the consumer (a Pub/Sub subscription) or there is none
 */
public record Origin(
    String transport,
    String source,
    int partition,
    long offset,
    @Nullable String messageId,
    long timestampMillis,
    @Nullable String consumerGroup) {

  /** Checks that transport and source are present. */
  public Origin {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(source, "source");
  }

  /** An origin without a consumer group. */
  public Origin(
      String transport,
      String source,
      int partition,
      long offset,
      @Nullable String messageId,
      long timestampMillis) {
    this(transport, source, partition, offset, messageId, timestampMillis, null);
  }

  /** An origin for messages that come from no transport (tests, files read by the CLI). */
  public static Origin unknown() {
    return new Origin("none", "", -1, -1, null, -1);
  }

  /** An origin for line {@code line} of a file or stream named {@code source}. */
  public static Origin line(String source, long line) {
    return new Origin("file", source, -1, line, null, -1);
  }
}
