package dev.eventcontracts.kafka.crash;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.jdbc.JdbcDedupStore;
import dev.eventcontracts.jdbc.JdbcEntityVersionStore;
import dev.eventcontracts.kafka.KafkaDeadLetterSink;
import dev.eventcontracts.kafka.KafkaEventConsumer;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.server.EmbeddedKafkaBroker;
import dev.eventcontracts.testing.server.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The soak run, recorded in docs/reliability.md and not part of the normal build: continuous
 * traffic through the Kafka adapter for {@code -Dsoak.minutes} minutes at {@code -Dsoak.rate}
 * messages per second, with a fault every minute in turn: PostgreSQL (the dedup and ordering
 * stores) stopped and restarted, the dead-letter broker down, the source broker restarted. Then the
 * outage test's checks over the whole stream.
 *
 * <pre>
 * ./mvnw -B -pl sdk-kafka -am test -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dsoak.minutes=15 -Djacoco.skip=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "soak.minutes", matches = "\\d+")
class SoakTest {
  private static final Path RECRUITING = Path.of("../examples/registries/recruiting");
  private static final Duration FAULT_LENGTH = Duration.ofSeconds(10);

  @Test
  void continuousTrafficWithAFaultEveryMinute() throws Exception {
    int minutes = Integer.getInteger("soak.minutes");
    int rate = Integer.getInteger("soak.rate", 300);
    int total = minutes * 60 * rate;
    List<AutoCloseable> resources = new ArrayList<>();
    try (EmbeddedKafkaBroker source = EmbeddedKafkaBroker.start();
        EmbeddedKafkaBroker dlqBroker = EmbeddedKafkaBroker.start();
        PostgresServer postgres = PostgresServer.start();
        HikariDataSource pool = OutageTest.pool(postgres)) {
      String topic = "soak-" + UUID.randomUUID();
      source.createTopic(topic, 3);
      dlqBroker.createTopic(topic + ".dlq", 1);
      JdbcDedupStore dedup = JdbcDedupStore.builder(pool).table("soak_keys").build();
      dedup.createSchema();
      JdbcEntityVersionStore versions =
          JdbcEntityVersionStore.builder(pool).table("soak_positions").build();
      versions.createSchema();
      Map<String, Integer> applications = new ConcurrentHashMap<>();
      EventPipeline.Builder pipeline =
          EventPipeline.builder(ContractRegistry.load(RECRUITING))
              .dedupStore(dedup)
              .entityVersionStore(versions)
              .inProgressDelay(Duration.ofMillis(500))
              .sinkRetryDelay(Duration.ofMillis(500));
      for (String name : List.of("profile.updated", "job.updated")) {
        pipeline.handler(
            HandlerBinding.ofJson(
                name,
                (payload, context) ->
                    applications.merge(OutageTest.contractKey(context), 1, Integer::sum)));
      }
      KafkaDeadLetterSink sink =
          KafkaDeadLetterSink.builder(
                  Map.of(
                      ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                      dlqBroker.bootstrapServers(),
                      ProducerConfig.MAX_BLOCK_MS_CONFIG,
                      2_000))
              .sendTimeout(Duration.ofSeconds(2))
              .build();
      resources.add(sink);
      pipeline.deadLetterSink(sink);

      CrashStream stream = CrashStream.generate(total, 2_000, 20261204L);
      List<CrashMessage> messages = stream.messages();
      AtomicReference<Exception> sendFailure = new AtomicReference<>();
      CountDownLatch sent = new CountDownLatch(messages.size());
      Thread producerThread =
          new Thread(() -> produce(source, topic, messages, rate, sent, sendFailure), "soak-feed");

      Queue<ProcessingResult> results = new ConcurrentLinkedQueue<>();
      AtomicInteger retries = new AtomicInteger();
      Map<String, Object> consumerProperties = new HashMap<>();
      consumerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, source.bootstrapServers());
      consumerProperties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      String group = "soak-" + UUID.randomUUID();
      List<String> faults = new ArrayList<>();
      long started = System.nanoTime();
      try (KafkaEventConsumer consumer =
          KafkaEventConsumer.builder(pipeline.build())
              .consumerProperties(consumerProperties)
              .groupId(group)
              .topics(List.of(topic))
              .concurrency(2)
              .onResult(
                  r -> {
                    results.add(r);
                    if (!r.acknowledged()) {
                      retries.incrementAndGet();
                    }
                  })
              .build()) {
        consumer.start();
        producerThread.start();
        for (int minute = 1; minute < minutes; minute++) {
          Thread.sleep(
              Math.max(0, started + minute * 60_000_000_000L - System.nanoTime()) / 1_000_000);
          String fault =
              switch (minute % 3) {
                case 1 -> "postgres stopped";
                case 2 -> "dead-letter broker down";
                default -> "source broker restarted";
              };
          faults.add("minute " + minute + ": " + fault);
          switch (minute % 3) {
            case 1 -> {
              postgres.stop();
              Thread.sleep(FAULT_LENGTH.toMillis());
              postgres.restart();
            }
            case 2 -> {
              dlqBroker.shutdown();
              Thread.sleep(FAULT_LENGTH.toMillis());
              dlqBroker.restart();
            }
            default -> {
              source.shutdown();
              Thread.sleep(FAULT_LENGTH.toMillis());
              source.restart();
            }
          }
        }
        assertThat(sent.await(10, TimeUnit.MINUTES)).as("everything sent").isTrue();
        assertThat(sendFailure.get()).isNull();
        ExpectedModel.compute(messages);
        long committed = OutageTest.awaitCommitted(source, group, topic, ends(messages));
        assertThat(committed).isEqualTo(messages.size());
        assertThat(consumer.failure()).isEmpty();
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      OutageTest.Run run =
          new OutageTest.Run(
              "soak, " + minutes + " min, " + faults.size() + " faults",
              messages.size(),
              applications,
              List.copyOf(results),
              OutageTest.readDeadLetterIds(dlqBroker, topic + ".dlq"),
              retries.get());
      System.out.printf("soak: %.0f s, faults %s%n", seconds, faults);
      OutageTest.check(run, messages);
    } finally {
      for (AutoCloseable r : resources) {
        r.close();
      }
    }
  }

  private static long[] ends(List<CrashMessage> messages) {
    long[] ends = new long[3];
    for (CrashMessage m : messages) {
      ends[m.partition] = Math.max(ends[m.partition], m.offset + 1);
    }
    return ends;
  }

  private static void produce(
      EmbeddedKafkaBroker broker,
      String topic,
      List<CrashMessage> messages,
      int rate,
      CountDownLatch sent,
      AtomicReference<Exception> failure) {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                300_000),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      long start = System.nanoTime();
      for (int i = 0; i < messages.size(); i++) {
        long due = start + (long) (i * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        CrashMessage m = messages.get(i);
        producer.send(
            new ProducerRecord<>(topic, m.kafkaKey(), m.value),
            (meta, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              } else {
                m.partition = meta.partition();
                m.offset = meta.offset();
              }
              sent.countDown();
            });
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
