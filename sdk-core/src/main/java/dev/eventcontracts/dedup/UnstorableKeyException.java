package dev.eventcontracts.dedup;

/**
 * Thrown by a store when a key or value can never be stored (too long, a character the database
 * cannot hold): a property of the event, not an outage, so retrying does not help and circuit
 * breakers ignore it.
 */
public class UnstorableKeyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that must not contain the key itself. */
  public UnstorableKeyException(String message) {
    super(message);
  }
}
