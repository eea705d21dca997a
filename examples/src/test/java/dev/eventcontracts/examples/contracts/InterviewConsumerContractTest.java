package dev.eventcontracts.examples.contracts;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.pipeline.EventContext;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.testing.harness.HandlerHarness;
import dev.eventcontracts.testing.junit.ContractTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Seed 002 (video interviews): a reporting consumer of completed interviews and uploaded media. The
 * registry keys these events by event id, so a producer's re-send under a new id reaches the
 * handler again: the handlers must be idempotent by themselves, which the harness checks.
 */
@ContractTest(registry = "registries/interview")
class InterviewConsumerContractTest {

  /** Completed interviews per interview and candidate, stored media by file id. */
  static final class InterviewReport {
    record CandidateCompleted(
        String interviewId,
        String candidateEmail,
        String completedAt,
        int responsesCount,
        long totalDuration) {}

    record MediaUploaded(
        String fileId,
        String fileName,
        long fileSize,
        String mimeType,
        String bucket,
        String path) {}

    record Completion(int responses, long durationSeconds, String completedAt) {}

    record StoredFile(String location, long bytes, String mimeType) {}

    private final Map<String, Completion> completions = new ConcurrentHashMap<>();
    private final Map<String, StoredFile> files = new ConcurrentHashMap<>();

    List<HandlerBinding<?>> bindings() {
      return List.of(
          HandlerBinding.of("candidate.completed", CandidateCompleted.class, this::onCompleted),
          HandlerBinding.of("media.uploaded", MediaUploaded.class, this::onUploaded));
    }

    void onCompleted(CandidateCompleted event, EventContext context) {
      // keyed by what the event is about, not by its id: a re-send overwrites, never adds
      completions.put(
          event.interviewId() + "/" + event.candidateEmail(),
          new Completion(event.responsesCount(), event.totalDuration(), event.completedAt()));
    }

    void onUploaded(MediaUploaded event, EventContext context) {
      files.put(
          event.fileId(),
          new StoredFile(
              "gs://" + event.bucket() + "/" + event.path(), event.fileSize(), event.mimeType()));
    }

    Map<String, Object> snapshot() {
      return Map.of("completions", Map.copyOf(completions), "files", Map.copyOf(files));
    }

    void clear() {
      completions.clear();
      files.clear();
    }
  }

  private final InterviewReport report = new InterviewReport();
  private final HandlerHarness harness;

  InterviewConsumerContractTest(ContractRegistry registry) {
    harness =
        HandlerHarness.builder(registry)
            .handlers(report.bindings())
            .state(report::snapshot)
            .reset(report::clear)
            .build();
  }

  @Test
  void everyCheckOfTheKitPasses() {
    harness.assertAll();
  }
}
