package dev.eventcontracts.benchmarks.kafka;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The benchmark's input: deterministic, valid seed-000 events from {@link RecruitingEvents}, 90%
 * {@code profile.updated} (433 bytes without the optional envelope fields, which only one message
 * in ten keeps), the rest spread over the catalogue events whose idempotency key and ordering
 * entity embed the message number. Every key and every ordering entity is therefore unique: every
 * dedup claim wins and nothing is stale, so each message runs the whole pipeline up to the handler.
 * Message {@code i} is the same bytes on every run.
 */
final class SeedMessages {
  /** Seed of the generator (ids, trace ids, occurrence times). */
  static final long SEED = 0L;

  /** One in this many messages is not {@code profile.updated}. */
  static final int OTHER_EVERY = 10;

  /** One in this many messages keeps the optional envelope fields. */
  static final int OPTIONAL_FIELDS_EVERY = 10;

  /** Optional envelope fields the fixture always sets. */
  static final List<String> OPTIONAL_ENVELOPE_FIELDS =
      List.of("tenant_id", "correlation_id", "schema_ref");

  /** Catalogue events whose key and entity are unique per message number. */
  static final List<String> OTHERS =
      List.of(
          "candidate.document.uploaded",
          "candidate.document.parsed",
          "candidate.enrichment.requested",
          "candidate.enrichment.completed",
          "invite.created",
          "invite.expired",
          "qa.submitted",
          "qa.authenticity.assessed",
          "packet.ready",
          "billing.usage.updated");

  private final RecruitingEvents events = RecruitingEvents.withSeed(SEED);
  private int next;

  /** One Kafka record's key and value. */
  record Message(byte[] key, byte[] value) {}

  /** The next message, from number 0 on. */
  Message next() {
    int i = next++;
    String name =
        i % OTHER_EVERY == OTHER_EVERY - 1
            ? OTHERS.get((i / OTHER_EVERY) % OTHERS.size())
            : "profile.updated";
    ObjectNode event = events.event(name, i);
    if (i % OPTIONAL_FIELDS_EVERY != 0) {
      // the fixture sets every optional envelope field; producers mostly leave them out, which
      // brings profile.updated to the ~430 bytes of PERFORMANCE-FLOORS.md
      for (String field : OPTIONAL_ENVELOPE_FIELDS) {
        event.remove(field);
      }
    }
    byte[] key = event.path("idempotency_key").asText().getBytes(StandardCharsets.UTF_8);
    return new Message(key, RecruitingEvents.bytes(event));
  }
}
