package dev.eventcontracts.spring.boot;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of the Event Contracts SDK: the contract registry, the stores, the dead-letter
 * sink and one {@link EventPipeline} holding every {@link HandlerBinding} bean and {@link
 * EventHandlerMethod} method. Every bean backs off when the application defines its own. The Kafka
 * consumer, the Pub/Sub consumer and the health indicator are in {@link
 * EventContractsKafkaAutoConfiguration}, {@link EventContractsPubSubAutoConfiguration} and {@link
 * EventContractsHealthAutoConfiguration}.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"
    })
@EnableConfigurationProperties(EventContractsProperties.class)
public class EventContractsAutoConfiguration {

  /** The registry at {@code eventcontracts.registry.location}. */
  @Bean
  @ConditionalOnMissingBean
  public ContractRegistry eventContractsRegistry(
      EventContractsProperties properties, ResourceLoader resources) {
    ClassLoader loader = resources.getClassLoader();
    return RegistryLocation.load(
        properties.getRegistry(),
        loader != null ? loader : EventContractsAutoConfiguration.class.getClassLoader());
  }

  /** The dedup store of {@code eventcontracts.stores.type}. */
  @Bean
  @ConditionalOnMissingBean({DedupStore.class, TransactionalStore.class})
  public DedupStore eventContractsDedupStore(
      EventContractsProperties properties, ListableBeanFactory beans) {
    return StoreFactory.dedupStore(properties, beans);
  }

  /** The entity-version store of {@code eventcontracts.stores.type}. */
  @Bean
  @ConditionalOnMissingBean({EntityVersionStore.class, TransactionalStore.class})
  public EntityVersionStore eventContractsEntityVersionStore(
      EventContractsProperties properties, ListableBeanFactory beans) {
    return StoreFactory.entityVersionStore(properties, beans);
  }

  /**
   * The dead-letter sink of {@code eventcontracts.dead-letter.destination}; on Pub/Sub without an
   * emulator host it uses the application's {@code CredentialsProvider} bean when there is exactly
   * one, as the consumer does.
   */
  @Bean
  @ConditionalOnMissingBean
  public DeadLetterSink eventContractsDeadLetterSink(
      EventContractsProperties properties, Environment environment, ListableBeanFactory beans) {
    return DeadLetterSinks.create(properties, environment, beans);
  }

  /**
   * The pipeline: the registry, the stores (a {@link TransactionalStore} bean replaces the dedup
   * and entity-version stores), the sink, the retry settings, the application's {@link
   * MeterRegistry}, and every handler, each run in an observation when there is an {@link
   * ObservationRegistry} bean.
   */
  @Bean
  @ConditionalOnMissingBean
  public EventPipeline eventContractsPipeline(
      EventContractsProperties properties,
      ContractRegistry registry,
      ObjectProvider<DedupStore> dedupStore,
      ObjectProvider<EntityVersionStore> entityVersionStore,
      ObjectProvider<TransactionalStore> transactionalStore,
      DeadLetterSink deadLetterSink,
      ObjectProvider<MeterRegistry> meterRegistry,
      ObjectProvider<ObservationRegistry> observationRegistry,
      ListableBeanFactory beans,
      ResourceLoader resources) {
    ClassLoader loader = resources.getClassLoader();
    Transports.requirePubSubModule(
        properties,
        loader != null ? loader : EventContractsAutoConfiguration.class.getClassLoader());
    List<AnnotatedHandlers.NamedBinding> handlers = new ArrayList<>();
    for (String name : beans.getBeanNamesForType(HandlerBinding.class)) {
      handlers.add(
          new AnnotatedHandlers.NamedBinding(
              (HandlerBinding<?>) beans.getBean(name), "HandlerBinding bean '" + name + "'"));
    }
    handlers.addAll(AnnotatedHandlers.find(beans));
    if (handlers.isEmpty()) {
      throw new EventContractsConfigurationException(
          "no event handlers: declare HandlerBinding beans or @EventHandlerMethod methods on a"
              + " bean");
    }
    ObservationRegistry observations =
        properties.getObservation().isEnabled() ? observationRegistry.getIfAvailable() : null;
    EventPipeline.Builder builder = EventPipeline.builder(registry);
    HandlerRegistration.check(registry, handlers, observations).forEach(builder::handler);
    TransactionalStore transactional = transactionalStore.getIfAvailable();
    if (transactional != null) {
      builder.transactionalStore(transactional);
    } else {
      builder.dedupStore(dedupStore.getObject()).entityVersionStore(entityVersionStore.getObject());
    }
    builder
        .deadLetterSink(deadLetterSink)
        .retry(retry(properties.getRetry()))
        .lease(properties.getLease())
        .retention(properties.getRetention())
        .inProgressDelay(properties.getInProgressDelay())
        .sinkRetryDelay(properties.getSinkRetryDelay());
    if (properties.getOnUnknownEvent() != null) {
      builder.onUnknownEvent(properties.getOnUnknownEvent());
    }
    meterRegistry.ifAvailable(builder::meterRegistry);
    try {
      return builder.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new EventContractsConfigurationException(
          "the event pipeline cannot be built: " + e.getMessage(), e);
    }
  }

  static RetryConfig retry(EventContractsProperties.Retry retry) {
    if (retry.getMaxAttempts() < 1) {
      throw new EventContractsConfigurationException(
          "eventcontracts.retry.max-attempts must be at least 1, was " + retry.getMaxAttempts());
    }
    if (retry.getInitialInterval().isNegative()
        || retry.getInitialInterval().isZero()
        || retry.getMultiplier() < 1.0) {
      throw new EventContractsConfigurationException(
          "eventcontracts.retry.initial-interval must be positive and"
              + " eventcontracts.retry.multiplier at least 1.0");
    }
    return RetryConfig.custom()
        .maxAttempts(retry.getMaxAttempts())
        .intervalFunction(
            IntervalFunction.ofExponentialBackoff(
                retry.getInitialInterval(), retry.getMultiplier()))
        .build();
  }
}
