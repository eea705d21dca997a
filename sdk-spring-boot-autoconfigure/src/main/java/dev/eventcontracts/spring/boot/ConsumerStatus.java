package dev.eventcontracts.spring.boot;

import dev.eventcontracts.pipeline.Disposition;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the health indicator reports about message handling: the last failure (a handler that threw,
 * a store or dead-letter sink that failed) and when it happened. Fed with every result.
 */
public final class ConsumerStatus implements Consumer<ProcessingResult> {
  private final Clock clock;
  private volatile LastFailure lastFailure;

  /** A status on the system clock. */
  public ConsumerStatus() {
    this(Clock.systemUTC());
  }

  /** A status on {@code clock}. */
  public ConsumerStatus(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void accept(ProcessingResult result) {
    if (result.outcome() == Outcome.FAILED || result.disposition() == Disposition.RETRY) {
      Throwable error = result.error();
      lastFailure =
          new LastFailure(
              clock.instant(),
              result.outcome().name(),
              result.disposition().name(),
              error == null ? null : error.getClass().getName());
    }
  }

  /** The last failure, if any. */
  public Optional<LastFailure> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /**
   * A failed result: when, its outcome and disposition, and the exception's class (never its
   * message, which may quote payload values).
   */
  public record LastFailure(Instant at, String outcome, String disposition, String exception) {}
}
