package dev.eventcontracts.kafka.crash;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.kafka.crash.CrashMessage.Kind;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Generates the crash test's message stream deterministically from a seed: {@code profile.updated}
 * and {@code job.updated} events (seed 000, E-01 and E-02) for a fixed set of entities, half
 * candidates and half jobs, with
 *
 * <ul>
 *   <li>10% duplicates: byte-for-byte re-sends of an earlier message (same event id), half of them
 *       from the last 500 messages (so they often share a poll batch with the original), half from
 *       anywhere before;
 *   <li>5% stale versions: a version of an entity that was never sent, older than a valid version
 *       sent before it. Fresh versions go up in steps of two (1, 3, 5, ...), which leaves the even
 *       versions free for stale events; a gap is only used below a <em>valid</em> version, so every
 *       stale event really is stale when it arrives;
 *   <li>2% invalid: the next version of an entity with one required payload field removed (the
 *       field rotates over all four required fields, ordering fields included);
 *   <li>the rest: the next version of a random entity, valid.
 * </ul>
 *
 * The kinds are shuffled over the stream; a duplicate or stale slot that comes before there is
 * anything to repeat is swapped with the next fresh slot, so the counts are exact.
 */
final class CrashStream {

  private static final List<String> PROFILE_REQUIRED =
      List.of("updated_at", "changed_fields", "profile_version", "candidate_id");
  private static final List<String> JOB_REQUIRED =
      List.of("updated_at", "status", "job_version", "job_id");

  /** How many messages of each kind were generated. */
  record Counts(int total, int fresh, int duplicates, int stale, int invalid) {}

  private final List<CrashMessage> messages;
  private final Counts counts;

  private CrashStream(List<CrashMessage> messages, Counts counts) {
    this.messages = messages;
    this.counts = counts;
  }

  List<CrashMessage> messages() {
    return messages;
  }

  Counts counts() {
    return counts;
  }

  static CrashStream generate(int total, int entities, long seed) {
    if (entities < 2 || total < 100) {
      throw new IllegalArgumentException("too small: " + total + " messages, " + entities);
    }
    Random random = new Random(seed);
    RecruitingEvents events = RecruitingEvents.withSeed(seed);
    int duplicates = total / 10;
    int stale = total / 20;
    int invalid = total / 50;
    int fresh = total - duplicates - stale - invalid;

    List<Kind> plan = new ArrayList<>(total);
    addN(plan, Kind.FRESH, fresh);
    addN(plan, Kind.DUPLICATE, duplicates);
    addN(plan, Kind.STALE, stale);
    addN(plan, Kind.INVALID, invalid);
    Collections.shuffle(plan, random);

    int[] lastVersion = new int[entities]; // 0: nothing sent yet
    List<int[]> gaps = new ArrayList<>(); // {entity, version}: unused versions below a valid one
    List<CrashMessage> out = new ArrayList<>(total);
    int pendingStale = 0;
    int pendingDuplicates = 0;
    int invalidN = 0;
    for (int seq = 0; seq < total; seq++) {
      Kind kind = plan.get(seq);
      if (kind == Kind.STALE && gaps.isEmpty()) {
        pendingStale++;
        kind = Kind.FRESH;
      } else if (kind == Kind.DUPLICATE && out.isEmpty()) {
        pendingDuplicates++;
        kind = Kind.FRESH;
      } else if (kind == Kind.FRESH && pendingStale > 0 && !gaps.isEmpty()) {
        pendingStale--;
        kind = Kind.STALE;
      } else if (kind == Kind.FRESH && pendingDuplicates > 0 && !out.isEmpty()) {
        pendingDuplicates--;
        kind = Kind.DUPLICATE;
      }
      switch (kind) {
        case FRESH -> {
          int e = random.nextInt(entities);
          int version = lastVersion[e] == 0 ? 1 : lastVersion[e] + 2;
          if (lastVersion[e] > 0) {
            gaps.add(new int[] {e, version - 1}); // below this valid version: stale once sent
          }
          lastVersion[e] = version;
          out.add(event(seq, kind, events, entities, e, version, null));
        }
        case STALE -> {
          int i = random.nextInt(gaps.size());
          int[] gap = gaps.get(i);
          gaps.set(i, gaps.get(gaps.size() - 1));
          gaps.remove(gaps.size() - 1);
          out.add(event(seq, kind, events, entities, gap[0], gap[1], null));
        }
        case INVALID -> {
          int e = random.nextInt(entities);
          int version = lastVersion[e] == 0 ? 1 : lastVersion[e] + 2;
          lastVersion[e] = version; // no gap below an invalid version: it would not be stale
          List<String> required = e < entities / 2 ? PROFILE_REQUIRED : JOB_REQUIRED;
          String removed = required.get(invalidN++ % required.size());
          out.add(event(seq, kind, events, entities, e, version, removed));
        }
        case DUPLICATE -> {
          int from = random.nextBoolean() ? Math.max(0, out.size() - 500) : 0;
          CrashMessage picked = out.get(from + random.nextInt(out.size() - from));
          CrashMessage original = out.get(picked.originalSeq);
          out.add(
              new CrashMessage(
                  seq,
                  Kind.DUPLICATE,
                  original.eventName,
                  original.entity,
                  original.version,
                  original.eventId,
                  original.valid,
                  original.seq,
                  original.value));
        }
      }
    }
    if (pendingStale != 0 || pendingDuplicates != 0) {
      throw new IllegalStateException("stream too short to place every duplicate and stale event");
    }
    return new CrashStream(out, new Counts(total, fresh, duplicates, stale, invalid));
  }

  private static CrashMessage event(
      int seq,
      Kind kind,
      RecruitingEvents events,
      int entities,
      int e,
      int version,
      String removedField) {
    boolean candidate = e < entities / 2;
    String eventName = candidate ? "profile.updated" : "job.updated";
    String entity = String.format(candidate ? "cand_%05d" : "job_%05d", e);
    ObjectNode event =
        candidate ? events.profileUpdated(entity, version) : events.jobUpdated(entity, version);
    if (removedField != null) {
      event = RecruitingEvents.withoutPayloadField(event, removedField);
    }
    return new CrashMessage(
        seq,
        kind,
        eventName,
        entity,
        version,
        event.get("event_id").asText(),
        removedField == null,
        seq,
        RecruitingEvents.bytes(event));
  }

  private static void addN(List<Kind> plan, Kind kind, int n) {
    for (int i = 0; i < n; i++) {
      plan.add(kind);
    }
  }
}
