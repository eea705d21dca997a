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
    boolean recorded = guard.acquire(false);
    long start = guard.now();
    try {
      delegate.publish(deadLetter);
      guard.succeeded(recorded, start);
    } catch (Exception | Error e) {
      guard.failed(recorded, "publish", start, e);
      throw e;
    }
  }

  @Override
  public void publishAll(List<DeadLetter> deadLetters) throws Exception {
    boolean recorded = guard.acquire(false);
    long start = guard.now();
    try {
      delegate.publishAll(deadLetters);
      guard.succeeded(recorded, start);
    } catch (Exception | Error e) {
      guard.failed(recorded, "publishAll", start, e);
      throw e;
    }
  }

  @Override
  public String toString() {
    return "Resilient[" + delegate + "]";
  }
}
