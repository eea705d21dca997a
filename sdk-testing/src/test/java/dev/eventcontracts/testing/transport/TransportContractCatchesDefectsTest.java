package dev.eventcontracts.testing.transport;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventcontracts.testing.transport.InMemoryTransport.Defect;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each check of the transport kit fails on a transport with the defect it is there to catch. */
class TransportContractCatchesDefectsTest {

  /** The kit on the in-memory transport with one defect; short patience, the defects hang. */
  private static final class Kit extends TransportContract {
    private final Defect defect;

    Kit(Defect defect) {
      this.defect = defect;
    }

    @Override
    protected TransportUnderTest transport() {
      return new InMemoryTransport(defect);
    }

    @Override
    protected Duration patience() {
      return Duration.ofSeconds(3);
    }
  }

  private interface Check {
    void run(Kit kit) throws Exception;
  }

  private static void assertCaught(Defect defect, Check check) throws Exception {
    Kit kit = new Kit(defect);
    kit.openTransport();
    try {
      assertThatThrownBy(() -> check.run(kit)).isInstanceOf(AssertionError.class);
    } finally {
      kit.closeTransport();
    }
  }

  @Test
  void aTransportThatAcknowledgesRetriesFailsTheAckAndDeadLetterChecks() throws Exception {
    assertCaught(Defect.ACKS_RETRIES, Kit::onlyFinalOutcomesAreAcknowledged);
    assertCaught(Defect.ACKS_RETRIES, Kit::aDeadLetterIsStoredBeforeItsMessageIsAcknowledged);
  }

  @Test
  void aTransportThatPutsRetriesBehindTheirKeyFailsTheOrderCheck() throws Exception {
    assertCaught(Defect.RETRIES_OUT_OF_ORDER, Kit::retriesKeepTheOrderOfAKeyWhileOtherKeysFlow);
  }

  @Test
  void aTransportThatReadsReplayFromThePayloadFailsTheReplayCheck() throws Exception {
    assertCaught(Defect.REPLAY_FROM_PAYLOAD, Kit::theReplayFlagComesFromTheAttributeOnly);
  }

  @Test
  void aTransportThatLosesMessagesOnAKillFailsTheKillCheck() throws Exception {
    assertCaught(Defect.LOSES_ON_KILL, Kit::aKilledConsumerLosesNothing);
  }

  @Test
  void theSoundTransportPassesTheSameChecksCalledThisWay() throws Exception {
    Kit kit = new Kit(Defect.NONE);
    kit.openTransport();
    try {
      kit.onlyFinalOutcomesAreAcknowledged();
    } finally {
      kit.closeTransport();
    }
  }
}
