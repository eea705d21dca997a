package dev.eventcontracts.testing.transport;

import dev.eventcontracts.pipeline.EventPipeline;
import java.util.Map;

/**
 * What {@link TransportContract} needs from a transport adapter to check it: a fresh source to send
 * to, and consumers of that source that feed an {@link EventPipeline}. Implement it for your
 * adapter in test code; the SDK's Kafka, Pub/Sub and {@link InMemoryTransport} adapters do.
 */
public interface TransportUnderTest extends AutoCloseable {

  /**
   * A new, empty source (a topic with its consumer group, a topic with its subscription...) named
   * after {@code name}. Messages sent with one key must reach consumers in the order they were sent
   * (a Kafka partition, a Pub/Sub ordering key).
   */
  Source source(String name) throws Exception;

  /** Releases what the transport holds; sources need not be deleted. */
  @Override
  default void close() {}

  /** A place to send messages to and to consume them from. */
  interface Source {

    /** Sends one message and returns once the transport has stored it. */
    void send(String key, byte[] value, Map<String, String> attributes) throws Exception;

    /**
     * Starts a consumer of this source that runs every message through {@code pipeline} and acks it
     * as the adapter does. Consumers started on one source share its acknowledgements (one consumer
     * group, one subscription), so a message that one of them left unacknowledged goes to the next.
     */
    RunningConsumer start(EventPipeline pipeline) throws Exception;
  }

  /** A consumer started by {@link Source#start}. */
  interface RunningConsumer {

    /**
     * Stops gracefully: messages in progress finish, final outcomes are acknowledged, nothing
     * unfinished is; returns once stopped.
     */
    void stop() throws Exception;

    /** Stops abruptly, as a crash would: nothing more is acknowledged. */
    void kill() throws Exception;

    /** A consumer stopped by {@code stop} and killed by {@code kill}. */
    static RunningConsumer of(Step stop, Step kill) {
      return new RunningConsumer() {
        @Override
        public void stop() throws Exception {
          stop.run();
        }

        @Override
        public void kill() throws Exception {
          kill.run();
        }
      };
    }
  }

  /** One step of stopping a consumer. */
  @FunctionalInterface
  interface Step {
    /** Runs the step. */
    void run() throws Exception;
  }
}
