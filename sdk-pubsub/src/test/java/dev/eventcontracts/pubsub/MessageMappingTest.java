package dev.eventcontracts.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.pubsub.v1.PubsubMessage;
import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.Origin;
import dev.eventcontracts.pipeline.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageMappingTest {
  private static final String SUB = "projects/p/subscriptions/orders";

  @Test
  void dataAttributesAndOriginWithoutTheClientsDeliveryAttempt() {
    PubsubMessage m =
        PubsubMessage.newBuilder()
            .setData(ByteString.copyFromUtf8("{}"))
            .putAttributes("replay", "true")
            .putAttributes(PubSubAttributes.CLIENT_DELIVERY_ATTEMPT, "3")
            .setMessageId("42")
            .setPublishTime(Timestamp.newBuilder().setSeconds(1_700_000_000).setNanos(5_000_000))
            .build();

    InboundMessage in = MessageMapping.message(m, SUB);

    assertThat(in.value()).isEqualTo("{}".getBytes());
    assertThat(in.attributes()).containsExactly(Map.entry("replay", "true"));
    assertThat(in.origin())
        .isEqualTo(
            Origin.builder("pubsub", SUB)
                .messageId("42")
                .timestampMillis(1_700_000_000_005L)
                .build());
  }

  @Test
  void aMessageWithoutAttributesOrPublishTime() {
    InboundMessage in = MessageMapping.message(PubsubMessage.getDefaultInstance(), SUB);
    assertThat(in.attributes()).isEmpty();
    assertThat(in.origin().messageId()).isNull();
    assertThat(in.origin().timestampMillis()).isEqualTo(-1);
  }

  @Test
  void defaultDeadLetterTopicIsTheSubscriptionIdWithASuffix() {
    assertThat(
            PubSubDeadLetterSink.defaultTopicNaming().apply(Origin.builder("pubsub", SUB).build()))
        .isEqualTo("orders-dlq");
    assertThat(
            PubSubDeadLetterSink.defaultTopicNaming()
                .apply(Origin.builder("kafka", "t").partition(0).offset(1).build()))
        .isEqualTo("t-dlq");
  }

  @Test
  void errorsAreCutToTheAttributeLimitAndStayAJsonArray() throws Exception {
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      errors.add(
          "required at '/payload/field_"
              + i
              + "' "
              + String.join("", Collections.nCopies(40, "x")));
    }
    errors.set(0, String.join("", Collections.nCopies(2000, "\u00e9")));

    String json = PubSubDeadLetterSink.fitErrors(errors);

    assertThat(json.getBytes("UTF-8").length)
        .isLessThanOrEqualTo(PubSubAttributes.MAX_ATTRIBUTE_VALUE_BYTES);
    var array = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    assertThat(array.isArray()).isTrue();
    assertThat(array.get(0).asText()).endsWith("...");
    assertThat(array.get(array.size() - 1).asText()).matches("\\.\\.\\. \\d+ more");
  }

  @Test
  void deadLetterMessageKeepsTheOriginalAttributesButNoStaleDeadLetterOnes() {
    DeadLetter dl =
        DeadLetter.builder(
                new InboundMessage(
                    "x".getBytes(),
                    Map.of("tenant", "acme", "ec-dlq-reason", "OLD"),
                    Origin.builder("pubsub", SUB).messageId("7").timestampMillis(1_000).build()),
                Outcome.MALFORMED,
                Instant.parse("2026-01-01T00:00:00Z"))
            .errors(List.of("malformed"))
            .build();

    PubsubMessage m = PubSubDeadLetterSink.toMessage(dl);

    assertThat(m.getAttributesMap())
        .containsEntry("tenant", "acme")
        .containsEntry("ec-dlq-reason", "MALFORMED")
        .containsEntry("ec-dlq-origin-subscription", SUB)
        .containsEntry("ec-dlq-origin-message-id", "7")
        .containsEntry("ec-dlq-origin-timestamp", "1970-01-01T00:00:01Z")
        .containsEntry("ec-dlq-attempts", "0")
        .containsEntry("ec-dlq-errors", "[\"malformed\"]")
        .doesNotContainKey("ec-dlq-event-id");
  }

  @Test
  void theOrderingKeyBecomesTheMessageKeyAndTheDeadLetterKeepsIt() {
    PubsubMessage m =
        PubsubMessage.newBuilder()
            .setData(ByteString.copyFromUtf8("{}"))
            .setOrderingKey("candidate-7")
            .build();
    InboundMessage in = MessageMapping.message(m, SUB);
    assertThat(in.keyAsText()).isEqualTo("candidate-7");

    PubsubMessage dead = PubSubDeadLetterSink.toMessage(deadLetter(in));
    assertThat(dead.getOrderingKey()).isEqualTo("candidate-7");
  }

  @Test
  void aKafkaDeadLetterKeepsItsTextKeyAsOrderingKeyAndItsOriginAsAttributes() {
    InboundMessage fromKafka =
        InboundMessage.builder("{}".getBytes())
            .key("order-9")
            .header("tenant", "acme".getBytes())
            .origin(
                Origin.builder("kafka", "orders")
                    .partition(3)
                    .offset(41)
                    .timestampMillis(1_000)
                    .consumerGroup("billing")
                    .build())
            .build();

    PubsubMessage dead = PubSubDeadLetterSink.toMessage(deadLetter(fromKafka));

    assertThat(dead.getOrderingKey()).isEqualTo("order-9");
    assertThat(dead.getAttributesMap())
        .containsEntry("tenant", "acme")
        .containsEntry("ec-dlq-origin-topic", "orders")
        .containsEntry("ec-dlq-origin-partition", "3")
        .containsEntry("ec-dlq-origin-offset", "41")
        .containsEntry("ec-dlq-consumer-group", "billing")
        .doesNotContainKey("ec-dlq-origin-subscription");
  }

  @Test
  void aBinaryOrOverlongKeyIsNoOrderingKey() {
    InboundMessage binary =
        InboundMessage.builder("{}".getBytes()).key(new byte[] {(byte) 0xc3, 0x28}).build();
    InboundMessage overlong = InboundMessage.builder("{}".getBytes()).key("k".repeat(1025)).build();
    assertThat(PubSubDeadLetterSink.toMessage(deadLetter(binary)).getOrderingKey()).isEmpty();
    assertThat(PubSubDeadLetterSink.toMessage(deadLetter(overlong)).getOrderingKey()).isEmpty();
  }

  private static DeadLetter deadLetter(InboundMessage message) {
    return DeadLetter.builder(message, Outcome.INVALID, Instant.parse("2026-01-01T00:00:00Z"))
        .errors(List.of("invalid"))
        .build();
  }
}
