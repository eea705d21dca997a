package dev.eventcontracts.pipeline;

import dev.eventcontracts.dlq.DeadLetter;
import java.util.List;

/**
 * Hears what the pipeline does with messages: outcomes, retries, handler runs, store calls and
 * failures, dead letters, replays and idempotency-key anomalies. Register listeners with {@link
 * EventPipeline.Builder#listener}; the Micrometer meters ({@code
 * dev.eventcontracts.metrics.MicrometerPipelineListener}) are one such listener.
 *
 * <p>Every method does nothing by default, so a listener overrides only what it needs and keeps
 * compiling when methods are added. Methods are called on the thread that processes the message,
 * inside the pipeline's hot path: keep them fast and never block. A listener that throws is logged
 * once and otherwise ignored; it never changes a message's outcome.
 *
 * <p>The {@code event} and {@code version} arguments are safe as metric tags: they come from the
 * contract registry, never from the message ({@code unknown} when no contract knows the name or
 * governed the event), so made-up names cannot create values without bound. The event's own fields
 * are in the {@link ProcessingResult}.
 */
public interface PipelineListener {

  /**
   * A message reached its final outcome: the transport acknowledges it (handled, skipped, or stored
   * as a dead letter).
   *
   * @param event the contract's event name, or {@code unknown}
   * @param version the version of the contract that governed the event, or {@code unknown}
   * @param result what the pipeline did
   */
  default void onOutcome(String event, String version, ProcessingResult result) {}

  /**
   * A message will be redelivered ({@link Disposition#RETRY}): a handler failure with retries left,
   * a store outage, a claim held by another consumer, or a dead letter the sink did not store.
   *
   * @param event the contract's event name, or {@code unknown}
   * @param version the version of the contract that governed the event, or {@code unknown}
   * @param result the retry, with its delay and error
   */
  default void onRetry(String event, String version, ProcessingResult result) {}

  /**
   * A handler ran.
   *
   * @param event the contract's event name
   * @param success whether it returned without an exception
   * @param nanos how long it ran
   */
  default void onHandler(String event, boolean success, long nanos) {}

  /**
   * A store call returned or threw.
   *
   * @param store {@code dedup}, {@code ordering} or {@code transaction}
   * @param operation the call, such as {@code claim}, {@code claimAll} or {@code complete}
   * @param nanos how long it took
   */
  default void onStoreCall(String store, String operation, long nanos) {}

  /**
   * A store failed (or its circuit breaker refused the call) and the message will be retried.
   *
   * @param operation the failed operation, such as {@code claim} or {@code transaction}
   * @param error the store's exception, or {@code null} when the failure was remembered from
   *     earlier
   */
  default void onStoreFailure(String operation, Throwable error) {}

  /**
   * A replayed message reached its binding's replay policy.
   *
   * @param event the contract's event name
   * @param policy the policy applied
   */
  default void onReplay(String event, ReplayPolicy policy) {}

  /**
   * An envelope's idempotency key differs from the one its contract's key template derives.
   *
   * @param event the contract's event name
   */
  default void onKeyMismatch(String event) {}

  /**
   * A duplicate's payload differs from the payload first processed under its idempotency key: a
   * producer reused a key for a different event. Called whatever the {@link KeyReuse} setting.
   *
   * @param event the contract's event name
   * @param version the version of the contract that governed the event
   * @param result the result of the duplicate ({@link Outcome#DUPLICATE}, or {@link
   *     Outcome#KEY_REUSED} when such duplicates are dead-lettered)
   */
  default void onKeyReuse(String event, String version, ProcessingResult result) {}

  /**
   * A dead letter was stored by the sink; {@link #onOutcome} follows.
   *
   * @param deadLetter what was stored
   */
  default void onDeadLetter(DeadLetter deadLetter) {}

  /**
   * The sink failed to store a dead letter; the message will be retried ({@link #onRetry} follows).
   *
   * @param deadLetter what was not stored
   * @param error the sink's exception
   */
  default void onDeadLetterFailure(DeadLetter deadLetter, Throwable error) {}

  /** A listener that does nothing. */
  static PipelineListener noop() {
    return Listeners.NOOP;
  }

  /**
   * A listener that calls each of {@code listeners} in order. One that throws does not keep the
   * others from hearing the event (the exception is logged once per listener).
   */
  static PipelineListener composite(List<? extends PipelineListener> listeners) {
    return Listeners.composite(listeners);
  }
}
