package dev.eventcontracts.pipeline;

/**
 * What the pipeline does with a duplicate whose payload differs from the payload first processed
 * under its idempotency key: a producer reusing a key for a different event, which deduplication
 * would otherwise drop silently. Detected by comparing payload fingerprints kept by the dedup store
 * (see {@code docs/pipeline.md}, "Key reuse").
 */
public enum KeyReuse {
  /** No fingerprints are computed or kept; such events are plain duplicates. */
  IGNORE,
  /**
   * The default: the event is acknowledged as a {@link Outcome#DUPLICATE}, and the reuse is counted
   * ({@link PipelineListener#onKeyReuse}, meter {@code eventcontracts.idempotency.key.reuses}) and
   * logged without the payload.
   */
  LOG,
  /** Counted and logged as with {@link #LOG}, and dead-lettered as {@link Outcome#KEY_REUSED}. */
  DEAD_LETTER
}
