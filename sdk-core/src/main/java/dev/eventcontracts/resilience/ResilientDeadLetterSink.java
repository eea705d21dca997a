package dev.eventcontracts.resilience;

import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterSink;
import java.util.List;

/** A dead-letter sink behind a circuit breaker. */
final class ResilientDeadLetterSink implements DeadLetterSink {
  private final DeadLetterSink delegate;
  private final Guard guard;

  ResilientDeadLetterSink(DeadLetterSink delegate, Guard guard) {
    this.delegate = delegate;
    this.guard = guard;
  }

  @Override
  public void publish(DeadLetter deadLetter) throws Exception {
    guard.run(
        "publish",
        false,
        () -> {
          delegate.publish(deadLetter);
        });
  }

  @Override
  public void publishAll(List<DeadLetter> deadLetters) throws Exception {
    guard.run(
        "publishAll",
        false,
        () -> {
          delegate.publishAll(deadLetters);
        });
  }

  @Override
  public String toString() {
    return "Resilient[" + delegate + "]";
  }
}
