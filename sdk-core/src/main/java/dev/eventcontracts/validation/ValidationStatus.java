package dev.eventcontracts.validation;

/** The verdict on one message, as the {@code validate} command prints it. */
public enum ValidationStatus {
  /** The event honours its contract. */
  VALID,
  /** The event names a contract but breaks it (payload or envelope fields). */
  INVALID,
  /** The event name is known but its version is not accepted. */
  UNSUPPORTED_VERSION,
  /** No contract has the event's name. */
  UNKNOWN_EVENT,
  /** The message is not a readable event: not JSON, over a limit, or no known envelope. */
  MALFORMED
}
