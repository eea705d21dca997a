package dev.eventcontracts.kafka.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.jdbc.JdbcDedupStore;
import dev.eventcontracts.jdbc.JdbcEntityVersionStore;
import dev.eventcontracts.jdbc.JdbcTransactionalStore;
import dev.eventcontracts.kafka.KafkaDeadLetterSink;
import dev.eventcontracts.kafka.KafkaEventConsumer;
import dev.eventcontracts.kafka.KafkaHeaders;
import dev.eventcontracts.kafka.crash.CrashMessage.Expect;
import dev.eventcontracts.pipeline.EventContext;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.redis.RedisDedupStore;
import dev.eventcontracts.redis.RedisEntityVersionStore;
import dev.eventcontracts.testing.server.EmbeddedKafkaBroker;
import dev.eventcontracts.testing.server.PostgresServer;
import dev.eventcontracts.testing.server.RedisServer;
import io.lettuce.core.RedisClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Outages under a running consumer, each on a real server taken down and brought back: PostgreSQL
 * stopped and restarted (default and transactional modes), Redis stopped and restarted, the
 * dead-letter destination's broker down, the source broker restarted. Each time: nothing lost,
 * nothing applied twice, nothing acknowledged unfinished, and the same consumer recovers without a
 * restart. The stream is the crash test's ({@link CrashStream}: fresh versions, duplicates, stale
 * versions and invalid events), checked against its {@link ExpectedModel}.
 */
class OutageTest {
  private static final Path RECRUITING = Path.of("../examples/registries/recruiting");
  private static final int EVENTS = Integer.getInteger("outage.events", 3_000);
  private static final int PARTITIONS = 3;
  private static final Duration OUTAGE = Duration.ofSeconds(4);
  private static final Duration DEADLINE = Duration.ofSeconds(180);

  enum Fault {
    POSTGRES_DEFAULT_MODE,
    POSTGRES_TRANSACTIONAL_MODE,
    REDIS,
    DEAD_LETTER_BROKER,
    SOURCE_BROKER
  }

  /** What a run leaves behind, for the checks and the docs' table. */
  record Run(
      Object fault,
      int events,
      Map<String, Integer> applications,
      List<ProcessingResult> results,
      Set<String> deadLetteredIds,
      int retriesDuringOutage) {}

  @ParameterizedTest
  @EnumSource(Fault.class)
  void nothingLostNothingAppliedTwiceAndTheConsumerRecovers(Fault fault) throws Exception {
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      Run run = run(fault, resources);
      check(run, lastMessages);
    } finally {
      for (int i = resources.size() - 1; i >= 0; i--) {
        try {
          resources.get(i).close();
        } catch (Exception e) {
          // closing after a failed run must not hide its failure
        }
      }
    }
  }

  private Run run(Fault fault, List<AutoCloseable> resources) throws Exception {
    EmbeddedKafkaBroker source =
        fault == Fault.SOURCE_BROKER ? EmbeddedKafkaBroker.start() : EmbeddedKafkaBroker.shared();
    resources.add(source);
    EmbeddedKafkaBroker deadLetters =
        fault == Fault.DEAD_LETTER_BROKER ? EmbeddedKafkaBroker.start() : source;
    resources.add(deadLetters);
    String topic = "outage-" + fault.name().toLowerCase() + "-" + UUID.randomUUID();
    source.createTopic(topic, PARTITIONS);
    deadLetters.createTopic(topic + ".dlq", 1);
    List<CrashMessage> messages = publish(source, topic);
    ExpectedModel.compute(messages);

    // the side effect: handler runs in the default mode, committed rows in the transactional one
    Map<String, Integer> applications = new ConcurrentHashMap<>();
    Queue<String> secondApplications = new ConcurrentLinkedQueue<>();
    EventPipeline.Builder pipeline = EventPipeline.builder(ContractRegistry.load(RECRUITING));
    Runnable down;
    Runnable up;
    HikariDataSource[] database = new HikariDataSource[1];
    switch (fault) {
      case POSTGRES_DEFAULT_MODE, POSTGRES_TRANSACTIONAL_MODE -> {
        PostgresServer postgres = PostgresServer.start();
        resources.add(postgres);
        HikariDataSource pool = pool(postgres);
        resources.add(pool);
        database[0] = pool;
        if (fault == Fault.POSTGRES_DEFAULT_MODE) {
          JdbcDedupStore dedup = JdbcDedupStore.builder(pool).table("outage_keys").build();
          dedup.createSchema();
          JdbcEntityVersionStore versions =
              JdbcEntityVersionStore.builder(pool).table("outage_positions").build();
          versions.createSchema();
          pipeline.dedupStore(dedup).entityVersionStore(versions);
        } else {
          JdbcTransactionalStore store =
              JdbcTransactionalStore.builder(pool)
                  .dedupTable("outage_tx_keys")
                  .positionTable("outage_tx_positions")
                  .build();
          store.createSchema();
          try (var c = pool.getConnection();
              Statement s = c.createStatement()) {
            s.execute("CREATE TABLE applied (event_key TEXT PRIMARY KEY)");
          }
          pipeline.transactionalStore(store);
        }
        down = postgres::stop;
        up = postgres::restart;
      }
      case REDIS -> {
        RedisServer redis = RedisServer.startPersistent();
        resources.add(redis);
        RedisClient client = RedisClient.create(redis.uri());
        resources.add(client::shutdown);
        pipeline
            // a call waits at most 1 s, so each lane fails several times within the outage; at
            // the default 5 s, a call made late in the outage could outlast it and succeed
            .dedupStore(
                RedisDedupStore.builder(client)
                    .keyPrefix("outage:keys:")
                    .timeout(Duration.ofSeconds(1))
                    .build())
            .entityVersionStore(
                RedisEntityVersionStore.builder(client)
                    .keyPrefix("outage:pos:")
                    .timeout(Duration.ofSeconds(1))
                    .build());
        down = redis::stop;
        up = redis::restart;
      }
      case DEAD_LETTER_BROKER -> {
        down = deadLetters::shutdown;
        up = deadLetters::restart;
      }
      default -> {
        down = source::shutdown;
        up = source::restart;
      }
    }
    boolean transactional = fault == Fault.POSTGRES_TRANSACTIONAL_MODE;
    // A store or sink fault must strike while events remain: once a third of the stream is
    // handled, the handler waits until the server is down, so a fast path cannot finish the stream
    // first. (A source broker restart needs no gate: its check is that nothing is lost.)
    boolean gated = fault != Fault.SOURCE_BROKER;
    CountDownLatch struck = new CountDownLatch(gated ? 1 : 0);
    AtomicInteger handled = new AtomicInteger();
    int third = messages.size() / 3;
    for (String name : List.of("profile.updated", "job.updated")) {
      pipeline.handler(
          HandlerBinding.ofJson(
              name,
              (payload, context) -> {
                if (handled.incrementAndGet() > third
                    && !struck.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                  throw new IllegalStateException("the fault never struck");
                }
                String key = contractKey(context);
                if (transactional) {
                  try (PreparedStatement insert =
                      context
                          .connection()
                          .prepareStatement(
                              "INSERT INTO applied (event_key) VALUES (?) ON CONFLICT DO NOTHING")) {
                    insert.setString(1, key);
                    if (insert.executeUpdate() == 0) {
                      secondApplications.add(key); // the row was there: applied before
                    }
                  }
                } else {
                  applications.merge(key, 1, Integer::sum);
                }
              }));
    }
    Map<String, Object> producerProperties =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            deadLetters.bootstrapServers(),
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            2_000);
    KafkaDeadLetterSink sink =
        KafkaDeadLetterSink.builder(producerProperties).sendTimeout(Duration.ofSeconds(2)).build();
    resources.add(sink);
    pipeline.deadLetterSink(sink).sinkRetryDelay(Duration.ofMillis(500));
    pipeline.inProgressDelay(Duration.ofMillis(500));

    Queue<ProcessingResult> results = new ConcurrentLinkedQueue<>();
    AtomicInteger retriesDuringOutage = new AtomicInteger();
    String group = "outage-" + UUID.randomUUID();
    Map<String, Object> consumerProperties = new HashMap<>();
    consumerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, source.bootstrapServers());
    consumerProperties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerProperties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    consumerProperties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    long[] ends = ends(messages);
    long lastCommitted;
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
                    retriesDuringOutage.incrementAndGet();
                  }
                })
            .build()) {
      consumer.start();
      // the fault strikes once about a third of the stream is through
      awaitTrue(
          () -> results.size() >= third || handled.get() > third, DEADLINE, "a third processed");
      down.run();
      struck.countDown();
      Thread.sleep(OUTAGE.toMillis());
      up.run();
      lastCommitted = awaitCommitted(source, group, topic, ends);
      assertThat(consumer.failure()).as("the consumer never failed").isEmpty();
    }
    assertThat(lastCommitted).isEqualTo(messages.size());
    Set<String> deadLetteredIds = readDeadLetterIds(deadLetters, topic + ".dlq");
    if (transactional) {
      try (var c = database[0].getConnection();
          Statement s = c.createStatement();
          var rows = s.executeQuery("SELECT event_key FROM applied")) {
        while (rows.next()) {
          applications.merge(rows.getString(1), 1, Integer::sum);
        }
      }
      secondApplications.forEach(k -> applications.merge(k, 1, Integer::sum));
    }
    return new Run(
        fault,
        messages.size(),
        applications,
        List.copyOf(results),
        deadLetteredIds,
        retriesDuringOutage.get());
  }

  static void check(Run run, List<CrashMessage> lastMessages) {
    // the messages are regenerated from the seed to compare, placed as the broker placed them
    Map<String, Integer> applied = run.applications();
    Map<String, List<Outcome>> outcomesByPosition = new HashMap<>();
    for (ProcessingResult r : run.results()) {
      if (r.acknowledged()) {
        outcomesByPosition
            .computeIfAbsent(
                r.message().origin().partition() + "@" + r.message().origin().offset(),
                k -> new ArrayList<>())
            .add(r.outcome());
      }
    }
    int expectedApply = 0;
    int ambiguousCommits = 0;
    List<String> problems = new ArrayList<>();
    for (CrashMessage m : lastMessages) {
      List<Outcome> outcomes =
          outcomesByPosition.getOrDefault(m.partition + "@" + m.offset, List.of());
      if (outcomes.isEmpty()) {
        problems.add(m + ": no final outcome (lost)");
        continue;
      }
      switch (m.expect) {
        case APPLY -> {
          expectedApply++;
          if (applied.getOrDefault(m.contractKey(), 0) != 1) {
            problems.add(m + ": applied " + applied.get(m.contractKey()) + " times");
          }
          long processed = outcomes.stream().filter(o -> o == Outcome.PROCESSED).count();
          if (processed > 1
              || outcomes.stream()
                  .anyMatch(o -> o != Outcome.PROCESSED && o != Outcome.DUPLICATE)) {
            problems.add(m + ": " + outcomes);
          } else if (processed == 0) {
            // a commit whose answer was lost with the connection: the transaction did commit (the
            // effect is there, once, checked above), so the redelivery found the key recorded;
            // only the transactional mode has such a commit
            if (run.fault() != Fault.POSTGRES_TRANSACTIONAL_MODE) {
              problems.add(m + ": never PROCESSED " + outcomes);
            }
            ambiguousCommits++;
          }
        }
        case STALE -> {
          if (outcomes.stream().anyMatch(o -> o != Outcome.STALE && o != Outcome.DUPLICATE)) {
            problems.add(m + ": " + outcomes);
          }
        }
        case DUPLICATE -> {
          if (outcomes.stream().anyMatch(o -> o != Outcome.DUPLICATE)) {
            problems.add(m + ": " + outcomes);
          }
        }
        case DEAD_LETTER -> {
          if (outcomes.stream().anyMatch(o -> o != Outcome.INVALID)) {
            problems.add(m + ": " + outcomes);
          }
          if (!run.deadLetteredIds().contains(m.eventId)) {
            problems.add(m + ": not in the dead-letter topic");
          }
        }
      }
    }
    if (applied.size() != expectedApply) {
      problems.add(applied.size() + " keys applied, " + expectedApply + " expected");
    }
    long invalid = lastMessages.stream().filter(m -> m.expect == Expect.DEAD_LETTER).count();
    System.out.printf(
        "outage %s: %d events in, %d applied (%d expected), %d applied twice, %d lost,"
            + " %d invalid, %d dead-lettered ids, %d retries while down,"
            + " %d commits whose answer was lost%n",
        run.fault(),
        run.events(),
        applied.size(),
        expectedApply,
        applied.values().stream().filter(n -> n > 1).count(),
        problems.stream().filter(p -> p.contains("lost")).count(),
        invalid,
        run.deadLetteredIds().size(),
        run.retriesDuringOutage(),
        ambiguousCommits);
    assertThat(problems).as("problems").isEmpty();
    if (run.fault() != Fault.SOURCE_BROKER && run.fault() instanceof Fault) {
      // the store or sink outage was felt: messages were retried, not acknowledged
      assertThat(run.retriesDuringOutage()).as("retries while down").isPositive();
    }
  }

  private List<CrashMessage> lastMessages = List.of();

  private List<CrashMessage> publish(EmbeddedKafkaBroker broker, String topic) throws Exception {
    CrashStream stream = CrashStream.generate(EVENTS, 300, 20261204L);
    List<CrashMessage> messages = stream.messages();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (CrashMessage m : messages) {
        sent.add(producer.send(new ProducerRecord<>(topic, m.kafkaKey(), m.value)));
      }
      for (int i = 0; i < messages.size(); i++) {
        RecordMetadata meta = sent.get(i).get(30, TimeUnit.SECONDS);
        messages.get(i).partition = meta.partition();
        messages.get(i).offset = meta.offset();
      }
    }
    lastMessages = messages;
    return messages;
  }

  private static long[] ends(List<CrashMessage> messages) {
    long[] ends = new long[PARTITIONS];
    for (CrashMessage m : messages) {
      ends[m.partition] = Math.max(ends[m.partition], m.offset + 1);
    }
    return ends;
  }

  static String contractKey(EventContext context) {
    // the contracts' own keys (name:entity:version), as the model derives them
    String key = context.idempotencyKey();
    return key.substring(key.indexOf('/') + 1);
  }

  static HikariDataSource pool(PostgresServer postgres) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(postgres.dataSource());
    config.setMaximumPoolSize(6);
    config.setConnectionTimeout(1_000);
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  /** Waits until the group has committed every partition to its end; returns the sum. */
  static long awaitCommitted(EmbeddedKafkaBroker broker, String group, String topic, long[] ends) {
    AtomicLong sum = new AtomicLong();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      await("every partition of " + topic + " committed to its end")
          .atMost(DEADLINE)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions() // the broker may still be coming back
          .until(
              () -> {
                Map<TopicPartition, OffsetAndMetadata> committed =
                    admin
                        .listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(5, TimeUnit.SECONDS);
                long total = 0;
                boolean done = true;
                for (int p = 0; p < ends.length; p++) {
                  OffsetAndMetadata o = committed.get(new TopicPartition(topic, p));
                  long offset = o == null ? 0 : o.offset();
                  total += offset;
                  done &= offset >= ends[p];
                }
                sum.set(total);
                return done;
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("not everything committed within " + DEADLINE + ": " + sum.get(), e);
    }
    return sum.get();
  }

  static void awaitTrue(
      java.util.function.BooleanSupplier condition, Duration timeout, String what) {
    await(what).atMost(timeout).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
  }

  static Set<String> readDeadLetterIds(EmbeddedKafkaBroker broker, String topic) {
    Set<String> ids = new HashSet<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      await(topic + " read to its end")
          .atMost(Duration.ofSeconds(30))
          .pollInSameThread() // a consumer is used by one thread
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                  var header = r.headers().lastHeader(KafkaHeaders.DLQ_EVENT_ID);
                  if (header != null) {
                    ids.add(new String(header.value(), StandardCharsets.UTF_8));
                  }
                }
                return c.position(tp) >= end;
              });
    }
    return ids;
  }
}
