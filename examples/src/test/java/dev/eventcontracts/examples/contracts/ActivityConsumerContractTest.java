package dev.eventcontracts.examples.contracts;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.pipeline.EventContext;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.ReplayPolicy;
import dev.eventcontracts.testing.harness.HandlerHarness;
import dev.eventcontracts.testing.junit.ContractTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Seed 001 (activity generation): a job tracker that follows each job's status and keeps the
 * generated activities. The envelope carries the job id ({@code jobId}), not the payload.
 */
@ContractTest(registry = "registries/activity")
class ActivityConsumerContractTest {

  /** The job tracker: last status per job, generated activities by id. */
  static final class JobTracker {
    record JobStatusChanged(
        String status,
        int attempt,
        String previousStatus,
        Integer progress,
        String errorCode,
        String errorMessage) {}

    record ActivityGenerated(
        String activityId, String jobType, String title, List<String> assetUrls) {}

    record Status(String status, int attempt, int progress, String errorCode) {}

    record Activity(String jobId, String jobType, String title, int assets) {}

    private final Map<String, Status> statuses = new ConcurrentHashMap<>();
    private final Map<String, Activity> activities = new ConcurrentHashMap<>();

    List<HandlerBinding<?>> bindings() {
      return List.of(
          HandlerBinding.of("JOB_STATUS_CHANGED", JobStatusChanged.class, this::onStatus),
          HandlerBinding.of("ACTIVITY_GENERATED", ActivityGenerated.class, this::onActivity)
              .replayPolicy(ReplayPolicy.REPROCESS));
    }

    void onStatus(JobStatusChanged event, EventContext context) {
      int progress =
          event.progress() != null
              ? event.progress()
              : "completed".equals(event.status()) ? 100 : 0;
      statuses.put(
          jobId(context), new Status(event.status(), event.attempt(), progress, event.errorCode()));
    }

    void onActivity(ActivityGenerated event, EventContext context) {
      String title = event.title() == null ? "Untitled " + event.jobType() : event.title();
      int assets = event.assetUrls() == null ? 0 : event.assetUrls().size();
      activities.put(
          event.activityId(), new Activity(jobId(context), event.jobType(), title, assets));
    }

    private static String jobId(EventContext context) {
      return context.envelope().value("jobId").asText();
    }

    Map<String, Object> snapshot() {
      return Map.of("statuses", Map.copyOf(statuses), "activities", Map.copyOf(activities));
    }

    void clear() {
      statuses.clear();
      activities.clear();
    }
  }

  private final JobTracker tracker = new JobTracker();
  private final HandlerHarness harness;

  ActivityConsumerContractTest(ContractRegistry registry) {
    harness =
        HandlerHarness.builder(registry)
            .handlers(tracker.bindings())
            .state(tracker::snapshot)
            .reset(tracker::clear)
            .build();
  }

  @Test
  void everyCheckOfTheKitPasses() {
    harness.assertAll();
  }
}
