package dev.eventcontracts.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.Origin;
import dev.eventcontracts.pipeline.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link DeadLetterDecorator}: added attributes, and the names it may never set. */
class DeadLetterDecoratorTest {
  static final Instant AT = Instant.parse("2026-02-04T00:00:00Z");

  static DeadLetter deadLetter() {
    InboundMessage message =
        InboundMessage.builder("{}".getBytes(StandardCharsets.UTF_8))
            .origin(
                Origin.builder("kafka", "orders")
                    .partition(0)
                    .offset(7)
                    .timestampMillis(1_000)
                    .consumerGroup("group-a")
                    .build())
            .attribute("tenant", "acme")
            .build();
    return DeadLetter.builder(message, Outcome.INVALID, AT)
        .errors(List.of("bad"))
        .eventId("e-1")
        .eventName("x.y")
        .eventVersion("v1")
        .build();
  }

  /** Every kind of name a decorator may try, allowed and refused, in order. */
  static Map<String, String> hostile() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("team", "matching");
    m.put(DeadLetterAttributes.REASON, "FORGED"); // the SDK's own
    m.put("ec-dlq-anything", "x"); // the SDK's prefix
    m.put(DeadLetterAttributes.REPLAY, "true"); // would replay itself
    m.put("tenant", "evil"); // the original message's
    m.put(" ", "blank");
    m.put("no-value", null);
    m.put("service-version", "1.4.2");
    return m;
  }

  @Test
  void addsAllowedAttributesAfterTheSdksAndNeverOverridesReservedOrOriginalNames() {
    DeadLetter deadLetter = deadLetter();
    Map<String, String> all = DeadLetterAttributes.of(deadLetter, d -> hostile());

    Map<String, String> sdk = DeadLetterAttributes.of(deadLetter);
    assertThat(all).containsAllEntriesOf(sdk).hasSize(sdk.size() + 2);
    assertThat(all.get(DeadLetterAttributes.REASON)).isEqualTo("INVALID");
    assertThat(all).doesNotContainKeys("ec-dlq-anything", "replay", "tenant", " ", "no-value");
    assertThat(List.copyOf(all.keySet()).subList(sdk.size(), all.size()))
        .containsExactly("team", "service-version");
    assertThat(DeadLetterAttributes.extra(deadLetter, d -> hostile()))
        .containsExactly(Map.entry("team", "matching"), Map.entry("service-version", "1.4.2"));
  }

  @Test
  void theDecoratorSeesTheOriginalMessage() {
    Map<String, String> extra =
        DeadLetterAttributes.extra(
            deadLetter(),
            d -> Map.of("source-tenant", d.attributes().get("tenant"), "at", d.origin().source()));
    assertThat(extra).containsOnly(Map.entry("source-tenant", "acme"), Map.entry("at", "orders"));
  }

  @Test
  void aDecoratorThatThrowsOrAnswersNullAddsNothing() {
    DeadLetter deadLetter = deadLetter();
    DeadLetterDecorator broken =
        d -> {
          throw new IllegalStateException("decorator bug");
        };
    assertThat(DeadLetterAttributes.of(deadLetter, broken))
        .isEqualTo(DeadLetterAttributes.of(deadLetter));
    assertThat(DeadLetterAttributes.extra(deadLetter, d -> null)).isEmpty();
    assertThat(DeadLetterAttributes.extra(deadLetter, DeadLetterDecorator.none())).isEmpty();
  }

  @Test
  void theInMemorySinkRecordsTheAttributesATransportSinkWrites() {
    InMemoryDeadLetterSink sink = DeadLetterSink.inMemory(d -> hostile());
    DeadLetter deadLetter = deadLetter();
    sink.publish(deadLetter);

    assertThat(sink.deadLetters()).containsExactly(deadLetter);
    Map<String, String> expected = new HashMap<>(DeadLetterAttributes.of(deadLetter));
    expected.put("team", "matching");
    expected.put("service-version", "1.4.2");
    assertThat(sink.attributes()).containsExactly(expected);
    assertThat(DeadLetterSink.inMemory().attributes()).isEmpty();
  }
}
