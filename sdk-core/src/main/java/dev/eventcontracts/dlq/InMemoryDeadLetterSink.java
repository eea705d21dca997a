package dev.eventcontracts.dlq;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link DeadLetterSink} that keeps every dead letter in memory, in arrival order. */
public final class InMemoryDeadLetterSink implements DeadLetterSink {
  private final CopyOnWriteArrayList<Stored> stored = new CopyOnWriteArrayList<>();
  private final DeadLetterDecorator decorator;

  private record Stored(DeadLetter deadLetter, Map<String, String> attributes) {}

  InMemoryDeadLetterSink(DeadLetterDecorator decorator) {
    this.decorator = decorator;
  }

  @Override
  public void publish(DeadLetter deadLetter) {
    stored.add(
        new Stored(
            deadLetter,
            Collections.unmodifiableMap(DeadLetterAttributes.of(deadLetter, decorator))));
  }

  /** Every dead letter published so far, oldest first. */
  public List<DeadLetter> deadLetters() {
    return stored.stream().map(Stored::deadLetter).toList();
  }

  /**
   * For each dead letter of {@link #deadLetters()}, the attributes a transport sink writes besides
   * the original ones: the {@code ec-dlq-*} attributes ({@link
   * DeadLetterAttributes#of(DeadLetter)}) and those the sink's {@link DeadLetterDecorator} added.
   */
  public List<Map<String, String>> attributes() {
    return stored.stream().map(Stored::attributes).toList();
  }

  /** Forgets every dead letter. */
  public void clear() {
    stored.clear();
  }
}
