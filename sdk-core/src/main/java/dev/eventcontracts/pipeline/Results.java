package dev.eventcontracts.pipeline;

import dev.eventcontracts.dlq.DeadLetter;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.NullUnmarked;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a prepared message and what happened to it into a {@link ProcessingResult}, and tells the
 * listeners.
 */
// Reads the stage-by-stage state of PreparedMessage, whose fields are null until their stage
// has run; not yet expressed to the null checker.
@NullUnmarked
final class Results {
  private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);

  private final PipelineEvents metrics;
  private final Clock clock;

  Results(PipelineEvents metrics, Clock clock) {
    this.metrics = metrics;
    this.clock = clock;
  }

  Clock clock() {
    return clock;
  }

  /** A final outcome: the transport acknowledges the message. */
  ProcessingResult finish(PreparedMessage p, Outcome outcome) {
    return finish(p, outcome, null, null);
  }

  ProcessingResult finish(
      PreparedMessage p, Outcome outcome, DeadLetter deadLetter, Throwable error) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} -> {}", p.loggedEventName(), p.eventId(), outcome);
    }
    ProcessingResult result =
        result(p, outcome, Disposition.ACKNOWLEDGE, Duration.ZERO, deadLetter, error);
    metrics.outcome(p, result);
    return result;
  }

  /** Not final: the transport redelivers the message after {@code delay}. */
  ProcessingResult retry(PreparedMessage p, Outcome outcome, Duration delay, Throwable error) {
    ProcessingResult result = result(p, outcome, Disposition.RETRY, delay, null, error);
    metrics.retry(p, result);
    return result;
  }

  private static ProcessingResult result(
      PreparedMessage p,
      Outcome outcome,
      Disposition disposition,
      Duration delay,
      DeadLetter deadLetter,
      Throwable error) {
    return new ProcessingResult(
        p.message,
        outcome,
        disposition,
        delay,
        p.envelope(),
        p.replay,
        p.key,
        p.entity,
        p.position,
        p.violations,
        error,
        deadLetter);
  }
}
