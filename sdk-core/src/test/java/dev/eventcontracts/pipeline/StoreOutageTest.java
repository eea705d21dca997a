package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static dev.eventcontracts.pipeline.Fixtures.invite;
import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.pipeline.Fixtures.Recorder;
import dev.eventcontracts.testing.stores.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * A store that fails between the handler and the bookkeeping: the message is retried, never
 * acknowledged unfinished, and its redelivery finishes the bookkeeping without running the handler
 * again, once the store is back, with no wait for the lease.
 */
class StoreOutageTest {
  private final MutableClock clock = MutableClock.startingAt(NOW);
  private final Recorder handled = new Recorder();
  private final DownableDedup dedup = new DownableDedup(DedupStore.inMemory(1_000, clock));
  private final DownableVersions versions = new DownableVersions(EntityVersionStore.inMemory());
  private final EventPipeline pipeline =
      Fixtures.pipeline(DeadLetterSink.inMemory(), clock)
          .dedupStore(dedup)
          .entityVersionStore(versions)
          .handler(HandlerBinding.ofJson("profile.updated", handled))
          .handler(HandlerBinding.ofJson("invite.created", handled))
          .build();

  /** A dedup store whose operations can be failed one by one, like a database going away. */
  static final class DownableDedup implements DedupStore {
    final DedupStore delegate;
    volatile boolean claimDown;
    volatile boolean completeDown;
    volatile boolean releaseDown;
    volatile boolean claimCommitsThenFails;

    DownableDedup(DedupStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public ClaimState claim(String key, String owner, Duration lease) {
      if (claimDown) {
        throw new IllegalStateException("connection refused");
      }
      ClaimState state = delegate.claim(key, owner, lease);
      if (claimCommitsThenFails) {
        throw new IllegalStateException("connection reset after the commit");
      }
      return state;
    }

    @Override
    public Map<String, ClaimState> claimAll(List<String> keys, String owner, Duration lease) {
      if (claimDown) {
        throw new IllegalStateException("connection refused");
      }
      Map<String, ClaimState> states = delegate.claimAll(keys, owner, lease);
      if (claimCommitsThenFails) {
        throw new IllegalStateException("connection reset after the commit");
      }
      return states;
    }

    @Override
    public void complete(String key, String owner, Duration retention) {
      if (completeDown) {
        throw new IllegalStateException("connection refused");
      }
      delegate.complete(key, owner, retention);
    }

    @Override
    public void completeAll(Collection<String> keys, String owner, Duration retention) {
      if (completeDown) {
        throw new IllegalStateException("connection refused");
      }
      delegate.completeAll(keys, owner, retention);
    }

    @Override
    public void release(String key, String owner) {
      if (releaseDown) {
        throw new IllegalStateException("connection refused");
      }
      delegate.release(key, owner);
    }
  }

  /** An entity version store whose advances can be failed; it logs its calls to {@code calls}. */
  static final class DownableVersions implements EntityVersionStore {
    final EntityVersionStore delegate;
    final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile boolean advanceDown;

    DownableVersions(EntityVersionStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public OptionalLong current(String entity) {
      return delegate.current(entity);
    }

    @Override
    public Map<String, OptionalLong> currentAll(Collection<String> entities) {
      return delegate.currentAll(entities);
    }

    @Override
    public boolean advance(String entity, long position) {
      calls.add("advance");
      if (advanceDown) {
        throw new IllegalStateException("connection refused");
      }
      return delegate.advance(entity, position);
    }

    @Override
    public java.util.Set<String> advanceAll(Map<String, Long> positions) {
      calls.add("advanceAll " + new java.util.TreeMap<>(positions));
      if (advanceDown) {
        throw new IllegalStateException("connection refused");
      }
      return delegate.advanceAll(positions);
    }
  }

  @Test
  void aBatchWritesItsPositionsInOneCallAtItsEndAndEarlierOnlyForAnEntityAppliedTwice() {
    List<InboundMessage> batch =
        List.of(
            msg(profile("cand_1", 3)),
            msg(profile("cand_1", 5)),
            msg(profile("cand_1", 4)), // stale against the 5 of this batch, not yet written
            msg(profile("cand_2", 1)),
            msg(invite("inv_1")));

    List<ProcessingResult> results = pipeline.processBatch(batch);

    assertThat(results)
        .extracting(ProcessingResult::outcome)
        .containsExactly(
            Outcome.PROCESSED,
            Outcome.PROCESSED,
            Outcome.STALE,
            Outcome.PROCESSED,
            Outcome.PROCESSED);
    // before the handler of cand_1 v5, the pending v3 is written: a crash after that handler
    // must not let the redelivery apply v3 again after v5
    assertThat(versions.calls)
        .containsExactly(
            "advanceAll {-/15:profile.updated/cand_1=3}",
            "advanceAll {-/15:profile.updated/cand_1=5, -/15:profile.updated/cand_2=1}");
    assertThat(handled.count()).isEqualTo(4);
    assertThat(pipeline.process(msg(profile("cand_1", 2))).outcome()).isEqualTo(Outcome.STALE);
  }

  @Test
  void aBatchWhoseAdvancesFailCompletesNothingIsCutAtTheFirstAndItsRedeliveryRunsNoHandlerTwice() {
    List<InboundMessage> batch =
        List.of(
            msg("{\"not\": \"an event\"}"), // MALFORMED, dead-lettered, stays acknowledged
            msg(profile("cand_1", 3)),
            msg(invite("inv_1")),
            msg(profile("cand_1", 4)),
            msg(profile("cand_2", 1)));
    versions.advanceDown = true;

    List<ProcessingResult> first = pipeline.processBatch(batch);
    // nothing was completed: the key of an applied event without its position would let a late
    // older version through
    assertThat(dedup.delegate.claim("-/invite.created:inv_1", "other", Duration.ofMinutes(1)))
        .isEqualTo(ClaimState.IN_PROGRESS);
    versions.advanceDown = false;
    List<ProcessingResult> again = pipeline.processBatch(batch.subList(first.size() - 1, 5));

    assertThat(first).extracting(ProcessingResult::acknowledged).containsExactly(true, false);
    assertThat(again)
        .extracting(ProcessingResult::outcome)
        .containsExactly(
            Outcome.PROCESSED, Outcome.PROCESSED, Outcome.PROCESSED, Outcome.PROCESSED);
    assertThat(handled.count()).isEqualTo(4);
    assertThat(versions.current("-/15:profile.updated/cand_1")).hasValue(4);
    assertThat(versions.current("-/15:profile.updated/cand_2")).hasValue(1);
    List<Outcome> later = new ArrayList<>();
    for (InboundMessage m : batch.subList(1, 5)) {
      later.add(pipeline.process(m).outcome());
    }
    assertThat(later).containsOnly(Outcome.DUPLICATE);
    assertThat(pipeline.process(msg(profile("cand_1", 2))).outcome()).isEqualTo(Outcome.STALE);
  }

  @Test
  void anAdvanceThatFailsAfterTheHandlerIsFinishedByTheRedeliveryWithoutASecondRun() {
    InboundMessage event = msg(profile("cand_1", 3));
    versions.advanceDown = true;

    ProcessingResult first = pipeline.process(event);
    ProcessingResult whileDown = pipeline.process(event, 2);
    versions.advanceDown = false;
    ProcessingResult recovered = pipeline.process(event, 3);

    assertThat(first.acknowledged()).isFalse();
    assertThat(whileDown.acknowledged()).isFalse();
    assertThat(recovered.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(recovered.acknowledged()).isTrue();
    assertThat(handled.count()).isEqualTo(1);
    assertThat(versions.current("-/15:profile.updated/cand_1")).hasValue(3);
    assertThat(pipeline.process(event).outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(pipeline.process(msg(profile("cand_1", 2))).outcome()).isEqualTo(Outcome.STALE);
  }

  @Test
  void aCompletionThatFailsIsRetriedNotAcknowledgedWithTheKeyStillClaimed() {
    InboundMessage event = msg(invite("inv_1"));
    dedup.completeDown = true;

    ProcessingResult first = pipeline.process(event);
    dedup.completeDown = false;
    ProcessingResult recovered = pipeline.process(event, 2);

    assertThat(first.acknowledged()).isFalse();
    assertThat(recovered.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(handled.count()).isEqualTo(1);
    // completed for real: another consumer sees a duplicate, not a claim that waits for the lease
    assertThat(dedup.delegate.claim("-/invite.created:inv_1", "other", Duration.ofMinutes(1)))
        .isEqualTo(ClaimState.COMPLETED);
  }

  @Test
  void aBatchWhoseCompletionsFailIsCutAtTheFirstAndItsRedeliveryRunsNoHandlerTwice() {
    List<InboundMessage> batch =
        List.of(
            msg("{\"not\": \"an event\"}"), // MALFORMED, dead-lettered, stays acknowledged
            msg(invite("inv_1")),
            msg(invite("inv_2")),
            msg(profile("cand_1", 3)));
    dedup.completeDown = true;

    List<ProcessingResult> first = pipeline.processBatch(batch);
    dedup.completeDown = false;
    List<ProcessingResult> again = pipeline.processBatch(batch.subList(first.size() - 1, 4));

    assertThat(first).extracting(ProcessingResult::acknowledged).containsExactly(true, false);
    assertThat(again)
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.PROCESSED, Outcome.PROCESSED, Outcome.PROCESSED);
    assertThat(handled.count()).isEqualTo(3);
    List<Outcome> later = new ArrayList<>();
    for (InboundMessage m : batch.subList(1, 4)) {
      later.add(pipeline.process(m).outcome());
    }
    assertThat(later).containsOnly(Outcome.DUPLICATE);
  }

  @Test
  void aClaimOutageRunsNothingAndRecoversWithoutARestart() {
    InboundMessage event = msg(invite("inv_9"));
    dedup.claimDown = true;

    ProcessingResult down = pipeline.process(event);
    List<ProcessingResult> batchDown = pipeline.processBatch(List.of(event, msg(invite("inv_8"))));
    dedup.claimDown = false;

    assertThat(down.acknowledged()).isFalse();
    assertThat(batchDown).singleElement().satisfies(r -> assertThat(r.acknowledged()).isFalse());
    assertThat(handled.count()).isZero();
    assertThat(pipeline.process(event).outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(handled.count()).isEqualTo(1);
  }

  @Test
  void aClaimLeftBehindByAFailedReleaseDoesNotStallTheRedeliveryUntilTheLeaseEnds() {
    InboundMessage event = msg(profile("cand_7", 1));
    // the handler fails and the release fails with it: the claim stays in the store
    EventPipeline failing =
        Fixtures.pipeline(DeadLetterSink.inMemory(), clock)
            .owner("consumer-a")
            .dedupStore(dedup)
            .entityVersionStore(versions)
            .handler(
                HandlerBinding.ofJson(
                    "profile.updated", new Fixtures.Flaky(1, new IllegalStateException("boom"))))
            .build();
    dedup.releaseDown = true;
    ProcessingResult first = failing.process(event);
    dedup.releaseDown = false;

    ProcessingResult redelivered = failing.process(event, 2);

    assertThat(first.acknowledged()).isFalse();
    assertThat(redelivered.outcome()).isEqualTo(Outcome.PROCESSED);
  }

  @Test
  void aClaimThatCommittedButReportedAFailureDoesNotStallTheRedelivery() {
    InboundMessage event = msg(invite("inv_77"));
    dedup.claimCommitsThenFails = true;
    ProcessingResult first = pipeline.process(event);
    List<ProcessingResult> batch = pipeline.processBatch(List.of(msg(invite("inv_78")), event));
    dedup.claimCommitsThenFails = false;

    ProcessingResult again = pipeline.process(event, 2);
    List<ProcessingResult> batchAgain =
        pipeline.processBatch(List.of(msg(invite("inv_78")), event));

    assertThat(first.acknowledged()).isFalse();
    assertThat(batch).allMatch(r -> !r.acknowledged());
    assertThat(again.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(batchAgain)
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.PROCESSED, Outcome.DUPLICATE);
  }
}
