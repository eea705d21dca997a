package dev.eventcontracts.spring.boot;

import dev.eventcontracts.dlq.DeadLetterSink;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/** Makes the sink that {@code eventcontracts.dead-letter.destination} names. */
final class DeadLetterSinks {
  static final String PROPERTY = "eventcontracts.dead-letter.destination";

  private DeadLetterSinks() {}

  static DeadLetterSink create(EventContractsProperties properties, Environment environment) {
    String destination = properties.getDeadLetter().getDestination();
    String normalized = destination == null ? "" : destination.trim();
    if (normalized.equalsIgnoreCase("memory")) {
      return DeadLetterSink.inMemory();
    }
    if (normalized.equalsIgnoreCase("kafka")) {
      if (!ClassUtils.isPresent(
          "dev.eventcontracts.kafka.KafkaDeadLetterSink", DeadLetterSinks.class.getClassLoader())) {
        throw new EventContractsConfigurationException(
            PROPERTY + "=kafka needs dev.eventcontracts:sdk-kafka on the class path");
      }
      return KafkaSettings.deadLetterSink(properties, environment);
    }
    throw new EventContractsConfigurationException(
        PROPERTY
            + "="
            + destination
            + " is not a dead-letter destination: use kafka, or memory for tests, or define a"
            + " DeadLetterSink bean");
  }
}
