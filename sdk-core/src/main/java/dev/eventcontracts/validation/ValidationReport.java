package dev.eventcontracts.validation;

import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.envelope.Envelope;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of validating one message.
 *
 * @param status the verdict
 * @param envelope the envelope, or {@code null} when the message was {@link
 *     ValidationStatus#MALFORMED} beyond reading
 * @param contract the governing contract, or {@code null} when none was found
 * @param violations every violation found, copied; empty exactly when valid
 */
public record ValidationReport(
    ValidationStatus status,
    @Nullable Envelope envelope,
    @Nullable EventContract contract,
    List<Violation> violations) {

  /** Checks the status and copies the violations. */
  public ValidationReport {
    Objects.requireNonNull(status, "status");
    violations = List.copyOf(violations);
  }

  /** True when the event honours its contract. */
  public boolean valid() {
    return status == ValidationStatus.VALID;
  }
}
