package dev.eventcontracts.testing.assertions;

import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.validation.ValidationReport;
import dev.eventcontracts.validation.ValidationStatus;
import dev.eventcontracts.validation.Violation;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/** Assertions on how a registry refused an event. */
public final class RejectionAssert extends AbstractAssert<RejectionAssert, ValidationReport> {
  private final String registryName;

  RejectionAssert(ValidationReport report, String registryName) {
    super(report, RejectionAssert.class);
    this.registryName = registryName;
  }

  /** Checks the verdict, for example {@link ValidationStatus#UNSUPPORTED_VERSION}. */
  public RejectionAssert withStatus(ValidationStatus status) {
    Objects.requireNonNull(status, "status");
    if (actual.status() != status) {
      failWithMessage(
          "%nExpected registry '%s' to reject the event as %s, but it is %s%n  event: %s%n%s",
          registryName,
          status,
          actual.status(),
          EventAssert.describe(actual),
          EventAssert.violations(actual.violations()));
    }
    return this;
  }

  /**
   * Checks the verdict as the pipeline's outcome: the outcome the consumer pipeline gives the event
   * before any handler is chosen ({@link Outcome#INVALID}, {@link Outcome#UNSUPPORTED_VERSION},
   * {@link Outcome#UNKNOWN_EVENT} or {@link Outcome#MALFORMED}).
   */
  public RejectionAssert withOutcome(Outcome outcome) {
    Objects.requireNonNull(outcome, "outcome");
    ValidationStatus status;
    try {
      status = ValidationStatus.valueOf(outcome.name());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          outcome + " is decided by handlers and stores, not by validation", e);
    }
    return withStatus(status);
  }

  /** Checks that one violation has this code (a {@code ViolationCode} constant) and JSON path. */
  public RejectionAssert withViolation(String code, String path) {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(path, "path");
    for (Violation v : actual.violations()) {
      if (code.equals(v.code()) && path.equals(v.path())) {
        return this;
      }
    }
    failWithMessage(
        "%nExpected a violation [%s] at %s, but registry '%s' found none there%n  event: %s%n%s",
        code,
        EventAssert.path(path),
        registryName,
        EventAssert.describe(actual),
        EventAssert.violations(actual.violations()));
    return this;
  }

  /** Checks that some violation is at this JSON path, whatever its code. */
  public RejectionAssert withViolationAt(String path) {
    Objects.requireNonNull(path, "path");
    if (actual.violations().stream().noneMatch(v -> path.equals(v.path()))) {
      failWithMessage(
          "%nExpected a violation at %s, but registry '%s' found none there%n  event: %s%n%s",
          EventAssert.path(path),
          registryName,
          EventAssert.describe(actual),
          EventAssert.violations(actual.violations()));
    }
    return this;
  }

  /** The validation report, for checks of your own. */
  public ValidationReport report() {
    return actual;
  }
}
