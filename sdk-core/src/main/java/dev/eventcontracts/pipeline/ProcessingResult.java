package dev.eventcontracts.pipeline;

import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.validation.Violation;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the pipeline did with one message. Only the pipeline makes these (users read them), so the
 * class may gain accessors in any minor release without breaking anyone. Values that may be absent
 * are {@code null}, as in every value the SDK hands out.
 */
public final class ProcessingResult {
  private final InboundMessage message;
  private final Outcome outcome;
  private final Disposition disposition;
  private final Duration retryAfter;
  private final @Nullable Envelope envelope;
  private final boolean replay;
  private final @Nullable String idempotencyKey;
  private final @Nullable String entity;
  private final @Nullable Long entityVersion;
  private final List<Violation> violations;
  private final @Nullable Throwable error;
  private final @Nullable DeadLetter deadLetter;

  ProcessingResult(
      InboundMessage message,
      Outcome outcome,
      Disposition disposition,
      Duration retryAfter,
      Envelope envelope,
      boolean replay,
      String idempotencyKey,
      String entity,
      Long entityVersion,
      List<Violation> violations,
      Throwable error,
      DeadLetter deadLetter) {
    this.message = Objects.requireNonNull(message, "message");
    this.outcome = Objects.requireNonNull(outcome, "outcome");
    this.disposition = Objects.requireNonNull(disposition, "disposition");
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    this.envelope = envelope;
    this.replay = replay;
    this.idempotencyKey = idempotencyKey;
    this.entity = entity;
    this.entityVersion = entityVersion;
    this.violations = List.copyOf(violations);
    this.error = error;
    this.deadLetter = deadLetter;
  }

  /** The message. */
  public InboundMessage message() {
    return message;
  }

  /** The outcome. */
  public Outcome outcome() {
    return outcome;
  }

  /** What the transport must do. */
  public Disposition disposition() {
    return disposition;
  }

  /**
   * How long to wait before the redelivery, when the disposition is {@link Disposition#RETRY}; zero
   * otherwise.
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** The envelope, or {@code null} when the message was unreadable. */
  public @Nullable Envelope envelope() {
    return envelope;
  }

  /** Whether the message was marked as a replay. */
  public boolean replay() {
    return replay;
  }

  /** The key the event was deduplicated by, or {@code null}. */
  public @Nullable String idempotencyKey() {
    return idempotencyKey;
  }

  /** The ordering entity, or {@code null}. */
  public @Nullable String entity() {
    return entity;
  }

  /** The event's ordering position, or {@code null}. */
  public @Nullable Long entityVersion() {
    return entityVersion;
  }

  /** Contract violations (for rejected events); empty otherwise. */
  public List<Violation> violations() {
    return violations;
  }

  /** The handler's (or the sink's) exception, or {@code null}. */
  public @Nullable Throwable error() {
    return error;
  }

  /** The dead letter that was stored, or {@code null}. */
  public @Nullable DeadLetter deadLetter() {
    return deadLetter;
  }

  /** True when the transport may acknowledge (commit) the message. */
  public boolean acknowledged() {
    return disposition == Disposition.ACKNOWLEDGE;
  }

  @Override
  public String toString() {
    return "ProcessingResult[outcome="
        + outcome
        + ", disposition="
        + disposition
        + ", retryAfter="
        + retryAfter
        + ", origin="
        + message.origin()
        + ", replay="
        + replay
        + ", idempotencyKey="
        + idempotencyKey
        + ", entity="
        + entity
        + ", entityVersion="
        + entityVersion
        + ", violations="
        + violations.size()
        + ", error="
        + (error == null ? null : error.getClass().getName())
        + "]";
  }
}
