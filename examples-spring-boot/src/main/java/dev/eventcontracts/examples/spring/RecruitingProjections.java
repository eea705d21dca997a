package dev.eventcontracts.examples.spring;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.pipeline.EventContext;
import dev.eventcontracts.spring.boot.EventHandlerMethod;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The service's handlers, one per seed-000 event: profiles and jobs are projected into tables (the
 * pipeline guarantees only newer versions arrive), invites are "sent" (and fail while {@code
 * recruiting.notifications-down} is true, as when the notification service is down), and every
 * applied event is logged in {@code applied_events}.
 */
@Component
public class RecruitingProjections {

  /** The projection tables (PostgreSQL). */
  static final List<String> SCHEMA =
      List.of(
          "CREATE TABLE IF NOT EXISTS candidate_profiles (candidate_id TEXT PRIMARY KEY,"
              + " profile_version BIGINT NOT NULL)",
          "CREATE TABLE IF NOT EXISTS jobs (job_id TEXT PRIMARY KEY, job_version BIGINT NOT NULL,"
              + " status TEXT NOT NULL)",
          "CREATE TABLE IF NOT EXISTS invites (invite_id TEXT PRIMARY KEY, candidate_id TEXT NOT"
              + " NULL)",
          "CREATE TABLE IF NOT EXISTS applied_events (id BIGSERIAL PRIMARY KEY, event_name TEXT NOT"
              + " NULL, event_id TEXT NOT NULL, replay BOOLEAN NOT NULL)");

  /** The profile fields the service needs. */
  public record ProfileUpdated(
      @JsonProperty("candidate_id") String candidateId,
      @JsonProperty("profile_version") long profileVersion) {}

  /** The job fields the service needs. */
  public record JobUpdated(
      @JsonProperty("job_id") String jobId,
      @JsonProperty("job_version") long jobVersion,
      @JsonProperty("status") String status) {}

  private final JdbcTemplate jdbc;
  private final boolean notificationsDown;
  private final long handlerDelayMillis;

  /** Handlers writing through {@code jdbc}. */
  public RecruitingProjections(
      JdbcTemplate jdbc,
      @Value("${recruiting.notifications-down:false}") boolean notificationsDown,
      @Value("${recruiting.handler-delay-millis:0}") long handlerDelayMillis) {
    this.jdbc = jdbc;
    this.notificationsDown = notificationsDown;
    this.handlerDelayMillis = handlerDelayMillis;
  }

  /** E-01. */
  @EventHandlerMethod(event = "profile.updated", minVersion = "v1", maxVersion = "v1")
  public void profileUpdated(ProfileUpdated profile, EventContext context)
      throws InterruptedException {
    if (handlerDelayMillis > 0) {
      Thread.sleep(handlerDelayMillis);
    }
    jdbc.update(
        "INSERT INTO candidate_profiles (candidate_id, profile_version) VALUES (?, ?)"
            + " ON CONFLICT (candidate_id) DO UPDATE SET profile_version = EXCLUDED.profile_version",
        profile.candidateId(),
        profile.profileVersion());
    applied(context);
  }

  /** E-02. */
  @EventHandlerMethod(event = "job.updated", minVersion = "v1", maxVersion = "v1")
  public void jobUpdated(JobUpdated job, EventContext context) {
    jdbc.update(
        "INSERT INTO jobs (job_id, job_version, status) VALUES (?, ?, ?) ON CONFLICT (job_id) DO"
            + " UPDATE SET job_version = EXCLUDED.job_version, status = EXCLUDED.status",
        job.jobId(),
        job.jobVersion(),
        job.status());
    applied(context);
  }

  /** E-08: sends the invitation; fails while the notification service is down. */
  @EventHandlerMethod(event = "invite.created")
  public void inviteCreated(JsonNode invite, EventContext context) {
    if (notificationsDown) {
      throw new IllegalStateException("notification-service unavailable");
    }
    jdbc.update(
        "INSERT INTO invites (invite_id, candidate_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        invite.get("invite_id").asText(),
        invite.get("candidate_id").asText());
    applied(context);
  }

  /** E-03. */
  @EventHandlerMethod(event = "candidate.document.uploaded")
  public void documentUploaded(JsonNode payload, EventContext context) {
    applied(context);
  }

  /** E-04. */
  @EventHandlerMethod(event = "candidate.document.parsed")
  public void documentParsed(JsonNode payload, EventContext context) {
    applied(context);
  }

  /** E-05. */
  @EventHandlerMethod(event = "candidate.enrichment.requested")
  public void enrichmentRequested(JsonNode payload, EventContext context) {
    applied(context);
  }

  /** E-06. */
  @EventHandlerMethod(event = "candidate.enrichment.completed")
  public void enrichmentCompleted(JsonNode payload, EventContext context) {
    applied(context);
  }

  /** E-07. */
  @EventHandlerMethod(event = "matching.shortlist.changed")
  public void shortlistChanged(JsonNode payload, EventContext context) {
    applied(context);
  }

  /** E-09. */
  @EventHandlerMethod(event = "invite.expired")
  public void inviteExpired(JsonNode payload, EventContext context) {
    applied(context);
  }

  /** E-10. */
  @EventHandlerMethod(event = "qa.submitted")
  public void qaSubmitted(JsonNode payload, EventContext context) {
    applied(context);
  }

  /** E-11. */
  @EventHandlerMethod(event = "qa.authenticity.assessed")
  public void authenticityAssessed(JsonNode payload, EventContext context) {
    applied(context);
  }

  /** E-12. */
  @EventHandlerMethod(event = "packet.ready")
  public void packetReady(JsonNode payload, EventContext context) {
    applied(context);
  }

  /** E-13. */
  @EventHandlerMethod(event = "billing.usage.updated")
  public void usageUpdated(JsonNode payload, EventContext context) {
    applied(context);
  }

  private void applied(EventContext context) {
    jdbc.update(
        "INSERT INTO applied_events (event_name, event_id, replay) VALUES (?, ?, ?)",
        context.contract().name(),
        context.envelope().eventId(),
        context.replay());
  }
}
