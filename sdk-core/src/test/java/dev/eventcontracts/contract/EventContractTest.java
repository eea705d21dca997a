package dev.eventcontracts.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.SeedEvents;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.ValidationReport;
import dev.eventcontracts.validation.ValidationStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Contracts written in Java validate like contracts loaded from files. */
class EventContractTest {

  /** Seed 000 E-01 and E-11, in code. */
  private static ContractRegistry inCode() {
    return ContractRegistry.builder()
        .name("recruiting-in-code")
        .add(
            EventContract.builder("profile.updated", "v1")
                .required("candidate_id", Field.string().minLength(1))
                .required("profile_version", Field.integer().min(1))
                .required("changed_fields", Field.arrayOf(Field.string()))
                .required("updated_at", Field.dateTime())
                .optional("source", Field.string().oneOf("manual", "import", "parser"))
                .idempotencyKey("profile.updated:{candidate_id}:{profile_version}")
                .ordering(OrderingRule.byVersion("{candidate_id}", "profile_version"))
                .producer("candidate-profile-service")
                .consumers(List.of("matching-service", "enrichment-service"))
                .description("E-01")
                .build())
        .add(
            EventContract.builder("qa.authenticity.assessed", "v1")
                .required("session_id", Field.string())
                .required("authenticity_score", Field.number().min(0).max(100))
                .required("confidence", Field.number().min(0).max(1))
                .optional("reason_codes", Field.arrayOf(Field.string()).maxItems(3))
                .build())
        .add(
            EventContract.builder("billing.usage.updated", "v1")
                .required("billing_month", Field.string().pattern("^[0-9]{4}-(0[1-9]|1[0-2])$"))
                .required("delta", Field.number())
                .optional("active", Field.bool())
                .optional("meta", Field.object())
                .optional("note", Field.string().maxLength(5))
                .build())
        .build();
  }

  private static String jobarium(String name, String payload) {
    return """
        {"event_id": "46addede-f6bd-438a-9351-2a28b6c983e8", "event_name": "%s",
         "event_version": "v1", "occurred_at": "2026-02-03T09:00:45.010Z", "producer": "p",
         "trace_id": "t", "idempotency_key": "k", "payload": %s}
        """
        .formatted(name, payload);
  }

  @Test
  void codeContractsValidateTheSeedEvent() {
    EventValidator v = EventValidator.of(inCode());
    ValidationReport report = v.validate(InboundMessage.of(SeedEvents.S000_PROFILE_UPDATED));
    assertThat(report.status()).isEqualTo(ValidationStatus.VALID);
    EventContract c = report.contract();
    assertThat(c.source()).isEqualTo("code");
    assertThat(c.producer()).isEqualTo("candidate-profile-service");
    assertThat(c.consumers()).containsExactly("matching-service", "enrichment-service");
    assertThat(c.description()).isEqualTo("E-01");
    assertThat(c.idempotencyKey().render(report.envelope()))
        .isEqualTo("profile.updated:cand_7f3a9c21:3");
    assertThat(c.ordering().positionOf(report.envelope())).isEqualTo(3L);
    assertThat(c).hasToString("profile.updated@v1");
  }

  @Test
  void codeContractsReportTheSameViolations() {
    EventValidator v = EventValidator.of(inCode());
    ValidationReport report =
        v.validate(
            InboundMessage.of(
                jobarium(
                    "profile.updated",
                    "{\"profile_version\": 0, \"changed_fields\": [1],"
                        + " \"updated_at\": \"later\", \"source\": \"email\"}")));
    assertThat(report.violations())
        .extracting(x -> x.path() + " " + x.code())
        .containsExactlyInAnyOrder(
            "/payload/candidate_id required",
            "/payload/profile_version range",
            "/payload/changed_fields/0 type",
            "/payload/updated_at format",
            "/payload/source enum");
    ValidationReport items =
        v.validate(
            InboundMessage.of(
                jobarium(
                    "qa.authenticity.assessed",
                    "{\"session_id\": \"s\", \"authenticity_score\": 100.5, \"confidence\": 1,"
                        + " \"reason_codes\": [\"a\", \"b\", \"c\", \"d\"]}")));
    assertThat(items.violations())
        .extracting(x -> x.path() + " " + x.code())
        .containsExactlyInAnyOrder(
            "/payload/authenticity_score range", "/payload/reason_codes items");
    ValidationReport billing =
        v.validate(
            InboundMessage.of(
                jobarium(
                    "billing.usage.updated",
                    "{\"billing_month\": \"2026-13\", \"delta\": \"1\", \"active\": \"yes\","
                        + " \"meta\": [], \"note\": \"too long\"}")));
    assertThat(billing.violations())
        .extracting(x -> x.path() + " " + x.code())
        .containsExactlyInAnyOrder(
            "/payload/billing_month pattern",
            "/payload/delta type",
            "/payload/active type",
            "/payload/meta type",
            "/payload/note length");
  }

  @Test
  void fullSchemaInCode() throws Exception {
    EventContract c =
        EventContract.builder("x", "1.0")
            .schema(
                new ObjectMapper()
                    .readTree(
                        "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\","
                            + " \"type\": \"object\", \"additionalProperties\": false,"
                            + " \"properties\": {\"a\": {\"type\": \"string\"}}}"))
            .build();
    ContractRegistry registry = ContractRegistry.builder().add(c).build();
    ValidationReport report =
        EventValidator.of(registry)
            .validate(
                InboundMessage.of(
                    jobarium("x", "{\"a\": \"ok\", \"b\": 1}").replace("\"v1\"", "\"1.0\"")));
    assertThat(report.violations())
        .extracting(x -> x.path() + " " + x.code())
        .containsExactly("/payload/b additional");

    EventContract unevaluated =
        EventContract.builder("y", "1.0")
            .schema(
                new ObjectMapper()
                    .readTree(
                        "{\"type\": \"object\", \"unevaluatedProperties\": false,"
                            + " \"properties\": {\"a\": {\"type\": \"string\"}}}"))
            .build();
    ValidationReport extra =
        EventValidator.of(ContractRegistry.builder().add(unevaluated).build())
            .validate(
                InboundMessage.of(
                    jobarium("y", "{\"a\": \"ok\", \"zz\": 1}").replace("\"v1\"", "\"1.0\"")));
    assertThat(extra.violations())
        .extracting(x -> x.path() + " " + x.code())
        .containsExactly("/payload/zz additional");
  }

  @Test
  void builderRefusesBadInput() {
    assertThatThrownBy(() -> EventContract.builder("x", "latest"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventContract.builder(" ", "v1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventContract.builder("x", "v1").idempotencyKey("{oops"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                EventContract.builder("x", "v1")
                    .required("a", Field.string())
                    .schema(new ObjectMapper().createObjectNode())
                    .build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () ->
                EventContract.builder("x", "v1")
                    .schema(new ObjectMapper().readTree("{\"type\": \"strng\"}"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JSON Schema");
    assertThatThrownBy(() -> Field.schema(new ObjectMapper().createArrayNode()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void twoContractsForOneNameAndVersionAreRefused() {
    assertThatThrownBy(
            () ->
                ContractRegistry.builder()
                    .add(EventContract.builder("x", "v1").build())
                    .add(EventContract.builder("x", "1.0").build())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two contracts for x");
  }

  @Test
  void contractsAreListedByNameThenVersion() {
    ContractRegistry registry =
        ContractRegistry.builder()
            .add(EventContract.builder("b", "v2").build())
            .add(EventContract.builder("b", "v1").build())
            .add(EventContract.builder("a", "1.0").build())
            .build();
    assertThat(registry.contracts())
        .extracting(EventContract::toString)
        .containsExactly("a@1.0", "b@v1", "b@v2");
  }
}
