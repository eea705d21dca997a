package dev.eventcontracts.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OriginTest {
  @Test
  void fieldsNotSetAreAbsent() {
    Origin origin = Origin.builder("custom", "queue-a").build();

    assertThat(origin.transport()).isEqualTo("custom");
    assertThat(origin.source()).isEqualTo("queue-a");
    assertThat(origin.partition()).isEqualTo(-1);
    assertThat(origin.offset()).isEqualTo(-1);
    assertThat(origin.messageId()).isNull();
    assertThat(origin.timestampMillis()).isEqualTo(-1);
    assertThat(origin.consumerGroup()).isNull();
  }

  @Test
  void aCopyFromToBuilderEqualsTheOriginalAndChangesOnlyWhatIsSet() {
    Origin origin =
        Origin.builder("kafka", "orders")
            .partition(3)
            .offset(41)
            .messageId("m-1")
            .timestampMillis(1_000)
            .consumerGroup("billing")
            .build();

    assertThat(origin.toBuilder().build()).isEqualTo(origin).hasSameHashCodeAs(origin);
    Origin moved = origin.toBuilder().offset(42).build();
    assertThat(moved).isNotEqualTo(origin);
    assertThat(moved.offset()).isEqualTo(42);
    assertThat(moved.consumerGroup()).isEqualTo("billing");
    assertThat(origin.toString()).contains("orders", "41", "billing");
  }

  @Test
  void transportAndSourceAreRequired() {
    assertThatThrownBy(() -> Origin.builder(null, "s"))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("transport");
    assertThatThrownBy(() -> Origin.builder("t", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("source");
  }

  @Test
  void theFactoriesKeepTheirMeaning() {
    assertThat(Origin.unknown().transport()).isEqualTo("none");
    assertThat(Origin.unknown().source()).isEmpty();
    assertThat(Origin.line("events.ndjson", 12))
        .isEqualTo(Origin.builder("file", "events.ndjson").offset(12).build());
  }
}
