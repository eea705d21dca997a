package dev.eventcontracts.pipeline;

import dev.eventcontracts.envelope.Envelope;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import org.jspecify.annotations.NullUnmarked;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a handler and decides what its failure means: a retry with back-off while the retry policy
 * allows it, else a dead letter. Also owns the event's logging context (MDC).
 */
// Reads the stage-by-stage state of PreparedMessage, whose fields are null until their stage
// has run; not yet expressed to the null checker.
@NullUnmarked
final class HandlerInvocation {
  private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);

  private static final String[] MDC_KEYS = {"event_id", "event_name", "trace_id", "correlation_id"};

  private final RetryConfig retry;
  private final PipelineEvents metrics;
  private final Results results;
  private final DeadLettering deadLettering;
  private final boolean logPayloads;

  HandlerInvocation(
      RetryConfig retry,
      PipelineEvents metrics,
      Results results,
      DeadLettering deadLettering,
      boolean logPayloads) {
    this.retry = retry;
    this.metrics = metrics;
    this.results = results;
    this.deadLettering = deadLettering;
    this.logPayloads = logPayloads;
  }

  /**
   * Runs the handler.
   *
   * @param writes the open transaction's connection and batches in transactional mode, else {@code
   *     null}
   * @return the handler's failure, or {@code null} when it succeeded
   */
  @SuppressWarnings("unchecked")
  @Nullable Throwable run(PreparedMessage p, @Nullable TransactionWrites writes) {
    Envelope envelope = p.envelope();
    EventContext context =
        new EventContext(
            envelope,
            p.report.contract(),
            p.message.origin(),
            p.replay,
            p.attempt,
            p.key,
            p.entity,
            p.position,
            writes);
    if (logPayloads && LOG.isDebugEnabled()) {
      LOG.debug("handling {} payload {}", envelope.eventName(), envelope.payload());
    }
    long start = System.nanoTime();
    try {
      ((EventHandler<Object>) p.binding.handler()).handle(p.payload, context);
      metrics.handler(p.metricEvent(), true, System.nanoTime() - start);
      return null;
    } catch (Exception | LinkageError | AssertionError e) {
      metrics.handler(p.metricEvent(), false, System.nanoTime() - start);
      return e;
    }
  }

  /** A retry while the policy allows one, else a dead letter. */
  ProcessingResult failed(PreparedMessage p, Throwable failure) {
    boolean retryable = failure instanceof Exception && retry.getExceptionPredicate().test(failure);
    if (retryable && p.attempt < retry.getMaxAttempts()) {
      long delayMillis =
          retry.<Object>getIntervalBiFunction().apply(p.attempt, Either.left(failure));
      LOG.info(
          "handler for {} failed (attempt {} of {}); retrying in {} ms: {}",
          p.loggedEventName(),
          p.attempt,
          retry.getMaxAttempts(),
          delayMillis,
          // the exception's message is the user's text and may quote the payload
          logPayloads ? failure.toString() : failure.getClass().getName());
      return results.retry(p, Outcome.FAILED, Duration.ofMillis(delayMillis), failure);
    }
    return deadLettering.failed(p, failure);
  }

  /** Puts the event's MDC keys and returns the values they replaced. */
  static String[] putMdc(Envelope envelope) {
    String[] values = {
      String.valueOf(envelope.eventId()),
      envelope.eventName(),
      envelope.traceId(),
      envelope.correlationId()
    };
    String[] previous = new String[MDC_KEYS.length];
    for (int i = 0; i < MDC_KEYS.length; i++) {
      previous[i] = MDC.get(MDC_KEYS[i]);
      if (values[i] != null) {
        MDC.put(MDC_KEYS[i], values[i]);
      }
    }
    return previous;
  }

  /** Restores the caller's values of our keys, leaving the rest of its context alone. */
  static void restoreMdc(String[] previous) {
    for (int i = 0; i < MDC_KEYS.length; i++) {
      if (previous[i] == null) {
        MDC.remove(MDC_KEYS[i]);
      } else {
        MDC.put(MDC_KEYS[i], previous[i]);
      }
    }
  }
}
