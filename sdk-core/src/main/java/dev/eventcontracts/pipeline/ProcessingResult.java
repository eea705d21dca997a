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
 * What the pipeline did with one message.
 *
 * @param message the message
 * @param outcome the outcome
 * @param disposition what the transport must do
 * @param retryAfter how long to wait before the redelivery, when the disposition is {@link
 *     Disposition#RETRY}; zero otherwise
 * @param envelope the envelope, or {@code null} when the message was unreadable
 * @param replay whether the message was marked as a replay
 * @param idempotencyKey the key the event was deduplicated by, or {@code null}
 * @param entity the ordering entity, or {@code null}
 * @param entityVersion the event's ordering position, or {@code null}
 * @param violations contract violations (for rejected events)
 * @param error the handler's (or the sink's) exception, or {@code null}
 * @param deadLetter the dead letter that was stored, or {@code null}
 */
public record ProcessingResult(
    InboundMessage message,
    Outcome outcome,
    Disposition disposition,
    Duration retryAfter,
    @Nullable Envelope envelope,
    boolean replay,
    @Nullable String idempotencyKey,
    @Nullable String entity,
    @Nullable Long entityVersion,
    List<Violation> violations,
    @Nullable Throwable error,
    @Nullable DeadLetter deadLetter) {

  /** Checks the components and copies the violations. */
  public ProcessingResult {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(disposition, "disposition");
    Objects.requireNonNull(retryAfter, "retryAfter");
    violations = List.copyOf(violations);
  }

  /** True when the transport may acknowledge (commit) the message. */
  public boolean acknowledged() {
    return disposition == Disposition.ACKNOWLEDGE;
  }
}
