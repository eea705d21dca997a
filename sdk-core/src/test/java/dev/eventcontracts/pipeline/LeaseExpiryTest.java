package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static dev.eventcontracts.pipeline.Fixtures.invite;
import static dev.eventcontracts.pipeline.Fixtures.msg;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.pipeline.Fixtures.Recorder;
import dev.eventcontracts.testing.stores.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A claim held by a consumer that died is taken over once its lease ends. */
class LeaseExpiryTest {
  private final MutableClock clock = MutableClock.startingAt(NOW);
  private final DedupStore dedup = DedupStore.inMemory(1_000, clock);
  private final Recorder handled = new Recorder();
  private final Duration lease = Duration.ofSeconds(30);
  private final EventPipeline survivor =
      Fixtures.pipeline(DeadLetterSink.inMemory(), clock)
          .owner("survivor")
          .dedupStore(dedup)
          .lease(lease)
          .inProgressDelay(Duration.ofSeconds(2))
          .handler(HandlerBinding.ofJson("invite.created", handled))
          .build();

  @Test
  void claimOfADeadConsumerIsTakenOverAfterTheLease() {
    InboundMessage message = msg(invite("inv_1"));
    // the dead consumer claimed the key, then vanished without completing or releasing it
    assertThat(dedup.claim("-/invite.created:inv_1", "dead", lease)).isEqualTo(ClaimState.CLAIMED);

    ProcessingResult whileHeld = survivor.process(message);
    assertThat(whileHeld.outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(whileHeld.disposition()).isEqualTo(Disposition.RETRY);
    assertThat(whileHeld.retryAfter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(handled.count()).isZero();

    clock.advance(lease.minusMillis(1));
    assertThat(survivor.process(message).disposition()).isEqualTo(Disposition.RETRY);

    clock.advance(Duration.ofMillis(1));
    ProcessingResult afterLease = survivor.process(message);
    assertThat(afterLease.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(handled.count()).isEqualTo(1);

    // the dead consumer waking up cannot undo the survivor's work
    dedup.release("-/invite.created:inv_1", "dead");
    dedup.complete("-/invite.created:inv_1", "dead", Duration.ofMillis(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(survivor.process(message).outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(handled.count()).isEqualTo(1);
  }

  @Test
  void completedKeysAreForgottenAfterTheRetention() {
    EventPipeline shortMemory =
        Fixtures.pipeline(DeadLetterSink.inMemory(), clock)
            .dedupStore(dedup)
            .retention(Duration.ofHours(1))
            .handler(HandlerBinding.ofJson("invite.created", handled))
            .build();
    InboundMessage message = msg(invite("inv_1"));
    shortMemory.process(message);

    clock.advance(Duration.ofMinutes(59));
    assertThat(shortMemory.process(message).outcome()).isEqualTo(Outcome.DUPLICATE);
    clock.advance(Duration.ofMinutes(1));
    // an unordered event redelivered after the retention runs again: the documented TTL trade-off
    assertThat(shortMemory.process(message).outcome()).isEqualTo(Outcome.PROCESSED);
  }
}
