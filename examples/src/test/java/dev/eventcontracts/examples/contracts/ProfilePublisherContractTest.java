package dev.eventcontracts.examples.contracts;

import static dev.eventcontracts.testing.assertions.EventAssertions.assertThatEvent;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.testing.junit.ContractTest;
import dev.eventcontracts.validation.ViolationCode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

// --8<-- [start:producer]
/** Seed 000 (recruiting): the producer side, against the same registry the consumers use. */
@ContractTest(registry = "registries/recruiting")
class ProfilePublisherContractTest {
  private static final Instant AT = Instant.parse("2026-02-03T09:00:00Z");

  @Test
  void whatTheProducerWritesHonoursTheContract(ContractRegistry registry) {
    String event = ProfilePublisher.profileUpdated("tnt_acme", "cand_42", 3, List.of("skills"), AT);

    assertThatEvent(event).isValidAgainst(registry);
  }

  @Test
  void aProfileVersionBelowOneIsRefused(ContractRegistry registry) {
    String event = ProfilePublisher.profileUpdated("tnt_acme", "cand_42", 0, List.of("skills"), AT);

    assertThatEvent(event)
        .isRejectedBy(registry)
        .withViolation(ViolationCode.RANGE, "/payload/profile_version");
  }
}
// --8<-- [end:producer]
