package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static dev.eventcontracts.pipeline.Fixtures.replay;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.metrics.MetricNames;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.pipeline.Fixtures.Recorder;
import dev.eventcontracts.testing.stores.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Replays: the transport attribute, and the three replay policies. */
class ReplayTest {
  private final MutableClock clock = MutableClock.startingAt(NOW);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final Recorder handled = new Recorder();
  private final EntityVersionStore versions = EntityVersionStore.inMemory();

  private EventPipeline pipeline(ReplayPolicy policy) {
    return Fixtures.pipeline(DeadLetterSink.inMemory(), clock)
        .meterRegistry(meters)
        .entityVersionStore(versions)
        .handler(HandlerBinding.ofJson("profile.updated", handled).replayPolicy(policy))
        .build();
  }

  @Test
  void replayAttributeMarksTheContext() {
    EventPipeline pipeline = pipeline(ReplayPolicy.PROCESS);

    ProcessingResult result = pipeline.process(replay(profile("cand_1", 3)));
    pipeline.process(msg(profile("cand_1", 4), Map.of("replay", "TRUE")));
    pipeline.process(msg(profile("cand_1", 5), Map.of("replay", "false")));

    assertThat(result.replay()).isTrue();
    assertThat(handled.calls)
        .extracting(c -> c.context().replay())
        .containsExactly(true, true, false);
  }

  @Test
  void replayFlagInThePayloadOrEnvelopeIsNotTrusted() {
    EventPipeline pipeline = pipeline(ReplayPolicy.SKIP);
    ObjectNode inPayload = profile("cand_1", 3);
    ((ObjectNode) inPayload.get("payload")).put("replay", true);
    ObjectNode inEnvelope = profile("cand_1", 4);
    inEnvelope.put("replay", true);

    ProcessingResult a = pipeline.process(msg(inPayload));
    ProcessingResult b = pipeline.process(msg(inEnvelope));

    // SKIP would have skipped them, had they been taken for replays
    assertThat(a.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(a.replay()).isFalse();
    assertThat(b.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(handled.calls).extracting(c -> c.context().replay()).containsExactly(false, false);
  }

  @Test
  void processPolicyDeduplicatesReplays() {
    EventPipeline pipeline = pipeline(ReplayPolicy.PROCESS);
    ObjectNode event = profile("cand_1", 3);
    pipeline.process(msg(event));

    ProcessingResult replayed = pipeline.process(replay(event));
    ProcessingResult neverSeen = pipeline.process(replay(profile("cand_2", 1)));

    assertThat(replayed.outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(replayed.replay()).isTrue();
    assertThat(neverSeen.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(handled.count()).isEqualTo(2);
    // a replay of an old version is stale like any other event
    pipeline.process(msg(profile("cand_1", 5)));
    assertThat(pipeline.process(replay(profile("cand_1", 4))).outcome()).isEqualTo(Outcome.STALE);
  }

  @Test
  void reprocessPolicyRunsTheHandlerAgainButNeverMovesThePositionBack() {
    EventPipeline pipeline = pipeline(ReplayPolicy.REPROCESS);
    ObjectNode v3 = profile("cand_1", 3);
    pipeline.process(msg(v3));
    pipeline.process(msg(profile("cand_1", 5)));

    ProcessingResult again = pipeline.process(replay(v3));
    ProcessingResult twice = pipeline.process(replay(v3));

    assertThat(again.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(twice.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(handled.versions("profile_version")).containsExactly(3, 5, 3, 3);
    assertThat(handled.last().context().replay()).isTrue();
    assertThat(versions.current("-/15:profile.updated/cand_1")).isEqualTo(OptionalLong.of(5));
    // live traffic is still ordered and deduplicated
    assertThat(pipeline.process(msg(profile("cand_1", 4))).outcome()).isEqualTo(Outcome.STALE);
    assertThat(pipeline.process(msg(v3)).outcome()).isEqualTo(Outcome.DUPLICATE);
  }

  @Test
  void reprocessOfANewerVersionAdvancesThePosition() {
    EventPipeline pipeline = pipeline(ReplayPolicy.REPROCESS);

    pipeline.process(replay(profile("cand_1", 7)));

    assertThat(versions.current("-/15:profile.updated/cand_1")).isEqualTo(OptionalLong.of(7));
    assertThat(pipeline.process(msg(profile("cand_1", 6))).outcome()).isEqualTo(Outcome.STALE);
  }

  @Test
  void skipPolicyAcknowledgesReplaysAsDuplicatesWithoutHandling() {
    EventPipeline pipeline = pipeline(ReplayPolicy.SKIP);
    ObjectNode event = profile("cand_1", 3);

    ProcessingResult skipped = pipeline.process(replay(event));

    assertThat(skipped.outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(skipped.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
    assertThat(handled.count()).isZero();
    // skipping takes no claim: the live event is still processed
    assertThat(pipeline.process(msg(event)).outcome()).isEqualTo(Outcome.PROCESSED);
  }

  @Test
  void invalidReplaysAreStillDeadLettered() {
    EventPipeline pipeline = pipeline(ReplayPolicy.SKIP);
    ObjectNode invalid = profile("cand_1", 3);
    ((ObjectNode) invalid.get("payload")).remove("changed_fields");

    ProcessingResult result = pipeline.process(replay(invalid));

    assertThat(result.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(result.replay()).isTrue();
    assertThat(result.deadLetter().attributes()).containsEntry("replay", "true");
  }

  @Test
  void replaysAreCountedByPolicyAndTaggedInTheOutcomeCounter() {
    EventPipeline reprocess = pipeline(ReplayPolicy.REPROCESS);
    reprocess.process(replay(profile("cand_1", 3)));
    reprocess.process(replay(profile("cand_1", 3)));
    pipeline(ReplayPolicy.SKIP).process(replay(profile("cand_1", 3)));
    reprocess.process(msg(profile("cand_1", 4)));

    assertThat(
            meters
                .get(MetricNames.REPLAYS)
                .tags(MetricNames.TAG_EVENT, "profile.updated", MetricNames.TAG_POLICY, "REPROCESS")
                .counter()
                .count())
        .isEqualTo(2.0);
    assertThat(
            meters.get(MetricNames.REPLAYS).tags(MetricNames.TAG_POLICY, "SKIP").counter().count())
        .isEqualTo(1.0);
    assertThat(count("PROCESSED", "true")).isEqualTo(2.0);
    assertThat(count("DUPLICATE", "true")).isEqualTo(1.0);
    assertThat(count("PROCESSED", "false")).isEqualTo(1.0);
  }

  private double count(String outcome, String replay) {
    return meters
        .get(MetricNames.EVENTS)
        .tags(
            List.of(
                io.micrometer.core.instrument.Tag.of(MetricNames.TAG_OUTCOME, outcome),
                io.micrometer.core.instrument.Tag.of(MetricNames.TAG_REPLAY, replay)))
        .counter()
        .count();
  }
}
