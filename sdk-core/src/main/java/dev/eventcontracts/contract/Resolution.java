package dev.eventcontracts.contract;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The answer to "which contract governs this event name and version".
 *
 * @param status found, unknown event, or unsupported version
 * @param contract the contract when found, else {@code null}
 * @param message why no contract was found; {@code null} when found
 */
public record Resolution(
    Status status, @Nullable EventContract contract, @Nullable String message) {

  /** The possible answers. */
  public enum Status {
    /** A contract governs the event. */
    FOUND,
    /** No contract has this event name. */
    UNKNOWN_EVENT,
    /** The name is known, but the version is not accepted under the registry's policy. */
    UNSUPPORTED_VERSION
  }

  /** Checks that a contract is given exactly when found. */
  public Resolution {
    Objects.requireNonNull(status, "status");
    if ((status == Status.FOUND) != (contract != null)) {
      throw new IllegalArgumentException("a contract is given exactly when found");
    }
  }

  static Resolution found(EventContract contract) {
    return new Resolution(Status.FOUND, contract, null);
  }

  static Resolution unknown(String message) {
    return new Resolution(Status.UNKNOWN_EVENT, null, message);
  }

  static Resolution unsupported(String message) {
    return new Resolution(Status.UNSUPPORTED_VERSION, null, message);
  }

  /** True when a contract was found. */
  public boolean found() {
    return status == Status.FOUND;
  }
}
