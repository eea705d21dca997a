package dev.eventcontracts.dedup;

/**
 * A key or entity that no store can ever hold: too long, or text a database cannot keep exactly. It
 * is a property of the event, not a store outage, so the pipeline dead-letters the event instead of
 * retrying it. The message describes the problem and never quotes the value.
 */
public final class UnstorableKeyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; {@code message} must not quote the key. */
  public UnstorableKeyException(String message) {
    super(message);
  }
}
