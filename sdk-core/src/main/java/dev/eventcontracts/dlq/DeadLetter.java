package dev.eventcontracts.dlq;

import dev.eventcontracts.envelope.Origin;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.validation.Violation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A rejected message with everything needed to understand, fix and replay it: the original bytes
 * and attributes untouched, the outcome (whose name is the stable reason code), every error
 * message, the exception, where it came from, how often it was tried and when it was rejected.
 *
 * @param value the original message value, unchanged
 * @param attributes the original transport attributes (headers), unchanged
 * @param reason the outcome that rejected it; {@code reason.name()} is the reason code
 * @param violations every contract violation (empty for handler failures)
 * @param errors human-readable error messages, one per violation or one for the exception
 * @param exceptionClass class name of the handler's exception, or {@code null}
 * @param origin where the message came from
 * @param attempts how many times the handler ran (0 when the message never reached it)
 * @param eventId the event id when it could be read, or {@code null}
 * @param eventName the event name when it could be read, or {@code null}
 * @param eventVersion the event version when it could be read, or {@code null}
 * @param deadLetteredAt when the message was rejected
 */
public record DeadLetter(
    byte[] value,
    Map<String, String> attributes,
    Outcome reason,
    List<Violation> violations,
    List<String> errors,
    String exceptionClass,
    Origin origin,
    int attempts,
    String eventId,
    String eventName,
    String eventVersion,
    Instant deadLetteredAt) {

  /** Checks the components and copies the collections. */
  public DeadLetter {
    Objects.requireNonNull(value, "value");
    attributes = Map.copyOf(attributes);
    Objects.requireNonNull(reason, "reason");
    violations = List.copyOf(violations);
    errors = List.copyOf(errors);
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(deadLetteredAt, "deadLetteredAt");
  }

  /** The stable reason code: the outcome's name, such as {@code INVALID} or {@code FAILED}. */
  public String reasonCode() {
    return reason.name();
  }
}
