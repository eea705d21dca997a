package dev.eventcontracts.examples.spring;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The demo's stream of seed-000 events with the faults a real stream has, each record with its
 * expected outcome (notifications down) and a W3C {@code traceparent} header of its producer's
 * span. Built with sdk-testing's {@link RecruitingEvents}, the generator the plain demo uses.
 */
public final class RecruitingStream {

  /** One record: key, value, headers, the expected outcome, and the story. */
  public record StreamRecord(
      String key, byte[] value, Map<String, String> headers, Outcome expected, String story) {

    /** The producer's trace id (from {@code traceparent}). */
    public String traceId() {
      return headers.get("traceparent").split("-")[1];
    }

    /** The producer's span id (from {@code traceparent}). */
    public String spanId() {
      return headers.get("traceparent").split("-")[2];
    }
  }

  private RecruitingStream() {}

  /** The stream, in publishing order (one partition). */
  public static List<StreamRecord> build() {
    RecruitingEvents events = RecruitingEvents.withSeed(2026);
    List<StreamRecord> out = new ArrayList<>();
    for (int i = 0; i < RecruitingEvents.EVENT_NAMES.size(); i++) {
      String name = RecruitingEvents.EVENT_NAMES.get(i);
      boolean invite = name.equals("invite.created");
      add(
          out,
          events.event(name, i),
          invite ? Outcome.FAILED : Outcome.PROCESSED,
          invite ? "invite while notifications are down: failed" : "valid " + name);
    }
    ObjectNode v1 = events.profileUpdated("cand_ada", 1);
    ObjectNode v2 = events.profileUpdated("cand_ada", 2);
    ObjectNode v3 = events.profileUpdated("cand_ada", 3);
    add(out, v1, Outcome.PROCESSED, "profile v1");
    add(out, v3, Outcome.PROCESSED, "profile v3 (before v2)");
    add(out, v2, Outcome.STALE, "profile v2, late: stale");
    add(out, v3, Outcome.DUPLICATE, "profile v3 redelivered: duplicate");
    add(out, events.withNewEventId(v3), Outcome.DUPLICATE, "profile v3 re-sent: duplicate");
    add(out, events.jobUpdated("job_rust", 4), Outcome.PROCESSED, "job v4");
    add(out, events.jobUpdated("job_rust", 3), Outcome.STALE, "job v3, late: stale");
    add(
        out,
        RecruitingEvents.withoutPayloadField(events.profileUpdated("cand_bo", 1), "candidate_id"),
        Outcome.INVALID,
        "missing candidate_id: invalid");
    add(
        out,
        RecruitingEvents.withVersion(events.profileUpdated("cand_cy", 1), "v2"),
        Outcome.UNSUPPORTED_VERSION,
        "event_version v2: unsupported");
    ObjectNode unknown = events.profileUpdated("cand_di", 1);
    unknown.put("event_name", "profile.deleted");
    add(out, unknown, Outcome.UNKNOWN_EVENT, "profile.deleted: unknown event");
    out.add(
        new StreamRecord(
            "garbage",
            "{\"event_id\": \"7c2e\", \"event_na".getBytes(StandardCharsets.UTF_8),
            headers(out.size(), false),
            Outcome.MALFORMED,
            "truncated JSON: malformed"));
    out.add(
        new StreamRecord(
            "cand_ada",
            RecruitingEvents.bytes(v1),
            headers(out.size(), true),
            Outcome.DUPLICATE,
            "replay of profile v1 (already applied): duplicate"));
    return out;
  }

  /** How many records of each outcome the stream should give. */
  public static Map<Outcome, Integer> expectedCounts(List<StreamRecord> stream) {
    Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    stream.forEach(r -> counts.merge(r.expected(), 1, Integer::sum));
    return counts;
  }

  /** Publishes {@code stream} to partition 0 of {@code topic}, in order, and waits for the acks. */
  public static void publish(String bootstrap, String topic, List<StreamRecord> stream) {
    Properties settings = new Properties();
    settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings)) {
      for (StreamRecord r : stream) {
        ProducerRecord<byte[], byte[]> record =
            new ProducerRecord<>(topic, 0, r.key().getBytes(StandardCharsets.UTF_8), r.value());
        r.headers().forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        producer.send(record);
      }
      producer.flush();
    }
  }

  private static void add(
      List<StreamRecord> out, ObjectNode event, Outcome expected, String story) {
    ObjectNode payload = (ObjectNode) event.get("payload");
    String key =
        payload.has("candidate_id")
            ? payload.get("candidate_id").asText()
            : payload.has("job_id") ? payload.get("job_id").asText() : "-";
    out.add(
        new StreamRecord(
            key, RecruitingEvents.bytes(event), headers(out.size(), false), expected, story));
  }

  /**
   * A deterministic producer span per record: trace {@code 4ec0...<n>}, span {@code 5eed...<n>}.
   */
  private static Map<String, String> headers(int n, boolean replay) {
    Map<String, String> headers = new HashMap<>();
    String traceId = String.format(Locale.ROOT, "4ec0%028x", n + 1);
    String spanId = String.format(Locale.ROOT, "5eed%012x", n + 1);
    headers.put("traceparent", "00-" + traceId + "-" + spanId + "-01");
    if (replay) {
      headers.put("replay", "true");
    }
    return headers;
  }
}
