package dev.eventcontracts.envelope;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a message came from, for dead letters, logs and replays. A value that may gain fields:
 * transports make it with {@link #builder(String, String)}, so a new field never breaks them.
 * Absent values are {@code null} (strings) or {@code -1} (numbers).
 */
public final class Origin {
  private static final Origin UNKNOWN = builder("none", "").build();

  private final String transport;
  private final String source;
  private final int partition;
  private final long offset;
  private final @Nullable String messageId;
  private final long timestampMillis;
  private final @Nullable String consumerGroup;

  private Origin(Builder b) {
    this.transport = b.transport;
    this.source = b.source;
    this.partition = b.partition;
    this.offset = b.offset;
    this.messageId = b.messageId;
    this.timestampMillis = b.timestampMillis;
    this.consumerGroup = b.consumerGroup;
  }

  /**
   * Starts an origin; the other fields default to absent.
   *
   * @param transport transport name, such as {@code kafka}, {@code pubsub} or {@code file}
   * @param source topic, subscription or file name
   */
  public static Builder builder(String transport, String source) {
    return new Builder(transport, source);
  }

  /** An origin for messages that come from no transport (tests, files read by the CLI). */
  public static Origin unknown() {
    return UNKNOWN;
  }

  /** An origin for line {@code line} of a file or stream named {@code source}. */
  public static Origin line(String source, long line) {
    return builder("file", source).offset(line).build();
  }

  /** A builder holding this origin's values, to make a changed copy. */
  public Builder toBuilder() {
    return builder(transport, source)
        .partition(partition)
        .offset(offset)
        .messageId(messageId)
        .timestampMillis(timestampMillis)
        .consumerGroup(consumerGroup);
  }

  /** Transport name, such as {@code kafka}, {@code pubsub} or {@code file}. */
  public String transport() {
    return transport;
  }

  /** Topic, subscription or file name. */
  public String source() {
    return source;
  }

  /** Partition number, or -1 where the transport has none. */
  public int partition() {
    return partition;
  }

  /** Offset within the partition (or line number), or -1 where there is none. */
  public long offset() {
    return offset;
  }

  /** Transport message id, or {@code null}. */
  public @Nullable String messageId() {
    return messageId;
  }

  /** Transport timestamp in epoch milliseconds, or -1 when unknown. */
  public long timestampMillis() {
    return timestampMillis;
  }

  /**
   * The consumer group that received the message (Kafka), or {@code null} where the source already
   * names the consumer (a Pub/Sub subscription) or there is none.
   */
  public @Nullable String consumerGroup() {
    return consumerGroup;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Origin other
        && transport.equals(other.transport)
        && source.equals(other.source)
        && partition == other.partition
        && offset == other.offset
        && Objects.equals(messageId, other.messageId)
        && timestampMillis == other.timestampMillis
        && Objects.equals(consumerGroup, other.consumerGroup);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        transport, source, partition, offset, messageId, timestampMillis, consumerGroup);
  }

  @Override
  public String toString() {
    return "Origin[transport="
        + transport
        + ", source="
        + source
        + ", partition="
        + partition
        + ", offset="
        + offset
        + ", messageId="
        + messageId
        + ", timestampMillis="
        + timestampMillis
        + ", consumerGroup="
        + consumerGroup
        + "]";
  }

  /** Builds an {@link Origin}; every field but transport and source is optional. */
  public static final class Builder {
    private final String transport;
    private final String source;
    private int partition = -1;
    private long offset = -1;
    private @Nullable String messageId;
    private long timestampMillis = -1;
    private @Nullable String consumerGroup;

    private Builder(String transport, String source) {
      this.transport = Objects.requireNonNull(transport, "transport");
      this.source = Objects.requireNonNull(source, "source");
    }

    /** The partition number; -1 (the default) where the transport has none. */
    public Builder partition(int partition) {
      this.partition = partition;
      return this;
    }

    /** The offset within the partition (or line number); -1 (the default) where there is none. */
    public Builder offset(long offset) {
      this.offset = offset;
      return this;
    }

    /** The transport's message id; {@code null} (the default) where there is none. */
    public Builder messageId(@Nullable String messageId) {
      this.messageId = messageId;
      return this;
    }

    /** The transport timestamp in epoch milliseconds; -1 (the default) when unknown. */
    public Builder timestampMillis(long timestampMillis) {
      this.timestampMillis = timestampMillis;
      return this;
    }

    /** The consumer group that received the message; {@code null} (the default) for none. */
    public Builder consumerGroup(@Nullable String consumerGroup) {
      this.consumerGroup = consumerGroup;
      return this;
    }

    /** The origin. */
    public Origin build() {
      return new Origin(this);
    }
  }
}
