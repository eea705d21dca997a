package dev.eventcontracts.testing.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.Origin;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import io.github.resilience4j.retry.RetryConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The recording handler, bound through a real pipeline to the recruiting registry. */
class RecordingHandlerTest {
  private static final ContractRegistry REGISTRY =
      ContractRegistry.loadFromClasspath("registries/recruiting");

  private final RecruitingEvents events = RecruitingEvents.withSeed(7);
  private final RecordingHandler recorder = new RecordingHandler();
  private final EventPipeline pipeline =
      recorder
          .pipeline(REGISTRY)
          .deadLetterSink(DeadLetterSink.inMemory())
          .retry(RetryConfig.custom().maxAttempts(1).build())
          .build();

  @Test
  void recordsEveryCallWithWhatTheContextSaid() {
    ObjectNode profile = events.profileUpdated("cand-1", 1);
    ObjectNode job = events.jobUpdated("job-1", 1);

    deliver(profile, Map.of("tenant", "acme"), 0, 41, 1);
    deliver(job, Map.of(EventPipeline.REPLAY_ATTRIBUTE, "true"), 1, 7, 2);

    assertThat(recorder.eventIds()).containsExactly(id(profile), id(job));
    RecordingHandler.Call first = recorder.calls().get(0);
    assertThat(first.eventName()).isEqualTo("profile.updated");
    assertThat(first.replay()).isFalse();
    assertThat(first.attempt()).isEqualTo(1);
    assertThat(first.attributes()).containsEntry("tenant", "acme");
    assertThat(first.payload()).isEqualTo(profile.get("payload"));
    assertThat(first.thread()).isEqualTo(Thread.currentThread().getName());
    RecordingHandler.Call second = recorder.calls().get(1);
    assertThat(second.replay()).isTrue();
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.nanoTime()).isGreaterThanOrEqualTo(first.nanoTime());
    assertThat(recorder.offsets(0)).containsExactly(41L);
    assertThat(recorder.offsets(1)).containsExactly(7L);
    assertThat(recorder.failedCalls()).isEmpty();
    assertThat(recorder.results())
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.PROCESSED, Outcome.PROCESSED);
  }

  @Test
  void throwsForTheChosenEventsAndRecordsThemApart() {
    ObjectNode profile = events.profileUpdated("cand-2", 1);
    ObjectNode job = events.jobUpdated("job-2", 1);
    recorder.failWhen((payload, ctx) -> ctx.envelope().eventName().equals("job.updated"));

    deliver(profile, Map.of(), 0, 0, 1);
    ProcessingResult failed = deliver(job, Map.of(), 0, 1, 1);

    assertThat(failed.outcome()).isNotEqualTo(Outcome.PROCESSED);
    assertThat(failed.error()).hasMessage("handler failed on purpose for " + id(job));
    assertThat(recorder.eventIds()).containsExactly(id(profile));
    assertThat(recorder.offsets(0)).containsExactly(0L);
    assertThat(recorder.failedCalls())
        .extracting(RecordingHandler.Call::eventId, RecordingHandler.Call::attempt)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(id(job), 1));
  }

  @Test
  void theListsAreReadOnlyViewsAndClearingResultsKeepsTheCalls() {
    var calls = recorder.calls();
    deliver(events.profileUpdated("cand-3", 1), Map.of(), 0, 0, 1);

    assertThat(calls).as("a live view").hasSize(1);
    assertThatThrownBy(() -> recorder.calls().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> recorder.results().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    recorder.clearResults();
    assertThat(recorder.results()).isEmpty();
    assertThat(recorder.calls()).hasSize(1);
  }

  private ProcessingResult deliver(
      ObjectNode event, Map<String, String> attributes, int partition, long offset, int attempt) {
    Origin origin =
        Origin.builder("test", "recruiting")
            .partition(partition)
            .offset(offset)
            .timestampMillis(0)
            .build();
    ProcessingResult result =
        pipeline.process(
            new InboundMessage(RecruitingEvents.bytes(event), attributes, origin), attempt);
    recorder.recordResult(result);
    return result;
  }

  private static String id(ObjectNode event) {
    return event.path("event_id").asText();
  }
}
