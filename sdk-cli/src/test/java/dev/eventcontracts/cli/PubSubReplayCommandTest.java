package dev.eventcontracts.cli;

import static dev.eventcontracts.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.eventcontracts.testing.server.PubSubServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code event-contracts replay --transport pubsub}: the round trip on the Pub/Sub test server. */
class PubSubReplayCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROJECT = "cli-test";

  @Test
  void pubsubNeedsAProject() {
    CliRun run = run("replay", "--transport", "pubsub", "--from", "orders-dlq-reader");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--project is required for Pub/Sub");
  }

  @Test
  void replaysFailedDeadLettersToTheOriginTopicAndLeavesTheOthers() throws Exception {
    PubSubServer server = PubSubServer.sharedOrSkip();
    ManagedChannel channel =
        ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
    TransportChannelProvider channels =
        FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    String topic = TopicName.format(PROJECT, "orders");
    String source = ProjectSubscriptionName.format(PROJECT, "orders");
    String dlqTopic = TopicName.format(PROJECT, "orders-dlq");
    String dlq = ProjectSubscriptionName.format(PROJECT, "orders-dlq-reader");
    try (TopicAdminClient topics =
            TopicAdminClient.create(
                TopicAdminSettings.newBuilder()
                    .setTransportChannelProvider(channels)
                    .setCredentialsProvider(NoCredentialsProvider.create())
                    .build());
        SubscriptionAdminClient subs =
            SubscriptionAdminClient.create(
                SubscriptionAdminSettings.newBuilder()
                    .setTransportChannelProvider(channels)
                    .setCredentialsProvider(NoCredentialsProvider.create())
                    .build())) {
      topics.createTopic(topic);
      topics.createTopic(dlqTopic);
      subs.createSubscription(
          Subscription.newBuilder()
              .setName(source)
              .setTopic(topic)
              .setAckDeadlineSeconds(10)
              .build());
      subs.createSubscription(
          Subscription.newBuilder()
              .setName(dlq)
              .setTopic(dlqTopic)
              .setAckDeadlineSeconds(10)
              .build());
      Publisher publisher =
          Publisher.newBuilder(dlqTopic)
              .setChannelProvider(channels)
              .setCredentialsProvider(NoCredentialsProvider.create())
              .build();
      String event = "{\"event_id\":\"e-1\",\"occurred_at\":\"2026-02-03T09:00:00Z\"}";
      publisher
          .publish(
              PubsubMessage.newBuilder()
                  .setData(ByteString.copyFromUtf8(event))
                  .putAllAttributes(
                      Map.of(
                          "tenant", "acme",
                          "ec-dlq-reason", "FAILED",
                          "ec-dlq-origin-subscription", source,
                          "ec-dlq-attempts", "3"))
                  .build())
          .get(30, TimeUnit.SECONDS);
      publisher
          .publish(
              PubsubMessage.newBuilder()
                  .setData(ByteString.copyFromUtf8("{}"))
                  .putAllAttributes(
                      Map.of("ec-dlq-reason", "INVALID", "ec-dlq-origin-subscription", source))
                  .build())
          .get(30, TimeUnit.SECONDS);
      publisher.shutdown();

      String host = server.target();
      CliRun dry =
          run(
              "replay",
              "--transport",
              "pubsub",
              "--project",
              PROJECT,
              "--emulator-host",
              host,
              "--from",
              "orders-dlq-reader",
              "--filter",
              "reason=FAILED",
              "--dry-run");
      assertThat(dry.exitCode()).as(dry.err()).isZero();
      JsonNode drySummary = JSON.readTree(dry.out());
      assertThat(drySummary.path("matched").asLong()).isEqualTo(1);
      assertThat(drySummary.path("replayed").asLong()).isZero();

      CliRun replay =
          run(
              "replay",
              "--transport",
              "pubsub",
              "--project",
              PROJECT,
              "--emulator-host",
              host,
              "--from",
              "orders-dlq-reader",
              "--filter",
              "reason=FAILED");
      assertThat(replay.exitCode()).as(replay.err()).isZero();
      JsonNode summary = JSON.readTree(replay.out());
      assertThat(summary.path("read").asLong()).isEqualTo(2);
      assertThat(summary.path("replayed").asLong()).isEqualTo(1);
      assertThat(summary.path("skipped_by_filter").asLong()).isEqualTo(1);
      assertThat(summary.path("targets").path(topic).asLong()).isEqualTo(1);
      assertThat(summary.has("group")).isFalse();

      List<PubsubMessage> back = pull(subs, source, 1);
      assertThat(back.get(0).getData().toStringUtf8()).isEqualTo(event);
      assertThat(back.get(0).getAttributesMap())
          .isEqualTo(Map.of("tenant", "acme", "replay", "true"));
      // the INVALID dead letter is still there, the FAILED one was acked
      List<PubsubMessage> left = pull(subs, dlq, 1);
      assertThat(left.get(0).getAttributesMap()).containsEntry("ec-dlq-reason", "INVALID");
    } finally {
      channel.shutdownNow();
    }
  }

  private static List<PubsubMessage> pull(SubscriptionAdminClient subs, String sub, int count) {
    List<PubsubMessage> out = new ArrayList<>();
    await(count + " messages on " + sub)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              List<String> ackIds = new ArrayList<>();
              for (ReceivedMessage m :
                  subs.pull(
                          PullRequest.newBuilder().setSubscription(sub).setMaxMessages(10).build())
                      .getReceivedMessagesList()) {
                out.add(m.getMessage());
                ackIds.add(m.getAckId());
              }
              if (!ackIds.isEmpty()) {
                subs.acknowledge(sub, ackIds);
              }
              return out.size() >= count;
            });
    assertThat(out).hasSize(count);
    return out;
  }
}
