package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static dev.eventcontracts.pipeline.Fixtures.invite;
import static dev.eventcontracts.pipeline.Fixtures.job;
import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static dev.eventcontracts.pipeline.Fixtures.replay;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.pipeline.Fixtures.CountingDedupStore;
import dev.eventcontracts.pipeline.Fixtures.Recorder;
import dev.eventcontracts.testing.stores.MutableClock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link EventPipeline#processBatch}: one claim round trip, in-batch duplicates, stop on retry. */
class BatchProcessingTest {
  private final MutableClock clock = MutableClock.startingAt(NOW);
  private final InMemoryDeadLetterSink sink = DeadLetterSink.inMemory();
  private final CountingDedupStore dedup =
      new CountingDedupStore(DedupStore.inMemory(10_000, clock));
  private final Recorder handled = new Recorder();

  private EventPipeline.Builder builder() {
    return Fixtures.pipeline(sink, clock).owner("consumer-a").dedupStore(dedup);
  }

  private EventPipeline pipeline() {
    return builder()
        .handler(HandlerBinding.ofJson("profile.updated", handled))
        .handler(HandlerBinding.ofJson("job.updated", handled))
        .handler(HandlerBinding.ofJson("invite.created", handled))
        .build();
  }

  private static List<Outcome> outcomes(List<ProcessingResult> results) {
    return results.stream().map(ProcessingResult::outcome).toList();
  }

  @Test
  void claimsEveryKeyInOneRoundTrip() {
    List<InboundMessage> batch =
        List.of(
            msg(profile("cand_1", 1)),
            msg(profile("cand_2", 1)),
            msg(job("job_1", 1)),
            msg(invite("inv_1")),
            msg(invite("inv_2")));

    List<ProcessingResult> results = pipeline().processBatch(batch);

    assertThat(outcomes(results)).containsOnly(Outcome.PROCESSED).hasSize(5);
    assertThat(dedup.claimAlls).hasValue(1);
    assertThat(dedup.claims).hasValue(0);
    assertThat(dedup.completes).hasValue(5);
    assertThat(handled.count()).isEqualTo(5);
  }

  @Test
  void readsEntityPositionsInOneRoundTrip() {
    AtomicInteger currentAlls = new AtomicInteger();
    AtomicInteger currents = new AtomicInteger();
    EntityVersionStore store = EntityVersionStore.inMemory();
    EntityVersionStore counting =
        new EntityVersionStore() {
          @Override
          public OptionalLong current(String entity) {
            currents.incrementAndGet();
            return store.current(entity);
          }

          @Override
          public Map<String, OptionalLong> currentAll(Collection<String> entities) {
            currentAlls.incrementAndGet();
            return store.currentAll(entities);
          }

          @Override
          public boolean advance(String entity, long position) {
            return store.advance(entity, position);
          }
        };
    EventPipeline pipeline =
        builder()
            .entityVersionStore(counting)
            .handler(HandlerBinding.ofJson("profile.updated", handled))
            .build();

    pipeline.processBatch(
        List.of(msg(profile("cand_1", 1)), msg(profile("cand_2", 1)), msg(profile("cand_1", 2))));

    assertThat(currentAlls).hasValue(1);
    assertThat(currents).hasValue(0);
    assertThat(handled.count()).isEqualTo(3);
  }

  @Test
  void duplicatesAndStaleEventsInsideOneBatch() {
    ObjectNode v3 = profile("cand_1", 3);
    List<InboundMessage> batch =
        List.of(
            msg(v3),
            msg(v3),
            msg(Fixtures.withNewId(v3)),
            msg(profile("cand_1", 5)),
            msg(profile("cand_1", 4)),
            msg(profile("cand_1", 5)));

    List<ProcessingResult> results = pipeline().processBatch(batch);

    assertThat(outcomes(results))
        .containsExactly(
            Outcome.PROCESSED,
            Outcome.DUPLICATE,
            Outcome.DUPLICATE,
            Outcome.PROCESSED,
            Outcome.STALE,
            Outcome.DUPLICATE);
    assertThat(handled.versions("profile_version")).containsExactly(3, 5);
    assertThat(dedup.claimAlls).hasValue(1);
  }

  @Test
  void rejectedMessagesAreDeadLetteredInPlace() {
    List<InboundMessage> batch =
        List.of(msg(profile("cand_1", 1)), msg("garbage"), msg(profile("cand_2", 1)));

    List<ProcessingResult> results = pipeline().processBatch(batch);

    assertThat(outcomes(results))
        .containsExactly(Outcome.PROCESSED, Outcome.MALFORMED, Outcome.PROCESSED);
    assertThat(sink.deadLetters()).hasSize(1);
  }

  @Test
  void stopsAtTheFirstRetryAndReleasesTheLaterClaims() {
    AtomicBoolean jobHandlerDown = new AtomicBoolean(true);
    EventPipeline pipeline =
        builder()
            .handler(HandlerBinding.ofJson("profile.updated", handled))
            .handler(HandlerBinding.ofJson("invite.created", handled))
            .handler(
                HandlerBinding.ofJson(
                    "job.updated",
                    (JsonNode p, EventContext c) -> {
                      if (jobHandlerDown.get()) {
                        throw new IllegalStateException("job store down");
                      }
                      handled.handle(p, c);
                    }))
            .build();
    List<InboundMessage> batch =
        List.of(
            msg(profile("cand_1", 1)),
            msg(job("job_1", 1)),
            msg(invite("inv_1")),
            msg(profile("cand_2", 1)));

    List<ProcessingResult> results = pipeline.processBatch(batch);

    assertThat(outcomes(results)).containsExactly(Outcome.PROCESSED, Outcome.FAILED);
    assertThat(results.get(1).disposition()).isEqualTo(Disposition.RETRY);
    assertThat(handled.count()).isEqualTo(1);
    // the later keys are free again: even another consumer can claim them now
    DedupStore store = dedup.delegate;
    assertThat(store.claim("-/invite.created:inv_1", "consumer-b", Duration.ofSeconds(1)))
        .isEqualTo(ClaimState.CLAIMED);
    store.release("-/invite.created:inv_1", "consumer-b");

    // the transport redelivers the failed message and everything after it
    jobHandlerDown.set(false);
    List<ProcessingResult> redelivery = pipeline.processBatch(batch.subList(1, 4));

    assertThat(outcomes(redelivery)).containsOnly(Outcome.PROCESSED).hasSize(3);
    assertThat(handled.count()).isEqualTo(4);
  }

  @Test
  void inProgressKeyStopsTheBatch() {
    dedup.delegate.claim("-/invite.created:inv_2", "consumer-b", Duration.ofMinutes(1));
    List<InboundMessage> batch =
        List.of(msg(invite("inv_1")), msg(invite("inv_2")), msg(invite("inv_3")));

    List<ProcessingResult> results = pipeline().processBatch(batch);

    assertThat(outcomes(results)).containsExactly(Outcome.PROCESSED, Outcome.DUPLICATE);
    assertThat(results.get(1).disposition()).isEqualTo(Disposition.RETRY);
    assertThat(results.get(1).retryAfter()).isEqualTo(EventPipeline.DEFAULT_IN_PROGRESS_DELAY);
    assertThat(dedup.delegate.claim("-/invite.created:inv_3", "consumer-b", Duration.ofSeconds(1)))
        .isEqualTo(ClaimState.CLAIMED);
  }

  @Test
  void failingClaimRoundTripRetriesTheWholeBatch() {
    DedupStore down =
        new DedupStore() {
          @Override
          public ClaimState claim(String key, String owner, Duration lease) {
            throw new IllegalStateException("redis down");
          }

          @Override
          public Map<String, ClaimState> claimAll(List<String> keys, String owner, Duration lease) {
            throw new IllegalStateException("redis down");
          }

          @Override
          public void complete(String key, String owner, Duration retention) {}

          @Override
          public void release(String key, String owner) {}
        };
    EventPipeline pipeline =
        Fixtures.pipeline(sink, clock)
            .dedupStore(down)
            .handler(HandlerBinding.ofJson("invite.created", handled))
            .build();

    List<ProcessingResult> results =
        pipeline.processBatch(List.of(msg(invite("inv_1")), msg(invite("inv_2"))));

    assertThat(results)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
              assertThat(r.disposition()).isEqualTo(Disposition.RETRY);
            });
    assertThat(handled.count()).isZero();
  }

  @Test
  void skippedReplayDoesNotSwallowTheClaimOfALaterMessageWithTheSameKey() {
    EventPipeline pipeline =
        builder()
            .handler(
                HandlerBinding.ofJson("invite.created", handled).replayPolicy(ReplayPolicy.SKIP))
            .build();
    ObjectNode event = invite("inv_1");

    List<ProcessingResult> results = pipeline.processBatch(List.of(replay(event), msg(event)));

    assertThat(outcomes(results)).containsExactly(Outcome.DUPLICATE, Outcome.PROCESSED);
    assertThat(results.get(1).disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
    assertThat(handled.count()).isEqualTo(1);
  }

  @Test
  void reprocessedReplayDoesNotSwallowTheClaimOfALaterMessageWithTheSameKey() {
    EventPipeline pipeline =
        builder()
            .handler(
                HandlerBinding.ofJson("invite.created", handled)
                    .replayPolicy(ReplayPolicy.REPROCESS))
            .build();
    ObjectNode event = invite("inv_1");

    List<ProcessingResult> results =
        pipeline.processBatch(List.of(replay(event), msg(event), msg(event)));

    assertThat(outcomes(results))
        .containsExactly(Outcome.PROCESSED, Outcome.PROCESSED, Outcome.DUPLICATE);
    assertThat(handled.count()).isEqualTo(2);
  }

  @Test
  void reprocessedOldVersionDoesNotMoveTheBatchsPositionBack() {
    EventPipeline pipeline =
        builder()
            .handler(
                HandlerBinding.ofJson("profile.updated", handled)
                    .replayPolicy(ReplayPolicy.REPROCESS))
            .build();

    List<ProcessingResult> results =
        pipeline.processBatch(
            List.of(
                msg(profile("cand_1", 5)),
                replay(profile("cand_1", 3)),
                msg(profile("cand_1", 4))));

    assertThat(outcomes(results))
        .containsExactly(Outcome.PROCESSED, Outcome.PROCESSED, Outcome.STALE);
    assertThat(handled.versions("profile_version")).containsExactly(5, 3);
  }
}
