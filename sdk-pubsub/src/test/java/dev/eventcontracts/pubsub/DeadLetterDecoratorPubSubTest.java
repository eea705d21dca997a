package dev.eventcontracts.pubsub;

import static dev.eventcontracts.pubsub.PubSubTestSupport.PROJECT;
import static dev.eventcontracts.pubsub.PubSubTestSupport.host;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.pubsub.v1.PubsubMessage;
import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterAttributes;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.Origin;
import dev.eventcontracts.pipeline.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link PubSubDeadLetterSink#builder} with a {@link dev.eventcontracts.dlq.DeadLetterDecorator},
 * on the Pub/Sub test server: the added attributes arrive, the SDK's and the original ones
 * unchanged, and one beyond Pub/Sub's limits is left out instead of failing the publish.
 */
class DeadLetterDecoratorPubSubTest {

  @Test
  void decoratorAttributesArriveAndCannotOverrideReservedOrOriginalAttributes() throws Exception {
    PubSubTestSupport.server();
    String id = PubSubTestSupport.unique("decorated");
    String dlqTopic = PubSubTestSupport.topic(id + "-dlq");
    String reader = PubSubTestSupport.subscription(dlqTopic, id + "-dlq-reader");
    InboundMessage message =
        InboundMessage.builder("{\"not\":\"an event\"}".getBytes(StandardCharsets.UTF_8))
            .origin(Origin.builder("pubsub", id).messageId("m-1").timestampMillis(1_000).build())
            .attribute("tenant", "acme")
            .build();
    DeadLetter deadLetter =
        DeadLetter.builder(message, Outcome.MALFORMED, Instant.parse("2026-02-04T00:00:00Z"))
            .errors(List.of("not an envelope"))
            .build();
    try (PubSubDeadLetterSink sink =
        PubSubDeadLetterSink.builder(PROJECT)
            .emulatorHost(host())
            .topic(dlqTopic)
            .decorator(
                d -> {
                  Map<String, String> m = new LinkedHashMap<>();
                  m.put("team", "matching");
                  m.put(DeadLetterAttributes.REASON, "FORGED");
                  m.put(DeadLetterAttributes.REPLAY, "true");
                  m.put("tenant", "evil");
                  m.put("too-long", "x".repeat(2_000));
                  m.put("origin-message", d.origin().messageId());
                  return m;
                })
            .build()) {
      sink.publish(deadLetter);
    }

    PubsubMessage received = PubSubTestSupport.pull(reader, 1).get(0);
    Map<String, String> attributes = received.getAttributesMap();
    assertThat(attributes)
        .containsEntry("team", "matching")
        .containsEntry("origin-message", "m-1")
        .containsEntry(DeadLetterAttributes.REASON, "MALFORMED")
        .containsEntry("tenant", "acme")
        .doesNotContainKeys(DeadLetterAttributes.REPLAY, "too-long");
    assertThat(received.getData().toStringUtf8()).isEqualTo("{\"not\":\"an event\"}");
  }
}
