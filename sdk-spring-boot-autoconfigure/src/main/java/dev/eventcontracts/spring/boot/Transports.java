package dev.eventcontracts.spring.boot;

import org.springframework.util.ClassUtils;

/**
 * Checks of the transport settings: the starter runs one transport's consumer, Kafka or Pub/Sub,
 * never both, and only with the transport's module on the class path.
 */
final class Transports {
  static final String PUBSUB_CONSUMER = "dev.eventcontracts.pubsub.PubSubEventConsumer";

  private Transports() {}

  /**
   * Refuses {@code eventcontracts.pubsub.subscription} without sdk-pubsub, which would otherwise
   * start an application that consumes nothing.
   */
  static void requirePubSubModule(EventContractsProperties properties, ClassLoader loader) {
    String subscription = properties.getPubsub().getSubscription();
    if (subscription != null
        && !subscription.isBlank()
        && !ClassUtils.isPresent(PUBSUB_CONSUMER, loader)) {
      throw new EventContractsConfigurationException(
          "eventcontracts.pubsub.subscription is set but dev.eventcontracts:sdk-pubsub is not on"
              + " the class path: add it next to the starter");
    }
  }

  /** Refuses {@code eventcontracts.kafka.topics} and {@code eventcontracts.pubsub.subscription}. */
  static void requireOne(EventContractsProperties properties) {
    String subscription = properties.getPubsub().getSubscription();
    if (!properties.getKafka().getTopics().isEmpty()
        && subscription != null
        && !subscription.isBlank()) {
      throw new EventContractsConfigurationException(
          "eventcontracts.kafka.topics and eventcontracts.pubsub.subscription are both set: the"
              + " starter runs one consumer, Kafka or Pub/Sub; remove one, and run the other"
              + " transport in another application or as a consumer bean of your own on the"
              + " EventPipeline bean");
    }
  }
}
