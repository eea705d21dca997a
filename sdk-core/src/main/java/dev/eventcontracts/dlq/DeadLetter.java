package dev.eventcontracts.dlq;

import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.Origin;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.validation.Violation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A rejected message with everything needed to understand, fix and replay it: the original message
 * untouched (value, attributes, key and raw headers, origin), the outcome (whose name is the stable
 * reason code), every error message, the exception, how often it was tried and when it was
 * rejected. A sink needs nothing else, so any sink works with any transport and on any thread.
 *
 * @param message the original message, unchanged
 * @param reason the outcome that rejected it; {@code reason.name()} is the reason code
 * @param violations every contract violation (empty for handler failures)
 * @param errors human-readable error messages, one per violation or one for the exception
 * @param exceptionClass class name of the handler's exception, or {@code null}
 * @param attempts how many times the handler ran (0 when the message never reached it)
 * @param eventId the event id when it could be read, or {@code null}
 * @param eventName the event name when it could be read, or {@code null}
 * @param eventVersion the event version when it could be read, or {@code null}
 * @param deadLetteredAt when the message was rejected
 */
public record DeadLetter(
    InboundMessage message,
    Outcome reason,
    List<Violation> violations,
    List<String> errors,
    @Nullable String exceptionClass,
    int attempts,
    @Nullable String eventId,
    @Nullable String eventName,
    @Nullable String eventVersion,
    Instant deadLetteredAt) {

  /** Checks the components and copies the collections. */
  public DeadLetter {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(reason, "reason");
    violations = List.copyOf(violations);
    errors = List.copyOf(errors);
    Objects.requireNonNull(deadLetteredAt, "deadLetteredAt");
  }

  /** The original message value, unchanged. */
  public byte[] value() {
    return message.value();
  }

  /** The original transport attributes, unchanged. */
  public Map<String, String> attributes() {
    return message.attributes();
  }

  /** Where the message came from. */
  public Origin origin() {
    return message.origin();
  }

  /** The original transport key (Kafka record key, Pub/Sub ordering key), or {@code null}. */
  public byte @Nullable [] key() {
    return message.key();
  }

  /** The stable reason code: the outcome's name, such as {@code INVALID} or {@code FAILED}. */
  public String reasonCode() {
    return reason.name();
  }
}
