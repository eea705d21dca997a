package dev.eventcontracts.dedup;

/** What a claim on an idempotency key found. */
public enum ClaimState {
  /** The caller now holds the key and must run the handler, then complete or release it. */
  CLAIMED,
  /** Another consumer holds a live lease on the key: the event is being handled right now. */
  IN_PROGRESS,
  /** The key was handled before and its record has not expired: the event is a duplicate. */
  COMPLETED
}
