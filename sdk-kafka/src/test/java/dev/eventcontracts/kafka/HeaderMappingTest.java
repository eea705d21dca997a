package dev.eventcontracts.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.envelope.InboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** How records become pipeline messages, and messages become headers again. */
class HeaderMappingTest {

  private static ConsumerRecord<byte[], byte[]> record(long offset, byte[] value, RecordHeaders h) {
    return new ConsumerRecord<>(
        "orders",
        2,
        offset,
        1_770_000_000_000L,
        TimestampType.CREATE_TIME,
        -1,
        value == null ? -1 : value.length,
        "k".getBytes(StandardCharsets.UTF_8),
        value,
        h,
        Optional.empty());
  }

  @Test
  void headersBecomeUtf8AttributesAndTheLastOneWins() {
    RecordHeaders h = new RecordHeaders();
    h.add("replay", "false".getBytes(StandardCharsets.UTF_8));
    h.add("replay", "true".getBytes(StandardCharsets.UTF_8));
    h.add("ce_id", "ü-1".getBytes(StandardCharsets.UTF_8));
    h.add("empty", null);
    InboundMessage message = HeaderMapping.message(record(7, "{}".getBytes(), h), null);
    assertThat(message.attributes()).containsOnlyKeys("replay", "ce_id");
    assertThat(message.attribute("replay")).isEqualTo("true");
    assertThat(message.attribute("ce_id")).isEqualTo("ü-1");
    assertThat(message.origin().transport()).isEqualTo("kafka");
    assertThat(message.origin().source()).isEqualTo("orders");
    assertThat(message.origin().partition()).isEqualTo(2);
    assertThat(message.origin().offset()).isEqualTo(7);
    assertThat(message.origin().messageId()).isNull();
    assertThat(message.origin().timestampMillis()).isEqualTo(1_770_000_000_000L);
  }

  @Test
  void tombstoneBecomesAnEmptyValue() {
    assertThat(HeaderMapping.message(record(1, null, new RecordHeaders()), null).value()).isEmpty();
  }

  @Test
  void theMessageKeepsTheKeyTheRawHeadersAndTheGroupForDeadLetterSinks() {
    RecordHeaders h = new RecordHeaders();
    byte[] binary = {(byte) 0xff, 0, 1};
    h.add("trace", binary);
    h.add("replay", "false".getBytes(StandardCharsets.UTF_8));
    h.add("replay", "true".getBytes(StandardCharsets.UTF_8));
    h.add("empty", null);

    InboundMessage message = HeaderMapping.message(record(5, new byte[0], h), "group-a");

    assertThat(message.key()).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
    assertThat(message.origin().consumerGroup()).isEqualTo("group-a");
    assertThat(message.headers())
        .extracting(InboundMessage.Header::name)
        .containsExactly("trace", "replay", "replay", "empty");
    assertThat(message.headers().get(0).value()).isEqualTo(binary);
    assertThat(message.headers().get(3).value()).isNull();
    assertThat(HeaderMapping.headers(message).toArray()).hasSize(4); // republished as delivered
  }

  @Test
  void aMessageFromAnotherTransportIsRepublishedWithItsAttributesAsHeaders() {
    InboundMessage fromPubSub =
        InboundMessage.builder(new byte[0]).attribute("tenant", "acme").key("order-7").build();
    var headers = HeaderMapping.headers(fromPubSub);
    assertThat(HeaderMapping.lastValue(headers, "tenant")).isEqualTo("acme");
    assertThat(fromPubSub.key()).isEqualTo("order-7".getBytes(StandardCharsets.UTF_8));
  }
}
