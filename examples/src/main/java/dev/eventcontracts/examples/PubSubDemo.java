package dev.eventcontracts.examples;

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
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.dlq.DeadLetterAttributes;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pubsub.PubSubDeadLetterReplayer;
import dev.eventcontracts.pubsub.PubSubDeadLetterSink;
import dev.eventcontracts.pubsub.PubSubEventConsumer;
import dev.eventcontracts.pubsub.PubSubReplaySummary;
import dev.eventcontracts.testing.server.PubSubServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The demo's story on Pub/Sub: starts the Pub/Sub test server of sdk-testing (Google's pstest),
 * publishes the same stream to a topic, consumes it with {@link PubSubEventConsumer}, prints the
 * outcome table and the dead letters, then replays the FAILED ones out of the dead-letter
 * subscription with {@link PubSubDeadLetterReplayer}.
 */
final class PubSubDemo {
  static final String PROJECT = "demo";
  static final String TOPIC = "recruiting-events";
  static final String SUBSCRIPTION = "matching-service";
  static final String DLQ_TOPIC = SUBSCRIPTION + PubSubDeadLetterSink.DEFAULT_TOPIC_SUFFIX;
  static final String DLQ_SUBSCRIPTION = DLQ_TOPIC + "-reader";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Demo demo;

  PubSubDemo(Demo demo) {
    this.demo = demo;
  }

  /** True when the test server can run here; prints why not otherwise. */
  static boolean serverAvailable() {
    if (PubSubServer.installed() || System.getenv(PubSubServer.HOST_ENV) != null) {
      return true;
    }
    System.err.println(
        "The Pub/Sub demo needs Go and Google's pstest sources to build its test server:"
            + " apt-get install golang-go golang-google-cloud-dev (or set "
            + PubSubServer.HOST_ENV
            + " to a running emulator)");
    return false;
  }

  void run(ContractRegistry registry) throws Exception {
    Demo.say("Starting the Pub/Sub test server (Google's pstest, built once with go build) ...");
    try (PubSubServer server = PubSubServer.start()) {
      ManagedChannel channel =
          ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
      TransportChannelProvider channels =
          FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
      String topic = TopicName.format(PROJECT, TOPIC);
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
        topics.createTopic(TopicName.format(PROJECT, DLQ_TOPIC));
        subs.createSubscription(
            Subscription.newBuilder()
                .setName(ProjectSubscriptionName.format(PROJECT, SUBSCRIPTION))
                .setTopic(topic)
                .setAckDeadlineSeconds(10)
                .build());
        subs.createSubscription(
            Subscription.newBuilder()
                .setName(ProjectSubscriptionName.format(PROJECT, DLQ_SUBSCRIPTION))
                .setTopic(TopicName.format(PROJECT, DLQ_TOPIC))
                .setAckDeadlineSeconds(10)
                .build());
        Demo.say(
            "Server up at "
                + server.target()
                + "; topic "
                + TOPIC
                + ", subscription "
                + SUBSCRIPTION
                + ", dead letters to "
                + DLQ_TOPIC);

        List<DemoStream.DemoRecord> stream = DemoStream.build();
        publish(channels, topic, stream);
        Demo.say("Published " + stream.size() + " messages:");
        for (int i = 0; i < stream.size(); i++) {
          System.out.printf("  %2d  %s%n", i + 1, stream.get(i).story());
        }

        try (PubSubDeadLetterSink sink =
            PubSubDeadLetterSink.builder(PROJECT)
                .channelProvider(channels)
                .credentialsProvider(NoCredentialsProvider.create())
                .build()) {
          EventPipeline pipeline = demo.pipeline(registry, sink);
          int[] finals = {0};
          PubSubEventConsumer consumer =
              PubSubEventConsumer.builder(pipeline)
                  .subscription(PROJECT, SUBSCRIPTION)
                  .channelProvider(channels)
                  .credentialsProvider(NoCredentialsProvider.create())
                  // one handler thread: the story's order (v3 before the late v2) is publish order
                  .concurrency(1)
                  .onResult(
                      r -> {
                        if (r.acknowledged()) {
                          synchronized (finals) {
                            finals[0]++;
                          }
                        }
                      })
                  .build();
          try {
            consumer.start();
            await(
                () -> {
                  synchronized (finals) {
                    return finals[0] == stream.size();
                  }
                });
            demo.printOutcomes("First pass", registry);
            List<PubsubMessage> deadLetters = readDeadLetters(channels, stream.size());
            printDeadLetters(deadLetters);
            demo.printSideEffects();

            Demo.say(
                "The notification service is back. Replaying the FAILED dead letters with"
                    + " replay=true ...");
            demo.notificationsDown.set(false);
            long replayed = replayFailed(channels);
            Demo.say("Re-published " + replayed + " messages to " + TOPIC);
            await(
                () -> {
                  synchronized (finals) {
                    return finals[0] == stream.size() + replayed;
                  }
                });
            demo.printOutcomes("After the replay", registry);
            demo.printSideEffects();
          } finally {
            consumer.close();
          }
        }
      } finally {
        channel.shutdownNow();
      }
    }
    Demo.say("Done.");
  }

  private static void publish(
      TransportChannelProvider channels, String topic, List<DemoStream.DemoRecord> stream)
      throws Exception {
    Publisher publisher =
        Publisher.newBuilder(topic)
            .setChannelProvider(channels)
            .setCredentialsProvider(NoCredentialsProvider.create())
            .build();
    try {
      for (DemoStream.DemoRecord r : stream) {
        publisher
            .publish(
                PubsubMessage.newBuilder()
                    .setData(ByteString.copyFrom(r.value()))
                    .putAllAttributes(r.headers())
                    .build())
            .get(30, TimeUnit.SECONDS);
      }
    } finally {
      publisher.shutdown();
      publisher.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Reads the dead letters without taking them: pulls them, then nacks them so the replay finds
   * them.
   */
  private static List<PubsubMessage> readDeadLetters(TransportChannelProvider channels, int max)
      throws Exception {
    List<PubsubMessage> out = new ArrayList<>();
    List<String> ackIds = new ArrayList<>();
    String sub = ProjectSubscriptionName.format(PROJECT, DLQ_SUBSCRIPTION);
    try (SubscriptionAdminClient subs =
        SubscriptionAdminClient.create(
            SubscriptionAdminSettings.newBuilder()
                .setTransportChannelProvider(channels)
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build())) {
      for (int empty = 0; empty < 2 && out.size() < max; ) {
        List<ReceivedMessage> got =
            subs.pull(PullRequest.newBuilder().setSubscription(sub).setMaxMessages(100).build())
                .getReceivedMessagesList();
        if (got.isEmpty()) {
          empty++;
        }
        for (ReceivedMessage m : got) {
          out.add(m.getMessage());
          ackIds.add(m.getAckId());
        }
      }
      if (!ackIds.isEmpty()) {
        subs.modifyAckDeadline(sub, ackIds, 0);
      }
    }
    // in publish order: the test server's message ids are m1, m2, ... (shorter ids first)
    out.sort(
        java.util.Comparator.comparing(
                (PubsubMessage m) ->
                    m.getAttributesOrDefault(DeadLetterAttributes.ORIGIN_MESSAGE_ID, "").length())
            .thenComparing(
                m -> m.getAttributesOrDefault(DeadLetterAttributes.ORIGIN_MESSAGE_ID, "")));
    return out;
  }

  private static void printDeadLetters(List<PubsubMessage> deadLetters) {
    Demo.say("Dead-letter topic " + DLQ_TOPIC + " holds " + deadLetters.size() + " messages:");
    for (PubsubMessage dl : deadLetters) {
      System.out.printf(
          "  %-20s %-28s message %-5s %s%n",
          dl.getAttributesOrDefault(DeadLetterAttributes.REASON, ""),
          dl.getAttributesOrDefault(DeadLetterAttributes.EVENT_NAME, "null"),
          dl.getAttributesOrDefault(DeadLetterAttributes.ORIGIN_MESSAGE_ID, ""),
          Demo.firstError(dl.getAttributesOrDefault(DeadLetterAttributes.ERRORS, null)));
    }
  }

  private static long replayFailed(TransportChannelProvider channels) {
    // the same code path as `event-contracts replay --transport pubsub --project demo
    // --from matching-service-dlq-reader --filter reason=FAILED`
    PubSubReplaySummary summary;
    try (PubSubDeadLetterReplayer replayer =
        PubSubDeadLetterReplayer.builder(PROJECT)
            .channelProvider(channels)
            .credentialsProvider(NoCredentialsProvider.create())
            .from(DLQ_SUBSCRIPTION)
            .filter("reason", Outcome.FAILED.name())
            .build()) {
      summary = replayer.run();
    }
    System.out.printf(
        "  read %d dead letters, %d matched reason=FAILED, %d replayed (by reason: %s)%n",
        summary.read(), summary.matched(), summary.replayed(), summary.reasons());
    return summary.replayed();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("the consumer did not finish within " + WAIT);
      }
      Thread.sleep(100);
    }
  }
}
