package dev.eventcontracts.pubsub;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.TopicName;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.testing.server.PubSubServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.awaitility.Awaitility;

/** The shared Pub/Sub test server, admin clients on it, and bounded waits. */
final class PubSubTestSupport {
  static final String PROJECT = "event-contracts-test";
  static final Path RECRUITING = Path.of("../examples/registries/recruiting");
  static final Path RECRUITING_VALID = Path.of("../examples/events/recruiting-valid.ndjson");
  static final Duration WAIT = Duration.ofSeconds(30);

  private static ManagedChannel channel;
  private static TopicAdminClient topics;
  private static SubscriptionAdminClient subscriptions;
  private static final Map<String, Publisher> PUBLISHERS = new HashMap<>();

  private PubSubTestSupport() {}

  static PubSubServer server() {
    return PubSubServer.sharedOrSkip();
  }

  /** The server's {@code host:port}. */
  static String host() {
    return server().target();
  }

  static ContractRegistry recruiting() {
    return ContractRegistry.load(RECRUITING);
  }

  static synchronized TransportChannelProvider channels() {
    if (channel == null) {
      channel = ManagedChannelBuilder.forTarget(host()).usePlaintext().build();
    }
    return FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
  }

  static synchronized TopicAdminClient topicAdmin() {
    if (topics == null) {
      try {
        topics =
            TopicAdminClient.create(
                TopicAdminSettings.newBuilder()
                    .setTransportChannelProvider(channels())
                    .setCredentialsProvider(NoCredentialsProvider.create())
                    .build());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return topics;
  }

  static synchronized SubscriptionAdminClient subscriptionAdmin() {
    if (subscriptions == null) {
      try {
        subscriptions =
            SubscriptionAdminClient.create(
                SubscriptionAdminSettings.newBuilder()
                    .setTransportChannelProvider(channels())
                    .setCredentialsProvider(NoCredentialsProvider.create())
                    .build());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return subscriptions;
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Creates a topic and returns its full name. */
  static String topic(String id) {
    String name = TopicName.format(PROJECT, id);
    topicAdmin().createTopic(name);
    return name;
  }

  /** Creates a subscription on {@code topic} (full name) and returns its full name. */
  static String subscription(String topic, String id) {
    return subscription(topic, id, b -> {});
  }

  static String subscription(String topic, String id, Consumer<Subscription.Builder> settings) {
    String name = ProjectSubscriptionName.format(PROJECT, id);
    Subscription.Builder b =
        Subscription.newBuilder().setName(name).setTopic(topic).setAckDeadlineSeconds(10);
    settings.accept(b);
    subscriptionAdmin().createSubscription(b.build());
    return name;
  }

  /**
   * A fresh source topic and subscription, plus the default dead-letter topic ({@code <sub>-dlq})
   * with a subscription of its own ({@code <sub>-dlq-reader}); returns the subscription id.
   */
  static String setUp(String prefix) {
    String id = unique(prefix);
    String topic = topic(id);
    subscription(topic, id);
    String dlq = topic(id + PubSubDeadLetterSink.DEFAULT_TOPIC_SUFFIX);
    subscription(dlq, id + "-dlq-reader");
    return id;
  }

  static synchronized Publisher publisher(String topic) {
    return PUBLISHERS.computeIfAbsent(
        topic,
        t -> {
          try {
            return Publisher.newBuilder(t)
                .setEnableMessageOrdering(true)
                .setChannelProvider(channels())
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** Publishes and waits; returns the message id. */
  static String publish(String topic, byte[] data, String... attributes) {
    PubsubMessage.Builder m = PubsubMessage.newBuilder().setData(ByteString.copyFrom(data));
    for (int i = 0; i < attributes.length; i += 2) {
      m.putAttributes(attributes[i], attributes[i + 1]);
    }
    return publish(topic, m.build());
  }

  static String publish(String topic, PubsubMessage message) {
    try {
      return publisher(topic).publish(message).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("publish failed", e);
    }
  }

  static String publish(String topic, String text, String... attributes) {
    return publish(topic, bytes(text), attributes);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Pulls and acks from {@code subscription} until {@code count} messages came, or fails. */
  static List<PubsubMessage> pull(String subscription, int count) {
    List<PubsubMessage> out = new ArrayList<>();
    Awaitility.await(count + " messages on " + subscription)
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              out.addAll(pullOnce(subscription, count - out.size()));
              return out.size() >= count;
            });
    return out;
  }

  /** One pull with a short wait, acking what came. */
  static List<PubsubMessage> pullOnce(String subscription, int max) {
    PullResponse response =
        subscriptionAdmin()
            .pull(
                com.google.pubsub.v1.PullRequest.newBuilder()
                    .setSubscription(subscription)
                    .setMaxMessages(max)
                    .build()); // waits up to 500 ms on this server when there is nothing
    List<PubsubMessage> out = new ArrayList<>();
    List<String> ackIds = new ArrayList<>();
    for (ReceivedMessage m : response.getReceivedMessagesList()) {
      out.add(m.getMessage());
      ackIds.add(m.getAckId());
    }
    if (!ackIds.isEmpty()) {
      subscriptionAdmin().acknowledge(subscription, ackIds);
    }
    return out;
  }

  /** Asserts that nothing arrives on {@code subscription} for {@code quiet}. */
  static List<PubsubMessage> drain(String subscription, Duration quiet) {
    List<PubsubMessage> out = new ArrayList<>();
    long deadline = System.nanoTime() + quiet.toNanos();
    while (System.nanoTime() < deadline) {
      out.addAll(pullOnce(subscription, 100));
    }
    return out;
  }

  static void await(String what, BooleanSupplier condition) {
    await(what, WAIT, condition);
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) {
    Awaitility.await(what)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(20))
        .until(condition::getAsBoolean);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
