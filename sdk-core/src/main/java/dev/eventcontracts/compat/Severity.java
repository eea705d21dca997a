package dev.eventcontracts.compat;

/** How serious a {@link Finding} is. */
public enum Severity {
  /** A change that makes valid events unreadable for some consumers: the check fails. */
  ERROR,
  /**
   * A change the checker cannot decide structurally (two different patterns, a {@code oneOf}): it
   * may be safe, but nothing proves it, so the check fails unless unproven findings are allowed.
   */
  UNPROVEN,
  /** A rule of the seeds that is not followed but breaks no reader (a missing migration note). */
  WARNING
}
