package dev.eventcontracts.pipeline;

import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.metrics.PipelineMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.NullUnmarked;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a prepared message and what happened to it into a {@link ProcessingResult}, with meters.
 */
// Reads the stage-by-stage state of PreparedMessage, whose fields are null until their stage
// has run; not yet expressed to the null checker.
@NullUnmarked
final class Results {
  private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);

  private final PipelineMetrics metrics;
  private final Clock clock;

  Results(PipelineMetrics metrics, Clock clock) {
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
    metrics.outcome(p.metricEvent(), p.metricVersion(), outcome.name(), p.replay);
    // a replay keeps its original occurred_at (seed 000), so its "lag" is the replay's age: left
    // out, or one replay would swamp the timer that alerts on a consumer falling behind
    if (outcome == Outcome.PROCESSED && !p.replay && metrics.enabled()) {
      Instant occurredAt = p.report.envelope().occurredAt();
      if (occurredAt != null) {
        metrics.lag(p.eventName(), Duration.between(occurredAt, clock.instant()));
      }
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} -> {}", p.loggedEventName(), p.eventId(), outcome);
    }
    return result(p, outcome, Disposition.ACKNOWLEDGE, Duration.ZERO, deadLetter, error);
  }

  /** Not final: the transport redelivers the message after {@code delay}. */
  ProcessingResult retry(PreparedMessage p, Outcome outcome, Duration delay, Throwable error) {
    metrics.retry(p.metricEvent(), outcome.name());
    return result(p, outcome, Disposition.RETRY, delay, null, error);
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
