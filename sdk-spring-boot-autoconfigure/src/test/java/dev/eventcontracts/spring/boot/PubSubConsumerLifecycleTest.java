package dev.eventcontracts.spring.boot;

import static dev.eventcontracts.spring.boot.TestHandlers.CLASSPATH_REGISTRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.TopicName;
import dev.eventcontracts.dlq.DeadLetterAttributes;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.metrics.MetricNames;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pubsub.PubSubDeadLetterSink;
import dev.eventcontracts.pubsub.PubSubEventConsumer;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.server.PubSubServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The starter's Pub/Sub consumer on the Pub/Sub test server (sdk-testing's {@link PubSubServer};
 * skipped without it, failed under {@code CI=true}): it starts with the context, processes an
 * event, drops its duplicate, dead-letters an invalid one to the default dead-letter topic ({@code
 * <subscription>-dlq}), reports its health, and stops gracefully with a handler running: the
 * handler finishes and its message is acked, nothing is nacked.
 */
class PubSubConsumerLifecycleTest {
  static final String PROJECT = "event-contracts-test";
  static final Duration WAIT = Duration.ofSeconds(60);
  static final List<String> APPLIED = new CopyOnWriteArrayList<>();
  static final CountDownLatch SLOW_STARTED = new CountDownLatch(1);
  static final CountDownLatch RELEASE_SLOW = new CountDownLatch(1);

  private static ManagedChannel channel;
  private static TopicAdminClient topics;
  private static SubscriptionAdminClient subscriptions;

  /** Applies profiles; {@code cand_slow} waits until the test releases it. */
  static class SlowProfiles {
    @EventHandlerMethod(event = "profile.updated")
    void on(TestHandlers.ProfileUpdated profile) throws InterruptedException {
      if (profile.candidateId().equals("cand_slow")) {
        SLOW_STARTED.countDown();
        assertThat(RELEASE_SLOW.await(30, TimeUnit.SECONDS)).isTrue();
      }
      APPLIED.add(profile.candidateId());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class App {
    @Bean
    SlowProfiles slowProfiles() {
      return new SlowProfiles();
    }

    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @BeforeAll
  static void connect() throws Exception {
    PubSubServer server = PubSubServer.sharedOrSkip();
    channel = ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
    topics =
        TopicAdminClient.create(
            TopicAdminSettings.newBuilder()
                .setTransportChannelProvider(channels())
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build());
    subscriptions =
        SubscriptionAdminClient.create(
            SubscriptionAdminSettings.newBuilder()
                .setTransportChannelProvider(channels())
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build());
  }

  @AfterAll
  static void disconnect() throws Exception {
    if (topics != null) {
      topics.close();
    }
    if (subscriptions != null) {
      subscriptions.close();
    }
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void startsWithTheContextProcessesAndStopsGracefully() throws Exception {
    String id = "boot-" + UUID.randomUUID().toString().substring(0, 8);
    String topic = TopicName.format(PROJECT, id);
    topics.createTopic(topic);
    String subscription = subscribe(topic, id);
    String deadLetters = TopicName.format(PROJECT, id + PubSubDeadLetterSink.DEFAULT_TOPIC_SUFFIX);
    topics.createTopic(deadLetters);
    String deadLetterReader = subscribe(deadLetters, id + "-dlq-reader");

    RecruitingEvents events = RecruitingEvents.withSeed(7);
    ObjectNode first = events.profileUpdated("cand_1", 1);
    ObjectNode invalid =
        RecruitingEvents.withoutPayloadField(events.profileUpdated("cand_bad", 1), "candidate_id");
    Publisher publisher =
        Publisher.newBuilder(topic)
            .setChannelProvider(channels())
            .setCredentialsProvider(NoCredentialsProvider.create())
            .build();
    try {
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  EventContractsAutoConfiguration.class,
                  EventContractsKafkaAutoConfiguration.class,
                  EventContractsPubSubAutoConfiguration.class,
                  EventContractsHealthAutoConfiguration.class))
          .withUserConfiguration(App.class)
          .withPropertyValues(
              CLASSPATH_REGISTRY,
              "eventcontracts.pubsub.project-id=" + PROJECT,
              "eventcontracts.pubsub.subscription=" + id,
              "eventcontracts.pubsub.emulator-host=" + PubSubServer.shared().target(),
              "eventcontracts.pubsub.concurrency=2",
              "eventcontracts.pubsub.close-timeout=20s")
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(DeadLetterSink.class))
                    .isInstanceOf(PubSubDeadLetterSink.class);
                PubSubConsumerLifecycle lifecycle = context.getBean(PubSubConsumerLifecycle.class);
                PubSubEventConsumer consumer = lifecycle.consumer();
                assertThat(lifecycle.isRunning()).isTrue();
                assertThat(consumer.subscription()).isEqualTo(subscription);
                MeterRegistry meters = context.getBean(MeterRegistry.class);

                publish(publisher, first);
                await("processed").atMost(WAIT).until(() -> APPLIED.contains("cand_1"));
                publish(publisher, first); // the same event again: a duplicate
                publish(publisher, invalid);
                await("processed, duplicate, invalid")
                    .atMost(WAIT)
                    .until(
                        () ->
                            count(meters, Outcome.PROCESSED) == 1
                                && count(meters, Outcome.DUPLICATE) == 1
                                && count(meters, Outcome.INVALID) == 1
                                && consumer.receiver().acks() == 3);
                assertThat(APPLIED).containsExactly("cand_1");
                List<PubsubMessage> dead = pull(deadLetterReader, 1);
                assertThat(dead).hasSize(1);
                assertThat(dead.get(0).getAttributesMap())
                    .containsEntry(DeadLetterAttributes.REASON, "INVALID");
                assertThat(dead.get(0).getData().toStringUtf8()).isEqualTo(invalid.toString());

                // shut down while cand_slow is in its handler; release it a moment later
                publish(publisher, events.profileUpdated("cand_slow", 1));
                assertThat(SLOW_STARTED.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                Health health = context.getBean(EventContractsHealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails()).containsEntry("consumer", "running");
                Thread releaser =
                    new Thread(
                        () -> {
                          try {
                            Thread.sleep(500);
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          RELEASE_SLOW.countDown();
                        });
                releaser.start();
                context.close();
                releaser.join();
                assertThat(lifecycle.isRunning()).isFalse();
                assertThat(lifecycle.isConsuming()).isFalse();
                assertThat(APPLIED).containsExactly("cand_1", "cand_slow");
                // the running handler's message was acked once it finished; nothing was nacked
                assertThat(consumer.receiver().acks()).isEqualTo(4);
                assertThat(consumer.receiver().nacks()).isZero();
                assertThat(consumer.failedAcks()).isZero();
              });
    } finally {
      publisher.shutdown();
      publisher.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static TransportChannelProvider channels() {
    return FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
  }

  private static String subscribe(String topic, String id) {
    String name = ProjectSubscriptionName.format(PROJECT, id);
    subscriptions.createSubscription(
        Subscription.newBuilder().setName(name).setTopic(topic).setAckDeadlineSeconds(10).build());
    return name;
  }

  private static void publish(Publisher publisher, ObjectNode event) throws Exception {
    publisher
        .publish(
            PubsubMessage.newBuilder()
                .setData(ByteString.copyFrom(RecruitingEvents.bytes(event)))
                .build())
        .get(30, TimeUnit.SECONDS);
  }

  private static double count(MeterRegistry meters, Outcome outcome) {
    return meters
        .find(MetricNames.EVENTS)
        .tag(MetricNames.TAG_OUTCOME, outcome.name())
        .counters()
        .stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  /** Pulls and acks from {@code subscription} until {@code count} messages came. */
  private static List<PubsubMessage> pull(String subscription, int count) {
    List<PubsubMessage> out = new ArrayList<>();
    await("dead letters on " + subscription)
        .atMost(WAIT)
        .until(
            () -> {
              List<String> ackIds = new ArrayList<>();
              PullRequest request =
                  PullRequest.newBuilder()
                      .setSubscription(subscription)
                      .setMaxMessages(count - out.size())
                      .build();
              for (ReceivedMessage m : subscriptions.pull(request).getReceivedMessagesList()) {
                out.add(m.getMessage());
                ackIds.add(m.getAckId());
              }
              if (!ackIds.isEmpty()) {
                subscriptions.acknowledge(subscription, ackIds);
              }
              return out.size() >= count;
            });
    return out;
  }
}
