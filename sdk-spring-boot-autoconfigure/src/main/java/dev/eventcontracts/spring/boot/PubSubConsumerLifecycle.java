package dev.eventcontracts.spring.boot;

import dev.eventcontracts.pubsub.PubSubEventConsumer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link PubSubEventConsumer} with the application context: it starts once every bean is
 * ready and stops first on shutdown. Stopping takes no new message (later deliveries and waiting
 * retries are nacked, so another subscriber gets them at once), waits for running handlers, whose
 * messages are acked or nacked as their outcome says, and acks nothing unfinished; it waits at most
 * the consumer's close timeout ({@code eventcontracts.pubsub.close-timeout}) for the handlers, then
 * at most as long again for the subscriber to stop.
 */
public class PubSubConsumerLifecycle implements ConsumerLifecycle {
  private static final Logger log = LoggerFactory.getLogger(PubSubConsumerLifecycle.class);

  private final PubSubEventConsumer consumer;
  private final ConsumerStatus status;
  private volatile boolean started;

  /** Manages {@code consumer}; {@code status} is the one the consumer reports its results to. */
  public PubSubConsumerLifecycle(PubSubEventConsumer consumer, ConsumerStatus status) {
    this.consumer = consumer;
    this.status = status;
  }

  /**
   * Starts pulling and returns once the stream is up.
   *
   * @throws IllegalStateException naming the subscription when the subscriber cannot start (the
   *     subscription does not exist, the service is unreachable, no permission)
   */
  @Override
  public void start() {
    try {
      consumer.start();
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "the Pub/Sub consumer of "
              + consumer.subscription()
              + " did not start: "
              + e.getMessage(),
          e);
    }
    started = true;
    log.info("event consumer of {} started", consumer.subscription());
  }

  @Override
  public void stop() {
    try {
      consumer.close();
      log.info("event consumer of {} stopped", consumer.subscription());
    } finally {
      started = false;
    }
  }

  @Override
  public boolean isRunning() {
    return started;
  }

  /** True while the subscriber pulls; false before start, after stop, or after a failure. */
  @Override
  public boolean isConsuming() {
    return started && consumer.isRunning() && consumer.failure().isEmpty();
  }

  /** Why the subscriber stopped on its own, if it did. */
  @Override
  public Optional<Throwable> failure() {
    return consumer.failure();
  }

  /** The consumer. */
  public PubSubEventConsumer consumer() {
    return consumer;
  }

  /** The results' status. */
  public ConsumerStatus status() {
    return status;
  }
}
