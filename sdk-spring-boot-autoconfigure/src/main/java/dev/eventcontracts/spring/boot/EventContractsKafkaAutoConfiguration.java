package dev.eventcontracts.spring.boot;

import dev.eventcontracts.kafka.KafkaEventConsumer;
import dev.eventcontracts.pipeline.EventPipeline;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * The SDK's own Kafka consumer ({@link KafkaEventConsumer}) on {@code eventcontracts.kafka.topics},
 * run by a {@link KafkaConsumerLifecycle}. Without topics nothing is created: the pipeline can then
 * be used from a Spring Kafka listener ({@code dev.eventcontracts.spring.kafka}).
 */
@AutoConfiguration(after = EventContractsAutoConfiguration.class)
@ConditionalOnClass(KafkaEventConsumer.class)
@Conditional(KafkaTopicsCondition.class)
@EnableConfigurationProperties(EventContractsProperties.class)
public class EventContractsKafkaAutoConfiguration {

  /** Collects the last failure for the health indicator. */
  @Bean
  @ConditionalOnMissingBean
  public ConsumerStatus eventContractsConsumerStatus() {
    return new ConsumerStatus();
  }

  /** The consumer; started and stopped by the lifecycle bean, never by itself. */
  @Bean
  @ConditionalOnMissingBean
  public KafkaEventConsumer eventContractsKafkaConsumer(
      EventPipeline pipeline,
      EventContractsProperties properties,
      Environment environment,
      ConsumerStatus status) {
    Transports.requireOne(properties);
    EventContractsProperties.Kafka kafka = properties.getKafka();
    if (kafka.getGroupId() == null || kafka.getGroupId().isBlank()) {
      throw new EventContractsConfigurationException(
          "eventcontracts.kafka.group-id is required with eventcontracts.kafka.topics");
    }
    Map<String, Object> settings = new LinkedHashMap<>(kafka.getConsumerProperties());
    settings.put(
        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
        KafkaSettings.bootstrapServers(properties, environment));
    try {
      return KafkaEventConsumer.builder(pipeline)
          .consumerProperties(settings)
          .groupId(kafka.getGroupId())
          .topics(kafka.getTopics())
          .concurrency(kafka.getConcurrency())
          .maxBatch(kafka.getMaxBatch())
          .pollTimeout(kafka.getPollTimeout())
          .closeTimeout(kafka.getCloseTimeout())
          .onResult(status)
          .build();
    } catch (IllegalArgumentException e) {
      throw new EventContractsConfigurationException("eventcontracts.kafka: " + e.getMessage(), e);
    }
  }

  /** Starts the consumer with the context and stops it gracefully on shutdown. */
  @Bean
  @ConditionalOnMissingBean
  public KafkaConsumerLifecycle eventContractsKafkaConsumerLifecycle(
      KafkaEventConsumer consumer, ConsumerStatus status) {
    return new KafkaConsumerLifecycle(consumer, status);
  }
}
