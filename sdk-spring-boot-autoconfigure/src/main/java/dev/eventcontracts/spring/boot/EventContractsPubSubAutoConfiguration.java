package dev.eventcontracts.spring.boot;

import com.google.api.gax.core.CredentialsProvider;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pubsub.PubSubEventConsumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The SDK's own Pub/Sub consumer ({@link PubSubEventConsumer}) on {@code
 * eventcontracts.pubsub.subscription}, run by a {@link PubSubConsumerLifecycle}; needs sdk-pubsub
 * on the class path. Without a subscription nothing is created.
 */
@AutoConfiguration(after = EventContractsAutoConfiguration.class)
@ConditionalOnClass(PubSubEventConsumer.class)
@ConditionalOnProperty(prefix = "eventcontracts.pubsub", name = "subscription")
@EnableConfigurationProperties(EventContractsProperties.class)
public class EventContractsPubSubAutoConfiguration {

  /** Collects the last failure for the health indicator. */
  @Bean
  @ConditionalOnMissingBean
  public ConsumerStatus eventContractsConsumerStatus() {
    return new ConsumerStatus();
  }

  /**
   * The consumer; started and stopped by the lifecycle bean, never by itself. Without an emulator
   * host it uses the application's {@link CredentialsProvider} bean when there is exactly one
   * (Spring Cloud GCP makes one), else application default credentials.
   */
  @Bean
  @ConditionalOnMissingBean
  public PubSubEventConsumer eventContractsPubSubConsumer(
      EventPipeline pipeline,
      EventContractsProperties properties,
      Environment environment,
      ConsumerStatus status,
      ObjectProvider<CredentialsProvider> credentials) {
    Transports.requireOne(properties);
    EventContractsProperties.PubSub pubsub = properties.getPubsub();
    if (PubSubSettings.blank(pubsub.getSubscription())) {
      throw new EventContractsConfigurationException(
          "eventcontracts.pubsub.subscription is empty: name the subscription (its id or"
              + " projects/<project>/subscriptions/<id>), or remove the property");
    }
    if (pubsub.getMaxOutstandingBytes() == null) {
      throw new EventContractsConfigurationException(
          "eventcontracts.pubsub.max-outstanding-bytes must be positive");
    }
    String subscription = PubSubSettings.subscription(properties, environment);
    String host = PubSubSettings.emulatorHost(properties, environment);
    try {
      PubSubEventConsumer.Builder builder =
          PubSubEventConsumer.builder(pipeline)
              .subscription(subscription)
              .concurrency(pubsub.getConcurrency())
              .parallelPullCount(pubsub.getParallelPullCount())
              .flowControl(
                  pubsub.getMaxOutstandingMessages(), pubsub.getMaxOutstandingBytes().toBytes())
              .closeTimeout(pubsub.getCloseTimeout())
              .onResult(status);
      if (host != null) {
        builder.emulatorHost(host);
      } else {
        credentials.ifUnique(builder::credentialsProvider);
      }
      return builder.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      // also the client's own refusal, such as missing application default credentials
      throw new EventContractsConfigurationException("eventcontracts.pubsub: " + e.getMessage(), e);
    }
  }

  /** Starts the consumer with the context and stops it gracefully on shutdown. */
  @Bean
  @ConditionalOnMissingBean
  public PubSubConsumerLifecycle eventContractsPubSubConsumerLifecycle(
      PubSubEventConsumer consumer, ConsumerStatus status) {
    return new PubSubConsumerLifecycle(consumer, status);
  }
}
