package dev.eventcontracts.examples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo's event stream: every seed-000 event type, with the faults a real stream has (a producer
 * retry that duplicates an event, versions arriving out of order, contract violations, an unknown
 * version, an unknown event, garbage bytes, a replay) and what the demo expects of each.
 */
final class DemoStream {

  /** One record to publish: its key, value, headers and what the SDK should decide. */
  record DemoRecord(String key, byte[] value, Map<String, String> headers, String story) {}

  private DemoStream() {}

  static List<DemoRecord> build() {
    RecruitingEvents events = RecruitingEvents.withSeed(2026);
    List<DemoRecord> out = new ArrayList<>();
    // one valid event of every contract, E-01..E-13
    for (int i = 0; i < RecruitingEvents.EVENT_NAMES.size(); i++) {
      String name = RecruitingEvents.EVENT_NAMES.get(i);
      String story =
          name.equals("invite.created")
              ? "valid invite.created, but the notification service is down: failed"
              : "valid " + name;
      out.add(record(events.event(name, i), story));
    }
    // a candidate profile edited three times; the stream delivers v2 late and v3 twice
    ObjectNode v1 = events.profileUpdated("cand_ada", 1);
    ObjectNode v2 = events.profileUpdated("cand_ada", 2);
    ObjectNode v3 = events.profileUpdated("cand_ada", 3);
    out.add(record(v1, "profile v1"));
    out.add(record(v3, "profile v3 (arrives before v2)"));
    out.add(record(v2, "profile v2, late: stale"));
    out.add(record(v3, "profile v3 redelivered: duplicate"));
    out.add(record(events.withNewEventId(v3), "profile v3 re-sent with a new event id: duplicate"));
    // a job moves forward, then an old update arrives
    out.add(record(events.jobUpdated("job_rust", 4), "job v4"));
    out.add(record(events.jobUpdated("job_rust", 3), "job v3, late: stale"));
    // contract violations
    out.add(
        record(
            RecruitingEvents.withoutPayloadField(
                events.profileUpdated("cand_bo", 1), "candidate_id"),
            "missing candidate_id: invalid"));
    ObjectNode badEnum = events.jobUpdated("job_go", 1);
    ((ObjectNode) badEnum.get("payload")).put("status", "deleted");
    out.add(record(badEnum, "status 'deleted' not in enum: invalid"));
    ObjectNode tooMany = events.event("qa.authenticity.assessed", 77);
    ((ObjectNode) tooMany.get("payload"))
        .putArray("reason_codes")
        .add("a")
        .add("b")
        .add("c")
        .add("d");
    ((ObjectNode) tooMany.get("payload")).put("confidence", 1.5);
    out.add(record(tooMany, "4 reason codes and confidence 1.5: invalid"));
    ObjectNode badMonth = events.event("billing.usage.updated", 5);
    ((ObjectNode) badMonth.get("payload")).put("billing_month", "2026-13");
    out.add(record(badMonth, "billing_month 2026-13: invalid"));
    out.add(
        record(
            RecruitingEvents.withVersion(events.profileUpdated("cand_cy", 1), "v2"),
            "event_version v2: unsupported version"));
    ObjectNode unknown = events.profileUpdated("cand_di", 1);
    unknown.put("event_name", "profile.deleted");
    out.add(record(unknown, "profile.deleted: unknown event"));
    out.add(
        new DemoRecord(
            "garbage",
            "{\"event_id\": \"7c2e\", \"event_na".getBytes(StandardCharsets.UTF_8),
            Map.of(),
            "truncated JSON: malformed"));
    // invites whose notification service is down during the first pass: fails after retries,
    // dead-lettered, fixed, then replayed from the dead-letter topic
    out.add(
        record(events.event("invite.created", 501), "invite while notifications are down: failed"));
    out.add(
        record(events.event("invite.created", 502), "invite while notifications are down: failed"));
    // an operator replays an event that was already applied
    out.add(
        new DemoRecord(
            "cand_ada",
            RecruitingEvents.bytes(v1),
            Map.of("replay", "true"),
            "replay of profile v1 (already applied): duplicate"));
    return out;
  }

  private static DemoRecord record(ObjectNode event, String story) {
    ObjectNode payload = (ObjectNode) event.get("payload");
    String key =
        payload.has("candidate_id")
            ? payload.get("candidate_id").asText()
            : payload.has("job_id")
                ? payload.get("job_id").asText()
                : event.get("event_id").asText();
    return new DemoRecord(key, RecruitingEvents.bytes(event), Map.of(), story);
  }
}
