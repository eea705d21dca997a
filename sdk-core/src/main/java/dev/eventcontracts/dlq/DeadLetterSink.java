package dev.eventcontracts.dlq;

import java.util.List;

/**
 * Where rejected messages go. {@link #publish} returns only once the dead letter is stored durably;
 * when it throws, the transport does not acknowledge the message, so nothing is lost.
 * Implementations must be thread-safe.
 */
public interface DeadLetterSink {

  /**
   * Stores one dead letter durably.
   *
   * @throws Exception when the dead letter could not be stored; the message is then retried
   */
  void publish(DeadLetter deadLetter) throws Exception;

  /** Stores several dead letters; the default publishes them one by one. */
  default void publishAll(List<DeadLetter> deadLetters) throws Exception {
    for (DeadLetter deadLetter : deadLetters) {
      publish(deadLetter);
    }
  }

  /** A sink that keeps dead letters in memory, for tests, the demo and the CLI. */
  static InMemoryDeadLetterSink inMemory() {
    return new InMemoryDeadLetterSink(DeadLetterDecorator.none());
  }

  /**
   * An in-memory sink that also records, per dead letter, the attributes a transport sink would
   * write ({@link InMemoryDeadLetterSink#attributes()}), with those {@code decorator} adds.
   */
  static InMemoryDeadLetterSink inMemory(DeadLetterDecorator decorator) {
    return new InMemoryDeadLetterSink(java.util.Objects.requireNonNull(decorator, "decorator"));
  }
}
