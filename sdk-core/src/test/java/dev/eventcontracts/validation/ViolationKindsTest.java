package dev.eventcontracts.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.Field;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.SeedEvents;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each kind of violation gets the right status, code and JSON pointer. */
class ViolationKindsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final EventValidator RECRUITING =
      EventValidator.of(ContractRegistry.load(SeedEvents.registry("recruiting")));

  /** A valid seed-000 event of {@code name}, taken from the example file, then edited. */
  private static String event(String name, Consumer<ObjectNode> edit) {
    for (String line : SeedEvents.lines("recruiting-valid.ndjson")) {
      try {
        ObjectNode doc = (ObjectNode) JSON.readTree(line);
        if (doc.get("event_name").asText().equals(name)) {
          edit.accept(doc);
          return doc.toString();
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("no example of " + name);
  }

  private static ObjectNode payload(ObjectNode doc) {
    return (ObjectNode) doc.get("payload");
  }

  private static ValidationReport validate(String json) {
    return RECRUITING.validate(InboundMessage.of(json));
  }

  private static void assertOne(
      ValidationReport report, ValidationStatus status, String path, String code) {
    assertThat(report.status()).isEqualTo(status);
    assertThat(report.valid()).isFalse();
    assertThat(report.violations())
        .extracting(v -> v.path() + " " + v.code())
        .containsExactly(path + " " + code);
    assertThat(report.violations().get(0).message()).isNotBlank();
  }

  @Test
  void requiredField() {
    ValidationReport report =
        validate(event("profile.updated", d -> payload(d).remove("candidate_id")));
    assertOne(report, ValidationStatus.INVALID, "/payload/candidate_id", "required");
    assertThat(report.violations().get(0).message()).contains("candidate_id");
    assertThat(report.contract().name()).isEqualTo("profile.updated");
  }

  @Test
  void nullCountsAsWrongType() {
    assertOne(
        validate(event("profile.updated", d -> payload(d).putNull("candidate_id"))),
        ValidationStatus.INVALID,
        "/payload/candidate_id",
        "type");
  }

  @Test
  void wrongType() {
    assertOne(
        validate(event("profile.updated", d -> payload(d).put("profile_version", "3"))),
        ValidationStatus.INVALID,
        "/payload/profile_version",
        "type");
  }

  @Test
  void wrongTypeInsideAnArrayPointsAtTheItem() {
    assertOne(
        validate(
            event(
                "profile.updated",
                d -> payload(d).putArray("changed_fields").add("skills").add(42))),
        ValidationStatus.INVALID,
        "/payload/changed_fields/1",
        "type");
  }

  @Test
  void enumValue() {
    assertOne(
        validate(event("job.updated", d -> payload(d).put("status", "deleted"))),
        ValidationStatus.INVALID,
        "/payload/status",
        "enum");
  }

  @ParameterizedTest
  @CsvSource({"quality_score, 1.5", "quality_score, -0.1"})
  void range(String field, double value) {
    assertOne(
        validate(event("candidate.document.parsed", d -> payload(d).put(field, value))),
        ValidationStatus.INVALID,
        "/payload/" + field,
        "range");
  }

  @Test
  void rangeOnAuthenticityScore() {
    assertOne(
        validate(event("qa.authenticity.assessed", d -> payload(d).put("authenticity_score", 101))),
        ValidationStatus.INVALID,
        "/payload/authenticity_score",
        "range");
  }

  @Test
  void patternOnBillingMonth() {
    for (String month : List.of("2026-13", "2026-2", "26-02", "2026-02-01")) {
      assertOne(
          validate(event("billing.usage.updated", d -> payload(d).put("billing_month", month))),
          ValidationStatus.INVALID,
          "/payload/billing_month",
          "pattern");
    }
  }

  @Test
  void dateTimeFormat() {
    for (String bad :
        List.of("yesterday", "2026-02-03", "2026-02-03 10:00:00", "2026-02-30T10:00:00Z")) {
      assertOne(
          validate(event("profile.updated", d -> payload(d).put("updated_at", bad))),
          ValidationStatus.INVALID,
          "/payload/updated_at",
          "format");
    }
  }

  @Test
  void maxItemsOnReasonCodes() {
    ValidationReport report =
        validate(
            event(
                "qa.authenticity.assessed",
                d -> payload(d).putArray("reason_codes").add("a").add("b").add("c").add("d")));
    assertOne(report, ValidationStatus.INVALID, "/payload/reason_codes", "items");
    assertThat(report.violations().get(0).message()).contains("3");
    assertThat(
            validate(
                    event(
                        "qa.authenticity.assessed",
                        d -> payload(d).putArray("reason_codes").add("a").add("b").add("c")))
                .status())
        .isEqualTo(ValidationStatus.VALID);
  }

  @Test
  void minLength() {
    assertOne(
        validate(event("profile.updated", d -> payload(d).put("candidate_id", ""))),
        ValidationStatus.INVALID,
        "/payload/candidate_id",
        "length");
  }

  @Test
  void unknownVersion() {
    ValidationReport report = validate(event("profile.updated", d -> d.put("event_version", "v2")));
    assertOne(report, ValidationStatus.UNSUPPORTED_VERSION, "", "unsupported_version");
    assertThat(report.violations().get(0).message()).contains("v2").contains("strict");
    assertThat(report.contract()).isNull();
    assertThat(report.envelope().eventVersion()).isEqualTo("v2");
  }

  @Test
  void garbageVersion() {
    assertOne(
        validate(event("profile.updated", d -> d.put("event_version", "latest"))),
        ValidationStatus.UNSUPPORTED_VERSION,
        "",
        "unsupported_version");
  }

  @Test
  void unknownEvent() {
    ValidationReport report =
        validate(event("profile.updated", d -> d.put("event_name", "profile.deleted")));
    assertOne(report, ValidationStatus.UNKNOWN_EVENT, "", "unknown_event");
    assertThat(report.violations().get(0).message()).contains("profile.deleted");
  }

  @Test
  void severalViolationsAreReportedAtOnce() {
    ValidationReport report =
        validate(
            event(
                "qa.authenticity.assessed",
                d -> {
                  d.put("event_id", "not-a-uuid");
                  ObjectNode p = payload(d);
                  p.remove("session_id");
                  p.put("policy_result", "unknown");
                  p.put("authenticity_score", 250);
                  p.put("confidence", "high");
                  p.put("assessed_at", "soon");
                  p.putArray("reason_codes").add("a").add("b").add("c").add("d");
                }));
    assertThat(report.status()).isEqualTo(ValidationStatus.INVALID);
    assertThat(report.violations())
        .extracting(v -> v.path() + " " + v.code())
        .containsExactlyInAnyOrder(
            "/event_id format",
            "/payload/session_id required",
            "/payload/policy_result enum",
            "/payload/authenticity_score range",
            "/payload/confidence type",
            "/payload/assessed_at format",
            "/payload/reason_codes items");
  }

  @Test
  void missingPayloadIsOneViolation() {
    ValidationReport report = validate(event("profile.updated", d -> d.remove("payload")));
    assertOne(report, ValidationStatus.INVALID, "/payload", "required");
  }

  @Test
  void payloadOfTheWrongShapeIsATypeViolation() {
    assertOne(
        validate(event("profile.updated", d -> d.putArray("payload"))),
        ValidationStatus.INVALID,
        "/payload",
        "type");
  }

  @Test
  void missingEventNameIsMalformed() {
    ValidationReport report = validate(event("invite.expired", d -> d.remove("event_name")));
    assertThat(report.status()).isEqualTo(ValidationStatus.MALFORMED);
    assertThat(report.envelope()).isNull();
  }

  @Test
  void missingEventVersionIsMalformedWithTheFieldNamed() {
    ValidationReport report = validate(event("invite.expired", d -> d.remove("event_version")));
    assertOne(report, ValidationStatus.MALFORMED, "/event_version", "required");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "not json at all|malformed",
        "{\"event_id\": \"truncated|malformed",
        "|malformed",
        "[{\"event_name\": \"profile.updated\"}]|malformed"
      })
  void unreadableMessages(String value, String code) {
    ValidationReport report = validate(value == null ? "" : value);
    assertOne(report, ValidationStatus.MALFORMED, "", code);
    assertThat(report.envelope()).isNull();
    assertThat(report.contract()).isNull();
  }

  @Test
  void hostileMessagesAreMalformedNeverThrown() {
    byte[] garbage = new byte[10_000];
    new java.util.Random(7).nextBytes(garbage);
    String deep = "{\"a\": ".repeat(10_000) + "1" + "}".repeat(10_000);
    String overlong =
        event("profile.updated", d -> payload(d).put("candidate_id", "x".repeat(300_000)));
    byte[] huge = new byte[2 << 20];
    java.util.Arrays.fill(huge, (byte) ' ');
    assertThatCode(
            () -> {
              assertOne(
                  RECRUITING.validate(InboundMessage.of(garbage)),
                  ValidationStatus.MALFORMED,
                  "",
                  "malformed");
              assertOne(validate(deep), ValidationStatus.MALFORMED, "", "too_deep");
              assertOne(validate("[".repeat(50_000)), ValidationStatus.MALFORMED, "", "too_deep");
              assertOne(validate(overlong), ValidationStatus.MALFORMED, "", "too_long");
              assertOne(
                  RECRUITING.validate(InboundMessage.of(huge)),
                  ValidationStatus.MALFORMED,
                  "",
                  "too_large");
              assertOne(
                  RECRUITING.validate(InboundMessage.of(new byte[0])),
                  ValidationStatus.MALFORMED,
                  "",
                  "malformed");
            })
        .doesNotThrowAnyException();
  }

  @Test
  void registryLimitsApplyToTheValidator() {
    ContractRegistry registry =
        ContractRegistry.builder()
            .add(EventContract.builder("x", "v1").required("s", Field.string()).build())
            .limits(Limits.defaults().withMaxStringLength(40))
            .build();
    String json =
        "{\"event_id\": \"46addede-f6bd-438a-9351-2a28b6c983e8\", \"event_name\": \"x\","
            + " \"event_version\": \"v1\", \"occurred_at\": \"2026-01-01T00:00:00Z\","
            + " \"producer\": \"p\", \"trace_id\": \"t\", \"idempotency_key\": \"k\","
            + " \"payload\": {\"s\": \"%s\"}}";
    EventValidator v = EventValidator.of(registry);
    assertThat(v.validate(InboundMessage.of(json.formatted("short"))).status())
        .isEqualTo(ValidationStatus.VALID);
    assertOne(
        v.validate(InboundMessage.of(json.formatted("x".repeat(41)))),
        ValidationStatus.MALFORMED,
        "",
        "too_long");
    assertThat(
            v.validate(InboundMessage.of(json.formatted("ok").getBytes(StandardCharsets.UTF_8)))
                .valid())
        .isTrue();
  }

  @Test
  void violationToStringShowsPathCodeAndMessage() {
    assertThat(Violation.of("/payload/x", "required", "missing").toString())
        .isEqualTo("/payload/x [required] missing");
    assertThat(Violation.of("", "malformed", "bad").toString()).isEqualTo("/ [malformed] bad");
  }
}
