package dev.eventcontracts.examples.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.eventcontracts.pipeline.EventContext;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.ReplayPolicy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A matching-service consumer of seed 000 (recruiting): the latest profile of each candidate and
 * the status of each job. Every write sets a value, so applying an event twice changes nothing.
 */
final class CandidateDirectory {
  /** E-01 payload: the fields this consumer reads; {@code source} is optional. */
  record ProfileUpdated(
      @JsonProperty("candidate_id") String candidateId,
      @JsonProperty("profile_version") int profileVersion,
      @JsonProperty("changed_fields") List<String> changedFields,
      @JsonProperty("source") String source) {}

  /** E-02 payload; {@code changed_fields} is optional. */
  record JobUpdated(
      @JsonProperty("job_id") String jobId,
      @JsonProperty("job_version") int jobVersion,
      @JsonProperty("status") String status,
      @JsonProperty("changed_fields") List<String> changedFields) {}

  record Profile(int version, List<String> changedFields, String source) {}

  private final Map<String, Profile> profiles = new ConcurrentHashMap<>();
  private final Map<String, String> jobStatus = new ConcurrentHashMap<>();

  /** The bindings the service gives its pipeline. */
  List<HandlerBinding<?>> bindings() {
    return List.of(
        HandlerBinding.of("profile.updated", ProfileUpdated.class, this::onProfileUpdated),
        // job statuses are rebuilt from replays after a matching-index migration
        HandlerBinding.of("job.updated", JobUpdated.class, this::onJobUpdated)
            .replayPolicy(ReplayPolicy.REPROCESS));
  }

  void onProfileUpdated(ProfileUpdated event, EventContext context) {
    String source = event.source() == null ? "unknown" : event.source();
    profiles.put(
        event.candidateId(),
        new Profile(event.profileVersion(), List.copyOf(event.changedFields()), source));
  }

  void onJobUpdated(JobUpdated event, EventContext context) {
    jobStatus.put(event.jobId(), event.status());
  }

  /** A snapshot of the state, compared with equals by the harness. */
  Map<String, Object> snapshot() {
    return Map.of("profiles", Map.copyOf(profiles), "jobs", Map.copyOf(jobStatus));
  }

  void clear() {
    profiles.clear();
    jobStatus.clear();
  }
}
