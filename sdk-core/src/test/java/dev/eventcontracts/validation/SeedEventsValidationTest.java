package dev.eventcontracts.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.SeedEvents;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every seed example event honours its contract in the example registries. */
class SeedEventsValidationTest {

  private static EventValidator validator(String registry) {
    return EventValidator.of(ContractRegistry.load(SeedEvents.registry(registry)));
  }

  private static void assertValid(ValidationReport report, String name, String version) {
    assertThat(report.violations()).isEmpty();
    assertThat(report.status()).isEqualTo(ValidationStatus.VALID);
    assertThat(report.valid()).isTrue();
    assertThat(report.contract().name()).isEqualTo(name);
    assertThat(report.contract().version()).isEqualTo(version);
    assertThat(report.envelope().eventName()).isEqualTo(name);
  }

  @Test
  void seed000CanonicalEnvelope() {
    assertValid(
        validator("recruiting").validate(InboundMessage.of(SeedEvents.S000_PROFILE_UPDATED)),
        "profile.updated",
        "v1");
  }

  @Test
  void seed001CommonStructure() {
    assertValid(
        validator("activity").validate(InboundMessage.of(SeedEvents.S001_TEXT_JOB_REQUESTED)),
        "TEXT_JOB_REQUESTED",
        "1");
  }

  @Test
  void seed002PrintedEvents() {
    EventValidator v = validator("interview");
    assertValid(
        v.validate(InboundMessage.of(SeedEvents.S002_USER_AUTHENTICATED)),
        "user.authenticated",
        "1.0");
    assertValid(v.validate(InboundMessage.of(SeedEvents.S002_USER_CREATED)), "user.created", "1.0");
    assertValid(
        v.validate(InboundMessage.of(SeedEvents.S002_WITH_METADATA)), "user.deleted", "1.0");
  }

  @Test
  void seed003StructuredMode() {
    assertValid(
        validator("todo").validate(InboundMessage.of(SeedEvents.S003_TASK_CREATED_STRUCTURED)),
        "com.todo.task.created",
        "v1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ce_", "ce-"})
  void seed003BinaryMode(String prefix) {
    ValidationReport report =
        validator("todo")
            .validate(
                InboundMessage.of(
                    SeedEvents.S003_TASK_CREATED_DATA, SeedEvents.s003BinaryHeaders(prefix)));
    assertValid(report, "com.todo.task.created", "v1");
  }

  @Test
  void seed003BinaryModeReportsPathsFromTheValue() {
    ValidationReport report =
        validator("todo")
            .validate(
                InboundMessage.of(
                    "{\"task_id\": \"not-a-uuid\", \"user_id\": \"57810fc9-d961-4327-b182-14c3758ca3da\","
                        + " \"created_at\": \"2026-02-03T09:00:00Z\"}",
                    SeedEvents.s003BinaryHeaders("ce_")));
    assertThat(report.status()).isEqualTo(ValidationStatus.INVALID);
    assertThat(report.violations())
        .extracting(x -> x.path() + " " + x.code())
        .containsExactlyInAnyOrder("/title required", "/task_id format");
  }

  @Test
  void seed004BothVersionFieldsAndBothNameStyles() {
    EventValidator v = validator("commerce");
    assertValid(
        v.validate(InboundMessage.of(SeedEvents.S004_PRODUCT_CREATED)), "product.created", "1.0");
    assertValid(
        v.validate(InboundMessage.of(SeedEvents.S004_INVENTORY_RESERVED)),
        "InventoryReserved",
        "1.0");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "recruiting:recruiting-valid.ndjson:14",
        "activity:activity.ndjson:13",
        "interview:interview.ndjson:18",
        "todo:todo.ndjson:9"
      })
  void everyLineOfTheValidExampleFilesIsValid(String spec) {
    String[] parts = spec.split(":");
    EventValidator v = validator(parts[0]);
    List<String> lines = SeedEvents.lines(parts[1]);
    assertThat(lines).hasSize(Integer.parseInt(parts[2]));
    for (int i = 0; i < lines.size(); i++) {
      ValidationReport report = v.validate(InboundMessage.of(lines.get(i)));
      assertThat(report.status())
          .as("%s line %d: %s", parts[1], i + 1, report)
          .isEqualTo(ValidationStatus.VALID);
    }
  }

  @Test
  void commerceFileIsValidButForTheGenericStructure() {
    EventValidator v = validator("commerce");
    List<String> lines = SeedEvents.lines("commerce.ndjson");
    ValidationReport generic = v.validate(InboundMessage.of(lines.get(0)));
    assertThat(generic.status()).isEqualTo(ValidationStatus.UNKNOWN_EVENT);
    assertThat(generic.envelope().eventName()).isEqualTo("domain.action");
    for (String line : lines.subList(1, lines.size())) {
      assertThat(v.validate(InboundMessage.of(line)).status())
          .as(line)
          .isEqualTo(ValidationStatus.VALID);
    }
  }

  @Test
  void invalidExampleFileGivesTheDocumentedStatusPerLine() {
    EventValidator v = validator("recruiting");
    List<String> lines = SeedEvents.lines("recruiting-invalid.ndjson");
    List<String> expected =
        List.of(
            "INVALID /payload/changed_fields required",
            "INVALID /payload/profile_version type",
            "INVALID /payload/status enum",
            "INVALID /payload/quality_score range",
            "INVALID /payload/billing_month pattern",
            "INVALID /payload/reason_codes items",
            "UNSUPPORTED_VERSION  unsupported_version",
            "UNKNOWN_EVENT  unknown_event",
            "MALFORMED  malformed",
            "MALFORMED  unknown_envelope");
    assertThat(lines).hasSize(expected.size());
    for (int i = 0; i < lines.size(); i++) {
      ValidationReport report = v.validate(InboundMessage.of(lines.get(i)));
      assertThat(report.violations()).as("line %d", i + 1).hasSize(1);
      Violation only = report.violations().get(0);
      assertThat(report.status() + " " + only.path() + " " + only.code())
          .as("line %d", i + 1)
          .isEqualTo(expected.get(i));
    }
  }
}
