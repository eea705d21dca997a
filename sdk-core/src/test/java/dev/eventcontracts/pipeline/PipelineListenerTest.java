package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.pipeline.Fixtures.SwitchableSink;
import dev.eventcontracts.pipeline.StoreOutageTest.DownableDedup;
import dev.eventcontracts.resilience.StoreResilience;
import dev.eventcontracts.testing.stores.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@link PipelineListener}: what listeners hear, in which order, and that one cannot do harm. */
class PipelineListenerTest {
  private final MutableClock clock = MutableClock.startingAt(NOW);

  /** Writes down every callback as one line. */
  static final class Journal implements PipelineListener {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void onOutcome(String event, String version, ProcessingResult result) {
      lines.add(
          "outcome " + event + " " + version + " " + result.outcome() + " " + result.replay());
    }

    @Override
    public void onRetry(String event, String version, ProcessingResult result) {
      lines.add("retry " + event + " " + version + " " + result.outcome());
    }

    @Override
    public void onHandler(String event, boolean success, long nanos) {
      lines.add("handler " + event + " " + success + " " + (nanos >= 0));
    }

    @Override
    public void onStoreCall(String store, String operation, long nanos) {
      lines.add("store " + store + " " + operation);
    }

    @Override
    public void onStoreFailure(String operation, Throwable error) {
      lines.add("store failure " + operation + " " + (error == null ? null : error.getMessage()));
    }

    @Override
    public void onReplay(String event, ReplayPolicy policy) {
      lines.add("replay " + event + " " + policy);
    }

    @Override
    public void onDeadLetter(DeadLetter deadLetter) {
      lines.add("dead letter " + deadLetter.reasonCode());
    }

    @Override
    public void onDeadLetterFailure(DeadLetter deadLetter, Throwable error) {
      lines.add("dead letter failure " + deadLetter.reasonCode() + " " + error.getMessage());
    }
  }

  /** A listener with a bug: every callback throws. */
  static final class Broken implements PipelineListener {
    int calls;

    private RuntimeException boom() {
      calls++;
      return new IllegalStateException("listener bug " + calls);
    }

    @Override
    public void onOutcome(String event, String version, ProcessingResult result) {
      throw boom();
    }

    @Override
    public void onHandler(String event, boolean success, long nanos) {
      throw boom();
    }

    @Override
    public void onStoreCall(String store, String operation, long nanos) {
      throw boom();
    }

    @Override
    public void onDeadLetter(DeadLetter deadLetter) {
      throw new AssertionError("listener assertion");
    }
  }

  @Test
  void hearsTheStepsOfEachMessageInOrderWithTagsFromTheRegistry() {
    Journal journal = new Journal();
    EventPipeline pipeline =
        Fixtures.pipeline(DeadLetterSink.inMemory(), clock)
            .handler(HandlerBinding.ofJson("profile.updated", (p, c) -> {}))
            .listener(journal)
            .build();

    pipeline.process(msg(profile("cand_1", 1)));
    assertThat(journal.lines)
        .containsExactly(
            "store dedup claim",
            "store ordering current",
            "handler profile.updated true true",
            "store ordering advance",
            "store dedup complete",
            "outcome profile.updated v1 PROCESSED false");

    journal.lines.clear();
    pipeline.process(msg(Fixtures.with(profile("cand_1", 2), "event_name", "made.up")));
    assertThat(journal.lines)
        .containsExactly(
            "dead letter UNKNOWN_EVENT", "outcome unknown unknown UNKNOWN_EVENT false");

    journal.lines.clear();
    pipeline.process(Fixtures.replay(profile("cand_1", 3)));
    assertThat(journal.lines).first().isEqualTo("replay profile.updated PROCESS");
    assertThat(journal.lines).last().isEqualTo("outcome profile.updated v1 PROCESSED true");
  }

  @Test
  void hearsStoreFailuresAndDeadLetterFailuresAsRetries() {
    Journal journal = new Journal();
    DownableDedup dedup = new DownableDedup(DedupStore.inMemory(1_000, clock));
    SwitchableSink sink = new SwitchableSink();
    EventPipeline pipeline =
        Fixtures.pipeline(sink, clock)
            .dedupStore(dedup)
            .storeResilience(StoreResilience.disabled())
            .handler(HandlerBinding.ofJson("profile.updated", (p, c) -> {}))
            .listener(journal)
            .build();

    dedup.claimDown = true;
    ProcessingResult outage = pipeline.process(msg(profile("cand_1", 1)));
    assertThat(outage.disposition()).isEqualTo(Disposition.RETRY);
    assertThat(journal.lines)
        .containsExactly(
            "store failure claim connection refused",
            "retry profile.updated v1 FAILED",
            "store dedup claim"); // the call's time is reported when it returns, after the rest

    journal.lines.clear();
    sink.down = true;
    pipeline.process(msg("not json"));
    assertThat(journal.lines)
        .containsExactly(
            "dead letter failure MALFORMED dead-letter topic unavailable",
            "retry unknown unknown MALFORMED");
  }

  @Test
  void aListenerThatThrowsChangesNothingAndIsLoggedOnce() {
    Journal before = new Journal();
    Broken broken = new Broken();
    Journal after = new Journal();
    Fixtures.Recorder handler = new Fixtures.Recorder();
    EventPipeline pipeline =
        Fixtures.pipeline(DeadLetterSink.inMemory(), clock)
            .handler(HandlerBinding.ofJson("profile.updated", handler))
            .listener(before)
            .listener(broken)
            .listener(after)
            .build();

    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    ProcessingResult processed;
    ProcessingResult rejected;
    try (PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setErr(tee);
      processed = pipeline.process(msg(profile("cand_1", 1)));
      rejected = pipeline.process(msg("not json"));
      pipeline.process(msg(profile("cand_1", 2)));
    } finally {
      System.setErr(original);
    }

    assertThat(processed.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(rejected.outcome()).isEqualTo(Outcome.MALFORMED);
    assertThat(rejected.acknowledged()).isTrue();
    assertThat(handler.count()).isEqualTo(2);
    assertThat(broken.calls).isGreaterThan(5);
    // the listeners around the broken one heard everything
    assertThat(after.lines).isEqualTo(before.lines).hasSize(14);
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log.split("pipeline listener", -1)).hasSize(2); // logged once
    assertThat(log).contains(Broken.class.getName()).contains("listener bug 1");
  }

  @Test
  void compositeSkipsNoopsAndGuardsEachListener() {
    assertThat(PipelineListener.composite(List.of())).isSameAs(PipelineListener.noop());
    assertThat(PipelineListener.composite(List.of(PipelineListener.noop())))
        .isSameAs(PipelineListener.noop());
    Journal journal = new Journal();
    PipelineListener both = PipelineListener.composite(List.of(new Broken(), journal));
    both.onHandler("profile.updated", true, 5);
    assertThat(journal.lines).containsExactly("handler profile.updated true true");
  }
}
