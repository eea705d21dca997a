package dev.eventcontracts.benchmarks.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The near-cache run's input: {@link SeedMessages} with 10% duplicates (message {@code i - LAG},
 * byte for byte) and 5% stale events (a {@code profile.updated} of an earlier message's candidate
 * one version lower, under its own key and event id). The copies come {@value #LAG} messages after
 * their originals, several polls later, so the batch's own bookkeeping does not see them and only a
 * store (or the near cache) can. Every {@code profile.updated} is keyed by its candidate on Kafka,
 * so an original and its stale copy share a partition and arrive in that order.
 */
final class RepeatingMessages {
  /** How far back a copy reaches. */
  static final int LAG = 2_000;

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final SeedMessages seed = new SeedMessages();
  private final SeedMessages.Message[] ring = new SeedMessages.Message[LAG];
  private int next;

  /** The next message, from number 0 on; the same bytes on every run but the stale event ids. */
  SeedMessages.Message next() {
    int i = next++;
    SeedMessages.Message earlier = i >= LAG ? ring[i % LAG] : null;
    SeedMessages.Message m;
    if (earlier != null && i % 10 == 9) {
      m = earlier; // a duplicate
    } else if (earlier != null && i % 20 == 4) {
      m = stale(earlier);
      if (m == null) {
        m = keyed(seed.next());
      }
    } else {
      m = keyed(seed.next());
    }
    ring[i % LAG] = m;
    return m;
  }

  /** A profile.updated one version below {@code original}, or null when it cannot have one. */
  private static SeedMessages.Message stale(SeedMessages.Message original) {
    ObjectNode event = parse(original.value());
    if (!"profile.updated".equals(event.path("event_name").asText())) {
      return null;
    }
    ObjectNode payload = (ObjectNode) event.get("payload");
    int version = payload.path("profile_version").asInt();
    if (version < 2) {
      return null;
    }
    String candidate = payload.path("candidate_id").asText();
    payload.put("profile_version", version - 1);
    event.put("event_id", UUID.randomUUID().toString());
    event.put("idempotency_key", "profile.updated:" + candidate + ":" + (version - 1));
    return new SeedMessages.Message(
        original.key(), event.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Keys a profile.updated by its candidate, so its stale copy lands on the same partition. */
  private static SeedMessages.Message keyed(SeedMessages.Message m) {
    ObjectNode event = parse(m.value());
    if (!"profile.updated".equals(event.path("event_name").asText())) {
      return m;
    }
    String candidate = event.path("payload").path("candidate_id").asText();
    return new SeedMessages.Message(candidate.getBytes(StandardCharsets.UTF_8), m.value());
  }

  private static ObjectNode parse(byte[] value) {
    try {
      return (ObjectNode) MAPPER.readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
