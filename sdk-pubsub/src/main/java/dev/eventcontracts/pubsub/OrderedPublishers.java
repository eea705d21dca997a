package dev.eventcontracts.pubsub;

import com.google.cloud.pubsub.v1.Publisher;
import com.google.pubsub.v1.PubsubMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One publisher per topic on a {@link Connection}, created on first use with message ordering on,
 * so messages keep their ordering keys. After a failed publish with an ordering key a publisher
 * refuses that key until {@link #resume}d. Thread-safe.
 */
final class OrderedPublishers implements AutoCloseable {
  private final Connection connection;
  private final Map<String, Publisher> publishers = new ConcurrentHashMap<>();

  OrderedPublishers(Connection connection) {
    this.connection = connection;
  }

  /** The publisher of {@code topic} (a full topic name). */
  Publisher get(String topic) {
    return publishers.computeIfAbsent(
        topic,
        t -> {
          Publisher.Builder b = Publisher.newBuilder(t).setEnableMessageOrdering(true);
          if (connection.channels() != null) {
            b.setChannelProvider(connection.channels());
          }
          if (connection.credentials() != null) {
            b.setCredentialsProvider(connection.credentials());
          }
          try {
            return b.build();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot create a publisher for " + t, e);
          }
        });
  }

  /** Lets {@code message}'s ordering key be published to {@code topic} again after a failure. */
  void resume(String topic, PubsubMessage message) {
    Publisher publisher = publishers.get(topic);
    if (publisher != null && !message.getOrderingKey().isEmpty()) {
      publisher.resumePublish(message.getOrderingKey());
    }
  }

  /** Shuts the publishers down, flushing what they hold; the connection stays open. */
  @Override
  public void close() {
    for (Publisher publisher : publishers.values()) {
      publisher.shutdown();
      try {
        publisher.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    publishers.clear();
  }
}
