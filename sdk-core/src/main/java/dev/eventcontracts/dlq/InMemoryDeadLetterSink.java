package dev.eventcontracts.dlq;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link DeadLetterSink} that keeps every dead letter in memory, in arrival order. */
public final class InMemoryDeadLetterSink implements DeadLetterSink {
  private final CopyOnWriteArrayList<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

  InMemoryDeadLetterSink() {}

  @Override
  public void publish(DeadLetter deadLetter) {
    deadLetters.add(deadLetter);
  }

  /** Every dead letter published so far, oldest first. */
  public List<DeadLetter> deadLetters() {
    return List.copyOf(deadLetters);
  }

  /** Forgets every dead letter. */
  public void clear() {
    deadLetters.clear();
  }
}
