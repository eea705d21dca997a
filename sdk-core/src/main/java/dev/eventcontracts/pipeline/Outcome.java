package dev.eventcontracts.pipeline;

/** What the pipeline decided for one message. The name is also the dead letter's reason code. */
public enum Outcome {
  /** The handler ran and succeeded. */
  PROCESSED(false),
  /** The event was handled before (or is being handled elsewhere); the handler did not run. */
  DUPLICATE(false),
  /** A newer version of the entity was already applied; acknowledged, never handled. */
  STALE(false),
  /** The event breaks its contract. */
  INVALID(true),
  /** The event's version is not accepted. */
  UNSUPPORTED_VERSION(true),
  /** No contract or handler knows the event's name. */
  UNKNOWN_EVENT(true),
  /** The message is not a readable event. */
  MALFORMED(true),
  /** The handler failed after its retries, or with an exception that is never retried. */
  FAILED(true),
  /**
   * The event is valid against its contract, but its payload does not bind to the handler's payload
   * type: a fault of the consumer's code or configuration, not the producer's. Logged as an error;
   * dead-lettered, to be replayed once the payload type is fixed.
   */
  BINDING_FAILED(true),
  /**
   * A duplicate whose payload differs from the payload first processed under its idempotency key: a
   * producer reused the key for a different event. Only with {@link KeyReuse#DEAD_LETTER}; with
   * {@link KeyReuse#LOG} (the default) such an event is a {@link #DUPLICATE}, counted and logged.
   */
  KEY_REUSED(true);

  private final boolean rejection;

  Outcome(boolean rejection) {
    this.rejection = rejection;
  }

  /** True for outcomes that send the message to the dead-letter sink (by default). */
  public boolean isRejection() {
    return rejection;
  }
}
