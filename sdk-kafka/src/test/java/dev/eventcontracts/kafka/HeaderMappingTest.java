package dev.eventcontracts.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.envelope.InboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** How records become pipeline messages, and how the sink finds a dead letter's record. */
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
    InboundMessage message = HeaderMapping.message(record(7, "{}".getBytes(), h));
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
    assertThat(HeaderMapping.message(record(1, null, new RecordHeaders())).value()).isEmpty();
  }

  @Test
  void recordScopeFindsTheRecordOfAnOriginOnlyOnItsThread() {
    List<ConsumerRecord<byte[], byte[]>> records =
        List.of(
            record(3, new byte[0], new RecordHeaders()),
            record(5, new byte[0], new RecordHeaders()),
            record(9, new byte[0], new RecordHeaders()));
    var origin5 = HeaderMapping.message(records.get(1)).origin();
    var origin9 = HeaderMapping.message(records.get(2)).origin();
    assertThat(RecordScope.find(origin5)).isNull();
    RecordScope.with(
        "g",
        records,
        () -> {
          assertThat(RecordScope.find(origin5)).isSameAs(records.get(1));
          assertThat(RecordScope.find(origin9)).isSameAs(records.get(2));
          assertThat(RecordScope.groupId()).isEqualTo("g");
          var elsewhere = new dev.eventcontracts.envelope.Origin("kafka", "other", 2, 5, null, -1);
          assertThat(RecordScope.find(elsewhere)).isNull();
          var gap = new dev.eventcontracts.envelope.Origin("kafka", "orders", 2, 4, null, -1);
          assertThat(RecordScope.find(gap)).isNull();
          return null;
        });
    assertThat(RecordScope.find(origin5)).isNull();
    assertThat(RecordScope.groupId()).isNull();
  }
}
