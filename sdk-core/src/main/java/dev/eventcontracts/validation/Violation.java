package dev.eventcontracts.validation;

import java.util.Objects;

/**
 * One way in which a message breaks its contract.
 *
 * @param path JSON pointer into the event document (for example {@code /payload/candidate_id}), or
 *     {@code ""} for the whole document
 * @param code stable machine-readable code, one of {@link ViolationCode}
 * @param message human-readable explanation
 */
public record Violation(String path, String code, String message) {

  /** Checks that every component is present. */
  public Violation {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  /** Creates a violation. */
  public static Violation of(String path, String code, String message) {
    return new Violation(path, code, message);
  }

  @Override
  public String toString() {
    return (path.isEmpty() ? "/" : path) + " [" + code + "] " + message;
  }
}
