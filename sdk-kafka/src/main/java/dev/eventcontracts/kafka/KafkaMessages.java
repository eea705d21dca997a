package dev.eventcontracts.kafka;

import dev.eventcontracts.envelope.InboundMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * The pipeline's view of a Kafka record, for code that polls records itself (a Spring Kafka
 * listener, a hand-written loop) and hands them to an {@code EventPipeline}: the same mapping
 * {@link KafkaEventConsumer} applies, so outcomes, keys and dead letters come out the same.
 */
public final class KafkaMessages {
  private KafkaMessages() {}

  /**
   * The message for {@code record}: the value bytes as they are (a tombstone becomes an empty
   * value, which the pipeline rejects as malformed), the record key, the headers kept byte for byte
   * and decoded as UTF-8 attributes, and the origin (topic, partition, offset, timestamp, group).
   *
   * @param groupId the consumer group, or {@code null} when there is none
   */
  public static InboundMessage of(ConsumerRecord<byte[], byte[]> record, @Nullable String groupId) {
    return HeaderMapping.message(record, groupId);
  }
}
