package dev.eventcontracts.spring.boot;

import dev.eventcontracts.pipeline.EventPipeline;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code eventContracts} health indicator, when Spring Boot's health module is on the class
 * path (Actuator brings it); it reports the Kafka or Pub/Sub consumer the starter runs, if any.
 */
@AutoConfiguration(
    after = EventContractsAutoConfiguration.class,
    afterName = {
      "dev.eventcontracts.spring.boot.EventContractsKafkaAutoConfiguration",
      "dev.eventcontracts.spring.boot.EventContractsPubSubAutoConfiguration"
    })
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(EventPipeline.class)
public class EventContractsHealthAutoConfiguration {

  /** Consumer state, last failure and circuit breakers. */
  @Bean(name = "eventContractsHealthIndicator")
  @ConditionalOnMissingBean(name = "eventContractsHealthIndicator")
  public EventContractsHealthIndicator eventContractsHealthIndicator(
      ObjectProvider<ConsumerLifecycle> lifecycle,
      ObjectProvider<ConsumerStatus> status,
      ObjectProvider<MeterRegistry> meters) {
    return new EventContractsHealthIndicator(
        lifecycle.getIfAvailable(), status.getIfAvailable(), meters.getIfAvailable());
  }
}
