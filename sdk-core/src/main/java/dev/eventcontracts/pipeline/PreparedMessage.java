package dev.eventcontracts.pipeline;

import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.validation.ValidationReport;
import dev.eventcontracts.validation.ValidationStatus;
import dev.eventcontracts.validation.Violation;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/** Everything known about a message before any store is touched. */
final class PreparedMessage {
  @Nullable InboundMessage message;
  int attempt;
  @Nullable ValidationReport report;
  boolean replay;
  @Nullable HandlerBinding<?> binding;
  @Nullable Object payload;
  @Nullable String key;
  @Nullable String entity;
  @Nullable Long position;
  // of the payload, computed while preparing unless key reuse is ignored (0: not yet)
  long fingerprint;
  // the fingerprint its completed key was stored with, read for the whole batch (empty: the store
  // has none); null when not read, and the duplicate asks the store itself
  @Nullable OptionalLong storedFingerprint;
  @Nullable Outcome rejection;
  List<Violation> violations = List.of();

  /**
   * Whether {@code stored}, a position of the message's entity, has reached the message's own: the
   * event is then stale, and applying it would not move the entity forward.
   */
  boolean reachedBy(OptionalLong stored) {
    // asked only of a message with an entity, whose position is then set
    return stored.isPresent() && stored.getAsLong() >= Objects.requireNonNull(position);
  }

  /** Whether the message takes a claim on its key: not for a replay its binding skips. */
  boolean claimsKey() {
    // asked once the message is bound (its binding is set)
    return !(replay && Objects.requireNonNull(binding).replayPolicy() != ReplayPolicy.PROCESS);
  }

  @Nullable Envelope envelope() {
    return report == null ? null : report.envelope();
  }

  String eventName() {
    Envelope e = envelope();
    return e == null || e.eventName() == null ? "unknown" : e.eventName();
  }

  /**
   * The event id for log lines: an envelope field, never a payload value, made safe ({@link
   * LogSafe}) since the producer wrote it.
   */
  @Nullable String eventId() {
    Envelope e = envelope();
    return e == null ? null : LogSafe.text(e.eventId());
  }

  /** The event name for log lines, made safe. */
  @Nullable String loggedEventName() {
    return LogSafe.text(eventName());
  }

  // Meter tags come from the registry, never from the message: a producer (or an attacker)
  // sending made-up names or versions must not create a meter per value.

  /** The event tag: a name the registry knows, or {@code unknown}. */
  String metricEvent() {
    if (report == null
        || (report.contract() == null && report.status() != ValidationStatus.UNSUPPORTED_VERSION)) {
      return "unknown"; // unreadable, or a name no contract has
    }
    if (report.contract() != null) {
      return report.contract().name(); // the registry's own string, the same object every time
    }
    return eventName(); // UNSUPPORTED_VERSION: the registry knows the name
  }

  /** The version tag: the version of the contract that governed the event, or {@code unknown}. */
  String metricVersion() {
    return report == null || report.contract() == null ? "unknown" : report.contract().version();
  }

  PreparedMessage reject(Outcome outcome, List<Violation> found) {
    this.rejection = outcome;
    this.violations = found;
    return this;
  }
}
