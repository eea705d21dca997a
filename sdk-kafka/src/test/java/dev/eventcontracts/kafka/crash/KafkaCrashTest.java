package dev.eventcontracts.kafka.crash;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.jdbc.JdbcTransactionalStore;
import dev.eventcontracts.kafka.KafkaDeadLetterSink;
import dev.eventcontracts.kafka.KafkaEventConsumer;
import dev.eventcontracts.kafka.KafkaHeaders;
import dev.eventcontracts.kafka.KafkaTestHooks;
import dev.eventcontracts.kafka.crash.CrashMessage.Expect;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.testing.server.EmbeddedKafkaBroker;
import dev.eventcontracts.testing.server.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exactly-once effects under crashes, end to end: a real Kafka broker, a real PostgreSQL, the SDK's
 * {@link KafkaEventConsumer} and {@link EventPipeline} in transactional mode on {@link
 * JdbcTransactionalStore}, and consumers killed abruptly ({@link KafkaTestHooks#kill}: no commit)
 * while they work.
 *
 * <ol>
 *   <li>Generates a deterministic stream ({@link CrashStream}: {@code crash.events} messages, 10%
 *       duplicates, 5% stale versions, 2% invalid, over {@code crash.entities} entities), produces
 *       it to a 6-partition topic keyed by entity id, and computes from the broker's order the
 *       {@link ExpectedModel}: what must be applied, deduplicated, found stale or dead-lettered.
 *   <li>Runs 3 consumers in one group, each with its own pipeline and {@link KafkaDeadLetterSink}
 *       on one shared store; the handler ({@link SideEffectHandler}) writes {@code applied} and
 *       {@code entity_state} through the transaction's connection and checks in SQL that nothing is
 *       applied twice and no entity moves backwards.
 *   <li>Injures the run three ways while it goes:
 *       <ul>
 *         <li><b>kills</b>: each time the group's committed progress passes one of {@code
 *             crash.kills} marks evenly spaced over the first 80%, kills a random consumer (no
 *             commit: the work since its last commit is delivered again) and starts a fresh one in
 *             the same group;
 *         <li><b>crashes inside the transaction</b>: the handler throws after its writes on the
 *             first delivery of {@code crash.failurePerMille} of the events; the writes must roll
 *             back and the retry must apply them once;
 *         <li><b>zombies</b>: {@code crash.stalls} times, a consumer's handler sleeps in its open
 *             transaction longer than {@code max.poll.interval.ms}; the group expels it and hands
 *             its partitions to another consumer while it still works, and once awake it finishes
 *             its poll batch at the same time as the new owner.
 *       </ul>
 *   <li>Waits until every partition's committed offset reaches its end offset (bounded by {@code
 *       crash.timeoutSeconds}), then checks the database, the dead-letter topic and every record's
 *       results against the model, prints the counts, and fails with everything that differs.
 * </ol>
 *
 * <p>Tagged {@code crash} for selection, and runs in the normal build (60 to 95 s on 2 vCPUs). With
 * {@code -Dcrash.mutation=no_dedup|no_ordering|side_effects_outside} the store is deliberately
 * broken ({@link MutatedStore}) and the test must fail: a check that it can.
 */
@Tag("crash")
class KafkaCrashTest {
  private static final int EVENTS = Integer.getInteger("crash.events", 100_000);
  private static final int ENTITIES = Integer.getInteger("crash.entities", 5_000);
  private static final long SEED = Long.getLong("crash.seed", 20260203L);
  private static final int KILLS = Integer.getInteger("crash.kills", 9);
  private static final int CONCURRENCY = Integer.getInteger("crash.concurrency", 2);
  private static final int FAILURE_PER_MILLE = Integer.getInteger("crash.failurePerMille", 1);
  private static final int STALLS = Integer.getInteger("crash.stalls", 2);
  private static final int MAX_POLL_INTERVAL_MS = 4_000;
  private static final long STALL_MS = Long.getLong("crash.stallMillis", 6_500);
  private static final Duration CONSUME_TIMEOUT =
      Duration.ofSeconds(Long.getLong("crash.timeoutSeconds", 300));
  private static final MutatedStore.Mutation MUTATION = MutatedStore.Mutation.fromProperty();
  private static final int CONSUMERS = 3;
  private static final int PARTITIONS = 6;
  private static final Path RECRUITING = Path.of("../examples/registries/recruiting");
  private static final int EXAMPLES = 10;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String topic = "crash-" + run;
  private final String dlqTopic = topic + KafkaDeadLetterSink.DEFAULT_TOPIC_SUFFIX;
  private final String group = "crash-group-" + run;
  private final String schema = "crash_" + run;

  private final Queue<String> anomalies = new ConcurrentLinkedQueue<>();
  private final AtomicLong handlerCalls = new AtomicLong();
  private final AtomicLong injectedFailures = new AtomicLong();
  private final AtomicLong batchedCalls = new AtomicLong();
  private final AtomicLongArray zombieTransactions = ZombieWatch.newCounts();
  private final AtomicInteger partitionsLost = new AtomicInteger();
  private final AtomicInteger zombiesTold = new AtomicInteger();
  private final AtomicInteger assignments = new AtomicInteger();
  private final AtomicInteger rebalanceRounds = new AtomicInteger();
  private final AtomicLong lastAssignmentNanos = new AtomicLong(Long.MIN_VALUE);
  private final AtomicInteger memberNumbers = new AtomicInteger();
  private final List<String> problems = new ArrayList<>();

  private EmbeddedKafkaBroker broker;
  private ContractRegistry registry;
  private JdbcTransactionalStore store;
  private TransactionalStore pipelineStore;
  private OutcomeLog outcomes;

  /** One consumer of the group with its own pipeline, dead-letter sink and handler. */
  private record Member(
      String name,
      KafkaEventConsumer consumer,
      KafkaDeadLetterSink sink,
      SideEffectHandler handler) {}

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void killedConsumersLeaveExactlyOnceEffects() throws Exception {
    long testStart = System.nanoTime();
    broker = EmbeddedKafkaBroker.shared();
    registry = ContractRegistry.load(RECRUITING);
    broker.createTopic(topic, PARTITIONS);
    broker.createTopic(dlqTopic, 1);

    // ---- the stream, produced, and the model of what must become of it
    long phase = System.nanoTime();
    CrashStream stream = CrashStream.generate(EVENTS, ENTITIES, SEED);
    List<CrashMessage> messages = stream.messages();
    long generateNanos = System.nanoTime() - phase;
    phase = System.nanoTime();
    long[] endOffsets = produce(messages);
    long produceNanos = System.nanoTime() - phase;
    long totalEnd = Arrays.stream(endOffsets).sum();
    assertThat(totalEnd).as("records in the topic").isEqualTo(messages.size());
    ExpectedModel model = ExpectedModel.compute(messages);
    checkGenerator(stream, model);
    CrashMessage[][] byOffset = index(messages, endOffsets);

    HikariDataSource pool = pool();
    try (Admin admin = admin()) {
      createTables(pool);
      outcomes = new OutcomeLog(topic, endOffsets);

      // ---- consume with kills
      phase = System.nanoTime();
      Member[] members = new Member[CONSUMERS];
      Random victims = new Random(SEED);
      int kills = 0;
      int stalls = 0;
      long killNanos = 0;
      long consumeNanos;
      List<String> killLog = new ArrayList<>();
      try {
        for (int i = 0; i < CONSUMERS; i++) {
          members[i] = startMember();
        }
        long deadline = System.nanoTime() + CONSUME_TIMEOUT.toNanos();
        while (true) {
          long committed = committed(admin, endOffsets.length);
          if (committed == totalEnd) {
            break;
          }
          if (System.nanoTime() - deadline > 0) {
            throw new AssertionError(
                "the group committed "
                    + committed
                    + " of "
                    + totalEnd
                    + " records within "
                    + CONSUME_TIMEOUT
                    + "; retries "
                    + outcomes.retries()
                    + " "
                    + outcomes.retryExamples()
                    + "; anomalies "
                    + anomalies);
          }
          for (Member m : members) {
            if (!m.consumer().isRunning()) {
              throw new AssertionError(
                  m.name() + " stopped on its own", m.consumer().failure().orElse(null));
            }
          }
          // kill marks spread over the first 80% of the stream: committed progress is bursty (a
          // zombie's partitions commit in one jump once their new owner has caught up)
          int victim =
              kills < KILLS && committed >= totalEnd * 0.8 * (kills + 1) / KILLS
                  ? victim(members, victims)
                  : -1;
          if (victim >= 0) {
            Member dying = members[victim];
            long killStart = System.nanoTime();
            KafkaTestHooks.kill(dying.consumer());
            killNanos += System.nanoTime() - killStart;
            dying.sink().close();
            members[victim] = startMember();
            kills++;
            killLog.add(
                String.format(
                    Locale.ROOT,
                    "kill %d at %.1f s, %d/%d committed: %s -> %s (kill took %d ms)",
                    kills,
                    seconds(System.nanoTime() - phase),
                    committed,
                    totalEnd,
                    dying.name(),
                    members[victim].name(),
                    (System.nanoTime() - killStart) / 1_000_000));
          }
          // stall marks at 24% and 64% for 2, between the kill marks
          if (stalls < STALLS && committed >= totalEnd * 0.8 * (stalls + 0.6) / STALLS) {
            Member stalling = members[victims.nextInt(CONSUMERS)];
            stalling.handler().stallOnce(STALL_MS);
            stalls++;
            killLog.add(
                String.format(
                    Locale.ROOT,
                    "stall %d at %.1f s, %d/%d committed: %s sleeps %d ms in a transaction",
                    stalls,
                    seconds(System.nanoTime() - phase),
                    committed,
                    totalEnd,
                    stalling.name(),
                    STALL_MS));
          }
          Thread.sleep(100);
        }
        consumeNanos = System.nanoTime() - phase;
      } finally {
        closeAll(members);
      }
      killLog.forEach(System.out::println);

      // ---- verify
      phase = System.nanoTime();
      List<ConsumerRecord<byte[], byte[]>> deadLetters = readAll(dlqTopic);
      DbState db = readDatabase(pool);
      checkResults(messages);
      checkDatabase(messages, model, db);
      long failOnce = checkInjectedFailures(db);
      DlqCounts dlq = checkDeadLetters(messages, byOffset, deadLetters);
      long verifyNanos = System.nanoTime() - phase;

      // ---- report, then fail with everything that went wrong
      Set<String> eventIds = new HashSet<>();
      messages.forEach(m -> eventIds.add(m.eventId));
      CrashStream.Counts c = stream.counts();
      String summary =
          String.join(
              "\n",
              "=== Kafka crash test " + Instant.now() + " ===",
              line(
                  "messages",
                  c.total(),
                  "%d partitions, %d entities, seed %d".formatted(PARTITIONS, ENTITIES, SEED)),
              line("  fresh versions", c.fresh(), ""),
              line("  duplicates", c.duplicates(), "byte-for-byte re-sends"),
              line("  stale versions", c.stale(), ""),
              line("  invalid", c.invalid(), "a required field removed"),
              line("unique events", eventIds.size(), "distinct event ids"),
              line(
                  "expected",
                  model.count(Expect.APPLY),
                  "apply; %d duplicate, %d stale, %d dead-letter"
                      .formatted(
                          model.count(Expect.DUPLICATE),
                          model.count(Expect.STALE),
                          model.count(Expect.DEAD_LETTER))),
              line("applied", db.applied.size(), "rows in applied"),
              line(
                  "handler calls",
                  handlerCalls.get(),
                  ("committed or rolled back; %d failed after their writes (%d events, rolled"
                          + " back); %d added the applied row to the transaction's batch")
                      .formatted(injectedFailures.get(), failOnce, batchedCalls.get())),
              line(
                  "results",
                  outcomes.totalAcknowledged(),
                  "PROCESSED %d, DUPLICATE %d, STALE %d, INVALID %d, FAILED %d; %d retries"
                      .formatted(
                          outcomes.total(Outcome.PROCESSED),
                          outcomes.total(Outcome.DUPLICATE),
                          outcomes.total(Outcome.STALE),
                          outcomes.total(Outcome.INVALID),
                          outcomes.total(Outcome.FAILED),
                          outcomes.retries())),
              line(
                  "redelivered",
                  outcomes.totalAcknowledged() - messages.size(),
                  "results beyond one per record (work redone after kills)"),
              line(
                  "dead-lettered",
                  dlq.distinctEventIds,
                  "distinct event ids; %d DLQ records for %d invalid records"
                      .formatted(deadLetters.size(), dlq.invalidRecords)),
              line(
                  "kills",
                  kills,
                  "kill() took %d ms on average"
                      .formatted(kills == 0 ? 0 : killNanos / kills / 1_000_000)),
              line(
                  "rebalances",
                  rebalanceRounds.get(),
                  "rounds; %d onPartitionsAssigned calls".formatted(assignments.get())),
              line(
                  "stalls",
                  stalls,
                  ("%d ms each; %d partitions lost, %d stalled consumers told of their expulsion;"
                          + " expelled consumers then ran %d transactions"
                          + " (%d PROCESSED, %d DUPLICATE, %d STALE)")
                      .formatted(
                          STALL_MS,
                          partitionsLost.get(),
                          zombiesTold.get(),
                          zombie(Outcome.PROCESSED)
                              + zombie(Outcome.DUPLICATE)
                              + zombie(Outcome.STALE),
                          zombie(Outcome.PROCESSED),
                          zombie(Outcome.DUPLICATE),
                          zombie(Outcome.STALE))),
              line("anomalies", anomalies.size(), "double applications or backward moves"),
              String.format(
                  Locale.ROOT,
                  "%-16s %9.1f s  (generate %.1f, produce %.1f, consume %.1f = %.0f msg/s,"
                      + " verify %.1f)",
                  "wall time",
                  seconds(System.nanoTime() - testStart),
                  seconds(generateNanos),
                  seconds(produceNanos),
                  seconds(consumeNanos),
                  messages.size() / seconds(consumeNanos),
                  seconds(verifyNanos)),
              (MUTATION == MutatedStore.Mutation.NONE ? "" : "MUTATION " + MUTATION + "; ")
                  + "machine: "
                  + Runtime.getRuntime().availableProcessors()
                  + " CPUs, JDK "
                  + System.getProperty("java.version")
                  + ", consumer concurrency "
                  + CONCURRENCY);
      System.out.println(summary);
      System.out.flush();

      assertThat(kills).as("kills").isEqualTo(KILLS);
      assertThat(stalls).as("stalls").isEqualTo(STALLS);
      if (STALLS > 0) {
        // the client tells an expelled member by onPartitionsLost, or by onPartitionsRevoked when
        // it rejoins before it noticed that its generation was reset: either shows the expulsion
        assertThat(zombiesTold.get()).as("stalled consumers told of their expulsion").isPositive();
      }
      assertThat(anomalies).as("anomalies seen by the handler").isEmpty();
      assertThat(problems).as("problems found").isEmpty();
      dropSchema(pool);
    } finally {
      pool.close();
    }
  }

  private long zombie(Outcome outcome) {
    return zombieTransactions.get(outcome.ordinal());
  }

  // ------------------------------------------------------------------ producing

  /** Sends every message keyed by entity and returns each partition's end offset. */
  private long[] produce(List<CrashMessage> messages) throws Exception {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true); // keeps each partition in send order
    p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    List<Future<RecordMetadata>> sent = new ArrayList<>(messages.size());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (CrashMessage m : messages) {
        sent.add(producer.send(new ProducerRecord<>(topic, m.kafkaKey(), m.value)));
      }
      producer.flush();
    }
    long[] end = new long[PARTITIONS];
    long[] lastSeqOffset = new long[PARTITIONS];
    Arrays.fill(lastSeqOffset, -1);
    for (int i = 0; i < messages.size(); i++) {
      RecordMetadata meta = sent.get(i).get(30, TimeUnit.SECONDS);
      CrashMessage m = messages.get(i);
      m.partition = meta.partition();
      m.offset = meta.offset();
      if (m.offset <= lastSeqOffset[m.partition]) {
        throw new AssertionError("the broker reordered partition " + m.partition + " at " + m);
      }
      lastSeqOffset[m.partition] = m.offset;
      end[m.partition] = Math.max(end[m.partition], m.offset + 1);
    }
    return end;
  }

  /** The generator's kinds and the model's expectations must agree (the stream is as designed). */
  private static void checkGenerator(CrashStream stream, ExpectedModel model) {
    CrashStream.Counts c = stream.counts();
    int invalidResends = 0;
    for (CrashMessage m : stream.messages()) {
      if (m.kind == CrashMessage.Kind.DUPLICATE && !m.valid) {
        invalidResends++;
      }
    }
    assertThat(model.count(Expect.APPLY)).as("fresh versions are applied").isEqualTo(c.fresh());
    assertThat(model.count(Expect.STALE)).as("stale versions are stale").isEqualTo(c.stale());
    assertThat(model.count(Expect.DEAD_LETTER))
        .as("invalid events and their re-sends are dead-lettered")
        .isEqualTo(c.invalid() + invalidResends);
    assertThat(model.count(Expect.DUPLICATE))
        .as("re-sends of valid events are duplicates")
        .isEqualTo(c.duplicates() - invalidResends);
  }

  private static CrashMessage[][] index(List<CrashMessage> messages, long[] endOffsets) {
    CrashMessage[][] byOffset = new CrashMessage[endOffsets.length][];
    for (int p = 0; p < endOffsets.length; p++) {
      byOffset[p] = new CrashMessage[Math.toIntExact(endOffsets[p])];
    }
    for (CrashMessage m : messages) {
      byOffset[m.partition][Math.toIntExact(m.offset)] = m;
    }
    return byOffset;
  }

  // ------------------------------------------------------------------ consuming

  private Member startMember() {
    String name = "consumer-" + memberNumbers.incrementAndGet();
    KafkaDeadLetterSink sink =
        KafkaDeadLetterSink.builder(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))
            .build();
    SideEffectHandler handler =
        new SideEffectHandler(
            schema,
            name,
            anomalies,
            handlerCalls,
            FAILURE_PER_MILLE,
            injectedFailures,
            batchedCalls);
    EventPipeline pipeline =
        EventPipeline.builder(registry)
            .transactionalStore(new ZombieWatch(pipelineStore, handler::zombie, zombieTransactions))
            .deadLetterSink(sink)
            .handler("profile.updated", JsonNode.class, handler)
            .handler("job.updated", JsonNode.class, handler)
            .owner(name)
            .build();
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
    if (STALLS > 0) {
      // a stall longer than this gets the consumer expelled while it still works
      props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, MAX_POLL_INTERVAL_MS);
    }
    KafkaEventConsumer consumer =
        KafkaEventConsumer.builder(pipeline)
            .consumerProperties(props)
            .groupId(group)
            .topics(topic)
            .pollTimeout(Duration.ofMillis(200))
            .concurrency(CONCURRENCY)
            .rebalanceListener(new Counting(handler))
            .onResult(outcomes::record)
            .build();
    consumer.start();
    return new Member(name, consumer, sink, handler);
  }

  /**
   * Counts assignments, rebalance rounds (bursts of assignments 500 ms apart) and lost partitions,
   * and tells the handler that its consumer has caught up with the group.
   */
  private final class Counting implements ConsumerRebalanceListener {
    private final SideEffectHandler handler;

    Counting(SideEffectHandler handler) {
      this.handler = handler;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (handler.rebalanced("revoked " + partitions.size())) {
        zombiesTold.incrementAndGet();
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitionsLost.addAndGet(partitions.size());
      if (handler.rebalanced("lost " + partitions.size())) {
        zombiesTold.incrementAndGet();
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      handler.rebalanced("assigned " + partitions.size());
      assignments.incrementAndGet();
      long now = System.nanoTime();
      long last = lastAssignmentNanos.getAndSet(now);
      if (last == Long.MIN_VALUE || now - last > 500_000_000L) {
        rebalanceRounds.incrementAndGet();
      }
    }
  }

  /** A random member to kill, skipping one whose stall must play out; -1 when all are busy. */
  private static int victim(Member[] members, Random victims) {
    int victim = victims.nextInt(members.length);
    for (int i = 0; i < members.length; i++) {
      if (!members[victim].handler().busy()) {
        return victim;
      }
      victim = (victim + 1) % members.length;
    }
    return -1;
  }

  private static void closeAll(Member[] members) {
    for (Member m : members) {
      if (m != null) {
        m.consumer().close();
      }
    }
    for (Member m : members) {
      if (m != null) {
        m.sink().close();
      }
    }
  }

  private long committed(Admin admin, int partitions) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
    long sum = 0;
    for (int p = 0; p < partitions; p++) {
      OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, p));
      sum += offset == null ? 0 : offset.offset();
    }
    return sum;
  }

  // ------------------------------------------------------------------ checking

  /** Every record has results, and they are the ones its expectation allows. */
  private void checkResults(List<CrashMessage> messages) {
    List<String> wrong = new ArrayList<>();
    int unprocessed = 0;
    for (CrashMessage m : messages) {
      int p = m.partition;
      long o = m.offset;
      int all = outcomes.results(p, o);
      int processed = outcomes.count(p, o, Outcome.PROCESSED);
      int duplicate = outcomes.count(p, o, Outcome.DUPLICATE);
      int stale = outcomes.count(p, o, Outcome.STALE);
      int invalid = outcomes.count(p, o, Outcome.INVALID);
      if (all == 0) {
        unprocessed++;
        example(wrong, "no result for " + m);
        continue;
      }
      boolean ok =
          switch (m.expect) {
            case APPLY -> processed == 1 && processed + duplicate == all;
            case DUPLICATE -> duplicate == all;
            case STALE -> stale == 1 && stale + duplicate == all;
            case DEAD_LETTER -> invalid == all;
          };
      if (!ok) {
        example(
            wrong,
            "%s: PROCESSED %d, DUPLICATE %d, STALE %d, INVALID %d of %d results"
                .formatted(m, processed, duplicate, stale, invalid, all));
      }
    }
    problem(unprocessed + " records without any result", unprocessed == 0);
    problem("results that break the model: " + wrong, wrong.isEmpty());
    problem("results from elsewhere: " + outcomes.strays(), outcomes.strays().isEmpty());
    problem(
        "FAILED results (handler dead-lettered)",
        outcomes.total(Outcome.FAILED) == 0 && outcomes.total(Outcome.MALFORMED) == 0);
  }

  /** The tables after the run. */
  private static final class DbState {
    // event:entity:version -> event id, idempotency key, delivery attempt
    final Map<String, String[]> applied = new HashMap<>();
    final Map<String, Long> entityState = new HashMap<>();
    final Map<String, Long> positions = new HashMap<>();
    long processedKeys;
  }

  private DbState readDatabase(DataSource dataSource) throws Exception {
    DbState db = new DbState();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rows =
          s.executeQuery(
              "SELECT event_name, entity, version, event_id, event_key, delivery_attempt FROM "
                  + schema
                  + ".applied")) {
        while (rows.next()) {
          String id = rows.getString(1) + ":" + rows.getString(2) + ":" + rows.getLong(3);
          String[] previous =
              db.applied.put(
                  id, new String[] {rows.getString(4), rows.getString(5), rows.getString(6)});
          problem("two applied rows for " + id, previous == null);
        }
      }
      try (ResultSet rows =
          s.executeQuery("SELECT entity, version FROM " + schema + ".entity_state")) {
        while (rows.next()) {
          db.entityState.put(rows.getString(1), rows.getLong(2));
        }
      }
      try (ResultSet rows =
          s.executeQuery("SELECT entity, position FROM " + store.positionTable())) {
        while (rows.next()) {
          // the SDK scopes entities by tenant and contract: t<n>:<t>/<m>:<event>/<id>
          String[] parts = rows.getString(1).split("/");
          String contract = parts[parts.length - 2];
          String entity =
              contract.substring(contract.indexOf(':') + 1) + "/" + parts[parts.length - 1];
          long position = rows.getLong(2);
          db.positions.put(entity, rows.wasNull() ? null : position);
        }
      }
      try (ResultSet rows = s.executeQuery("SELECT count(*) FROM " + store.dedupTable())) {
        rows.next();
        db.processedKeys = rows.getLong(1);
      }
    }
    return db;
  }

  private void checkDatabase(List<CrashMessage> messages, ExpectedModel model, DbState db) {
    // applied == expected, by (event, entity, version), with the right event id
    Set<String> expected = new HashSet<>();
    List<String> missing = new ArrayList<>();
    List<String> wrongEvent = new ArrayList<>();
    Map<String, Long> maxValid = new HashMap<>();
    for (CrashMessage m : messages) {
      if (m.valid) {
        maxValid.merge(m.orderingEntity(), m.version, Math::max);
      }
      if (m.expect != Expect.APPLY) {
        continue;
      }
      expected.add(m.contractKey());
      String[] row = db.applied.get(m.contractKey());
      if (row == null) {
        example(missing, m.toString());
      } else if (!m.eventId.equals(row[0])) {
        example(wrongEvent, m + " applied as event " + row[0]);
      }
    }
    List<String> unexpected = new ArrayList<>();
    for (String id : db.applied.keySet()) {
      if (!expected.contains(id)) {
        example(unexpected, id);
      }
    }
    problem("expected but not applied: " + missing, missing.isEmpty());
    problem("applied but not expected: " + unexpected, unexpected.isEmpty());
    problem("applied from the wrong event: " + wrongEvent, wrongEvent.isEmpty());
    problem(
        "applied rows " + db.applied.size() + " != expected " + model.count(Expect.APPLY),
        db.applied.size() == model.count(Expect.APPLY));

    // every entity ends at its highest valid version, in the handler's table and the store's
    problem(
        "the model's final versions differ from the highest valid versions",
        maxValid.equals(model.finalVersions()));
    problem(
        "entity_state differs from the highest valid versions: "
            + difference(maxValid, db.entityState),
        maxValid.equals(db.entityState));
    problem(
        "the store's positions differ from the highest valid versions: "
            + difference(maxValid, db.positions),
        maxValid.equals(db.positions));

    // the store recorded every valid key once: applied and stale ones
    long keys = model.count(Expect.APPLY) + model.count(Expect.STALE);
    problem(
        "processed keys " + db.processedKeys + " != applied + stale " + keys,
        db.processedKeys == keys);
  }

  /**
   * The events chosen to fail after their writes were applied by a later attempt (the first one's
   * writes rolled back, or the retry would have found them), and no other event was retried.
   *
   * @return how many applied events were chosen to fail once
   */
  private long checkInjectedFailures(DbState db) {
    long chosen = 0;
    List<String> wrong = new ArrayList<>();
    for (String[] row : db.applied.values()) {
      boolean fails = SideEffectHandler.failsOnce(row[1], FAILURE_PER_MILLE);
      int attempt = Integer.parseInt(row[2]);
      if (fails) {
        chosen++;
      }
      if (fails != (attempt > 1)) {
        example(wrong, row[1] + " applied at delivery attempt " + attempt);
      }
    }
    problem("applied at the wrong attempt: " + wrong, wrong.isEmpty());
    problem(
        "injected failures " + injectedFailures.get() + " < events chosen to fail " + chosen,
        injectedFailures.get() >= chosen);
    return chosen;
  }

  /** What the dead-letter topic holds. */
  private record DlqCounts(int distinctEventIds, int invalidRecords) {}

  private DlqCounts checkDeadLetters(
      List<CrashMessage> messages,
      CrashMessage[][] byOffset,
      List<ConsumerRecord<byte[], byte[]>> deadLetters) {
    Set<String> invalidIds = new HashSet<>();
    Set<String> invalidOrigins = new HashSet<>();
    for (CrashMessage m : messages) {
      if (m.expect == Expect.DEAD_LETTER) {
        invalidIds.add(m.eventId);
        invalidOrigins.add(m.partition + "@" + m.offset);
      }
    }
    Set<String> ids = new HashSet<>();
    Set<String> origins = new HashSet<>();
    List<String> wrong = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
      String reason = header(r, KafkaHeaders.DLQ_REASON);
      String originTopic = header(r, KafkaHeaders.DLQ_ORIGIN_TOPIC);
      String partition = header(r, KafkaHeaders.DLQ_ORIGIN_PARTITION);
      String offset = header(r, KafkaHeaders.DLQ_ORIGIN_OFFSET);
      String eventId = header(r, KafkaHeaders.DLQ_EVENT_ID);
      CrashMessage m = null;
      if (topic.equals(originTopic) && partition != null && offset != null) {
        int p = Integer.parseInt(partition);
        long o = Long.parseLong(offset);
        if (p >= 0 && p < byOffset.length && o >= 0 && o < byOffset[p].length) {
          m = byOffset[p][(int) o];
        }
      }
      if (m == null) {
        example(
            wrong,
            "DLQ record " + r.offset() + " from an unknown origin " + partition + "@" + offset);
        continue;
      }
      ids.add(eventId);
      origins.add(m.partition + "@" + m.offset);
      if (m.expect != Expect.DEAD_LETTER
          || !"INVALID".equals(reason)
          || !m.eventId.equals(eventId)
          || !Arrays.equals(m.value, r.value())
          || !Arrays.equals(m.kafkaKey(), r.key())) {
        example(
            wrong,
            "DLQ record " + r.offset() + " (" + reason + ", event " + eventId + ") for " + m);
      }
    }
    problem("wrong dead letters: " + wrong, wrong.isEmpty());
    problem(
        "distinct dead-lettered event ids " + ids.size() + " != invalid ids " + invalidIds.size(),
        ids.equals(invalidIds));
    Set<String> notDeadLettered = new HashSet<>(invalidOrigins);
    notDeadLettered.removeAll(origins);
    problem("invalid records never dead-lettered: " + notDeadLettered, notDeadLettered.isEmpty());
    // one DLQ record per INVALID result: none lost, none made up (kills make some results twice)
    problem(
        "DLQ records "
            + deadLetters.size()
            + " != INVALID results "
            + outcomes.total(Outcome.INVALID),
        deadLetters.size() == outcomes.total(Outcome.INVALID));
    return new DlqCounts(ids.size(), invalidOrigins.size());
  }

  private static String difference(Map<String, Long> expected, Map<String, Long> actual) {
    List<String> diff = new ArrayList<>();
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      Long a = actual.get(e.getKey());
      if (!e.getValue().equals(a)) {
        example(diff, e.getKey() + " expected " + e.getValue() + " was " + a);
      }
    }
    for (String k : actual.keySet()) {
      if (!expected.containsKey(k)) {
        example(diff, k + " unexpected " + actual.get(k));
      }
    }
    return diff.toString();
  }

  private void problem(String description, boolean ok) {
    if (!ok) {
      problems.add(description);
    }
  }

  private static void example(List<String> list, String example) {
    if (list.size() < EXAMPLES) {
      list.add(example);
    } else if (list.size() == EXAMPLES) {
      list.add("...");
    }
  }

  // ------------------------------------------------------------------ infrastructure

  private HikariDataSource pool() {
    HikariConfig config = new HikariConfig();
    config.setDataSource(PostgresServer.shared().dataSource());
    config.setPoolName("crash");
    config.setMaximumPoolSize(CONSUMERS * CONCURRENCY + 4); // a kill overlaps its successor
    return new HikariDataSource(config);
  }

  private void createTables(DataSource dataSource) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    store =
        JdbcTransactionalStore.builder(dataSource)
            .dedupTable(schema + ".event_processed")
            .positionTable(schema + ".entity_position")
            .build();
    store.createSchema();
    pipelineStore = MutatedStore.of(store, dataSource, MUTATION);
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE "
              + schema
              + ".applied (event_key text PRIMARY KEY, event_name text NOT NULL,"
              + " entity text NOT NULL, version bigint NOT NULL, event_id text NOT NULL,"
              + " source_partition int NOT NULL, source_offset bigint NOT NULL,"
              + " consumer text NOT NULL, delivery_attempt int NOT NULL,"
              + " applied_at timestamptz NOT NULL DEFAULT clock_timestamp())");
      s.execute(
          "CREATE TABLE "
              + schema
              + ".entity_state (entity text PRIMARY KEY, version bigint NOT NULL)");
    }
  }

  private void dropSchema(DataSource dataSource) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  /** Every record of {@code name} up to its end offsets. */
  private List<ConsumerRecord<byte[], byte[]>> readAll(String name) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      c.partitionsFor(name).forEach(i -> partitions.add(new TopicPartition(name, i.partition())));
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions);
      Awaitility.await(name + " read to its end " + end)
          .atMost(Duration.ofSeconds(60))
          .pollInSameThread() // a consumer is used by one thread
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                if (partitions.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) {
                  return true;
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
                return false;
              });
    }
    return out;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static String line(String label, long count, String note) {
    return String.format(Locale.ROOT, "%-16s %9d  %s", label, count, note).stripTrailing();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
