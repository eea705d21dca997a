package dev.eventcontracts.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.Field;
import dev.eventcontracts.contract.OrderingRule;
import dev.eventcontracts.envelope.EnvelopeFormats;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.SeedEvents;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An ordered contract needs its entity and its position, readable as the pipeline reads them: the
 * validator refuses what the pipeline would refuse, at the field's own pointer, without its value.
 */
class OrderingValidationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EventValidator validator(String registry) {
    return EventValidator.of(ContractRegistry.load(SeedEvents.registry(registry)));
  }

  private static final EventValidator RECRUITING = validator("recruiting");
  private static final EventValidator TODO = validator("todo");
  private static final EventValidator COMMERCE = validator("commerce");
  private static final EventValidator ACTIVITY = validator("activity");

  private static String edit(String file, int line, Consumer<ObjectNode> edit) {
    try {
      ObjectNode doc = (ObjectNode) JSON.readTree(SeedEvents.lines(file).get(line - 1));
      edit.accept(doc);
      return doc.toString();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Line 3 of the valid recruiting file, profile.updated, with profile_version written raw. */
  private static String profileVersion(String raw) {
    String json = edit("recruiting-valid.ndjson", 3, d -> {});
    return json.replaceFirst("\"profile_version\":3", "\"profile_version\":" + raw);
  }

  private static void assertOnly(ValidationReport report, String path, String code) {
    assertThat(report.status()).isEqualTo(ValidationStatus.INVALID);
    assertThat(report.violations())
        .extracting(v -> v.path() + " " + v.code())
        .containsExactly(path + " " + code);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "3.0",
        "1e2",
        "1E+2",
        "3.5",
        "9223372036854775808",
        "-9223372036854775809",
        "123456789012345678901234567890"
      })
  void versionThatIsNotA64BitIntegerIsInvalidAtItsPointer(String raw) {
    String json = profileVersion(raw);
    assertThat(json).contains("\"profile_version\":" + raw);
    ValidationReport report = RECRUITING.validate(InboundMessage.of(json));
    assertThat(report.status()).isEqualTo(ValidationStatus.INVALID);
    // 3.5 the schema's "type": "integer" already refuses; the others only the ordering check
    assertThat(report.violations())
        .filteredOn(v -> v.code().equals(ViolationCode.TYPE))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.path()).isEqualTo("/payload/profile_version");
              assertThat(v.message()).doesNotContain(raw);
            });
  }

  @Test
  void versionBeyondTheDoubleRangeIsATypeViolation() {
    ValidationReport report = RECRUITING.validate(InboundMessage.of(profileVersion("1e400")));
    assertThat(report.status()).isEqualTo(ValidationStatus.INVALID);
    assertThat(report.violations())
        .extracting(v -> v.path() + " " + v.code())
        .contains("/payload/profile_version type");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1", "9223372036854775807", "-9223372036854775808"})
  void versionsWithinTheRangeAreValid(String raw) {
    ValidationReport report = RECRUITING.validate(InboundMessage.of(profileVersion(raw)));
    // the contract may bound the version; only the ordering check is asserted here
    assertThat(report.violations()).noneMatch(v -> v.message().startsWith("ordering"));
  }

  @Test
  void absentVersionIsReportedOnceByTheSchema() {
    String json =
        edit(
            "recruiting-valid.ndjson",
            3,
            d -> ((ObjectNode) d.get("payload")).remove("profile_version"));
    assertOnly(
        RECRUITING.validate(InboundMessage.of(json)), "/payload/profile_version", "required");
  }

  @Test
  void cloudEventWithoutTimeIsInvalidAtSlashTime() {
    String json = edit("todo.ndjson", 1, d -> d.remove("time"));
    ValidationReport report = TODO.validate(InboundMessage.of(json));
    assertOnly(report, "/time", "required");
    assertThat(report.violations().get(0).message())
        .isEqualTo("ordering by timestamp needs envelope.occurred_at, which is absent or null");
  }

  @Test
  void cloudEventInBinaryModeWithoutTimeIsInvalidAtTheWholeMessage() throws Exception {
    ObjectNode doc = (ObjectNode) JSON.readTree(SeedEvents.lines("todo.ndjson").get(0));
    Map<String, String> headers =
        Map.of(
            "ce_specversion", "1.0",
            "ce_id", "a03a36a6-f97b-45aa-a5d8-5fcea8a50047",
            "ce_source", "/chat-api",
            "ce_type", "com.todo.task.created.v1");
    ValidationReport report = TODO.validate(InboundMessage.of(doc.get("data").toString(), headers));
    assertOnly(report, "", "required");
  }

  @Test
  void missingEntityFieldInTheEnvelopeIsInvalidAtItsPointer() {
    // commerce line 3 is product.updated, ordered per correlation_id by timestamp
    String json = edit("commerce.ndjson", 3, d -> d.remove("correlation_id"));
    ValidationReport report = COMMERCE.validate(InboundMessage.of(json));
    // seed 004's format requires correlation_id itself; the ordering check does not repeat it
    assertOnly(report, "/correlation_id", "required");
    assertThat(report.violations().get(0).message())
        .isEqualTo("envelope field 'correlation_id' is required");
  }

  @Test
  void rawTopLevelEntityFieldIsInvalidAtItsPointer() {
    String json = edit("activity.ndjson", 2, d -> d.putNull("jobId"));
    assertOnly(ACTIVITY.validate(InboundMessage.of(json)), "/jobId", "required");
  }

  @Test
  void unreadableTimestampIsAFormatViolationAtThePayloadField() {
    EventValidator validator =
        EventValidator.of(
            ContractRegistry.builder()
                .envelopeFormat(EnvelopeFormats.jobarium())
                .add(
                    EventContract.builder("shift.moved", "v1")
                        .required("shift_id", Field.string())
                        .required("moved", Field.object())
                        .ordering(OrderingRule.byTimestamp("{shift_id}", "moved.at"))
                        .build())
                .build());
    String event =
        "{\"event_id\": \"46addede-f6bd-438a-9351-2a28b6c983e8\", \"event_name\": \"shift.moved\","
            + " \"event_version\": \"v1\", \"occurred_at\": \"2026-02-03T09:00:45.010Z\","
            + " \"producer\": \"p\", \"trace_id\": \"t\", \"idempotency_key\": \"k\","
            + " \"payload\": {\"shift_id\": \"s1\", \"moved\": {\"at\": %s}}}";
    assertOnly(
        validator.validate(InboundMessage.of(String.format(event, "\"next Tuesday\""))),
        "/payload/moved/at",
        "format");
    assertOnly(
        validator.validate(InboundMessage.of(String.format(event, "1.5"))),
        "/payload/moved/at",
        "format");
    assertOnly(
        validator.validate(InboundMessage.of(String.format(event, "{}"))),
        "/payload/moved/at",
        "format");
    assertOnly(
        validator.validate(InboundMessage.of(String.format(event, "null"))),
        "/payload/moved/at",
        "required");
    assertThat(
            validator
                .validate(InboundMessage.of(String.format(event, "\"2026-02-03T09:00:45Z\"")))
                .status())
        .isEqualTo(ValidationStatus.VALID);
    assertThat(
            validator.validate(InboundMessage.of(String.format(event, "1770109245000"))).status())
        .isEqualTo(ValidationStatus.VALID);
  }

  @Test
  void everyValidExampleStaysValid() {
    for (String[] pair :
        new String[][] {
          {"recruiting", "recruiting-valid.ndjson"},
          {"todo", "todo.ndjson"},
          {"activity", "activity.ndjson"},
          {"interview", "interview.ndjson"}
        }) {
      EventValidator validator = validator(pair[0]);
      for (String line : SeedEvents.lines(pair[1])) {
        assertThat(validator.validate(InboundMessage.of(line)).violations())
            .as(pair[1] + ": " + line)
            .isEmpty();
      }
    }
  }
}
