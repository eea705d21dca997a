package dev.eventcontracts.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.validation.Limits;
import dev.eventcontracts.validation.Violation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

  private static final String EVENT_START = "{\"event_name\": \"x\", \"event_version\": \"v1\", ";

  private static byte[] bytes(String... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String part : parts) {
      if (part.startsWith("hex:")) {
        out.writeBytes(HexFormat.of().parseHex(part.substring(4)));
      } else {
        out.writeBytes(part.getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  /**
   * Every class of ill-formed UTF-8 (Unicode table 3-7), in a string value, in a name, at the very
   * end: MALFORMED with the offset of the first bad byte. Jackson alone accepts the overlong forms,
   * the surrogates and the code points above U+10FFFF.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "overlong '/' (2 bytes), C0AF",
    "overlong NUL (2 bytes), C080",
    "overlong DEL (2 bytes), C1BF",
    "overlong '/' (3 bytes), E080AF",
    "overlong U+07FF (3 bytes), E09FBF",
    "overlong '/' (4 bytes), F08080AF",
    "overlong U+FFFF (4 bytes), F08FBFBF",
    "CESU-8 surrogate pair, EDA080EDB080",
    "lone high surrogate, EDA080",
    "lone low surrogate, EDBFBF",
    "above U+10FFFF (F4 90), F4908080",
    "above U+10FFFF (F5), F5808080",
    "above U+10FFFF (F7), F7BFBFBF",
    "five-byte form, F888808080",
    "six-byte form, FC8480808080",
    "truncated 2-byte, C3",
    "truncated 3-byte, E282",
    "truncated 4-byte, F09F98",
    "stray continuation 80, 80",
    "stray continuation BF, BF",
    "continuation after ASCII, 41BF",
    "byte FE, FE",
    "byte FF, FF"
  })
  void illFormedUtf8IsMalformedWithItsOffset(String what, String hex) {
    int offset = EVENT_START.length() + "\"payload\": {\"name\": \"".length();
    int skip = hex.startsWith("41") ? 1 : 0; // the ASCII 'A' before a stray continuation byte
    Violation inValue =
        onlyViolation(bytes(EVENT_START, "\"payload\": {\"name\": \"", "hex:" + hex, "\"}}"));
    assertThat(inValue.code()).isEqualTo("malformed");
    assertThat(inValue.message()).isEqualTo("invalid UTF-8 at byte offset " + (offset + skip));

    Violation inName =
        onlyViolation(bytes(EVENT_START, "\"payload\": {\"na", "hex:" + hex, "me\": 1}}"));
    assertThat(inName.message())
        .isEqualTo(
            "invalid UTF-8 at byte offset "
                + (EVENT_START.length() + "\"payload\": {\"na".length() + skip));

    byte[] atEnd = bytes("{\"a\": 1}", "hex:" + hex);
    assertThat(onlyViolation(atEnd).message())
        .isEqualTo("invalid UTF-8 at byte offset " + (8 + skip));
  }

  /** The boundaries of each UTF-8 length are well-formed and must stay readable. */
  @ParameterizedTest
  @CsvSource({
    "C280, \u0080",
    "DFBF, \u07FF",
    "E0A080, \u0800",
    "ED9FBF, \uD7FF",
    "EE8080, \uE000",
    "EFBFBF, \uFFFF",
    "F0908080, \uD800\uDC00",
    "F09F9880, \uD83D\uDE00",
    "F48FBFBF, \uDBFF\uDFFF"
  })
  void wellFormedUtf8AtEveryBoundaryIsRead(String hex, String decoded) {
    EnvelopeResult result =
        reader.read(
            InboundMessage.of(
                bytes(EVENT_START, "\"payload\": {\"name\": \"", "hex:" + hex, "\"}}")));
    assertThat(result.unreadable()).isFalse();
    assertThat(result.envelope().payload().get("name").asText()).isEqualTo(decoded);
  }

  @Test
  void aUtf8ByteOrderMarkIsRefused() {
    Violation v = onlyViolation(bytes("hex:EFBBBF", EVENT_START, "\"payload\": {}}"));
    assertThat(v.code()).isEqualTo("malformed");
    assertThat(v.message()).contains("byte order mark");
  }

  @ParameterizedTest
  @ValueSource(strings = {"UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE"})
  void utf16AndUtf32AreRefusedNotDetected(String charset) {
    String json = EVENT_START + "\"payload\": {\"name\": \"Zo\u00eb\"}}";
    Violation v = onlyViolation(json.getBytes(Charset.forName(charset)));
    assertThat(v.code()).isEqualTo("malformed");
    assertThat(v.message()).startsWith("not UTF-8: NUL byte at byte offset ");
  }

  @Test
  void utf16WithAByteOrderMarkIsRefused() {
    byte[] le = bytes("hex:FFFE");
    byte[] body = (EVENT_START + "\"payload\": {}}").getBytes(StandardCharsets.UTF_16LE);
    byte[] value = new byte[le.length + body.length];
    System.arraycopy(le, 0, value, 0, 2);
    System.arraycopy(body, 0, value, 2, body.length);
    assertThat(onlyViolation(value).code()).isEqualTo("malformed");
  }

  /**
   * A repeated name is read last-wins here but first-wins by other parsers that may read the same
   * bytes from a dead letter or a replay, so it is refused at any depth, also when the two
   * spellings differ only by escapes.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"event_name\": \"x\", \"event_name\": \"y\", \"event_version\": \"v1\", \"payload\": {}}",
        "{\"event_name\": \"x\", \"event_version\": \"v1\", \"payload\": {\"a\": 1, \"a\": 2}}",
        "{\"event_name\": \"x\", \"payload\": {\"l\": [{\"b\": {\"c\": 1, \"d\": 2, \"c\": 3}}]}}",
        "{\"event_name\": \"x\", \"payload\": {\"email\": \"a@b.c\", \"\\u0065mail\": \"d@e.f\"}}",
        "{\"event_name\": \"x\", \"payload\": {\"a\": null, \"a\": null}}"
      })
  void duplicateNamesAreMalformed(String json) {
    Violation v = onlyViolation(json);
    assertThat(v.code()).isEqualTo("malformed");
    assertThat(v.message()).startsWith("not JSON: duplicate name in one object at line 1, column");
    assertThat(v.message()).doesNotContain("email", "\"a\"", "'a'", "'c'");
  }

  @Test
  void namesThatDifferOnlyInCaseOrInDifferentObjectsAreNotDuplicates() {
    String json =
        EVENT_START + "\"payload\": {\"a\": 1, \"A\": 2, \"o\": {\"a\": 3}, \"p\": {\"a\": 4}}}";
    EnvelopeResult result = reader.read(InboundMessage.of(json.getBytes(StandardCharsets.UTF_8)));
    assertThat(result.unreadable()).isFalse();
    assertThat(result.envelope().payload().get("p").get("a").asInt()).isEqualTo(4);
  }

  /**
   * Jackson's own messages quote the offending input ("Unrecognized token 'alice'"); a violation
   * message gives the kind of error and the position only.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"email\": alice.smith@example.com} | unrecognized token",
        "{\"email\": \"alice.smith@example.com\"} alice.smith | unrecognized token",
        "{\"email\": \"alice.smith@example.com\"} {\"alice\": 1} | trailing data",
        "{\"email\": \"alice.smith@example.com\" \"alice\"} | expected ',' or '}'",
        "[\"alice.smith@example.com\" \"alice\"] | expected ',' or ']'",
        "{alice.smith: 1} | expected a name in double quotes",
        "{\"alice.smith\" 1} | expected ':'",
        "{\"email\": \"alice.smith@example.com | truncated",
        "{\"email\": \"alice\\qsmith@example.com\"} | invalid escape",
        "{\"email\": 98765alice} | unexpected character",
        "{\"email\": 098765} | invalid number",
        "{\"email\": NaN} | non-standard token",
        "{\"email\": \"alice\"]} | unexpected closing bracket",
        "{\"email\": \"alice.smith@example.com\", \"email\": \"bob@example.com\"} | duplicate name"
      })
  void parseErrorsDescribeThePositionWithoutQuotingTheInput(String json, String expected) {
    Violation v = onlyViolation(json);
    assertThat(v.code()).isEqualTo("malformed");
    assertThat(v.message()).startsWith("not JSON: ").contains(expected).contains(" at line 1, ");
    assertThat(v.message())
        .doesNotContainIgnoringCase("alice")
        .doesNotContain("smith", "example", "bob", "98765");
  }

  @Test
  void controlCharacterInAStringIsMalformedWithoutQuotingIt() {
    Violation v = onlyViolation("{\"name\": \"alice\u0001smith\"}");
    assertThat(v.message())
        .isEqualTo(
            "not JSON: unescaped control character in a string at line 1, column 16 (byte"
                + " offset 15)");
  }
}
