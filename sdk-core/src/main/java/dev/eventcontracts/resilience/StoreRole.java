package dev.eventcontracts.resilience;

/** The stores the pipeline calls; each gets its own circuit breaker. */
public enum StoreRole {
  /** The {@link dev.eventcontracts.dedup.DedupStore}. */
  DEDUP("dedup"),
  /** The {@link dev.eventcontracts.ordering.EntityVersionStore}. */
  ORDERING("ordering"),
  /** The {@link dev.eventcontracts.dedup.TransactionalStore}. */
  TRANSACTION("transaction"),
  /** The {@link dev.eventcontracts.dlq.DeadLetterSink}. */
  DEAD_LETTER("deadletter");

  private final String tag;

  StoreRole(String tag) {
    this.tag = tag;
  }

  /** The value of the {@code store} meter tag and the name used in log lines. */
  public String tag() {
    return tag;
  }
}
