package dev.eventcontracts.contract;

/** What a consumer does with an event whose name no contract knows. */
public enum UnknownEventAction {
  /**
   * Dead-letter it with reason {@code UNKNOWN_EVENT}: the safe default, since a consumer that
   * silently drops events it does not understand loses data when a producer ships a new event
   * before the consumer's registry knows it.
   */
  DEAD_LETTER,
  /** Acknowledge and count it, without handling: for topics shared by many event families. */
  SKIP
}
