package dev.eventcontracts.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.pipeline.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
  private static final InboundMessage MESSAGE = InboundMessage.of("{\"a\":1}");
  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void fieldsNotSetAreEmptyOrAbsent() {
    DeadLetter letter = DeadLetter.builder(MESSAGE, Outcome.MALFORMED, AT).build();

    assertThat(letter.message()).isSameAs(MESSAGE);
    assertThat(letter.reasonCode()).isEqualTo("MALFORMED");
    assertThat(letter.deadLetteredAt()).isEqualTo(AT);
    assertThat(letter.violations()).isEmpty();
    assertThat(letter.errors()).isEmpty();
    assertThat(letter.attempts()).isZero();
    assertThat(letter.exceptionClass()).isNull();
    assertThat(letter.eventId()).isNull();
    assertThat(letter.eventName()).isNull();
    assertThat(letter.eventVersion()).isNull();
    assertThat(letter.value()).isEqualTo(MESSAGE.value());
  }

  @Test
  void theBuilderCopiesListsAndToBuilderMakesAnEqualCopy() {
    List<String> errors = new ArrayList<>(List.of("boom"));
    DeadLetter letter =
        DeadLetter.builder(MESSAGE, Outcome.FAILED, AT)
            .errors(errors)
            .exceptionClass("java.lang.IllegalStateException")
            .attempts(3)
            .eventId("e-1")
            .eventName("profile.updated")
            .eventVersion("v1")
            .build();
    errors.add("later");

    assertThat(letter.errors()).containsExactly("boom");
    assertThatThrownBy(() -> letter.errors().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(letter.toBuilder().build()).isEqualTo(letter).hasSameHashCodeAs(letter);
    assertThat(letter.toBuilder().attempts(4).build()).isNotEqualTo(letter);
    assertThat(letter.toString()).contains("FAILED", "e-1", "attempts=3");
  }

  @Test
  void requiredPartsAndBadCountsFailAtOnce() {
    assertThatThrownBy(() -> DeadLetter.builder(null, Outcome.FAILED, AT))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("message");
    assertThatThrownBy(() -> DeadLetter.builder(MESSAGE, null, AT))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("reason");
    assertThatThrownBy(() -> DeadLetter.builder(MESSAGE, Outcome.FAILED, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("deadLetteredAt");
    assertThatThrownBy(() -> DeadLetter.builder(MESSAGE, Outcome.FAILED, AT).attempts(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attempts");
  }
}
