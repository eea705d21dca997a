package dev.eventcontracts.spring.boot;

import dev.eventcontracts.kafka.KafkaDeadLetterSink;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.springframework.core.env.Environment;

/** Kafka client settings from {@code eventcontracts.kafka.*}; loaded only with sdk-kafka. */
final class KafkaSettings {
  static final String SPRING_BOOTSTRAP = "spring.kafka.bootstrap-servers";

  private KafkaSettings() {}

  /** {@code eventcontracts.kafka.bootstrap-servers}, else Spring Kafka's setting. */
  static String bootstrapServers(EventContractsProperties properties, Environment environment) {
    String servers = properties.getKafka().getBootstrapServers();
    if (servers == null || servers.isBlank()) {
      servers = environment.getProperty(SPRING_BOOTSTRAP);
    }
    if (servers == null || servers.isBlank()) {
      throw new EventContractsConfigurationException(
          "Kafka needs eventcontracts.kafka.bootstrap-servers or "
              + SPRING_BOOTSTRAP
              + " (for the consumer and the dead-letter topic producer)");
    }
    return servers;
  }

  static KafkaDeadLetterSink deadLetterSink(
      EventContractsProperties properties, Environment environment) {
    EventContractsProperties.DeadLetter settings = properties.getDeadLetter();
    Map<String, Object> producer = new LinkedHashMap<>(settings.getProducerProperties());
    producer.put(
        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(properties, environment));
    KafkaDeadLetterSink.Builder builder =
        KafkaDeadLetterSink.builder(producer).sendTimeout(settings.getSendTimeout());
    String topic = settings.getTopic();
    if (topic != null && !topic.isBlank()) {
      builder.topicNaming(origin -> topic);
    }
    String group = properties.getKafka().getGroupId();
    if (group != null && !group.isBlank()) {
      builder.consumerGroup(group);
    }
    return builder.build();
  }
}
