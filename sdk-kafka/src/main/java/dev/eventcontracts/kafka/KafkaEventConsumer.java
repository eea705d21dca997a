package dev.eventcontracts.kafka;

import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.ProcessingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes Kafka topics through an {@link EventPipeline}, at least once, committing only what the
 * pipeline finished.
 *
 * <pre>{@code
 * KafkaEventConsumer consumer =
 *     KafkaEventConsumer.builder(pipeline)
 *         .consumerProperties(Map.of("bootstrap.servers", "localhost:9092"))
 *         .groupId("matching-service")
 *         .topics(List.of("recruiting"))
 *         .build();
 * consumer.start(); // polls on its own thread
 * ...
 * consumer.close(); // finishes the record in progress, commits, leaves the group
 * }</pre>
 *
 * <p>Per poll, the records of each partition go to {@link EventPipeline#processBatch} in chunks of
 * at most {@link Builder#maxBatch}, so a chunk's idempotency keys are claimed in one round trip.
 * The offset committed for a partition is the one after the last record of the processed prefix
 * (every result up to it is {@code ACKNOWLEDGE}: handled, skipped or dead-lettered), with {@code
 * commitAsync} after each poll and {@code commitSync} on revocation and shutdown. When a record's
 * result is {@code RETRY}, its partition is rewound to it and paused until the result's {@code
 * retryAfter} has passed; the loop keeps polling (so the consumer stays in its group) and the other
 * partitions keep flowing. The redelivered record is processed alone with the next delivery
 * attempt, so the pipeline's retry policy sees how often it was tried.
 *
 * <p>Keys and values are bytes; {@code enable.auto.commit} is always false. Headers become the
 * message's attributes (UTF-8; the last one wins when a name repeats), so {@code replay=true} and
 * CloudEvents binary-mode {@code ce_*} headers reach the pipeline. Thread-safe to {@link #close}
 * from any thread.
 */
public final class KafkaEventConsumer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventConsumer.class);

  /** Default longest wait of one poll. */
  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofSeconds(1);

  /** Default largest number of records handed to the pipeline in one batch. */
  public static final int DEFAULT_MAX_BATCH = 500;

  /** Default longest wait of {@link #close()} for the loop to finish and commit. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** Back-off after the pipeline itself threw, which it should never do. */
  static final Duration UNEXPECTED_FAILURE_DELAY = Duration.ofSeconds(1);

  private static final AtomicInteger THREADS = new AtomicInteger();

  /** The consumer whose records this thread is processing, so close() from a handler won't wait. */
  private static final ThreadLocal<KafkaEventConsumer> PROCESSING = new ThreadLocal<>();

  private final EventPipeline pipeline;
  private final Map<String, Object> config;
  private final String groupId;
  private final List<String> topics;
  private final Pattern topicPattern;
  private final Duration pollTimeout;
  private final int maxBatch;
  private final int concurrency;
  private final Duration closeTimeout;
  private final ConsumerRebalanceListener rebalanceListener;
  private final Consumer<ProcessingResult> resultListener;

  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile boolean killed;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile Thread loopThread;
  private volatile Throwable failure;

  // touched only by the loop thread (the rebalance listener runs inside poll, on that thread)
  private final Map<TopicPartition, OffsetAndMetadata> finished = new HashMap<>();
  private final Set<TopicPartition> uncommitted = new HashSet<>();
  private final Map<TopicPartition, Attempt> attempts = new HashMap<>();
  private final Map<TopicPartition, Long> pausedUntilNanos = new HashMap<>();

  private KafkaEventConsumer(Builder b) {
    this.pipeline = b.pipeline;
    this.config = Map.copyOf(b.config);
    this.groupId = String.valueOf(b.config.get(ConsumerConfig.GROUP_ID_CONFIG));
    this.topics = b.topics;
    this.topicPattern = b.topicPattern;
    this.pollTimeout = b.pollTimeout;
    this.maxBatch = b.maxBatch;
    this.concurrency = b.concurrency;
    this.closeTimeout = b.closeTimeout;
    this.rebalanceListener = b.rebalanceListener;
    this.resultListener = b.resultListener;
  }

  /** Starts a consumer that feeds {@code pipeline}. */
  public static Builder builder(EventPipeline pipeline) {
    return new Builder(pipeline);
  }

  /** The consumer group id. */
  public String groupId() {
    return groupId;
  }

  /**
   * Starts the poll loop on a new thread and returns.
   *
   * @throws IllegalStateException when the consumer was started or run before
   */
  public void start() {
    claimStart();
    Thread thread = new Thread(this::loop, "event-contracts-kafka-" + THREADS.incrementAndGet());
    loopThread = thread;
    thread.start();
  }

  /**
   * Runs the poll loop on the calling thread until {@link #close()} is called from another thread.
   *
   * @throws KafkaException (or another runtime exception) when the consumer fails for good, for
   *     example because the group is not authorized
   * @throws IllegalStateException when the consumer was started or run before
   */
  public void run() {
    claimStart();
    loopThread = Thread.currentThread();
    loop();
    Throwable f = failure;
    if (f instanceof RuntimeException e) {
      throw e;
    } else if (f instanceof Error e) {
      throw e;
    }
  }

  /** True while the poll loop runs. */
  public boolean isRunning() {
    return started.get() && terminated.getCount() > 0;
  }

  /** Why the poll loop ended on its own, if it did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Shuts down gracefully: wakes the loop, lets the record in progress finish (no further record
   * starts), commits the offsets of finished records synchronously, and closes the Kafka consumer,
   * which leaves the group. Waits for that up to the close timeout. Idempotent.
   */
  @Override
  public void close() {
    stop(false);
  }

  /**
   * Test hook that simulates a crash: stops after the record in progress and closes the Kafka
   * consumer <em>without committing</em> anything that was not committed yet, so the records
   * finished since the last commit are delivered again to whoever takes the partitions over (and
   * deduplicated there). The consumer still leaves the group, so the partitions move at once. Not
   * for production use.
   */
  public void kill() {
    stop(true);
  }

  private void stop(boolean abrupt) {
    if (abrupt) {
      killed = true;
    }
    stopping = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (!started.get() || Thread.currentThread() == loopThread || PROCESSING.get() == this) {
      return; // never started, or called from a handler: the loop ends after this record
    }
    try {
      if (!terminated.await(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Kafka consumer {} did not stop within {}", groupId, closeTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void claimStart() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the consumer was started already");
    }
    if (stopping) {
      terminated.countDown();
      throw new IllegalStateException("the consumer was closed");
    }
  }

  // ---------------------------------------------------------------- the loop

  private void loop() {
    ExecutorService executor = null;
    KafkaConsumer<byte[], byte[]> c = null;
    try {
      c = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      consumer = c;
      if (concurrency > 1) {
        AtomicInteger n = new AtomicInteger();
        String prefix = Thread.currentThread().getName() + "-worker-";
        executor =
            Executors.newFixedThreadPool(
                concurrency, r -> new Thread(r, prefix + n.incrementAndGet()));
      }
      Listener listener = new Listener(c);
      if (topicPattern != null) {
        c.subscribe(topicPattern, listener);
      } else {
        c.subscribe(topics, listener);
      }
      while (!stopping) {
        resumeDue(c);
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = c.poll(nextPollTimeout());
        } catch (WakeupException e) {
          continue; // close() or kill(): the loop condition decides
        }
        if (!records.isEmpty()) {
          handle(c, records, executor);
        }
        if (!stopping) { // when stopping, shutdown() commits synchronously (or, killed, not at all)
          commitAsync(c);
        }
      }
    } catch (RuntimeException | Error e) {
      failure = e;
      LOG.error("Kafka consumer {} failed and stopped", groupId, e);
    } finally {
      if (c != null) {
        shutdown(c);
      }
      if (executor != null) {
        executor.shutdownNow();
      }
      terminated.countDown();
    }
  }

  private Duration nextPollTimeout() {
    long now = System.nanoTime();
    long wait = pollTimeout.toNanos();
    for (long until : pausedUntilNanos.values()) {
      wait = Math.min(wait, Math.max(0, until - now));
    }
    return Duration.ofNanos(wait);
  }

  private void resumeDue(KafkaConsumer<byte[], byte[]> c) {
    if (pausedUntilNanos.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    List<TopicPartition> due = new ArrayList<>();
    pausedUntilNanos
        .entrySet()
        .removeIf(
            e -> {
              if (e.getValue() - now <= 0) {
                due.add(e.getKey());
                return true;
              }
              return false;
            });
    due.retainAll(c.assignment());
    if (!due.isEmpty()) {
      c.resume(due);
    }
  }

  private void handle(
      KafkaConsumer<byte[], byte[]> c,
      ConsumerRecords<byte[], byte[]> records,
      ExecutorService executor) {
    List<TopicPartition> partitions = new ArrayList<>(records.partitions());
    List<PartitionOutcome> outcomes = new ArrayList<>(partitions.size());
    if (executor == null || partitions.size() == 1) {
      for (TopicPartition tp : partitions) {
        if (stopping) {
          break;
        }
        outcomes.add(processPartition(tp, records.records(tp), attempts.get(tp)));
      }
    } else {
      List<Future<PartitionOutcome>> futures = new ArrayList<>(partitions.size());
      for (TopicPartition tp : partitions) {
        List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
        Attempt attempt = attempts.get(tp);
        futures.add(executor.submit(() -> processPartition(tp, list, attempt)));
      }
      for (Future<PartitionOutcome> future : futures) {
        outcomes.add(await(future));
      }
    }
    for (PartitionOutcome o : outcomes) {
      apply(c, o);
    }
  }

  private static PartitionOutcome await(Future<PartitionOutcome> future) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          interrupted = true; // a partition's work is never abandoned half-way
        } catch (ExecutionException e) {
          throw new IllegalStateException("partition worker failed", e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Records a partition's progress: the offset to commit, and a rewind and pause on retry. */
  private void apply(KafkaConsumer<byte[], byte[]> c, PartitionOutcome o) {
    TopicPartition tp = o.partition;
    if (o.nextOffset >= 0) {
      finished.put(tp, new OffsetAndMetadata(o.nextOffset));
      uncommitted.add(tp);
    }
    if (o.retryOffset >= 0) {
      attempts.put(tp, new Attempt(o.retryOffset, o.attemptsDone));
      c.seek(tp, o.retryOffset);
      c.pause(List.of(tp));
      pausedUntilNanos.put(tp, System.nanoTime() + Math.max(0, o.retryAfter.toNanos()));
      LOG.debug("{} paused at offset {} for {}", tp, o.retryOffset, o.retryAfter);
    } else if (o.headDone) {
      attempts.remove(tp);
    }
  }

  /** Runs one partition's records through the pipeline; no Kafka client calls here. */
  private PartitionOutcome processPartition(
      TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records, Attempt attempt) {
    PROCESSING.set(this);
    try {
      return process(tp, records, attempt);
    } finally {
      PROCESSING.remove();
    }
  }

  private PartitionOutcome process(
      TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records, Attempt attempt) {
    PartitionOutcome out = new PartitionOutcome(tp);
    int from = 0;
    if (attempt != null) {
      ConsumerRecord<byte[], byte[]> head = records.get(0);
      out.headDone = true; // also when the remembered record is gone (deleted by retention)
      if (head.offset() == attempt.offset) {
        int next = attempt.attemptsDone + 1;
        ProcessingResult result;
        try {
          result =
              RecordScope.with(
                  groupId,
                  List.of(head),
                  () -> pipeline.process(HeaderMapping.message(head), next));
        } catch (RuntimeException e) {
          LOG.error("pipeline failed on {} offset {}; retrying", tp, head.offset(), e);
          return out.retry(head.offset(), UNEXPECTED_FAILURE_DELAY, next);
        }
        notify(result);
        if (!result.acknowledged()) {
          return out.retry(head.offset(), result.retryAfter(), next);
        }
        out.nextOffset = head.offset() + 1;
        from = 1;
      }
    }
    while (from < records.size()) {
      if (stopping) {
        return out;
      }
      List<ConsumerRecord<byte[], byte[]>> chunk =
          records.subList(from, Math.min(records.size(), from + maxBatch));
      List<InboundMessage> messages = new ArrayList<>(chunk.size());
      for (ConsumerRecord<byte[], byte[]> record : chunk) {
        messages.add(HeaderMapping.message(record));
      }
      List<ProcessingResult> results;
      try {
        results =
            RecordScope.with(groupId, chunk, () -> pipeline.processBatch(messages, () -> stopping));
      } catch (RuntimeException e) {
        LOG.error("pipeline failed on {} from offset {}; retrying", tp, chunk.get(0).offset(), e);
        return out.retry(chunk.get(0).offset(), UNEXPECTED_FAILURE_DELAY, 1);
      }
      for (int i = 0; i < results.size(); i++) {
        ProcessingResult result = results.get(i);
        notify(result);
        if (!result.acknowledged()) {
          return out.retry(chunk.get(i).offset(), result.retryAfter(), 1);
        }
        out.nextOffset = chunk.get(i).offset() + 1;
      }
      if (results.size() < chunk.size()) {
        return out; // stopped for shutdown
      }
      from += chunk.size();
    }
    return out;
  }

  private void notify(ProcessingResult result) {
    if (resultListener == null) {
      return;
    }
    try {
      resultListener.accept(result);
    } catch (RuntimeException e) {
      LOG.warn("result listener failed", e);
    }
  }

  // ---------------------------------------------------------------- commits

  private void commitAsync(KafkaConsumer<byte[], byte[]> c) {
    if (uncommitted.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : uncommitted) {
      offsets.put(tp, finished.get(tp));
    }
    uncommitted.clear();
    c.commitAsync(
        offsets,
        (committed, e) -> {
          if (e == null) {
            return;
          }
          LOG.warn("async commit failed for {}; it is retried with the next commit", offsets, e);
          // runs on the loop thread: commit again unless newer progress or a revocation came
          offsets.forEach(
              (tp, offset) -> {
                if (offset.equals(finished.get(tp))) {
                  uncommitted.add(tp);
                }
              });
        });
  }

  private void commitSync(KafkaConsumer<byte[], byte[]> c, Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata offset = finished.get(tp);
      if (offset != null) {
        offsets.put(tp, offset);
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    for (int tries = 0; tries < 2; tries++) {
      try {
        c.commitSync(offsets, closeTimeout);
        uncommitted.removeAll(offsets.keySet());
        return;
      } catch (WakeupException e) {
        // a wakeup from close() was pending; it fires once, so the second try goes through
      } catch (KafkaException e) {
        LOG.warn("commit of {} failed; those records will be delivered again", offsets, e);
        return;
      }
    }
  }

  private void shutdown(KafkaConsumer<byte[], byte[]> c) {
    try {
      if (!killed) {
        commitSync(c, new ArrayList<>(finished.keySet()));
      }
    } finally {
      try {
        c.close(CloseOptions.timeout(killed ? Duration.ofSeconds(5) : closeTimeout));
      } catch (RuntimeException e) {
        LOG.warn("closing the Kafka consumer {} failed", groupId, e);
      }
      consumer = null;
    }
  }

  /** Commits on revocation and forgets the state of partitions that are no longer assigned. */
  private final class Listener implements ConsumerRebalanceListener {
    private final KafkaConsumer<byte[], byte[]> c;

    Listener(KafkaConsumer<byte[], byte[]> c) {
      this.c = c;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      try {
        if (!killed) {
          commitSync(c, partitions);
        }
      } finally {
        forget(partitions);
        if (rebalanceListener != null) {
          try {
            rebalanceListener.onPartitionsRevoked(partitions);
          } catch (RuntimeException e) {
            LOG.warn("rebalance listener failed", e);
          }
        }
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions); // another member may own them already: committing would fail
      if (rebalanceListener != null) {
        try {
          rebalanceListener.onPartitionsLost(partitions);
        } catch (RuntimeException e) {
          LOG.warn("rebalance listener failed", e);
        }
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (rebalanceListener != null) {
        try {
          rebalanceListener.onPartitionsAssigned(partitions);
        } catch (RuntimeException e) {
          LOG.warn("rebalance listener failed", e);
        }
      }
    }

    private void forget(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        finished.remove(tp);
        uncommitted.remove(tp);
        attempts.remove(tp);
        pausedUntilNanos.remove(tp);
      }
    }
  }

  /** How often the record at {@code offset} was delivered so far. */
  private record Attempt(long offset, int attemptsDone) {}

  /** What processing one partition's records came to. */
  private static final class PartitionOutcome {
    final TopicPartition partition;
    long nextOffset = -1;
    long retryOffset = -1;
    Duration retryAfter = Duration.ZERO;
    int attemptsDone;
    boolean headDone;

    PartitionOutcome(TopicPartition partition) {
      this.partition = partition;
    }

    PartitionOutcome retry(long offset, Duration after, int attemptsDone) {
      this.retryOffset = offset;
      this.retryAfter = after;
      this.attemptsDone = attemptsDone;
      return this;
    }
  }

  /** Builds a {@link KafkaEventConsumer}. */
  public static final class Builder {
    private final EventPipeline pipeline;
    private final Map<String, Object> config = new HashMap<>();
    private List<String> topics;
    private Pattern topicPattern;
    private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;
    private int maxBatch = DEFAULT_MAX_BATCH;
    private int concurrency = 1;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private ConsumerRebalanceListener rebalanceListener;
    private Consumer<ProcessingResult> resultListener;

    private Builder(EventPipeline pipeline) {
      this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    }

    /**
     * Adds Kafka consumer settings ({@code bootstrap.servers} is required). {@code
     * enable.auto.commit} and the deserializers are always overridden.
     */
    public Builder consumerProperties(Map<String, ?> properties) {
      properties.forEach((k, v) -> config.put(k, Objects.requireNonNull(v, k)));
      return this;
    }

    /** Adds Kafka consumer settings; see {@link #consumerProperties(Map)}. */
    public Builder consumerProperties(Properties properties) {
      properties.forEach((k, v) -> config.put(String.valueOf(k), v));
      return this;
    }

    /** Sets the consumer group ({@code group.id}); required here or in the properties. */
    public Builder groupId(String groupId) {
      config.put(ConsumerConfig.GROUP_ID_CONFIG, Objects.requireNonNull(groupId, "groupId"));
      return this;
    }

    /** Subscribes to these topics. */
    public Builder topics(List<String> topics) {
      if (topics.isEmpty()) {
        throw new IllegalArgumentException("no topics");
      }
      this.topics = List.copyOf(topics);
      return this;
    }

    /** Subscribes to these topics. */
    public Builder topics(String... topics) {
      return topics(List.of(topics));
    }

    /** Subscribes to every topic whose name matches {@code pattern}, now and later. */
    public Builder topicPattern(Pattern pattern) {
      this.topicPattern = Objects.requireNonNull(pattern, "pattern");
      return this;
    }

    /**
     * Sets the longest wait of one poll; {@link #DEFAULT_POLL_TIMEOUT} by default. The loop waits
     * less when a paused partition is due to resume sooner.
     */
    public Builder pollTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("poll timeout must be positive");
      }
      this.pollTimeout = timeout;
      return this;
    }

    /**
     * Sets the largest number of records of one partition handed to the pipeline at once (one dedup
     * round trip); {@link #DEFAULT_MAX_BATCH} by default. Also the default {@code
     * max.poll.records}.
     */
    public Builder maxBatch(int maxBatch) {
      if (maxBatch < 1) {
        throw new IllegalArgumentException("maxBatch must be at least 1");
      }
      this.maxBatch = maxBatch;
      return this;
    }

    /**
     * Processes up to {@code threads} partitions of one poll in parallel (records of one partition
     * stay in order on one thread); 1 by default, which processes on the polling thread.
     */
    public Builder concurrency(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("concurrency must be at least 1");
      }
      this.concurrency = threads;
      return this;
    }

    /** Sets how long {@link #close()} waits for the loop; {@link #DEFAULT_CLOSE_TIMEOUT}. */
    public Builder closeTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("close timeout must not be negative");
      }
      this.closeTimeout = timeout;
      return this;
    }

    /**
     * Also tells {@code listener} about rebalances, after the consumer has committed revoked
     * partitions. Its exceptions are logged, not propagated.
     */
    public Builder rebalanceListener(ConsumerRebalanceListener listener) {
      this.rebalanceListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Calls {@code listener} with every result, on the thread that processed it (a worker thread
     * when {@link #concurrency} is above 1). Its exceptions are logged, not propagated.
     */
    public Builder onResult(Consumer<ProcessingResult> listener) {
      this.resultListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the consumer; it connects on {@link #start()} or {@link #run()}.
     *
     * @throws IllegalStateException when the bootstrap servers, the group or the topics are missing
     */
    public KafkaEventConsumer build() {
      if (!config.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
        throw new IllegalStateException("bootstrap.servers is required");
      }
      Object group = config.get(ConsumerConfig.GROUP_ID_CONFIG);
      if (group == null || group.toString().isBlank()) {
        throw new IllegalStateException("a consumer group is required: groupId(..)");
      }
      if ((topics == null) == (topicPattern == null)) {
        throw new IllegalStateException("give either topics or a topic pattern");
      }
      Object autoCommit = config.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);
      if (autoCommit != null && Boolean.parseBoolean(autoCommit.toString())) {
        LOG.warn("enable.auto.commit=true is ignored: offsets are committed after processing");
      }
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxBatch);
      config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
      config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
      return new KafkaEventConsumer(this);
    }
  }
}
