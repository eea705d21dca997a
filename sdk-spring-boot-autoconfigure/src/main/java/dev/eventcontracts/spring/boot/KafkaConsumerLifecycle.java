package dev.eventcontracts.spring.boot;

import dev.eventcontracts.kafka.KafkaEventConsumer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link KafkaEventConsumer} with the application context: it starts once every bean is
 * ready and stops first on shutdown. Stopping lets the record in progress finish, starts no other,
 * commits what is finished and nothing else, and leaves the group, within the consumer's close
 * timeout ({@code eventcontracts.kafka.close-timeout}).
 */
public class KafkaConsumerLifecycle implements ConsumerLifecycle {
  private static final Logger log = LoggerFactory.getLogger(KafkaConsumerLifecycle.class);

  private final KafkaEventConsumer consumer;
  private final ConsumerStatus status;
  private volatile boolean started;

  /** Manages {@code consumer}; {@code status} is the one the consumer reports its results to. */
  public KafkaConsumerLifecycle(KafkaEventConsumer consumer, ConsumerStatus status) {
    this.consumer = consumer;
    this.status = status;
  }

  @Override
  public void start() {
    consumer.start();
    started = true;
    log.info("event consumer of group {} started", consumer.groupId());
  }

  @Override
  public void stop() {
    try {
      consumer.close();
      log.info("event consumer of group {} stopped", consumer.groupId());
    } finally {
      started = false;
    }
  }

  @Override
  public boolean isRunning() {
    return started;
  }

  /** True while the consumer polls; false before start, after stop, or after a fatal failure. */
  @Override
  public boolean isConsuming() {
    return started && consumer.isRunning();
  }

  /** Why the consumer ended on its own, if it did. */
  @Override
  public Optional<Throwable> failure() {
    return consumer.failure();
  }

  /** The consumer. */
  public KafkaEventConsumer consumer() {
    return consumer;
  }

  /** The results' status. */
  public ConsumerStatus status() {
    return status;
  }
}
