package dev.eventcontracts.kafka;

import static dev.eventcontracts.kafka.KafkaTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterAttributes;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.Origin;
import dev.eventcontracts.pipeline.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * {@link KafkaDeadLetterSink#builder} with a {@link dev.eventcontracts.dlq.DeadLetterDecorator}, on
 * the embedded broker: the added headers arrive, the SDK's and the original ones unchanged.
 */
class DeadLetterDecoratorKafkaTest {

  @Test
  void decoratorHeadersArriveAndCannotOverrideReservedOrOriginalHeaders() throws Exception {
    String topic = KafkaTestSupport.topics("decorated", 1);
    InboundMessage message =
        InboundMessage.builder("{\"not\":\"an event\"}".getBytes(StandardCharsets.UTF_8))
            .origin(
                Origin.builder("kafka", topic)
                    .partition(0)
                    .offset(41)
                    .timestampMillis(1_000)
                    .consumerGroup("group-a")
                    .build())
            .key("order-9")
            .header("tenant", "acme".getBytes(StandardCharsets.UTF_8))
            .build();
    DeadLetter deadLetter =
        DeadLetter.builder(message, Outcome.MALFORMED, Instant.parse("2026-02-04T00:00:00Z"))
            .errors(List.of("not an envelope"))
            .build();
    try (KafkaDeadLetterSink sink =
        KafkaDeadLetterSink.builder(KafkaTestSupport.producerProperties())
            .decorator(
                d -> {
                  Map<String, String> m = new LinkedHashMap<>();
                  m.put("team", "matching");
                  m.put(KafkaHeaders.DLQ_REASON, "FORGED");
                  m.put(DeadLetterAttributes.REPLAY, "true");
                  m.put("tenant", "evil");
                  m.put("origin-offset-copy", Long.toString(d.origin().offset()));
                  return m;
                })
            .build()) {
      sink.publish(deadLetter);
    }

    ConsumerRecord<byte[], byte[]> record = KafkaTestSupport.readAll(topic + ".dlq", 1).get(0);
    assertThat(header(record, "team")).isEqualTo("matching");
    assertThat(header(record, "origin-offset-copy")).isEqualTo("41");
    assertThat(header(record, KafkaHeaders.DLQ_REASON)).isEqualTo("MALFORMED");
    assertThat(header(record, "tenant")).isEqualTo("acme");
    assertThat(header(record, DeadLetterAttributes.REPLAY)).isNull();
    List<String> names = new ArrayList<>();
    for (Header h : record.headers()) {
      names.add(h.key());
    }
    // one header per name: nothing was added twice
    assertThat(names).doesNotHaveDuplicates().endsWith("team", "origin-offset-copy");
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("order-9");
  }
}
