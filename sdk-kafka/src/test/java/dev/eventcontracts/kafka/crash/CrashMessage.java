package dev.eventcontracts.kafka.crash;

import java.nio.charset.StandardCharsets;

/**
 * One message of the crash stream: what the generator made, where the broker put it, and what the
 * expected model says must become of it.
 */
final class CrashMessage {

  /** How the generator made the message. */
  enum Kind {
    /** The next version of an entity, valid. */
    FRESH,
    /** A byte-for-byte re-send of an earlier message. */
    DUPLICATE,
    /** A valid version of an entity older than one sent before it (a never-used gap version). */
    STALE,
    /** The next version of an entity with a required payload field removed. */
    INVALID
  }

  /** What must become of the message, from {@link ExpectedModel}. */
  enum Expect {
    /** The handler applies it, exactly once. */
    APPLY,
    /** Its idempotency key was recorded by an earlier message: never applied. */
    DUPLICATE,
    /** A newer version of its entity was applied before it arrived: never applied. */
    STALE,
    /** It breaks its contract: dead-lettered (every delivery), never applied. */
    DEAD_LETTER
  }

  final int seq;
  final Kind kind;
  final String eventName;
  final String entity;
  final long version;
  final String eventId;
  final boolean valid;

  /** For a duplicate, the first message with these bytes; otherwise {@link #seq}. */
  final int originalSeq;

  final byte[] value;

  // set once the producer's sends are acknowledged (read after Future.get, so visible)
  int partition = -1;
  long offset = -1;

  // set by ExpectedModel
  Expect expect;

  CrashMessage(
      int seq,
      Kind kind,
      String eventName,
      String entity,
      long version,
      String eventId,
      boolean valid,
      int originalSeq,
      byte[] value) {
    this.seq = seq;
    this.kind = kind;
    this.eventName = eventName;
    this.entity = entity;
    this.version = version;
    this.eventId = eventId;
    this.valid = valid;
    this.originalSeq = originalSeq;
    this.value = value;
  }

  /** The Kafka record key: the entity id, so one entity stays on one partition, in order. */
  byte[] kafkaKey() {
    return entity.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The idempotency key as the contracts declare it ({@code profile.updated:{candidate_id}:
   * {profile_version}}, {@code job.updated:{job_id}:{job_version}}), without the SDK's tenant
   * prefix; the model derives it on its own rather than asking the SDK.
   */
  String contractKey() {
    return eventName + ":" + entity + ":" + version;
  }

  /** The ordering entity as the contracts declare it: per event name and entity id. */
  String orderingEntity() {
    return eventName + "/" + entity;
  }

  @Override
  public String toString() {
    return "#"
        + seq
        + " "
        + kind
        + " "
        + contractKey()
        + (valid ? "" : " (invalid)")
        + " event "
        + eventId
        + " at "
        + partition
        + "@"
        + offset
        + " expect "
        + expect;
  }
}
