package dev.eventcontracts.spring.kafka;

import dev.eventcontracts.pipeline.ProcessingResult;
import java.time.Duration;

/**
 * Thrown by {@link EventPipelineListener} when the pipeline's result is {@code RETRY}: the record
 * must not be committed and must come again after {@link #retryAfter()}. The container's error
 * handler ({@link EventPipelineErrorHandler}) seeks back to it; the message names the outcome and
 * the record, never a payload value.
 */
public class EventRetryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ProcessingResult result;

  /** The exception for a {@code RETRY} result. */
  public EventRetryException(ProcessingResult result, String record) {
    super(
        "event pipeline asks for a redelivery of "
            + record
            + " after "
            + result.retryAfter().toMillis()
            + " ms (outcome "
            + result.outcome()
            + ")",
        result.error());
    this.result = result;
  }

  /** How long to wait before the redelivery. */
  public Duration retryAfter() {
    return result == null ? Duration.ZERO : result.retryAfter();
  }

  /** The pipeline's result. */
  public ProcessingResult result() {
    return result;
  }
}
