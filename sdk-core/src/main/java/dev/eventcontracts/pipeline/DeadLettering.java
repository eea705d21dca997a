package dev.eventcontracts.pipeline;

import dev.eventcontracts.contract.UnknownEventAction;
import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.resilience.StoreUnavailableException;
import dev.eventcontracts.validation.Violation;
import dev.eventcontracts.validation.ViolationCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.NullUnmarked;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends rejected and finally failed messages to the dead-letter sink. A message is acknowledged
 * only after its dead letter was stored; when the sink fails, the message is retried instead.
 */
// Reads the stage-by-stage state of PreparedMessage, whose fields are null until their stage
// has run; not yet expressed to the null checker.
@NullUnmarked
final class DeadLettering {
  private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);

  private final DeadLetterSink sink;
  private final Results results;
  private final PipelineEvents metrics;
  private final UnknownEventAction onUnknownEvent;
  private final Duration sinkRetryDelay;
  private final boolean logPayloads;

  DeadLettering(
      DeadLetterSink sink,
      Results results,
      PipelineEvents metrics,
      UnknownEventAction onUnknownEvent,
      Duration sinkRetryDelay,
      boolean logPayloads) {
    this.sink = sink;
    this.results = results;
    this.metrics = metrics;
    this.onUnknownEvent = onUnknownEvent;
    this.sinkRetryDelay = sinkRetryDelay;
    this.logPayloads = logPayloads;
  }

  /** Dead-letters a message that preparation refused (or skips an unknown event, if so set). */
  ProcessingResult reject(PreparedMessage p) {
    if (p.rejection == Outcome.UNKNOWN_EVENT && onUnknownEvent == UnknownEventAction.SKIP) {
      return results.finish(p, Outcome.UNKNOWN_EVENT);
    }
    List<String> errors = new ArrayList<>(p.violations.size());
    for (Violation v : p.violations) {
      errors.add(v.toString());
    }
    return deadLetter(p, null, errors);
  }

  /**
   * Dead-letters a message whose key or entity a store refused as never storable: a property of the
   * event, not an outage, so it must not be retried.
   */
  ProcessingResult rejectUnstorable(PreparedMessage p, RuntimeException e) {
    p.key = null;
    p.entity = null;
    p.reject(Outcome.INVALID, List.of(Violation.of("", ViolationCode.UNSTORABLE, e.getMessage())));
    return reject(p);
  }

  /** Dead-letters a message whose handler failed for the last time. */
  ProcessingResult failed(PreparedMessage p, Throwable failure) {
    p.reject(Outcome.FAILED, List.of());
    return deadLetter(p, failure, List.of(String.valueOf(failure)));
  }

  private ProcessingResult deadLetter(PreparedMessage p, Throwable failure, List<String> errors) {
    Envelope envelope = p.envelope();
    DeadLetter deadLetter =
        DeadLetter.builder(p.message, p.rejection, results.clock().instant())
            .violations(p.violations)
            .errors(errors)
            .exceptionClass(failure == null ? null : failure.getClass().getName())
            .attempts(p.rejection == Outcome.FAILED ? p.attempt : 0)
            .eventId(envelope == null ? null : envelope.eventId())
            .eventName(envelope == null ? null : envelope.eventName())
            .eventVersion(envelope == null ? null : envelope.eventVersion())
            .build();
    try {
      sink.publish(deadLetter);
    } catch (Exception e) {
      metrics.deadLetterFailure(deadLetter, e);
      LOG.debug(
          "dead-letter sink failed for a {} message from {}; it is not acknowledged and will be"
              + " retried",
          p.rejection,
          p.message.origin(),
          e);
      Duration delay =
          e instanceof StoreUnavailableException open ? open.retryAfter() : sinkRetryDelay;
      return results.retry(p, p.rejection, delay, e);
    }
    LOG.warn(
        "dead-lettered {} message {} ({}) from {}: {}",
        p.rejection,
        p.eventId(),
        p.loggedEventName(),
        p.message.origin(),
        reason(p, failure, errors));
    metrics.deadLetter(deadLetter);
    return results.finish(p, p.rejection, deadLetter, failure);
  }

  /**
   * The reason for the log line: codes and paths, or the exception's class. Violation messages are
   * the SDK's own and hold no values, but a handler's exception message is the user's text and may
   * quote the payload, so it is logged only when payload logging is on.
   */
  private String reason(PreparedMessage p, Throwable failure, List<String> errors) {
    if (failure != null) {
      return logPayloads ? String.valueOf(failure) : failure.getClass().getName();
    }
    if (p.violations.isEmpty()) {
      return errors.isEmpty() ? "" : errors.get(0);
    }
    Violation first = p.violations.get(0);
    String more = p.violations.size() > 1 ? " and " + (p.violations.size() - 1) + " more" : "";
    return first.code() + " at '" + first.path() + "'" + more;
  }
}
