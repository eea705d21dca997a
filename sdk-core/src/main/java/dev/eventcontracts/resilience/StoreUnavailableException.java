package dev.eventcontracts.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown instead of calling a store whose circuit breaker is open: the store failed or was slow too
 * often, and is left alone until {@link #retryAfter()} has passed. A pipeline answers such a
 * message with a retry after that delay.
 */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final StoreRole role;
  private final Duration retryAfter;

  /** Creates the exception for {@code role}, whose next attempt is due after {@code retryAfter}. */
  public StoreUnavailableException(StoreRole role, Duration retryAfter) {
    // no stack trace: this is thrown on every call while a store is down, and says all it knows
    super(
        Objects.requireNonNull(role, "role").tag()
            + " store unavailable (circuit breaker open); next attempt in "
            + retryAfter.toMillis()
            + " ms",
        null,
        false,
        false);
    this.role = role;
    this.retryAfter = retryAfter;
  }

  /** Which store is unavailable. */
  public StoreRole role() {
    return role;
  }

  /** How long until the breaker lets a call through again; never negative. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
