package dev.eventcontracts.metrics;

/** Every meter the SDK records, and its tags. */
public final class MetricNames {
  /**
   * Counter of messages by outcome; tags {@link #TAG_EVENT}, {@link #TAG_VERSION}, {@link
   * #TAG_OUTCOME}, {@link #TAG_REPLAY}.
   */
  public static final String EVENTS = "eventcontracts.events";

  /**
   * Timer of handler runs; tags {@link #TAG_EVENT}, {@link #TAG_RESULT} ({@code success}/{@code
   * failure}).
   */
  public static final String HANDLER_DURATION = "eventcontracts.handler.duration";

  /**
   * Timer of end-to-end lag from the event's occurred-at to the end of handling, for processed
   * events that are not replays (a replay keeps its original occurred-at); tag {@link #TAG_EVENT}.
   */
  public static final String LAG = "eventcontracts.lag";

  /**
   * Timer of store calls; tags {@link #TAG_STORE} ({@code dedup}/{@code ordering}/{@code
   * transaction}), {@link #TAG_OPERATION}.
   */
  public static final String STORE_DURATION = "eventcontracts.store.duration";

  /**
   * Gauge of a store's circuit breaker: 0 closed, 1 half open, 2 open; tag {@link #TAG_STORE}
   * ({@code dedup}/{@code ordering}/{@code transaction}/{@code deadletter}).
   */
  public static final String STORE_BREAKER_STATE = "eventcontracts.store.breaker.state";

  /**
   * Counter of store calls that failed or timed out, as the circuit breaker counts them (not the
   * ones refused because the event cannot be stored); tag {@link #TAG_STORE}.
   */
  public static final String STORE_BREAKER_FAILURES = "eventcontracts.store.breaker.failures";

  /**
   * Counter of store calls refused without calling the store, because its circuit breaker was open;
   * tag {@link #TAG_STORE}.
   */
  public static final String STORE_BREAKER_NOT_PERMITTED =
      "eventcontracts.store.breaker.not.permitted";

  /**
   * Function counter of near-cache lookups ({@code dev.eventcontracts.dedup.NearCache}); tags
   * {@link #TAG_CACHE}, {@link #TAG_RESULT} ({@code hit}: answered without a store round trip,
   * {@code miss}: asked the store). The hit rate is hits over hits plus misses.
   */
  public static final String NEAR_CACHE_LOOKUPS = "eventcontracts.nearcache.lookups";

  /** Near-cache tag: {@code dedup} (completed keys) or {@code ordering} (entity positions). */
  public static final String TAG_CACHE = "cache";

  /** Counter of replayed messages; tags {@link #TAG_EVENT}, {@link #TAG_POLICY}. */
  public static final String REPLAYS = "eventcontracts.replays";

  /**
   * Counter of events whose envelope idempotency key differs from the contract template's; tag
   * {@link #TAG_EVENT}.
   */
  public static final String KEY_MISMATCHES = "eventcontracts.idempotency.key.mismatches";

  /**
   * Counter of duplicates whose payload differs from the payload first processed under their
   * idempotency key (a producer reusing a key for a different event); tag {@link #TAG_EVENT}.
   */
  public static final String KEY_REUSES = "eventcontracts.idempotency.key.reuses";

  /**
   * Counter of dead letters the sink failed to store (the message is retried); tag {@link
   * #TAG_OUTCOME}.
   */
  public static final String DEAD_LETTER_FAILURES = "eventcontracts.deadletter.failures";

  /**
   * Counter of deliveries that will be retried (not final); tags {@link #TAG_EVENT}, {@link
   * #TAG_OUTCOME}.
   */
  public static final String RETRIES = "eventcontracts.retries";

  /**
   * Event name tag: a name the registry knows; {@code unknown} when the message was unreadable or
   * its name is in no contract (so made-up names cannot create meters without bound).
   */
  public static final String TAG_EVENT = "event";

  /**
   * Event version tag: the version of the contract that governed the event (the event's own under
   * the strict policy); {@code unknown} when no contract did.
   */
  public static final String TAG_VERSION = "version";

  /** Outcome tag: an {@link dev.eventcontracts.pipeline.Outcome} name. */
  public static final String TAG_OUTCOME = "outcome";

  /** Replay tag: {@code true} or {@code false}. */
  public static final String TAG_REPLAY = "replay";

  /** Handler result tag. */
  public static final String TAG_RESULT = "result";

  /** Store tag. */
  public static final String TAG_STORE = "store";

  /** Store operation tag. */
  public static final String TAG_OPERATION = "operation";

  /** Replay policy tag. */
  public static final String TAG_POLICY = "policy";

  private MetricNames() {}
}
