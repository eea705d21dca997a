package dev.eventcontracts.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.kafka.DeadLetterReplayer;
import dev.eventcontracts.kafka.KafkaDeadLetterSink;
import dev.eventcontracts.kafka.KafkaEventConsumer;
import dev.eventcontracts.kafka.KafkaHeaders;
import dev.eventcontracts.kafka.ReplaySummary;
import dev.eventcontracts.metrics.MetricNames;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.testing.server.EmbeddedKafkaBroker;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The demo: starts a real Kafka broker (KRaft) in this JVM, publishes a seed-000 stream with
 * duplicates, stale versions, invalid events, an unknown version, an unknown event, garbage and a
 * replay, consumes it with the SDK on in-memory stores, prints what happened, then replays the dead
 * letters that are fixable (handler failures) and prints the result. Exits by itself.
 *
 * <p>Run from the repository root: {@code java -jar examples/target/demo.jar [REGISTRY_DIR]}; with
 * {@code --transport pubsub} the same story runs on the Pub/Sub test server ({@link PubSubDemo}).
 */
public final class Demo {
  static final String TOPIC = "recruiting.events";
  static final String DLQ = TOPIC + ".dlq";
  static final String GROUP = "matching-service";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final List<String> sideEffects = new CopyOnWriteArrayList<>();
  final AtomicBoolean notificationsDown = new AtomicBoolean(true);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  Demo() {}

  /** Runs the demo. */
  public static void main(String[] args) throws Exception {
    String transport = "kafka";
    String registryArg = "examples/registries/recruiting";
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--transport") && i + 1 < args.length) {
        transport = args[++i];
      } else if (args[i].startsWith("--transport=")) {
        transport = args[i].substring("--transport=".length());
      } else {
        registryArg = args[i];
      }
    }
    Path registryDir = Path.of(registryArg);
    if (!Files.isDirectory(registryDir)) {
      System.err.println("registry not found: " + registryDir + " (run from the repository root)");
      System.exit(2);
    }
    ContractRegistry registry = ContractRegistry.load(registryDir);
    switch (transport) {
      case "kafka" -> new Demo().run(registry);
      case "pubsub" -> {
        if (!PubSubDemo.serverAvailable()) {
          System.exit(2);
        }
        new PubSubDemo(new Demo()).run(registry);
      }
      default -> {
        System.err.println("unknown transport " + transport + " (kafka or pubsub)");
        System.exit(2);
      }
    }
    System.exit(0); // client threads (gRPC) must not keep the demo running
  }

  private void run(ContractRegistry registry) throws Exception {
    say("Starting a Kafka broker (KRaft) in this JVM ...");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      broker.createTopic(TOPIC, 3);
      broker.createTopic(DLQ, 1);
      String bootstrap = broker.bootstrapServers();
      say("Broker up at " + bootstrap + "; topics " + TOPIC + " (3 partitions) and " + DLQ);

      List<DemoStream.DemoRecord> stream = DemoStream.build();
      publish(bootstrap, stream);
      say("Published " + stream.size() + " records:");
      for (int i = 0; i < stream.size(); i++) {
        System.out.printf("  %2d  %s%n", i + 1, stream.get(i).story());
      }

      EventPipeline pipeline = pipeline(registry, bootstrap);
      try (KafkaEventConsumer consumer = consumer(pipeline, bootstrap)) {
        consumer.start();
        awaitCommitted(bootstrap, TOPIC);
        printOutcomes("First pass", registry);
        List<ConsumerRecord<byte[], byte[]>> deadLetters = readAll(bootstrap, DLQ);
        printDeadLetters(deadLetters);
        printSideEffects();

        say(
            "The notification service is back. Replaying the FAILED dead letters with replay=true ...");
        notificationsDown.set(false);
        long replayed = replayFailed(bootstrap);
        say("Re-published " + replayed + " records to " + TOPIC);
        awaitCommitted(bootstrap, TOPIC);
        printOutcomes("After the replay", registry);
        printSideEffects();
      }
    }
    say("Done.");
  }

  private EventPipeline pipeline(ContractRegistry registry, String bootstrap) {
    return pipeline(
        registry,
        KafkaDeadLetterSink.builder(producerProperties(bootstrap)).consumerGroup(GROUP).build());
  }

  /** The demo's pipeline: in-memory stores, 3 attempts, a handler for every contract. */
  EventPipeline pipeline(ContractRegistry registry, DeadLetterSink deadLetters) {
    EventPipeline.Builder b =
        EventPipeline.builder(registry)
            .dedupStore(DedupStore.inMemory())
            .entityVersionStore(EntityVersionStore.inMemory())
            .deadLetterSink(deadLetters)
            .retry(
                RetryConfig.custom()
                    .maxAttempts(3)
                    .intervalFunction(IntervalFunction.ofExponentialBackoff(100, 2.0))
                    .build())
            .meterRegistry(meters);
    for (var contract : registry.contracts()) {
      String name = contract.name();
      b.handler(HandlerBinding.ofJson(name, (payload, ctx) -> apply(name, payload, ctx.replay())));
    }
    return b.build();
  }

  private void apply(String name, JsonNode payload, boolean replay) {
    if (name.equals("invite.created") && notificationsDown.get()) {
      throw new IllegalStateException("notification-service unavailable");
    }
    String what =
        switch (name) {
          case "profile.updated" ->
              "profile "
                  + payload.get("candidate_id").asText()
                  + " is now v"
                  + payload.get("profile_version").asText();
          case "job.updated" ->
              "job "
                  + payload.get("job_id").asText()
                  + " is now v"
                  + payload.get("job_version").asText()
                  + " ("
                  + payload.get("status").asText()
                  + ")";
          case "invite.created" ->
              "invite "
                  + payload.get("invite_id").asText()
                  + " sent to "
                  + payload.get("candidate_id").asText();
          default -> name + " applied";
        };
    sideEffects.add(what + (replay ? "  [replay]" : ""));
  }

  private static KafkaEventConsumer consumer(EventPipeline pipeline, String bootstrap) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    return KafkaEventConsumer.builder(pipeline)
        .consumerProperties(props)
        .groupId(GROUP)
        .topics(List.of(TOPIC))
        .build();
  }

  private static Properties producerProperties(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return p;
  }

  private static void publish(String bootstrap, List<DemoStream.DemoRecord> stream)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(producerProperties(bootstrap))) {
      for (DemoStream.DemoRecord r : stream) {
        ProducerRecord<byte[], byte[]> record =
            new ProducerRecord<>(TOPIC, r.key().getBytes(StandardCharsets.UTF_8), r.value());
        r.headers().forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        producer.send(record).get();
      }
    }
  }

  private static long replayFailed(String bootstrap) {
    // the same code path as `event-contracts replay --from recruiting.events.dlq --filter
    // reason=FAILED`
    ReplaySummary summary =
        DeadLetterReplayer.builder(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))
            .from(DLQ)
            .filter("reason", Outcome.FAILED.name())
            .build()
            .run();
    System.out.printf(
        "  read %d dead letters, %d matched reason=FAILED, %d replayed (by reason: %s)%n",
        summary.read(), summary.matched(), summary.replayed(), summary.reasons());
    return summary.replayed();
  }

  private static void awaitCommitted(String bootstrap, String topic) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      await(
          () -> {
            try {
              var partitions =
                  admin
                      .describeTopics(List.of(topic))
                      .allTopicNames()
                      .get()
                      .get(topic)
                      .partitions();
              Map<TopicPartition, OffsetSpec> latest =
                  new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
              partitions.forEach(
                  p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
              var ends = admin.listOffsets(latest).all().get();
              Map<TopicPartition, OffsetAndMetadata> committed =
                  admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
              for (var e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                if (e.getValue().offset() > 0
                    && (c == null || c.offset() < e.getValue().offset())) {
                  return false;
                }
              }
              return true;
            } catch (Exception e) {
              return false;
            }
          });
    }
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

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
      Instant deadline = Instant.now().plus(WAIT);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))
          && Instant.now().isBefore(deadline)) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  void printOutcomes(String title, ContractRegistry registry) {
    say(title + ": outcome per event (counter " + MetricNames.EVENTS + ")");
    Map<String, Map<String, Long>> table = new TreeMap<>();
    for (Counter c : meters.find(MetricNames.EVENTS).counters()) {
      String event = c.getId().getTag(MetricNames.TAG_EVENT);
      String outcome = c.getId().getTag(MetricNames.TAG_OUTCOME);
      table
          .computeIfAbsent(event, k -> new TreeMap<>())
          .merge(outcome, (long) c.count(), Long::sum);
    }
    List<Outcome> columns = List.of(Outcome.values());
    StringBuilder header = new StringBuilder(String.format("  %-32s", "event"));
    columns.forEach(o -> header.append(String.format(" %10s", abbreviate(o.name()))));
    System.out.println(header);
    Map<String, Long> totals = new TreeMap<>();
    table.forEach(
        (event, counts) -> {
          StringBuilder row = new StringBuilder(String.format("  %-32s", event));
          for (Outcome o : columns) {
            long n = counts.getOrDefault(o.name(), 0L);
            totals.merge(o.name(), n, Long::sum);
            row.append(String.format(" %10s", n == 0 ? "." : Long.toString(n)));
          }
          System.out.println(row);
        });
    StringBuilder total = new StringBuilder(String.format("  %-32s", "total"));
    columns.forEach(o -> total.append(String.format(" %10d", totals.getOrDefault(o.name(), 0L))));
    System.out.println(total);
  }

  private static String abbreviate(String outcome) {
    return outcome.length() <= 10 ? outcome : outcome.substring(0, 10);
  }

  private static void printDeadLetters(List<ConsumerRecord<byte[], byte[]>> deadLetters) {
    say("Dead-letter topic " + DLQ + " holds " + deadLetters.size() + " records:");
    for (ConsumerRecord<byte[], byte[]> dl : deadLetters) {
      System.out.printf(
          "  %-20s %-28s offset %-3s %s%n",
          header(dl, KafkaHeaders.DLQ_REASON),
          String.valueOf(header(dl, KafkaHeaders.DLQ_EVENT_NAME)),
          header(dl, KafkaHeaders.DLQ_ORIGIN_OFFSET),
          firstError(header(dl, KafkaHeaders.DLQ_ERRORS)));
    }
  }

  static String firstError(String errorsJson) {
    if (errorsJson == null) {
      return "";
    }
    try {
      JsonNode errors = new com.fasterxml.jackson.databind.ObjectMapper().readTree(errorsJson);
      List<String> parts = new ArrayList<>();
      errors.forEach(e -> parts.add(e.asText()));
      String joined = String.join("; ", parts);
      return joined.length() > 110 ? joined.substring(0, 107) + "..." : joined;
    } catch (Exception e) {
      return errorsJson;
    }
  }

  void printSideEffects() {
    say("Handler side effects so far (" + sideEffects.size() + "):");
    sideEffects.forEach(s -> System.out.println("  " + s));
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static void say(String line) {
    System.out.println();
    System.out.println("== " + line);
  }
}
