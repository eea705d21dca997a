package dev.eventcontracts.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.validation.Limits;
import dev.eventcontracts.validation.Violation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad bytes come back as one violation with a stable code, never as an exception. */
class EnvelopeReaderTest {
  private final EnvelopeReader reader = EnvelopeReader.ofDefaults();

  private Violation onlyViolation(byte[] value) {
    EnvelopeResult result = reader.read(InboundMessage.of(value));
    assertThat(result.unreadable()).isTrue();
    assertThat(result.violations()).hasSize(1);
    Violation v = result.violations().get(0);
    assertThat(v.path()).isEmpty();
    return v;
  }

  private Violation onlyViolation(String value) {
    return onlyViolation(value.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "{\"event_id\": \"truncated",
        "{\"event_name\": \"profile.updated\", ",
        "",
        "   \n\t ",
        "{} {}",
        "{\"a\": 1,}",
        "[1, 2, 3]",
        "[]",
        "\"just a string\"",
        "42",
        "null",
        "true"
      })
  void notAnEventObjectIsMalformed(String value) {
    assertThat(onlyViolation(value).code()).isEqualTo("malformed");
  }

  @Test
  void garbageBytesAreMalformed() {
    byte[] garbage = new byte[4096];
    new java.util.Random(42).nextBytes(garbage);
    assertThat(onlyViolation(garbage).code()).isEqualTo("malformed");
    assertThat(onlyViolation(new byte[] {(byte) 0xC3, (byte) 0x28, '{', '}'}).code())
        .isEqualTo("malformed");
    assertThat(
            onlyViolation(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'}).code())
        .isEqualTo("malformed");
    assertThat(onlyViolation(new byte[] {0, 0, 0, 0}).code()).isEqualTo("malformed");
  }

  @Test
  void tenThousandLevelsOfArraysAreTooDeep() {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    Violation v = onlyViolation(deep);
    assertThat(v.code()).isEqualTo("too_deep");
    assertThat(v.message()).contains("64");
  }

  @Test
  void tenThousandLevelsOfObjectsInsideAPayloadAreTooDeep() {
    String deep =
        "{\"event_name\": \"x\", \"payload\": "
            + "{\"a\": ".repeat(10_000)
            + "1"
            + "}".repeat(10_000)
            + "}";
    assertThat(onlyViolation(deep).code()).isEqualTo("too_deep");
  }

  @Test
  void unclosedDeepNestingIsTooDeepNotAStackOverflow() {
    assertThat(onlyViolation("[".repeat(1_000_000)).code()).isEqualTo("too_deep");
  }

  @Test
  void nestingAtTheLimitIsRead() {
    String atLimit =
        "{\"event_name\": \"x\", \"payload\": "
            + "[".repeat(Limits.DEFAULT_MAX_NESTING_DEPTH - 1)
            + "]".repeat(Limits.DEFAULT_MAX_NESTING_DEPTH - 1)
            + "}";
    assertThat(reader.read(InboundMessage.of(atLimit)).unreadable()).isFalse();
  }

  @Test
  void hugeMessageIsTooLargeBeforeParsing() {
    byte[] huge = new byte[Limits.DEFAULT_MAX_MESSAGE_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) '[');
    Violation v = onlyViolation(huge);
    assertThat(v.code()).isEqualTo("too_large");
    assertThat(v.message()).contains(Integer.toString(Limits.DEFAULT_MAX_MESSAGE_BYTES));
  }

  @Test
  void overlongStringNumberAndNameAreTooLong() {
    String longString = "{\"x\": \"" + "a".repeat(Limits.DEFAULT_MAX_STRING_LENGTH + 1) + "\"}";
    assertThat(onlyViolation(longString).code()).isEqualTo("too_long");
    String longNumber = "{\"x\": 1" + "0".repeat(Limits.DEFAULT_MAX_NUMBER_LENGTH + 1) + "}";
    assertThat(onlyViolation(longNumber).code()).isEqualTo("too_long");
    String longName = "{\"" + "k".repeat(60_000) + "\": 1}";
    assertThat(onlyViolation(longName).code()).isEqualTo("too_long");
  }

  @Test
  void customLimitsApply() {
    EnvelopeReader tight =
        EnvelopeReader.of(
            EnvelopeFormats.all(),
            Limits.defaults().withMaxMessageBytes(100).withMaxNestingDepth(3));
    assertThat(tight.read(InboundMessage.of(SeedEvents.S000_PROFILE_UPDATED)).violations())
        .extracting(Violation::code)
        .containsExactly("too_large");
    assertThat(tight.read(InboundMessage.of("{\"a\": [[[1]]]}")).violations())
        .extracting(Violation::code)
        .containsExactly("too_deep");
  }

  @Test
  void objectNoFormatRecognisesIsUnknownEnvelope() {
    assertThat(onlyViolation("{\"hello\": \"world\"}").code()).isEqualTo("unknown_envelope");
  }

  @Test
  void formatsAreTriedInDetectionOrder() {
    assertThat(EnvelopeFormats.names())
        .containsExactly("cloudevents", "jobarium", "commerce", "interview", "activity");
    // interview needs eventId as well as eventType; without it the activity shape is used
    Envelope activity =
        reader
            .read(InboundMessage.of("{\"eventType\": \"X\", \"version\": 1, \"payload\": {}}"))
            .envelope();
    assertThat(activity.format()).isEqualTo("activity");
    Envelope interview =
        reader
            .read(InboundMessage.of("{\"eventType\": \"X\", \"eventId\": \"1\", \"data\": {}}"))
            .envelope();
    assertThat(interview.format()).isEqualTo("interview");
  }

  @Test
  void onlyTheConfiguredFormatsAreTried() {
    EnvelopeReader jobariumOnly =
        EnvelopeReader.of(List.of(EnvelopeFormats.jobarium()), Limits.defaults());
    assertThat(jobariumOnly.read(InboundMessage.of(SeedEvents.S004_PRODUCT_CREATED)).violations())
        .extracting(Violation::code)
        .containsExactly("unknown_envelope");
  }

  @Test
  void utf8IsDecodedFromBytes() {
    String json =
        "{\"event_name\": \"x\", \"event_version\": \"v1\", \"payload\": {\"name\": \"Zoë ✓ 名前\"}}";
    Envelope e = reader.read(InboundMessage.of(json.getBytes(StandardCharsets.UTF_8))).envelope();
    assertThat(e.payload().get("name").asText()).isEqualTo("Zoë ✓ 名前");
  }
}
