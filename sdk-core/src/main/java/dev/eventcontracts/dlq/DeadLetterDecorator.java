package dev.eventcontracts.dlq;

import java.util.Map;

/**
 * Adds attributes of your own (Kafka headers, Pub/Sub attributes) to dead letters, such as the team
 * that owns the consumer, a service version or a ticket link. Given to a sink's builder ({@code
 * KafkaDeadLetterSink}, {@code PubSubDeadLetterSink}, {@link DeadLetterSink#inMemory(
 * DeadLetterDecorator)}), which writes the attributes it returns after the SDK's own.
 *
 * <p>The SDK's attributes and the original message stay as they are: a returned name that starts
 * with {@value DeadLetterAttributes#PREFIX}, that is {@value DeadLetterAttributes#REPLAY}, that the
 * original message already carries, or that is blank (or has a {@code null} value) is left out and
 * logged. A decorator that throws is logged and the dead letter stored without its attributes: a
 * bug in a decorator must not keep rejected messages from the dead-letter topic.
 *
 * <pre>{@code
 * DeadLetterDecorator owner = deadLetter -> Map.of("team", "matching", "service-version", VERSION);
 * }</pre>
 */
@FunctionalInterface
public interface DeadLetterDecorator {

  /**
   * The attributes to add to {@code deadLetter}; called once per dead letter, on the thread that
   * publishes it.
   *
   * @param deadLetter the dead letter, with the original message ({@link DeadLetter#message()})
   * @return the attributes to add, never {@code null} (an empty map adds none)
   */
  Map<String, String> attributes(DeadLetter deadLetter);

  /** A decorator that adds nothing. */
  static DeadLetterDecorator none() {
    return deadLetter -> Map.of();
  }
}
