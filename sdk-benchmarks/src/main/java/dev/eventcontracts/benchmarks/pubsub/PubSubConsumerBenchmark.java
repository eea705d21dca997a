package dev.eventcontracts.benchmarks.pubsub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.core.ApiFuture;
import com.google.api.gax.batching.BatchingSettings;
import com.google.api.gax.batching.FlowControlSettings;
import com.google.api.gax.core.InstantiatingExecutorProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.TopicName;
import dev.eventcontracts.benchmarks.Registries;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pubsub.PubSubEventConsumer;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.server.PubSubServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End-to-end Pub/Sub consumer benchmark on the pstest server of sdk-testing: how much of a bare
 * Subscriber's throughput {@link PubSubEventConsumer} with the whole pipeline keeps, and what it
 * costs in CPU per message.
 *
 * <p>Starts a private {@link PubSubServer}, creates one subscription per run on one topic,
 * publishes {@code messages} seed-000 events once (every subscription gets them all), then runs
 * interleaved, {@code rounds} times:
 *
 * <ul>
 *   <li>(a) a bare {@code Subscriber} whose receiver parses the data with Jackson {@code readTree},
 *       reads one field and acks;
 *   <li>(b) {@code PubSubEventConsumer} with the pipeline on the in-memory dedup and entity-version
 *       stores and a handler bound to every contract.
 * </ul>
 *
 * <p>Both use the same executor threads, flow control and one StreamingPull stream. A run ends when
 * every message was acked (a) or had a final result (b). Reported per run: messages per second,
 * this process's CPU seconds per million messages (the server's CPU is not included; it runs the
 * same work for both).
 *
 * <pre>
 * java -cp sdk-benchmarks/target/benchmarks.jar \
 *     dev.eventcontracts.benchmarks.pubsub.PubSubConsumerBenchmark [messages] [rounds] [threads]
 * </pre>
 */
public final class PubSubConsumerBenchmark {
  private static final String PROJECT = "benchmark";
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> OTHERS =
      List.of(
          "candidate.document.uploaded",
          "candidate.document.parsed",
          "invite.created",
          "invite.expired",
          "qa.submitted",
          "packet.ready",
          "billing.usage.updated");

  private PubSubConsumerBenchmark() {}

  /** Runs the benchmark; arguments: messages (50,000), rounds (3), executor threads (2). */
  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    ContractRegistry registry = Registries.recruiting();
    try (PubSubServer server = PubSubServer.start()) {
      ManagedChannel channel =
          ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
      TransportChannelProvider channels =
          FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
      String topic = TopicName.format(PROJECT, "events");
      List<double[]> ratios = new ArrayList<>();
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
        System.out.printf(
            Locale.ROOT,
            "%d messages, %d rounds, %d executor threads, load before %s%n",
            messages,
            rounds,
            threads,
            load());
        for (int r = 0; r < rounds; r++) {
          Result a = null;
          Result b = null;
          for (String run : List.of("a", "b")) {
            // one subscription at a time, made just before its messages are published and deleted
            // after its run: pstest scans every message of every subscription every 10 ms
            String name = ProjectSubscriptionName.format(PROJECT, run + r);
            subs.createSubscription(
                Subscription.newBuilder()
                    .setName(name)
                    .setTopic(topic)
                    .setAckDeadlineSeconds(60)
                    .build());
            publish(channels, topic, messages);
            if (run.equals("a")) {
              a = bare(channels, name, messages, threads);
            } else {
              b = sdk(channels, name, messages, threads, registry);
            }
            subs.deleteSubscription(name);
          }
          System.out.printf(Locale.ROOT, "round %d (a) bare Subscriber + readTree: %s%n", r + 1, a);
          System.out.printf(Locale.ROOT, "round %d (b) PubSubEventConsumer:        %s%n", r + 1, b);
          double rate = b.perSecond() / a.perSecond();
          double cpu = a.cpuPerMillion() / b.cpuPerMillion();
          ratios.add(new double[] {rate, cpu});
          System.out.printf(
              Locale.ROOT,
              "round %d ratios: msg/s (b)/(a) %.2f, CPU (a)/(b) %.2f%n",
              r + 1,
              rate,
              cpu);
        }
      }
      ratios.sort((x, y) -> Double.compare(x[0], y[0]));
      System.out.printf(
          Locale.ROOT,
          "median msg/s ratio (b)/(a): %.2f; load after %s%n",
          ratios.get(ratios.size() / 2)[0],
          load());
      channel.shutdownNow();
    }
    System.exit(0); // the client's daemon-less executors would keep the JVM alive
  }

  /** One run's figures. */
  record Result(long messages, long nanos, long cpuNanos) {
    double perSecond() {
      return messages * 1e9 / nanos;
    }

    double cpuPerMillion() {
      return cpuNanos / 1e9 / messages * 1e6;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%,.0f msg/s, %.2f s CPU per million messages (%.1f s)",
          perSecond(),
          cpuPerMillion(),
          nanos / 1e9);
    }
  }

  private static void publish(TransportChannelProvider channels, String topic, int count)
      throws Exception {
    Publisher publisher =
        Publisher.newBuilder(topic)
            .setChannelProvider(channels)
            .setCredentialsProvider(NoCredentialsProvider.create())
            .setBatchingSettings(
                BatchingSettings.newBuilder()
                    .setElementCountThreshold(500L)
                    .setRequestByteThreshold(1_000_000L)
                    .setDelayThresholdDuration(Duration.ofMillis(10))
                    .build())
            .build();
    RecruitingEvents events = RecruitingEvents.withSeed(0);
    List<ApiFuture<String>> pending = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = i % 10 == 9 ? OTHERS.get((i / 10) % OTHERS.size()) : "profile.updated";
      ObjectNode event = events.event(name, i);
      if (i % 10 != 0) {
        event.remove(List.of("tenant_id", "correlation_id", "schema_ref"));
      }
      pending.add(
          publisher.publish(
              PubsubMessage.newBuilder()
                  .setData(ByteString.copyFrom(RecruitingEvents.bytes(event)))
                  .build()));
      if (pending.size() == 5_000) {
        for (ApiFuture<String> f : pending) {
          f.get(60, TimeUnit.SECONDS);
        }
        pending.clear();
      }
    }
    for (ApiFuture<String> f : pending) {
      f.get(60, TimeUnit.SECONDS);
    }
    publisher.shutdown();
    publisher.awaitTermination(30, TimeUnit.SECONDS);
  }

  private static Result bare(
      TransportChannelProvider channels, String subscription, int messages, int threads)
      throws Exception {
    AtomicLong done = new AtomicLong();
    CountDownLatch all = new CountDownLatch(1);
    AtomicLong sink = new AtomicLong();
    Subscriber subscriber =
        Subscriber.newBuilder(
                subscription,
                (PubsubMessage message, com.google.cloud.pubsub.v1.AckReplyConsumer reply) -> {
                  try {
                    JsonNode event = JSON.readTree(message.getData().toByteArray());
                    sink.addAndGet(event.path("event_id").asText().length());
                  } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                  }
                  reply.ack();
                  if (done.incrementAndGet() == messages) {
                    all.countDown();
                  }
                })
            .setChannelProvider(channels)
            .setCredentialsProvider(NoCredentialsProvider.create())
            .setFlowControlSettings(flowControl())
            .setParallelPullCount(1)
            .setExecutorProvider(
                InstantiatingExecutorProvider.newBuilder().setExecutorThreadCount(threads).build())
            .build();
    return time(
        messages,
        () -> subscriber.startAsync().awaitRunning(),
        all,
        () -> subscriber.stopAsync().awaitTerminated(30, TimeUnit.SECONDS));
  }

  private static Result sdk(
      TransportChannelProvider channels,
      String subscription,
      int messages,
      int threads,
      ContractRegistry registry)
      throws Exception {
    EventPipeline.Builder builder =
        EventPipeline.builder(registry).deadLetterSink(DeadLetterSink.inMemory());
    Registries.handleEveryEvent(builder, registry, (payload, context) -> {});
    AtomicLong done = new AtomicLong();
    AtomicLong notProcessed = new AtomicLong();
    CountDownLatch all = new CountDownLatch(1);
    PubSubEventConsumer consumer =
        PubSubEventConsumer.builder(builder.build())
            .subscription(subscription)
            .channelProvider(channels)
            .credentialsProvider(NoCredentialsProvider.create())
            .concurrency(threads)
            .flowControl(1_000, 100L * 1024 * 1024)
            .onResult(
                result -> {
                  if (result.acknowledged()) {
                    if (result.outcome() != dev.eventcontracts.pipeline.Outcome.PROCESSED) {
                      notProcessed.incrementAndGet();
                    }
                    if (done.incrementAndGet() == messages) {
                      all.countDown();
                    }
                  }
                })
            .build();
    Result result = time(messages, consumer::start, all, consumer::close);
    if (notProcessed.get() > 0) {
      throw new IllegalStateException(notProcessed.get() + " messages were not PROCESSED");
    }
    return result;
  }

  private static FlowControlSettings flowControl() {
    return FlowControlSettings.newBuilder()
        .setMaxOutstandingElementCount(1_000L)
        .setMaxOutstandingRequestBytes(100L * 1024 * 1024)
        .build();
  }

  /** An action that may throw. */
  private interface Step {
    void run() throws Exception;
  }

  private static Result time(int messages, Step start, CountDownLatch all, Step stop)
      throws Exception {
    System.gc();
    long cpu0 = processCpu();
    long t0 = System.nanoTime();
    start.run();
    if (!all.await(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("run did not finish within " + RUN_TIMEOUT);
    }
    long nanos = System.nanoTime() - t0;
    long cpu = processCpu() - cpu0;
    stop.run();
    return new Result(messages, nanos, cpu);
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String load() {
    return String.format(
        Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
