package dev.eventcontracts.examples.contracts;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.testing.harness.HandlerHarness;
import dev.eventcontracts.testing.junit.ContractTest;
import org.junit.jupiter.api.Test;

// --8<-- [start:consumer]
/** Seed 000 (recruiting): the contract tests of a matching-service consumer. */
@ContractTest(registry = "registries/recruiting")
class RecruitingConsumerContractTest {
  private final CandidateDirectory directory = new CandidateDirectory();
  private final HandlerHarness harness;

  RecruitingConsumerContractTest(ContractRegistry registry) {
    harness =
        HandlerHarness.builder(registry)
            .handlers(directory.bindings()) // the bindings the service gives its pipeline
            .state(directory::snapshot) // a copy of the state, compared with equals
            .reset(directory::clear)
            .build();
  }

  @Test
  void everyValidSampleBindsAndIsHandled() {
    harness.assertValidSamplesHandled();
  }

  @Test
  void everyVersionTheRegistryAcceptsReachesAHandler() {
    harness.assertEveryVersionBound();
  }

  @Test
  void redeliveriesAndReplaysChangeNothing() {
    harness.assertRedeliveriesIdempotent();
    harness.assertReplaysIdempotent();
  }

  @Test
  void brokenEventsNeverReachTheHandlers() {
    harness.assertInvalidVariantsRejected();
  }
}
// --8<-- [end:consumer]
