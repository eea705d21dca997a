package dev.eventcontracts.spring.boot;

import dev.eventcontracts.dlq.DeadLetterSink;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/** Makes the sink that {@code eventcontracts.dead-letter.destination} names. */
final class DeadLetterSinks {
  static final String PROPERTY = "eventcontracts.dead-letter.destination";

  private DeadLetterSinks() {}

  static DeadLetterSink create(
      EventContractsProperties properties, Environment environment, ListableBeanFactory beans) {
    String destination = properties.getDeadLetter().getDestination();
    String normalized = destination == null ? defaultDestination(properties) : destination.trim();
    if (normalized.equalsIgnoreCase("memory")) {
      return DeadLetterSink.inMemory();
    }
    if (normalized.equalsIgnoreCase("kafka")) {
      requireClass("kafka", "dev.eventcontracts.kafka.KafkaDeadLetterSink", "sdk-kafka");
      return KafkaSettings.deadLetterSink(properties, environment);
    }
    if (normalized.equalsIgnoreCase("pubsub")) {
      requireClass("pubsub", "dev.eventcontracts.pubsub.PubSubDeadLetterSink", "sdk-pubsub");
      return PubSubSettings.deadLetterSink(properties, environment, beans);
    }
    throw new EventContractsConfigurationException(
        PROPERTY
            + "="
            + destination
            + " is not a dead-letter destination: use kafka, pubsub, or memory for tests, or"
            + " define a DeadLetterSink bean");
  }

  /** {@code pubsub} when the starter runs a Pub/Sub consumer, else {@code kafka}. */
  private static String defaultDestination(EventContractsProperties properties) {
    String subscription = properties.getPubsub().getSubscription();
    return subscription != null && !subscription.isBlank() ? "pubsub" : "kafka";
  }

  private static void requireClass(String destination, String className, String module) {
    if (!ClassUtils.isPresent(className, DeadLetterSinks.class.getClassLoader())) {
      throw new EventContractsConfigurationException(
          PROPERTY
              + "="
              + destination
              + " needs dev.eventcontracts:"
              + module
              + " on the class path");
    }
  }
}
