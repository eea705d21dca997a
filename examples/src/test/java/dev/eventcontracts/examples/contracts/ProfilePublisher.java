package dev.eventcontracts.examples.contracts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The producer side of seed 000's E-01: how candidate-profile-service writes profile.updated. */
final class ProfilePublisher {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ProfilePublisher() {}

  static String profileUpdated(
      String tenant, String candidate, int version, List<String> changed, Instant at) {
    ObjectNode payload = MAPPER.createObjectNode();
    payload.put("candidate_id", candidate);
    payload.put("profile_version", version);
    changed.forEach(payload.putArray("changed_fields")::add);
    payload.put("updated_at", at.toString());
    ObjectNode event = MAPPER.createObjectNode();
    event.put("event_id", UUID.randomUUID().toString());
    event.put("event_name", "profile.updated");
    event.put("event_version", "v1");
    event.put("occurred_at", at.toString());
    event.put("producer", "candidate-profile-service");
    event.put("trace_id", UUID.randomUUID().toString().replace("-", ""));
    event.put("idempotency_key", "profile.updated:" + candidate + ":" + version);
    event.put("tenant_id", tenant);
    event.put("correlation_id", UUID.randomUUID().toString());
    event.put("schema_ref", "jobarium://contracts/profile.updated/v1");
    event.set("payload", payload);
    return event.toString();
  }
}
