package dev.eventcontracts.benchmarks.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventcontracts.benchmarks.Registries;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.NearCache;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.jdbc.JdbcDedupStore;
import dev.eventcontracts.jdbc.JdbcDialect;
import dev.eventcontracts.jdbc.JdbcEntityVersionStore;
import dev.eventcontracts.jdbc.JdbcTransactionalStore;
import dev.eventcontracts.kafka.KafkaEventConsumer;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.redis.RedisDedupStore;
import dev.eventcontracts.redis.RedisEntityVersionStore;
import dev.eventcontracts.testing.server.PostgresServer;
import dev.eventcontracts.testing.server.RedisServer;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.ValidationReport;
import dev.eventcontracts.validation.ValidationStatus;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End-to-end Kafka consumer benchmark: how much of a bare consumer's throughput {@link
 * KafkaEventConsumer} with the full pipeline keeps, and what it costs in CPU per message.
 *
 * <p>Starts a single-node KRaft broker in a separate JVM ({@link BrokerMain}; {@code
 * --in-process-broker} keeps it in this one), produces {@code --messages} seed-000 events once to a
 * topic with 3 partitions ({@link SeedMessages}), then runs these consumers interleaved, {@code
 * --rounds} times, each from the beginning of the topic in a fresh consumer group, until it has
 * consumed every message:
 *
 * <ul>
 *   <li>(a) a bare {@code KafkaConsumer<byte[], byte[]>} that parses each value with Jackson {@code
 *       readTree}, reads one field and commits after each poll;
 *   <li>(b) {@code KafkaEventConsumer} with the pipeline on the in-memory dedup and entity version
 *       stores and a no-op JSON handler bound to every contract, one worker (the default);
 *   <li>(b2) the same with {@code concurrency(2)}: two workers;
 *   <li>(c) with {@code --with-postgres}: the pipeline on {@code JdbcDedupStore} and {@code
 *       JdbcEntityVersionStore} on an embedded PostgreSQL, fresh tables per round, over the first
 *       {@code --pg-messages}, one worker; (c3) the same with {@code concurrency(3)}, a worker per
 *       partition, so three store round trips are in flight; (r) and (r3) the same on {@code
 *       RedisDedupStore} and {@code RedisEntityVersionStore}.
 * </ul>
 *
 * Diagnostic runs, chosen with {@code --runs}: (v) loop (a) with {@code EventValidator.validate}
 * instead of readTree; (b0) run (b) with stores that do nothing ({@link NoopStores}).
 *
 * <p>Each run reports wall time and messages per second, and CPU seconds per million messages of
 * this process (every thread, garbage collection and JIT included), of the consumer's own threads,
 * and of the broker process; the rounds rotate the order of the runs, so drifting machine load
 * spreads over all of them. Per round and as medians it prints (b)/(a) for messages per second and
 * "(a) CPU / (b) CPU" per million messages (above 1 means the pipeline costs less CPU than the bare
 * loop).
 *
 * <pre>
 * java -cp sdk-benchmarks/target/benchmarks.jar \
 *     dev.eventcontracts.benchmarks.kafka.KafkaConsumerBenchmark \
 *     [--messages 1000000] [--rounds 3] [--registry examples/registries/recruiting] \
 *     [--with-postgres] [--pg-messages 200000] [--t1-messages (a tenth of --pg-messages)] \
 *     [--runs a,b,b2,c,c3,t,tu,t1,r,r3,n0,n,v,b0] [--warmup 200000] [--max-poll 500]
 *     [--bare-commit async|sync] [--in-process-broker] [--broker-heap 1g] [--pg-statements]
 *     [--tx-batch 100]
 * </pre>
 */
public final class KafkaConsumerBenchmark {
  static final String TOPIC = "recruiting-bench";
  static final String REPEATS_TOPIC = "recruiting-bench-repeats";
  static final int PARTITIONS = 3;
  static final String BARE_THREAD = "bench-bare-consumer";
  static final String SDK_THREAD_PREFIX = "event-contracts-kafka-";
  static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(30);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final double NANOS = 1e9;

  /** What one run measured. */
  record Result(
      int round,
      Variant variant,
      long messages,
      long wallNanos,
      long toFirstNanos,
      long processCpuNanos,
      long loopCpuNanos,
      long otherJavaCpuNanos,
      long loopAllocatedBytes,
      long gcCount,
      long gcMillis,
      long brokerCpuNanos,
      String load,
      String outcomes) {

    double perSecond() {
      return messages * NANOS / wallNanos;
    }

    double steadyPerSecond() {
      return messages * NANOS / Math.max(1, wallNanos - toFirstNanos);
    }

    /** CPU seconds per million messages. */
    double perMillion(long nanos) {
      return nanos < 0 ? Double.NaN : nanos / NANOS / (messages / 1e6);
    }

    double processCpuPerMillion() {
      return perMillion(processCpuNanos);
    }

    double loopCpuPerMillion() {
      return perMillion(loopCpuNanos);
    }

    double vmCpuPerMillion() {
      return perMillion(Math.max(0, processCpuNanos - loopCpuNanos - otherJavaCpuNanos));
    }

    double otherJavaCpuPerMillion() {
      return perMillion(otherJavaCpuNanos);
    }

    double brokerCpuPerMillion() {
      return perMillion(brokerCpuNanos);
    }

    double allocatedPerMessage() {
      return (double) loopAllocatedBytes / messages;
    }
  }

  private final Options options;
  private final ContractRegistry registry;
  private final BrokerProcess broker;
  private final HikariDataSource dataSource;
  private final StoreCalls storeCalls = new StoreCalls();

  /** What the stores are given: {@link #dataSource} with its borrows counted. */
  private final DataSource storeDataSource;

  private final RedisClient redisClient;
  private int groups;

  private KafkaConsumerBenchmark(
      Options options,
      ContractRegistry registry,
      BrokerProcess broker,
      HikariDataSource dataSource,
      RedisClient redisClient) {
    this.options = options;
    this.registry = registry;
    this.broker = broker;
    this.dataSource = dataSource;
    this.storeDataSource = dataSource == null ? null : storeCalls.counting(dataSource);
    this.redisClient = redisClient;
  }

  /** Runs the benchmark; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Options options = Options.parse(args);
    String loadBefore = Snapshot.loadAverage();
    System.out.printf(
        Locale.ROOT,
        "# Kafka consumer benchmark, %s%n# load average before: %s%n# %d CPUs, %s %s, max heap"
            + " %d MiB, input arguments %s%n# options: %s%n",
        Instant.now(),
        loadBefore,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20,
        ManagementFactory.getRuntimeMXBean().getInputArguments(),
        options);

    ContractRegistry registry =
        options.registry() == null
            ? Registries.recruiting()
            : ContractRegistry.load(options.registry());
    checkInput(registry, 20_000);

    long t0 = System.nanoTime();
    BrokerProcess broker =
        options.inProcessBroker()
            ? BrokerProcess.inProcess()
            : BrokerProcess.separate(options.brokerHeap());
    System.out.printf(
        Locale.ROOT,
        "# broker at %s, %s, started in %.1f s%n",
        broker.bootstrapServers(),
        broker.describe(),
        (System.nanoTime() - t0) / NANOS);
    PostgresServer postgres = null;
    HikariDataSource dataSource = null;
    RedisServer redis = null;
    RedisClient redisClient = null;
    try {
      produce(broker.bootstrapServers(), options.messages());
      if (options.withRepeats()) {
        RepeatingMessages repeats = new RepeatingMessages();
        produce(broker.bootstrapServers(), REPEATS_TOPIC, options.pgMessages(), repeats::next);
      }
      if (options.withRedis()) {
        t0 = System.nanoTime();
        redis = RedisServer.start();
        redisClient = RedisClient.create(redis.uri());
        System.out.printf(
            Locale.ROOT,
            "# Redis at %s, started in %.1f s%n",
            redis.uri(),
            (System.nanoTime() - t0) / NANOS);
      }
      if (options.withPostgres()) {
        t0 = System.nanoTime();
        postgres =
            options.pgStatements()
                ? PostgresServer.start(Map.of("shared_preload_libraries", "pg_stat_statements"))
                : PostgresServer.start();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl());
        config.setUsername(postgres.user());
        config.setPassword(postgres.password());
        config.setMaximumPoolSize(4);
        config.setPoolName("kafka-bench");
        dataSource = new HikariDataSource(config);
        System.out.printf(
            Locale.ROOT,
            "# PostgreSQL at %s, started in %.1f s, %s%n",
            postgres.jdbcUrl(),
            (System.nanoTime() - t0) / NANOS,
            postgresSettings(dataSource));
      }
      KafkaConsumerBenchmark benchmark =
          new KafkaConsumerBenchmark(options, registry, broker, dataSource, redisClient);
      benchmark.run();
    } finally {
      if (redisClient != null) {
        redisClient.shutdown();
      }
      if (redis != null) {
        redis.close();
      }
      if (dataSource != null) {
        dataSource.close();
      }
      if (postgres != null) {
        postgres.close();
      }
      broker.close();
    }
    System.out.printf(
        Locale.ROOT,
        "%n# load average before: %s%n# load average after:  %s%n",
        loadBefore,
        Snapshot.loadAverage());
    System.exit(0); // the Kafka clients' and Hikari's leftover daemon threads must not hold us
  }

  private void run() throws Exception {
    List<Variant> runs = options.runs();
    if (options.warmup() > 0) {
      System.out.printf(
          Locale.ROOT,
          "%n## warm-up (%d messages per run, not counted)%n%s%n",
          options.warmup(),
          header());
      for (Variant v : runs) {
        settle();
        System.out.println(row(run(v, 0, Math.min(options.warmup(), options.target(v)))));
      }
    }
    System.out.printf(Locale.ROOT, "%n## measured runs (order rotates per round)%n%s%n", header());
    List<Result> results = new ArrayList<>();
    for (int round = 1; round <= options.rounds(); round++) {
      for (int k = 0; k < runs.size(); k++) {
        Variant v = runs.get((k + round - 1) % runs.size());
        settle();
        Result r = run(v, round, options.target(v));
        results.add(r);
        System.out.println(row(r));
      }
    }
    summarize(results);
  }

  // ---------------------------------------------------------------- runs

  private Result run(Variant v, int round, int target) throws Exception {
    return switch (v) {
      case A -> runBare(Variant.A, round, target);
      case V -> runBare(Variant.V, round, target);
      case B -> runSdk(v, round, target, 1, DedupStore.inMemory(), EntityVersionStore.inMemory());
      case B2 -> runSdk(v, round, target, 2, DedupStore.inMemory(), EntityVersionStore.inMemory());
      case C -> runSdk(v, round, target, 1, jdbcDedup(round), jdbcVersions(round));
      case C3 -> runSdk(v, round, target, 3, jdbcDedup(round), jdbcVersions(round));
      case T, TU, T1 -> runTransactional(v, round, target);
      case R -> runSdk(v, round, target, 1, redisDedup(v, round), redisVersions(v, round));
      case R3 -> runSdk(v, round, target, 3, redisDedup(v, round), redisVersions(v, round));
      case N0, N -> runRepeats(v, round, target);
      case B0 -> runSdk(v, round, target, 1, NoopStores.dedup(), NoopStores.versions());
    };
  }

  private Map<String, Object> consumerProperties(String group) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, options.maxPoll());
    return p;
  }

  private String newGroup(Variant v, int round) {
    return "bench-" + v.label + "-r" + round + "-" + (++groups) + "-" + System.nanoTime();
  }

  /**
   * (a): poll, readTree every value, read one field, commit after each poll; (v): the same with
   * {@code EventValidator.validate} (envelope, contract, schema) instead of readTree.
   */
  private Result runBare(Variant v, int round, int target) throws Exception {
    Map<String, Object> properties = consumerProperties(newGroup(v, round));
    EventValidator validator = v == Variant.V ? EventValidator.of(registry) : null;
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicLong first = new AtomicLong();
    AtomicLong consumed = new AtomicLong();
    AtomicLong blackhole = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    boolean sync = options.bareCommitSync();
    Thread thread =
        new Thread(
            () -> {
              try (KafkaConsumer<byte[], byte[]> consumer =
                  new KafkaConsumer<>(
                      properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(TOPIC));
                long count = 0;
                long sink = 0;
                while (count < target) {
                  ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                  if (records.isEmpty()) {
                    continue;
                  }
                  if (count == 0) {
                    first.set(System.nanoTime());
                  }
                  for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (validator == null) {
                      JsonNode document = MAPPER.readTree(record.value());
                      sink += document.path("event_name").asText().length();
                    } else {
                      ValidationReport report =
                          validator.validate(InboundMessage.of(record.value()));
                      sink += report.status() == ValidationStatus.VALID ? 1 : 1_000_000_000L;
                    }
                    count++;
                  }
                  if (sync) {
                    consumer.commitSync();
                  } else {
                    consumer.commitAsync();
                  }
                }
                consumed.set(count);
                blackhole.set(sink);
                reached.countDown();
                release.await();
                consumer.commitSync();
              } catch (IOException | RuntimeException | InterruptedException e) {
                failure.set(e);
                reached.countDown();
              }
            },
            BARE_THREAD);
    Snapshot start = Snapshot.take(broker);
    String load = load1();
    thread.start();
    if (!reached.await(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("the bare consumer did not finish within " + RUN_TIMEOUT);
    }
    Snapshot end = Snapshot.take(broker);
    release.countDown();
    thread.join();
    if (failure.get() != null) {
      throw new IllegalStateException("the bare consumer failed", failure.get());
    }
    if (blackhole.get() == 0) {
      throw new IllegalStateException("nothing parsed");
    }
    return result(
        round,
        v,
        consumed.get(),
        start,
        end,
        first.get(),
        BARE_THREAD::equals,
        load,
        validator == null
            ? "parsed=" + consumed.get()
            : "valid=" + (consumed.get() - blackhole.get() / 1_000_000_000L));
  }

  /** (b), (b2), (c), (r): KafkaEventConsumer with the pipeline and a no-op handler. */
  private Result runSdk(
      Variant v,
      int round,
      int target,
      int concurrency,
      DedupStore dedup,
      EntityVersionStore versions)
      throws Exception {
    return runSdk(
        v,
        round,
        target,
        concurrency,
        TOPIC,
        b -> b.dedupStore(dedup).entityVersionStore(versions),
        (payload, context) -> {});
  }

  /**
   * (t), (t1): the transactional store on PostgreSQL, fresh tables per round, and a handler that
   * inserts one row per event on the transaction's connection.
   */
  private Result runTransactional(Variant v, int round, int target) throws Exception {
    String keys = "kbench_processed_r" + round;
    String positions = "kbench_txposition_r" + round;
    String rows = "kbench_rows_r" + round;
    dropTable(keys);
    dropTable(positions);
    dropTable(rows);
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE " + rows + " (event_key VARCHAR(512) PRIMARY KEY, payload_bytes INT)");
    }
    JdbcTransactionalStore store =
        JdbcTransactionalStore.builder(storeDataSource)
            .dialect(JdbcDialect.POSTGRESQL)
            .dedupTable(keys)
            .positionTable(positions)
            .build();
    store.createSchema();
    String insert = "INSERT INTO " + rows + " (event_key, payload_bytes) VALUES (?, ?)";
    Result r =
        runSdk(
            v,
            round,
            target,
            1,
            TOPIC,
            b ->
                b.transactionalStore(store)
                    .transactionBatchSize(v == Variant.T1 ? 1 : options.txBatch()),
            (payload, context) -> {
              if (v == Variant.TU) {
                try (PreparedStatement statement = context.connection().prepareStatement(insert)) {
                  statement.setString(1, context.idempotencyKey());
                  statement.setInt(2, payload.size());
                  statement.executeUpdate();
                }
              } else {
                context
                    .batch(insert)
                    .add(
                        row -> {
                          row.setString(1, context.idempotencyKey());
                          row.setInt(2, payload.size());
                        });
              }
            });
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM " + rows)) {
      count.next();
      if (count.getLong(1) < target) {
        throw new IllegalStateException(
            v.label + " wrote " + count.getLong(1) + " rows for " + target + " events");
      }
    }
    return r;
  }

  /** (n0), (n): the JDBC stores on the stream with duplicates and stale events. */
  private Result runRepeats(Variant v, int round, int target) throws Exception {
    DedupStore dedup = jdbcDedup(round);
    EntityVersionStore versions = jdbcVersions(round);
    return runSdk(
        v,
        round,
        target,
        1,
        REPEATS_TOPIC,
        b -> {
          b.dedupStore(dedup).entityVersionStore(versions);
          if (v == Variant.N) {
            b.nearCache(NearCache.builder().maximumKeys(200_000).maximumEntities(200_000).build());
          }
        },
        (payload, context) -> {});
  }

  private static boolean onRedis(Variant v) {
    return v == Variant.R || v == Variant.R3;
  }

  /** The CPU time of a durable run's store server so far; -1 for the other runs. */
  private long storeServerCpuNanos(Variant v) {
    if (!Options.durable(v)) {
      return -1;
    }
    return onRedis(v)
        ? StoreTimings.redisCpuNanos(redisClient)
        : StoreTimings.postgresCpuNanos(dataSource);
  }

  // fresh keys per run and round: (r3) must not find (r)'s completed keys
  private RedisDedupStore redisDedup(Variant v, int round) {
    return RedisDedupStore.builder(redisClient)
        .keyPrefix("kbench:" + v.label + "r" + round + ":dedup:")
        .build();
  }

  private RedisEntityVersionStore redisVersions(Variant v, int round) {
    return RedisEntityVersionStore.builder(redisClient)
        .keyPrefix("kbench:" + v.label + "r" + round + ":entity:")
        .build();
  }

  private Result runSdk(
      Variant v,
      int round,
      int target,
      int concurrency,
      String topic,
      java.util.function.Consumer<EventPipeline.Builder> stores,
      dev.eventcontracts.pipeline.EventHandler<com.fasterxml.jackson.databind.JsonNode> handler)
      throws Exception {
    InMemoryDeadLetterSink deadLetters = DeadLetterSink.inMemory();
    StoreTimings timings = new StoreTimings();
    EventPipeline.Builder builder =
        EventPipeline.builder(registry).deadLetterSink(deadLetters).listener(timings);
    stores.accept(builder);
    EventPipeline pipeline = Registries.handleEveryEvent(builder, registry, handler).build();
    AtomicLong finals = new AtomicLong();
    AtomicLong retries = new AtomicLong();
    AtomicLong first = new AtomicLong();
    AtomicLongArray outcomes = new AtomicLongArray(Outcome.values().length);
    CountDownLatch reached = new CountDownLatch(1);
    KafkaEventConsumer consumer =
        KafkaEventConsumer.builder(pipeline)
            .consumerProperties(consumerProperties(newGroup(v, round)))
            .topics(topic)
            .maxBatch(options.maxPoll())
            .concurrency(concurrency)
            .pollTimeout(POLL_TIMEOUT)
            .onResult(
                (ProcessingResult result) -> {
                  if (!result.acknowledged()) {
                    retries.incrementAndGet();
                    return;
                  }
                  long n = finals.incrementAndGet();
                  if (n <= target) { // results after the target come in until close() stops
                    outcomes.incrementAndGet(result.outcome().ordinal());
                  }
                  if (n == 1) {
                    first.set(System.nanoTime());
                  }
                  if (n == target) {
                    reached.countDown();
                  }
                })
            .build();
    boolean statements = options.pgStatements() && Options.durable(v) && !onRedis(v);
    if (statements) {
      StoreTimings.resetPostgresStatements(dataSource);
    }
    long serverCpuBefore = storeServerCpuNanos(v);
    Snapshot start = Snapshot.take(broker);
    long borrowsBefore = storeCalls.borrows();
    long redisBefore = StoreCalls.redisCommands(redisClient);
    String load = load1();
    consumer.start();
    long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
    while (!reached.await(1, TimeUnit.SECONDS)) {
      if (consumer.failure().isPresent()) {
        throw new IllegalStateException("the consumer failed", consumer.failure().get());
      }
      if (System.nanoTime() - deadline > 0) {
        consumer.close();
        throw new IllegalStateException(
            v.label + " did not finish within " + RUN_TIMEOUT + ": " + finals.get() + " results");
      }
    }
    Snapshot end = Snapshot.take(broker);
    long serverCpuAfter = storeServerCpuNanos(v);
    consumer.close();
    if (statements) {
      System.out.printf(Locale.ROOT, "# %s round %d: PostgreSQL's statements%n", v.label, round);
      for (String line : StoreTimings.postgresStatements(dataSource, target)) {
        System.out.println("#   " + line);
      }
    }
    Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      if (outcomes.get(o.ordinal()) > 0) {
        counts.put(o, outcomes.get(o.ordinal()));
      }
    }
    long borrows = storeCalls.borrows() - borrowsBefore;
    long redisCalls = redisBefore < 0 ? 0 : StoreCalls.redisCommands(redisClient) - redisBefore;
    String summary =
        counts
            + (borrows > 0
                ? String.format(Locale.ROOT, " jdbc-borrows/1k=%.1f", borrows * 1000.0 / target)
                : "")
            + (redisCalls > 0
                ? String.format(Locale.ROOT, " redis-calls/1k=%.1f", redisCalls * 1000.0 / target)
                : "")
            + (serverCpuBefore >= 0 && serverCpuAfter >= 0
                ? String.format(
                    Locale.ROOT,
                    " %s-cpu-s/M=%.2f %s",
                    onRedis(v) ? "redis" : "postgres",
                    (serverCpuAfter - serverCpuBefore) / 1e3 / target,
                    timings.summary(target))
                : "")
            + (retries.get() > 0 ? " retries=" + retries.get() : "")
            + (deadLetters.deadLetters().isEmpty()
                ? ""
                : " dead-letters=" + deadLetters.deadLetters().size());
    return result(
        round,
        v,
        target,
        start,
        end,
        first.get(),
        name -> name.startsWith(SDK_THREAD_PREFIX),
        load,
        summary);
  }

  private static Result result(
      int round,
      Variant v,
      long messages,
      Snapshot start,
      Snapshot end,
      long firstNanos,
      Predicate<String> loopThreads,
      String load,
      String outcomes) {
    long loopCpu = Snapshot.threadCpu(start, end, loopThreads);
    long allJavaCpu = Snapshot.threadCpu(start, end, name -> true);
    return new Result(
        round,
        v,
        messages,
        end.wallNanos - start.wallNanos,
        firstNanos == 0 ? 0 : firstNanos - start.wallNanos,
        end.processCpuNanos - start.processCpuNanos,
        loopCpu,
        allJavaCpu - loopCpu,
        Snapshot.threadAllocated(start, end, loopThreads),
        end.gcCount - start.gcCount,
        end.gcMillis - start.gcMillis,
        start.brokerCpuNanos < 0 ? -1 : end.brokerCpuNanos - start.brokerCpuNanos,
        load,
        outcomes);
  }

  private JdbcDedupStore jdbcDedup(int round) throws SQLException {
    String table = "kbench_dedup_r" + round;
    dropTable(table);
    JdbcDedupStore store =
        JdbcDedupStore.builder(storeDataSource)
            .dialect(JdbcDialect.POSTGRESQL)
            .table(table)
            .build();
    store.createSchema();
    return store;
  }

  private JdbcEntityVersionStore jdbcVersions(int round) throws SQLException {
    String table = "kbench_position_r" + round;
    dropTable(table);
    JdbcEntityVersionStore store =
        JdbcEntityVersionStore.builder(storeDataSource)
            .dialect(JdbcDialect.POSTGRESQL)
            .table(table)
            .build();
    store.createSchema();
    return store;
  }

  private void dropTable(String table) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS " + table);
    }
  }

  private static String postgresSettings(HikariDataSource dataSource) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      for (String setting : List.of("server_version", "synchronous_commit", "fsync")) {
        try (ResultSet rows = statement.executeQuery("SHOW " + setting)) {
          rows.next();
          out.append(out.length() == 0 ? "" : ", ").append(setting).append('=');
          out.append(rows.getString(1));
        }
      }
      // text keys compare by the database's collation unless a column says otherwise
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT datcollate, datlocprovider FROM pg_database"
                  + " WHERE datname = current_database()")) {
        rows.next();
        out.append(", collation=").append(rows.getString(1));
        out.append(" (provider ").append(rows.getString(2)).append(')');
      }
    }
    return out.toString();
  }

  /** Lets the previous run's garbage go and its clients' sockets close before the next run. */
  private static void settle() throws InterruptedException {
    System.gc();
    Thread.sleep(500);
    System.gc();
    Thread.sleep(1_500);
  }

  private static String load1() {
    String load = Snapshot.loadAverage();
    int space = load.indexOf(' ');
    return space < 0 ? load : load.substring(0, space);
  }

  // ---------------------------------------------------------------- input

  /** Fails fast unless the first {@code count} messages are valid against the registry. */
  private static void checkInput(ContractRegistry registry, int count) {
    EventValidator validator = EventValidator.of(registry);
    SeedMessages messages = new SeedMessages();
    for (int i = 0; i < count; i++) {
      ValidationReport report = validator.validate(InboundMessage.of(messages.next().value()));
      if (report.status() != ValidationStatus.VALID) {
        throw new IllegalStateException(
            "seed message " + i + " is " + report.status() + ": " + report.violations());
      }
    }
  }

  /** Creates the topic and writes {@code count} messages to it, once. */
  private static void produce(String bootstrap, int count) throws Exception {
    SeedMessages seed = new SeedMessages();
    produce(bootstrap, TOPIC, count, seed::next);
  }

  private static void produce(
      String bootstrap,
      String topic,
      int count,
      java.util.function.Supplier<SeedMessages.Message> messages)
      throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    AtomicReference<Exception> failure = new AtomicReference<>();
    long bytes = 0;
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < count && failure.get() == null; i++) {
        SeedMessages.Message m = messages.get();
        bytes += m.value().length;
        producer.send(
            new ProducerRecord<>(topic, m.key(), m.value()),
            (metadata, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("producing failed", failure.get());
    }
    double seconds = (System.nanoTime() - t0) / NANOS;
    long stored = 0;
    List<Long> ends = new ArrayList<>();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int i = 0; i < PARTITIONS; i++) {
        latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
      }
      var offsets = admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS);
      for (int i = 0; i < PARTITIONS; i++) {
        long end = offsets.get(new TopicPartition(topic, i)).offset();
        ends.add(end);
        stored += end;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "# produced %d messages (avg %.0f bytes, %.0f%% profile.updated) to %s (%d partitions:"
            + " %s) in %.1f s, %.0f msg/s (generation included)%n",
        count,
        (double) bytes / count,
        100.0 - 100.0 / SeedMessages.OTHER_EVERY,
        topic,
        PARTITIONS,
        ends,
        seconds,
        count / seconds);
    if (stored != count) {
      throw new IllegalStateException("the topic holds " + stored + " messages, not " + count);
    }
  }

  // ---------------------------------------------------------------- report

  private static String header() {
    return "| round | run | messages | wall s | msg/s | msg/s after 1st | 1st record s"
        + " | load1 | proc CPU s/M | consumer thr s/M | other Java s/M | GC+JIT+VM s/M"
        + " | alloc B/msg | GCs | GC ms | broker CPU s/M | outcomes |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
  }

  private static String row(Result r) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %d | %.2f | %.0f | %.0f | %.2f | %s | %.2f | %.2f | %.2f | %.2f | %.0f | %d"
            + " | %d | %s | %s |",
        r.round() == 0 ? "warm-up" : String.valueOf(r.round()),
        r.variant().label,
        r.messages(),
        r.wallNanos() / NANOS,
        r.perSecond(),
        r.steadyPerSecond(),
        r.toFirstNanos() / NANOS,
        r.load(),
        r.processCpuPerMillion(),
        r.loopCpuPerMillion(),
        r.otherJavaCpuPerMillion(),
        r.vmCpuPerMillion(),
        r.allocatedPerMessage(),
        r.gcCount(),
        r.gcMillis(),
        Double.isNaN(r.brokerCpuPerMillion())
            ? "in-process"
            : String.format(Locale.ROOT, "%.2f", r.brokerCpuPerMillion()),
        r.outcomes());
  }

  private void summarize(List<Result> results) {
    Map<Variant, List<Result>> byVariant = new EnumMap<>(Variant.class);
    for (Result r : results) {
      byVariant.computeIfAbsent(r.variant(), k -> new ArrayList<>()).add(r);
    }
    System.out.printf(
        Locale.ROOT,
        "%n## medians over %d rounds%n| run | what | msg/s | proc CPU s/M | consumer thr s/M"
            + " | GC+JIT+VM s/M | alloc B/msg | broker CPU s/M |%n"
            + "|---|---|---|---|---|---|---|---|%n",
        options.rounds());
    for (Map.Entry<Variant, List<Result>> e : byVariant.entrySet()) {
      List<Result> rs = e.getValue();
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %.0f | %.2f | %.2f | %.2f | %.0f | %.2f |%n",
          e.getKey().label,
          e.getKey().description
              + (Options.durable(e.getKey())
                  ? " (" + options.target(e.getKey()) + " messages)"
                  : ""),
          median(rs, Result::perSecond),
          median(rs, Result::processCpuPerMillion),
          median(rs, Result::loopCpuPerMillion),
          median(rs, Result::vmCpuPerMillion),
          median(rs, Result::allocatedPerMessage),
          median(rs, Result::brokerCpuPerMillion));
    }
    List<Result> bare = byVariant.get(Variant.A);
    if (bare == null) {
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "%n## ratios to (a), per round and median of the per-round ratios%n"
            + "(x)/(a) msg/s: above 1 is faster than the bare loop."
            + " (a) CPU / (x) CPU per million messages: above 1 means (x) spends less CPU per"
            + " message than the bare loop; 0.5 means twice as much.%n"
            + "| run | ratio | %s | median | target |%n|---|---|%s---|---|%n",
        String.join(" | ", roundLabels()),
        "---|".repeat(options.rounds()));
    for (Map.Entry<Variant, List<Result>> e : byVariant.entrySet()) {
      if (e.getKey() == Variant.A) {
        continue;
      }
      double goal = goal(e.getKey());
      ratioRow(
          e.getKey(),
          "msg/s (x)/(a)",
          bare,
          e.getValue(),
          Result::perSecond,
          false,
          goal > 0 ? String.format(Locale.ROOT, "≥ %.2f", goal) : "");
      ratioRow(
          e.getKey(),
          "process CPU (a)/(x)",
          bare,
          e.getValue(),
          Result::processCpuPerMillion,
          true,
          "");
      ratioRow(
          e.getKey(),
          "consumer-thread CPU (a)/(x)",
          bare,
          e.getValue(),
          Result::loopCpuPerMillion,
          true,
          "");
    }
  }

  /** The target for (x)/(a) in msg/s, or 0 for a run without one. */
  private static double goal(Variant v) {
    return switch (v) {
      case B, B2 -> 0.6;
      case C, R -> 0.3;
      case T -> 0.25;
      default -> 0;
    };
  }

  private List<String> roundLabels() {
    List<String> labels = new ArrayList<>();
    for (int round = 1; round <= options.rounds(); round++) {
      labels.add("round " + round);
    }
    return labels;
  }

  private void ratioRow(
      Variant v,
      String what,
      List<Result> bare,
      List<Result> other,
      ToDoubleFunction<Result> metric,
      boolean inverse,
      String target) {
    List<String> cells = new ArrayList<>();
    double[] ratios = new double[options.rounds()];
    int n = 0;
    for (int round = 1; round <= options.rounds(); round++) {
      Result a = find(bare, round);
      Result x = find(other, round);
      if (a == null || x == null) {
        cells.add("-");
        continue;
      }
      double ratio =
          inverse
              ? metric.applyAsDouble(a) / metric.applyAsDouble(x)
              : metric.applyAsDouble(x) / metric.applyAsDouble(a);
      ratios[n++] = ratio;
      cells.add(String.format(Locale.ROOT, "%.2f", ratio));
    }
    double median = median(Arrays.copyOf(ratios, n));
    System.out.printf(
        Locale.ROOT,
        "| %s | %s | %s | %.2f%s | %s |%n",
        v.label,
        what,
        String.join(" | ", cells),
        median,
        target.isEmpty()
            ? ""
            : (median >= Double.parseDouble(target.substring(2)) ? " (met)" : " (missed)"),
        target);
  }

  private static Result find(List<Result> results, int round) {
    for (Result r : results) {
      if (r.round() == round) {
        return r;
      }
    }
    return null;
  }

  private static double median(List<Result> results, ToDoubleFunction<Result> metric) {
    double[] values = new double[results.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = metric.applyAsDouble(results.get(i));
    }
    return median(values);
  }

  private static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
