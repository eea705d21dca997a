package dev.eventcontracts.pipeline;

/**
 * What a handler does with replayed events (transport attribute {@code replay=true}; the flag is
 * trusted only from transport attributes, never from the payload).
 */
public enum ReplayPolicy {
  /**
   * Handle replays like any event: still deduplicated, so already-applied events are duplicates.
   */
  PROCESS,
  /**
   * Handle replays even when already applied: deduplication and the stale check are bypassed, for
   * rebuilding projections. Entity positions still only move forward.
   */
  REPROCESS,
  /** Acknowledge replays as {@link Outcome#DUPLICATE} without running the handler. */
  SKIP
}
