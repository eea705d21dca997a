package dev.eventcontracts.kafka;

/**
 * The consumer's test-only hooks, for tests outside this package. The hooks are package-private in
 * the main code, so they are not part of the API; this class lives in the test tree only.
 */
public final class KafkaTestHooks {
  private KafkaTestHooks() {}

  /** Simulates a crash of {@code consumer}: see {@link KafkaEventConsumer#kill()}. */
  public static void kill(KafkaEventConsumer consumer) {
    consumer.kill();
  }
}
