package dev.eventcontracts.spring.boot;

import java.util.Optional;
import org.springframework.context.SmartLifecycle;

/**
 * A transport's consumer run with the application context ({@link KafkaConsumerLifecycle}, {@link
 * PubSubConsumerLifecycle}): what the health indicator reads.
 */
public interface ConsumerLifecycle extends SmartLifecycle {

  /** True while the consumer takes messages; false before start, after stop, or after a failure. */
  boolean isConsuming();

  /** Why the consumer ended on its own, if it did. */
  Optional<Throwable> failure();
}
