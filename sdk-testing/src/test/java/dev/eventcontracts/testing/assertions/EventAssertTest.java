package dev.eventcontracts.testing.assertions;

import static dev.eventcontracts.testing.assertions.EventAssertions.assertThatEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.testing.fixtures.ContractFixtures;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.junit.ContractTest;
import dev.eventcontracts.validation.ValidationStatus;
import dev.eventcontracts.validation.ViolationCode;
import java.util.Map;
import org.junit.jupiter.api.Test;

@ContractTest(registry = "../examples/registries/recruiting")
class EventAssertTest {
  private final ContractRegistry registry;
  private final RecruitingEvents events = RecruitingEvents.withSeed(7);

  EventAssertTest(ContractRegistry registry) {
    this.registry = registry;
  }

  @Test
  void aValidEventPassesInEveryForm() {
    ObjectNode event = events.profileUpdated("cand_1", 3);
    assertThatEvent(event).isValidAgainst(registry);
    assertThatEvent(event.toString()).isValidAgainst(registry);
    assertThatEvent(RecruitingEvents.bytes(event)).isValidAgainst(registry);
    assertThatEvent(InboundMessage.of(event.toString(), Map.of("replay", "true")))
        .isValidAgainst(registry);
  }

  @Test
  void theFailureListsEveryViolationWithPathAndCode() {
    ObjectNode event = events.profileUpdated("cand_1", 3);
    ObjectNode payload = (ObjectNode) event.get("payload");
    payload.remove("candidate_id");
    payload.put("profile_version", 0);
    payload.put("source", "telepathy");

    assertThatThrownBy(() -> assertThatEvent(event).isValidAgainst(registry))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected the event to be valid against registry 'recruiting'")
        .hasMessageContaining("but it is INVALID")
        .hasMessageContaining("profile.updated v1, id " + event.get("event_id").asText())
        .hasMessageContaining("3 violations:")
        .hasMessageContaining("/payload/candidate_id  [required]")
        .hasMessageContaining("/payload/profile_version  [range]")
        .hasMessageContaining("/payload/source  [enum]");
  }

  @Test
  void rejectionsAreCheckedByStatusOutcomeCodeAndPath() {
    ObjectNode event =
        RecruitingEvents.withoutPayloadField(events.jobUpdated("job_1", 2), "job_id");
    assertThatEvent(event)
        .isRejectedBy(registry)
        .withStatus(ValidationStatus.INVALID)
        .withOutcome(Outcome.INVALID)
        .withViolation(ViolationCode.REQUIRED, "/payload/job_id")
        .withViolationAt("/payload/job_id");

    assertThatEvent(RecruitingEvents.withVersion(event, "v9"))
        .isRejectedBy(registry)
        .withOutcome(Outcome.UNSUPPORTED_VERSION);
    assertThatEvent("{\"event_name\": \"profile.upd")
        .isRejectedBy(registry)
        .withOutcome(Outcome.MALFORMED);
    assertThat(assertThatEvent(event).isRejectedBy(registry).report().violations()).hasSize(1);
  }

  @Test
  void generatedSamplesAndTheirVariationsAreJudgedToo(ContractFixtures fixtures) {
    var sample = fixtures.sample("invite.created", "v1");
    assertThatEvent(sample).isValidAgainst(registry);
    assertThatEvent(sample.without("/payload/invite_id"))
        .isRejectedBy(registry)
        .withViolation(ViolationCode.REQUIRED, "/payload/invite_id");
  }

  @Test
  void aValidEventIsNotRejected() {
    ObjectNode event = events.jobUpdated("job_1", 2);
    assertThatThrownBy(() -> assertThatEvent(event).isRejectedBy(registry))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected registry 'recruiting' to reject the event, but it is valid")
        .hasMessageContaining("job.updated v1");
  }

  @Test
  void aWrongCodePathOrStatusNamesWhatWasFound() {
    ObjectNode event =
        RecruitingEvents.withoutPayloadField(events.jobUpdated("job_1", 2), "job_id");
    assertThatThrownBy(
            () ->
                assertThatEvent(event)
                    .isRejectedBy(registry)
                    .withViolation(ViolationCode.TYPE, "/payload/job_id"))
        .hasMessageContaining("Expected a violation [type] at /payload/job_id")
        .hasMessageContaining("/payload/job_id  [required]");
    assertThatThrownBy(
            () -> assertThatEvent(event).isRejectedBy(registry).withViolationAt("/payload/status"))
        .hasMessageContaining("Expected a violation at /payload/status");
    assertThatThrownBy(
            () ->
                assertThatEvent(event)
                    .isRejectedBy(registry)
                    .withStatus(ValidationStatus.UNKNOWN_EVENT))
        .hasMessageContaining("reject the event as UNKNOWN_EVENT, but it is INVALID");
    assertThatThrownBy(
            () -> assertThatEvent(event).isRejectedBy(registry).withOutcome(Outcome.STALE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not by validation");
  }
}
