package dev.eventcontracts.kafka;

import dev.eventcontracts.envelope.Origin;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The records a consumer thread is handing to the pipeline right now. The pipeline calls the
 * dead-letter sink synchronously on that thread, so {@link KafkaDeadLetterSink} finds the original
 * record of a dead letter here by its origin (topic, partition, offset) and can publish the
 * original key and the original headers byte for byte, which {@code InboundMessage} does not carry.
 */
final class RecordScope {
  private static final ThreadLocal<RecordScope> CURRENT = new ThreadLocal<>();

  private final String groupId;
  private final List<ConsumerRecord<byte[], byte[]>> records;

  private RecordScope(String groupId, List<ConsumerRecord<byte[], byte[]>> records) {
    this.groupId = groupId;
    this.records = records;
  }

  /**
   * Runs {@code body} with {@code records} (one partition, ascending offsets) in scope on this
   * thread.
   */
  static <T> T with(
      String groupId, List<ConsumerRecord<byte[], byte[]>> records, Supplier<T> body) {
    RecordScope previous = CURRENT.get();
    CURRENT.set(new RecordScope(groupId, records));
    try {
      return body.get();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }

  /** The consumer group of the consumer that is processing on this thread, or {@code null}. */
  static String groupId() {
    RecordScope scope = CURRENT.get();
    return scope == null ? null : scope.groupId;
  }

  /** The record in scope on this thread that {@code origin} points at, or {@code null}. */
  static ConsumerRecord<byte[], byte[]> find(Origin origin) {
    RecordScope scope = CURRENT.get();
    if (scope == null || !HeaderMapping.TRANSPORT.equals(origin.transport())) {
      return null;
    }
    List<ConsumerRecord<byte[], byte[]>> records = scope.records;
    int low = 0;
    int high = records.size() - 1;
    while (low <= high) { // offsets ascend but may have gaps (compaction, transaction markers)
      int mid = (low + high) >>> 1;
      ConsumerRecord<byte[], byte[]> record = records.get(mid);
      if (record.offset() < origin.offset()) {
        low = mid + 1;
      } else if (record.offset() > origin.offset()) {
        high = mid - 1;
      } else {
        return record.topic().equals(origin.source()) && record.partition() == origin.partition()
            ? record
            : null;
      }
    }
    return null;
  }
}
