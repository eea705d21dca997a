package dev.eventcontracts.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Deterministic seed-000 (jobarium envelope) events that are valid against {@code
 * examples/registries/recruiting}. About 70% are {@code profile.updated} (the ~400-byte event of
 * {@code PERFORMANCE-FLOORS.md}); the rest are spread evenly over E-02..E-13. The same seed always
 * gives the same bytes, so runs on different days measure the same input.
 *
 * <p>Values are compact JSON (no spaces), as a Jackson or {@code JSON.stringify} producer writes
 * them. Every envelope carries the required fields; {@code tenant_id}, {@code correlation_id} and
 * {@code schema_ref} are present on some events, as in {@code recruiting-valid.ndjson}. Each {@code
 * idempotency_key} is the contract's key template filled in.
 */
public final class RecruitingEvents {
  /** The seed the benchmarks use. */
  public static final long SEED = 20_260_203L;

  /** Share of {@code profile.updated} among the generated events, in percent. */
  public static final int PROFILE_UPDATED_PERCENT = 70;

  private static final ObjectMapper WRITER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final long BASE_EPOCH_MILLIS =
      Instant.parse("2026-02-03T08:00:00Z").toEpochMilli();

  private static final String[] OTHER_EVENTS = {
    "job.updated",
    "candidate.document.uploaded",
    "candidate.document.parsed",
    "candidate.enrichment.requested",
    "candidate.enrichment.completed",
    "matching.shortlist.changed",
    "invite.created",
    "invite.expired",
    "qa.submitted",
    "qa.authenticity.assessed",
    "packet.ready",
    "billing.usage.updated"
  };

  private static final String[] PROFILE_FIELDS = {
    "headline", "work_history", "skills", "education", "location", "contact", "summary"
  };
  private static final String[] TENANTS = {"tnt_acme", "tnt_globex", "tnt_initech", "tnt_umbrella"};

  private final SplittableRandom random;

  private RecruitingEvents(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** {@code count} events from {@code seed}, each the UTF-8 bytes of one JSON document. */
  public static List<byte[]> generate(int count, long seed) {
    RecruitingEvents g = new RecruitingEvents(seed);
    List<byte[]> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String name =
          g.random.nextInt(100) < PROFILE_UPDATED_PERCENT
              ? "profile.updated"
              : OTHER_EVENTS[g.random.nextInt(OTHER_EVENTS.length)];
      try {
        out.add(WRITER.writeValueAsBytes(g.event(name, i)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  private ObjectNode event(String name, int index) {
    long occurred = BASE_EPOCH_MILLIS + index * 1_000L + random.nextInt(1_000);
    ObjectNode payload = NODES.objectNode();
    String producer;
    String key;
    switch (name) {
      case "profile.updated" -> {
        producer = "candidate-profile-service";
        String candidate = id("cand_", 8);
        int version = 1 + random.nextInt(40);
        payload.put("candidate_id", candidate);
        payload.put("profile_version", version);
        payload.set("changed_fields", pick(PROFILE_FIELDS, 1 + random.nextInt(3)));
        payload.put("updated_at", seconds(occurred - 1_000));
        if (random.nextInt(2) == 0) {
          payload.put("source", oneOf("manual", "import", "parser"));
        }
        key = name + ":" + candidate + ":" + version;
      }
      case "job.updated" -> {
        producer = "job-service";
        String job = id("job_", 6);
        int version = 1 + random.nextInt(20);
        payload.put("job_id", job);
        payload.put("job_version", version);
        payload.put("status", oneOf("draft", "active", "paused", "closed", "archived"));
        payload.put("updated_at", seconds(occurred - 1_000));
        if (random.nextBoolean()) {
          payload.set("changed_fields", pick(new String[] {"status", "title", "location"}, 1));
        }
        key = name + ":" + job + ":" + version;
      }
      case "candidate.document.uploaded" -> {
        producer = "candidate-document-service";
        String candidate = id("cand_", 8);
        String document = id("doc_", 8);
        payload.put("candidate_id", candidate);
        payload.put("document_id", document);
        payload.put("storage_uri", "gs://jobarium-resumes/" + candidate + "/" + document + ".pdf");
        payload.put("mime_type", "application/pdf");
        payload.put("uploaded_at", seconds(occurred));
        if (random.nextBoolean()) {
          payload.put("source", oneOf("web", "mobile"));
        }
        key = name + ":" + document;
      }
      case "candidate.document.parsed" -> {
        producer = "parser-service";
        String parseJob = id("pjob_", 6);
        String parser = "2." + random.nextInt(10) + "." + random.nextInt(10);
        payload.put("candidate_id", id("cand_", 8));
        payload.put("document_id", id("doc_", 8));
        payload.put("parse_job_id", parseJob);
        payload.put("parser_version", parser);
        payload.put("quality_score", random.nextInt(101) / 100.0);
        payload.put("completed_at", seconds(occurred));
        if (random.nextBoolean()) {
          ObjectNode summary = payload.putObject("confidence_summary");
          summary.put("work_history", random.nextInt(101) / 100.0);
          summary.put("skills", random.nextInt(101) / 100.0);
        }
        if (random.nextBoolean()) {
          payload.set("low_confidence_fields", pick(new String[] {"skills.certifications"}, 1));
        }
        key = name + ":" + parseJob + ":" + parser;
      }
      case "candidate.enrichment.requested" -> {
        producer = "enrichment-orchestrator";
        String candidate = id("cand_", 8);
        int version = 1 + random.nextInt(20);
        payload.put("candidate_id", candidate);
        payload.put("enrichment_version", version);
        payload.put(
            "reason", oneOf("profile_updated", "document_parsed", "scheduled", "model_bump"));
        payload.put("requested_at", seconds(occurred));
        if (random.nextBoolean()) {
          payload.put("priority", oneOf("high", "normal", "low"));
        }
        key = name + ":" + candidate + ":" + version;
      }
      case "candidate.enrichment.completed" -> {
        producer = "enrichment-worker";
        String candidate = id("cand_", 8);
        int version = 1 + random.nextInt(20);
        payload.put("candidate_id", candidate);
        payload.put("enrichment_version", version);
        payload.set(
            "signals_updated",
            pick(new String[] {"seniority", "skill_graph", "location_fit"}, 1 + random.nextInt(3)));
        payload.put("completed_at", seconds(occurred));
        if (random.nextBoolean()) {
          payload.set("warnings", pick(new String[] {"skill_graph: 2 unmapped skills"}, 1));
        }
        key = name + ":" + candidate + ":" + version;
      }
      case "matching.shortlist.changed" -> {
        producer = "matching-service";
        String job = id("job_", 6);
        int version = 1 + random.nextInt(50);
        payload.put("job_id", job);
        payload.put("shortlist_version", version);
        payload.putArray("entered_candidates").add(id("cand_", 8));
        payload.putArray("exited_candidates").add(id("cand_", 8));
        payload.put("computed_at", seconds(occurred));
        if (random.nextBoolean()) {
          payload.put("reason", oneOf("event_triggered", "hourly_refresh"));
        }
        key = name + ":" + job + ":" + version;
      }
      case "invite.created" -> {
        producer = "automation-service";
        String invite = id("inv_", 8);
        payload.put("invite_id", invite);
        payload.put("job_id", id("job_", 6));
        payload.put("candidate_id", id("cand_", 8));
        payload.put("expires_at", seconds(occurred + 7 * 86_400_000L));
        payload.put("created_at", seconds(occurred));
        if (random.nextBoolean()) {
          payload.set("channel_preferences", pick(new String[] {"email", "sms"}, 2));
        }
        key = name + ":" + invite;
      }
      case "invite.expired" -> {
        producer = "automation-service";
        String invite = id("inv_", 8);
        payload.put("invite_id", invite);
        payload.put("job_id", id("job_", 6));
        payload.put("candidate_id", id("cand_", 8));
        payload.put("expired_at", seconds(occurred));
        key = name + ":" + invite;
      }
      case "qa.submitted" -> {
        producer = "qa-service";
        String session = id("qas_", 8);
        payload.put("session_id", session);
        payload.put("invite_id", id("inv_", 8));
        payload.put("job_id", id("job_", 6));
        payload.put("candidate_id", id("cand_", 8));
        payload.put("submitted_at", seconds(occurred));
        if (random.nextBoolean()) {
          payload.put("answer_count", random.nextInt(12));
        }
        key = name + ":" + session;
      }
      case "qa.authenticity.assessed" -> {
        producer = "authenticity-service";
        String session = id("qas_", 8);
        String model = "auth-2026.0" + (1 + random.nextInt(3));
        payload.put("session_id", session);
        payload.put("candidate_id", id("cand_", 8));
        payload.put("job_id", id("job_", 6));
        payload.put(
            "policy_result",
            oneOf("likely_self_authored", "mixed_assistance", "heavy_assistance_suspected"));
        payload.put("authenticity_score", random.nextInt(1001) / 10.0);
        payload.put("confidence", random.nextInt(101) / 100.0);
        payload.put("model_version", model);
        payload.put("assessed_at", seconds(occurred));
        if (random.nextBoolean()) {
          payload.set(
              "reason_codes",
              pick(new String[] {"consistent_style", "specific_examples", "generic_phrasing"}, 2));
        }
        key = name + ":" + session + ":" + model;
      }
      case "packet.ready" -> {
        producer = "packet-builder-service";
        String packet = id("pkt_", 8);
        payload.put("packet_id", packet);
        payload.put("job_id", id("job_", 6));
        payload.put("candidate_id", id("cand_", 8));
        payload.put("session_id", id("qas_", 8));
        payload.put("ready_at", seconds(occurred));
        if (random.nextBoolean()) {
          payload.put("summary_version", "s3");
          payload.put("trust_label", "verified_self_authored");
        }
        key = name + ":" + packet;
      }
      case "billing.usage.updated" -> {
        producer = "billing-service";
        String organization = "org_" + oneOf("acme", "globex", "initech");
        String month = "2026-0" + (1 + random.nextInt(9));
        String metric = oneOf("packets_generated", "invites_sent", "active_jobs");
        String source = uuid();
        payload.put("organization_id", organization);
        payload.put("billing_month", month);
        payload.put("metric_name", metric);
        payload.put("delta", 1 + random.nextInt(5));
        payload.put("updated_at", seconds(occurred));
        payload.put("source_event_id", source);
        key = name + ":" + organization + ":" + month + ":" + metric + ":" + source;
      }
      default -> throw new IllegalArgumentException(name);
    }
    ObjectNode event = NODES.objectNode();
    event.put("event_id", uuid());
    event.put("event_name", name);
    event.put("event_version", "v1");
    event.put("occurred_at", MILLIS.format(Instant.ofEpochMilli(occurred)));
    event.put("producer", producer);
    event.put("trace_id", hex(32));
    event.put("idempotency_key", key);
    if (random.nextInt(10) == 0) {
      event.put("tenant_id", TENANTS[random.nextInt(TENANTS.length)]);
      event.put("correlation_id", uuid());
      event.put("schema_ref", "jobarium://contracts/" + name + "/v1");
    }
    event.set("payload", payload);
    return event;
  }

  private String uuid() {
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  private String hex(int digits) {
    StringBuilder out = new StringBuilder(digits);
    for (int i = 0; i < digits; i++) {
      out.append(Character.forDigit(random.nextInt(16), 16));
    }
    return out.toString();
  }

  private String id(String prefix, int digits) {
    return prefix + hex(digits);
  }

  private String oneOf(String... values) {
    return values[random.nextInt(values.length)];
  }

  private ArrayNode pick(String[] values, int count) {
    ArrayNode out = NODES.arrayNode();
    int start = random.nextInt(values.length);
    for (int i = 0; i < Math.min(count, values.length); i++) {
      out.add(values[(start + i) % values.length]);
    }
    return out;
  }

  private static String seconds(long epochMillis) {
    return SECONDS.format(Instant.ofEpochMilli(epochMillis));
  }
}
