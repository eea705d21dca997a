package dev.eventcontracts.kafka;

import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.Origin;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/** Turns Kafka records into pipeline messages and header sets into one another. */
final class HeaderMapping {
  static final String TRANSPORT = "kafka";
  private static final byte[] EMPTY = new byte[0];
  private static final byte[] TRUE = "true".getBytes(StandardCharsets.UTF_8);

  private HeaderMapping() {}

  /**
   * The pipeline's view of a record, by the rule {@link InboundMessage.Builder} applies to every
   * transport: the value bytes as they are (a tombstone becomes an empty value, which the pipeline
   * rejects as malformed), the record key, the headers kept byte for byte and decoded as UTF-8
   * attributes (the last header wins for a repeated name; headers without a value are left out of
   * the attributes), and the origin with the consumer group.
   *
   * @param groupId the consumer group, or {@code null}
   */
  static InboundMessage message(ConsumerRecord<byte[], byte[]> record, String groupId) {
    InboundMessage.Builder b =
        InboundMessage.builder(record.value() == null ? EMPTY : record.value())
            .key(record.key())
            .origin(
                Origin.builder(TRANSPORT, record.topic())
                    .partition(record.partition())
                    .offset(record.offset())
                    .timestampMillis(record.timestamp() < 0 ? -1 : record.timestamp())
                    .consumerGroup(groupId)
                    .build());
    for (Header header : record.headers()) {
      b.header(header.key(), header.value());
    }
    return b.build();
  }

  /** Kafka headers for a message's headers (or, when it has none, its attributes). */
  static Headers headers(InboundMessage message) {
    RecordHeaders headers = new RecordHeaders();
    for (InboundMessage.Header header : message.headersOrAttributes()) {
      headers.add(header.name(), header.value());
    }
    return headers;
  }

  /** A copy of {@code original} without the {@code ec-dlq-*} headers, in the original order. */
  static RecordHeaders withoutDeadLetterHeaders(Headers original) {
    RecordHeaders copy = new RecordHeaders();
    for (Header header : original) {
      if (!KafkaHeaders.isDeadLetterHeader(header.key())) {
        copy.add(header.key(), header.value());
      }
    }
    return copy;
  }

  /**
   * The headers of a replayed record: the original ones without any {@code ec-dlq-*} header and
   * without any earlier replay flag, plus {@code replay=true}.
   */
  static RecordHeaders replayHeaders(Headers deadLetterHeaders) {
    RecordHeaders copy = withoutDeadLetterHeaders(deadLetterHeaders);
    copy.remove(KafkaHeaders.REPLAY);
    copy.add(KafkaHeaders.REPLAY, TRUE);
    return copy;
  }

  /** The last value of a header as UTF-8, or {@code null}. */
  static @Nullable String lastValue(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }
}
