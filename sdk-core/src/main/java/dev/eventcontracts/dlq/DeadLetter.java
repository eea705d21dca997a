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
 * <p>A value that may gain fields: it is made with {@link #builder(InboundMessage, Outcome,
 * Instant)} (a sink's tests do that), so a new field never breaks a caller.
 */
public final class DeadLetter {
  private final InboundMessage message;
  private final Outcome reason;
  private final List<Violation> violations;
  private final List<String> errors;
  private final @Nullable String exceptionClass;
  private final int attempts;
  private final @Nullable String eventId;
  private final @Nullable String eventName;
  private final @Nullable String eventVersion;
  private final Instant deadLetteredAt;

  private DeadLetter(Builder b) {
    this.message = b.message;
    this.reason = b.reason;
    this.violations = b.violations;
    this.errors = b.errors;
    this.exceptionClass = b.exceptionClass;
    this.attempts = b.attempts;
    this.eventId = b.eventId;
    this.eventName = b.eventName;
    this.eventVersion = b.eventVersion;
    this.deadLetteredAt = b.deadLetteredAt;
  }

  /**
   * Starts a dead letter; violations and errors default to none, the attempts to 0, the event's id,
   * name and version and the exception class to absent.
   *
   * @param message the original message, unchanged
   * @param reason the outcome that rejected it
   * @param deadLetteredAt when the message was rejected
   */
  public static Builder builder(InboundMessage message, Outcome reason, Instant deadLetteredAt) {
    return new Builder(message, reason, deadLetteredAt);
  }

  /** A builder holding this dead letter's values, to make a changed copy. */
  public Builder toBuilder() {
    return builder(message, reason, deadLetteredAt)
        .violations(violations)
        .errors(errors)
        .exceptionClass(exceptionClass)
        .attempts(attempts)
        .eventId(eventId)
        .eventName(eventName)
        .eventVersion(eventVersion);
  }

  /** The original message, unchanged. */
  public InboundMessage message() {
    return message;
  }

  /** The outcome that rejected it; {@code reason().name()} is the reason code. */
  public Outcome reason() {
    return reason;
  }

  /** Every contract violation (empty for handler failures). */
  public List<Violation> violations() {
    return violations;
  }

  /** Human-readable error messages, one per violation or one for the exception. */
  public List<String> errors() {
    return errors;
  }

  /** Class name of the handler's exception, or {@code null}. */
  public @Nullable String exceptionClass() {
    return exceptionClass;
  }

  /** How many times the handler ran (0 when the message never reached it). */
  public int attempts() {
    return attempts;
  }

  /** The event id when it could be read, or {@code null}. */
  public @Nullable String eventId() {
    return eventId;
  }

  /** The event name when it could be read, or {@code null}. */
  public @Nullable String eventName() {
    return eventName;
  }

  /** The event version when it could be read, or {@code null}. */
  public @Nullable String eventVersion() {
    return eventVersion;
  }

  /** When the message was rejected. */
  public Instant deadLetteredAt() {
    return deadLetteredAt;
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

  @Override
  public boolean equals(Object o) {
    return o instanceof DeadLetter other
        && message.equals(other.message)
        && reason == other.reason
        && violations.equals(other.violations)
        && errors.equals(other.errors)
        && Objects.equals(exceptionClass, other.exceptionClass)
        && attempts == other.attempts
        && Objects.equals(eventId, other.eventId)
        && Objects.equals(eventName, other.eventName)
        && Objects.equals(eventVersion, other.eventVersion)
        && deadLetteredAt.equals(other.deadLetteredAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        message,
        reason,
        violations,
        errors,
        exceptionClass,
        attempts,
        eventId,
        eventName,
        eventVersion,
        deadLetteredAt);
  }

  @Override
  public String toString() {
    return "DeadLetter[reason="
        + reason
        + ", origin="
        + message.origin()
        + ", eventId="
        + eventId
        + ", eventName="
        + eventName
        + ", eventVersion="
        + eventVersion
        + ", attempts="
        + attempts
        + ", exceptionClass="
        + exceptionClass
        + ", violations="
        + violations.size()
        + ", deadLetteredAt="
        + deadLetteredAt
        + "]";
  }

  /** Builds a {@link DeadLetter}. */
  public static final class Builder {
    private final InboundMessage message;
    private final Outcome reason;
    private final Instant deadLetteredAt;
    private List<Violation> violations = List.of();
    private List<String> errors = List.of();
    private @Nullable String exceptionClass;
    private int attempts;
    private @Nullable String eventId;
    private @Nullable String eventName;
    private @Nullable String eventVersion;

    private Builder(InboundMessage message, Outcome reason, Instant deadLetteredAt) {
      this.message = Objects.requireNonNull(message, "message");
      this.reason = Objects.requireNonNull(reason, "reason");
      this.deadLetteredAt = Objects.requireNonNull(deadLetteredAt, "deadLetteredAt");
    }

    /** Every contract violation; copied. */
    public Builder violations(List<Violation> violations) {
      this.violations = List.copyOf(violations);
      return this;
    }

    /** The human-readable error messages; copied. */
    public Builder errors(List<String> errors) {
      this.errors = List.copyOf(errors);
      return this;
    }

    /** The class name of the handler's exception, or {@code null} for none. */
    public Builder exceptionClass(@Nullable String exceptionClass) {
      this.exceptionClass = exceptionClass;
      return this;
    }

    /** How many times the handler ran; not negative. */
    public Builder attempts(int attempts) {
      if (attempts < 0) {
        throw new IllegalArgumentException("attempts must not be negative: " + attempts);
      }
      this.attempts = attempts;
      return this;
    }

    /** The event id, or {@code null} when it could not be read. */
    public Builder eventId(@Nullable String eventId) {
      this.eventId = eventId;
      return this;
    }

    /** The event name, or {@code null} when it could not be read. */
    public Builder eventName(@Nullable String eventName) {
      this.eventName = eventName;
      return this;
    }

    /** The event version, or {@code null} when it could not be read. */
    public Builder eventVersion(@Nullable String eventVersion) {
      this.eventVersion = eventVersion;
      return this;
    }

    /** The dead letter. */
    public DeadLetter build() {
      return new DeadLetter(this);
    }
  }
}
