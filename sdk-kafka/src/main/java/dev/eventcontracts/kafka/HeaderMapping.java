package dev.eventcontracts.kafka;

import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.Origin;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Turns Kafka records into pipeline messages and header sets into one another. */
final class HeaderMapping {
  static final String TRANSPORT = "kafka";
  private static final byte[] EMPTY = new byte[0];
  private static final byte[] TRUE = "true".getBytes(StandardCharsets.UTF_8);

  private HeaderMapping() {}

  /**
   * The pipeline's view of a record: the value bytes as they are (a tombstone becomes an empty
   * value, which the pipeline rejects as malformed), the headers decoded as UTF-8 with the last
   * header winning when a name repeats (headers with a null value are left out), and the origin.
   */
  static InboundMessage message(ConsumerRecord<byte[], byte[]> record) {
    return new InboundMessage(
        record.value() == null ? EMPTY : record.value(),
        attributes(record.headers()),
        new Origin(
            TRANSPORT,
            record.topic(),
            record.partition(),
            record.offset(),
            null,
            record.timestamp() < 0 ? -1 : record.timestamp()));
  }

  /** Headers as UTF-8 strings; the last one wins for a repeated name; null values are skipped. */
  static Map<String, String> attributes(Headers headers) {
    if (!headers.iterator().hasNext()) {
      return Map.of(); // most records carry no headers: no map per record
    }
    Map<String, String> attributes = new HashMap<>();
    for (Header header : headers) {
      if (header.value() != null) {
        attributes.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
      }
    }
    return attributes;
  }

  /** Headers for attributes, when the original headers are not at hand. */
  static Headers headers(Map<String, String> attributes) {
    RecordHeaders headers = new RecordHeaders();
    attributes.forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
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
  static String lastValue(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }
}
