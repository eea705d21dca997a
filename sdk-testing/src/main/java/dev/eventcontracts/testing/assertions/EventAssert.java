package dev.eventcontracts.testing.assertions;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.ValidationReport;
import dev.eventcontracts.validation.Violation;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import org.assertj.core.api.AbstractAssert;

/** Assertions on one event, judged by a registry exactly as the consumer pipeline judges it. */
public final class EventAssert extends AbstractAssert<EventAssert, InboundMessage> {
  // validators compile nothing, but build readers and lookup tables; tests check many events
  private static final Map<ContractRegistry, EventValidator> VALIDATORS = new WeakHashMap<>();

  EventAssert(InboundMessage actual) {
    super(actual, EventAssert.class);
  }

  /**
   * Checks that the event honours its contract in {@code registry}: readable, known name and
   * version, every envelope and payload rule. The failure message lists every violation with its
   * path and code.
   */
  public EventAssert isValidAgainst(ContractRegistry registry) {
    isNotNull();
    ValidationReport report = validate(actual, registry);
    if (!report.valid()) {
      failWithMessage(
          "%nExpected the event to be valid against registry '%s', but it is %s%n  event: %s%n%s",
          registry.name(), report.status(), describe(report), violations(report.violations()));
    }
    return this;
  }

  /**
   * Checks that {@code registry} refuses the event (invalid, unsupported version, unknown event or
   * malformed), and returns assertions on the refusal.
   */
  public RejectionAssert isRejectedBy(ContractRegistry registry) {
    isNotNull();
    ValidationReport report = validate(actual, registry);
    if (report.valid()) {
      failWithMessage(
          "%nExpected registry '%s' to reject the event, but it is valid%n  event: %s",
          registry.name(), describe(report));
    }
    return new RejectionAssert(report, registry.name());
  }

  static ValidationReport validate(InboundMessage message, ContractRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    EventValidator validator;
    synchronized (VALIDATORS) {
      validator = VALIDATORS.computeIfAbsent(registry, EventValidator::of);
    }
    return validator.validate(message);
  }

  /** Names an event by name, version and id, never by payload values. */
  static String describe(ValidationReport report) {
    Envelope e = report.envelope();
    if (e == null) {
      return "(unreadable)";
    }
    return (e.eventName() == null ? "(no name)" : e.eventName())
        + " "
        + (e.eventVersion() == null ? "(no version)" : e.eventVersion())
        + (e.eventId() == null ? "" : ", id " + e.eventId());
  }

  /** One line per violation: path (or "(event)" for the whole event), code, message. */
  static String violations(List<Violation> violations) {
    StringBuilder out = new StringBuilder();
    out.append("  ")
        .append(violations.size())
        .append(violations.size() == 1 ? " violation:" : " violations:");
    for (Violation v : violations) {
      out.append(String.format("%n    %s  [%s]  %s", path(v.path()), v.code(), v.message()));
    }
    return out.toString();
  }

  static String path(String path) {
    return path == null || path.isEmpty() ? "(event)" : path;
  }
}
