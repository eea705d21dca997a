package dev.eventcontracts.kafka;

import dev.eventcontracts.kafka.RecordProcessor.Attempt;
import dev.eventcontracts.kafka.RecordProcessor.PartitionOutcome;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.ProcessingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
 * <p>The polling thread only polls, commits and rewinds; the records go to a pool of {@link
 * Builder#concurrency} worker threads. Each poll's records of a partition join that partition's
 * queue (its lane), and a worker runs the lane's records through {@link EventPipeline#processBatch}
 * in chunks of at most {@link Builder#maxBatch}, so a chunk's idempotency keys are claimed in one
 * round trip. One partition's records run on one worker at a time, in offset order; different
 * partitions run in parallel, and polling continues while workers process. While the lanes hold two
 * batches per worker the loop waits for the workers instead of polling, and a partition whose lane
 * keeps growing past that is paused until it drains, which bounds memory.
 *
 * <p>The offset committed for a partition is the one after the last record of the processed prefix
 * (every result up to it is {@code ACKNOWLEDGE}: handled, skipped or dead-lettered), with {@code
 * commitAsync} from the polling thread as results come in and {@code commitSync} on revocation and
 * shutdown. When a record's result is {@code RETRY}, its partition is rewound to it and paused
 * until the result's {@code retryAfter} has passed, and the records polled behind it are dropped
 * unprocessed; the loop keeps polling (so the consumer stays in its group) and the other partitions
 * keep flowing. The redelivered record is processed alone with the next delivery attempt, so the
 * pipeline's retry policy sees how often it was tried.
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

  /**
   * How many batches of {@code maxBatch} records may wait per worker before the loop stops polling
   * until the workers catch up: enough that a worker never waits for the next poll, few enough to
   * bound memory and the work thrown away on revocation.
   */
  static final int QUEUED_BATCHES_PER_WORKER = 2;

  /** Kafka's default {@code max.poll.interval.ms}. */
  private static final int DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;

  private static final AtomicInteger THREADS = new AtomicInteger();

  /** The consumer whose records this thread is processing, so close() from a handler won't wait. */
  private static final ThreadLocal<KafkaEventConsumer> PROCESSING = new ThreadLocal<>();

  private final Map<String, Object> config;
  private final String groupId;
  private final List<String> topics;
  private final Pattern topicPattern;
  private final Duration pollTimeout;
  private final int concurrency;

  /** Records queued in lanes that are not paused, at which the loop stops polling for a while. */
  private final int maxQueued;

  /** Records queued in one lane at which its partition is paused (a lane that does not drain). */
  private final int laneLimit;

  /** Records queued in a paused lane below which its partition is resumed. */
  private final int laneResume;

  private final Duration closeTimeout;
  private final long maxPollIntervalNanos;
  private final ConsumerRebalanceListener rebalanceListener;
  private final RecordProcessor processor;

  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile boolean killed;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile Thread loopThread;
  private volatile Throwable failure;
  private ThreadPoolExecutor workers; // created, used and shut down by the polling thread

  /** Workers report here; the polling thread applies the reports before each poll. */
  private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();

  /** Notified whenever a lane's pending records go down; the polling thread waits on it. */
  private final Object progress = new Object();

  private final PartitionLane.Listener laneListener = new LaneListener();

  // touched only by the polling thread (the rebalance listener runs inside poll, on that thread)
  private final Map<TopicPartition, PartitionLane> lanes = new HashMap<>();
  private final OffsetCommits commits;
  private final Map<TopicPartition, Attempt> attempts = new HashMap<>();
  private final Map<TopicPartition, Long> pausedUntilNanos = new HashMap<>();
  private boolean holding;

  private KafkaEventConsumer(Builder b) {
    this.config = Map.copyOf(b.config);
    this.groupId = String.valueOf(b.config.get(ConsumerConfig.GROUP_ID_CONFIG));
    this.commits = new OffsetCommits(groupId);
    this.topics = b.topics;
    this.topicPattern = b.topicPattern;
    this.pollTimeout = b.pollTimeout;
    this.concurrency = b.concurrency;
    this.maxQueued = QUEUED_BATCHES_PER_WORKER * b.concurrency * b.maxBatch;
    // a lane that drains never gets here: polling stops at maxQueued, one poll past it at most
    this.laneLimit = maxQueued + 2 * b.maxBatch;
    this.laneResume = QUEUED_BATCHES_PER_WORKER * b.maxBatch;
    this.closeTimeout = b.closeTimeout;
    this.maxPollIntervalNanos =
        TimeUnit.MILLISECONDS.toNanos(
            Long.parseLong(
                String.valueOf(
                    b.config.getOrDefault(
                        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                        DEFAULT_MAX_POLL_INTERVAL_MS))));
    this.rebalanceListener = b.rebalanceListener;
    this.processor = new RecordProcessor(b.pipeline, groupId, b.maxBatch, b.resultListener);
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
    KafkaConsumer<byte[], byte[]> c = null;
    try {
      c = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      consumer = c;
      AtomicInteger n = new AtomicInteger();
      String prefix = Thread.currentThread().getName() + "-worker-";
      this.workers =
          new ThreadPoolExecutor(
              concurrency,
              concurrency,
              0,
              TimeUnit.MILLISECONDS,
              new LinkedBlockingQueue<>(),
              r ->
                  new Thread(
                      () -> {
                        PROCESSING.set(this); // a worker only ever processes for this consumer
                        r.run();
                      },
                      prefix + n.incrementAndGet()));
      Listener listener = new Listener(c);
      if (topicPattern != null) {
        c.subscribe(topicPattern, listener);
      } else {
        c.subscribe(topics, listener);
      }
      while (!stopping) {
        applyCompletions(c);
        if (holdPolling()) {
          continue;
        }
        resumeDue(c);
        if (!stopping) { // when stopping, shutdown() commits synchronously (or, killed, not at all)
          commits.commitAsync(c);
        }
        if (awaitWorkers()) {
          continue;
        }
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = c.poll(nextPollTimeout());
        } catch (WakeupException e) {
          continue; // a worker freed room in a paused lane, or close()/kill(): see the loop head
        }
        if (!records.isEmpty() && !stopping) {
          dispatch(c, records);
        }
      }
    } catch (RuntimeException | Error e) {
      failure = e;
      LOG.error("Kafka consumer {} failed and stopped", groupId, e);
    } finally {
      stopping = true;
      try {
        if (c != null) {
          shutdown(c);
        }
      } finally {
        if (workers != null) {
          workers.shutdownNow();
        }
        terminated.countDown();
      }
    }
  }

  /**
   * Keeps Kafka's liveness rule: a consumer whose records take longer than {@code
   * max.poll.interval.ms} leaves the group, so a stuck handler cannot hold its partitions forever.
   * The workers process while the loop polls, so the loop stops polling while a batch has been in
   * progress that long, which makes the client leave the group as it would for a slow poll loop;
   * the other members take the partitions over (their dedup claims keep the stuck handler's records
   * from running twice while its lease holds).
   *
   * @return true when the loop waited instead of polling
   */
  private boolean holdPolling() {
    long now = System.nanoTime();
    for (PartitionLane lane : lanes.values()) {
      if (lane.busyLongerThan(maxPollIntervalNanos, now)) {
        if (!holding) {
          holding = true;
          LOG.warn(
              "{}: a batch has been processing for over max.poll.interval.ms; polling stops, so the"
                  + " consumer leaves group {} until it is done",
              lane.partition,
              groupId);
        }
        synchronized (progress) {
          waitForProgress(pollTimeout.toMillis());
        }
        return true;
      }
    }
    holding = false;
    return false;
  }

  /**
   * Backpressure: while the lanes that are not paused hold {@code maxQueued} records, the workers
   * have enough to do, so the loop waits for them (a worker notifies after every batch) instead of
   * polling more. Pausing partitions for this instead would cost a fetch round trip per resume and
   * measured four times slower; pausing is kept for a lane that does not drain.
   *
   * @return true when the loop waited instead of polling
   */
  private boolean awaitWorkers() {
    synchronized (progress) {
      if (stopping || queuedInActiveLanes() < maxQueued) {
        return false;
      }
      waitForProgress(nextPollTimeout().toMillis());
      return true;
    }
  }

  /**
   * Waits on {@link #progress}, whose monitor the caller holds, until a worker finishes a batch or
   * {@code millis} pass; an interrupt stops the consumer.
   */
  private void waitForProgress(long millis) {
    try {
      progress.wait(Math.max(1, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }

  private int queuedInActiveLanes() {
    int queued = 0;
    for (PartitionLane lane : lanes.values()) {
      if (!lane.backlogPaused) {
        queued += lane.pending();
      }
    }
    return queued;
  }

  /** Hands each partition's records to its lane, pausing a partition whose lane does not drain. */
  private void dispatch(KafkaConsumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records) {
    List<TopicPartition> full = null;
    for (TopicPartition tp : records.partitions()) {
      PartitionLane lane = lanes.get(tp);
      if (lane == null) {
        lane = new PartitionLane(tp, processor, workers, laneListener, () -> stopping);
        lanes.put(tp, lane);
      }
      lane.enqueue(records.records(tp), attempts.get(tp));
      if (!lane.backlogPaused && lane.pending() >= laneLimit) {
        lane.backlogPaused = true;
        if (full == null) {
          full = new ArrayList<>();
        }
        full.add(tp);
      }
    }
    if (full != null) {
      c.pause(full);
    }
  }

  /** Applies the outcomes the workers reported: offsets to commit, rewinds and pauses for retry. */
  private void applyCompletions(KafkaConsumer<byte[], byte[]> c) {
    Completion done;
    while ((done = completions.poll()) != null) {
      PartitionLane lane = done.lane;
      if (lanes.get(lane.partition) != lane || done.generation != lane.generation()) {
        continue; // the partition was revoked since, or rewound: a stale report
      }
      PartitionOutcome o = done.outcome;
      TopicPartition tp = o.partition;
      if (o.nextOffset >= 0) {
        commits.finished(tp, o.nextOffset);
      }
      if (o.retryOffset >= 0) {
        attempts.put(tp, new Attempt(o.retryOffset, o.attemptsDone));
        c.seek(tp, o.retryOffset);
        lane.rewound();
        c.pause(List.of(tp));
        pausedUntilNanos.put(tp, System.nanoTime() + Math.max(0, o.retryAfter.toNanos()));
        LOG.debug("{} paused at offset {} for {}", tp, o.retryOffset, o.retryAfter);
      } else if (o.headDone) {
        attempts.remove(tp);
      }
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

  /** Resumes partitions whose retry back-off has passed or whose lane has room again. */
  private void resumeDue(KafkaConsumer<byte[], byte[]> c) {
    List<TopicPartition> due = null;
    for (PartitionLane lane : lanes.values()) {
      if (lane.backlogPaused && lane.pending() < laneResume) {
        lane.backlogPaused = false;
        if (!pausedUntilNanos.containsKey(lane.partition)) {
          due = add(due, lane.partition);
        }
      }
    }
    if (!pausedUntilNanos.isEmpty()) {
      long now = System.nanoTime();
      for (var it = pausedUntilNanos.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (e.getValue() - now <= 0) {
          it.remove();
          PartitionLane lane = lanes.get(e.getKey());
          if (lane == null || !lane.backlogPaused) {
            due = add(due, e.getKey());
          }
        }
      }
    }
    if (due != null) {
      due.retainAll(c.assignment());
      c.resume(due);
    }
  }

  private static List<TopicPartition> add(List<TopicPartition> list, TopicPartition tp) {
    List<TopicPartition> out = list == null ? new ArrayList<>() : list;
    out.add(tp);
    return out;
  }

  /**
   * Stops {@code stopped} after their records in progress and waits, up to the close timeout, until
   * their workers are done with them.
   */
  private void stopLanes(Collection<PartitionLane> stopped) {
    for (PartitionLane lane : stopped) {
      lane.revoke();
    }
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    boolean interrupted = false;
    synchronized (progress) {
      for (PartitionLane lane : stopped) {
        while (lane.pending() > 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            LOG.warn(
                "{}: the record in progress did not finish within {}; its result is not committed",
                lane.partition,
                closeTimeout);
            break;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(progress, left);
          } catch (InterruptedException e) {
            interrupted = true; // a partition's work is never abandoned half-way
          }
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void shutdown(KafkaConsumer<byte[], byte[]> c) {
    try {
      stopLanes(lanes.values());
      applyCompletions(c);
      if (!killed) {
        commits.commitSync(c, commits.partitions(), closeTimeout);
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

  /** A lane's report of one processed batch, for the polling thread. */
  private record Completion(PartitionLane lane, int generation, PartitionOutcome outcome) {}

  /** Receives the lanes' reports on worker threads. */
  private final class LaneListener implements PartitionLane.Listener {
    @Override
    public void completed(PartitionLane lane, int generation, PartitionOutcome outcome) {
      completions.add(new Completion(lane, generation, outcome));
    }

    @Override
    public void drained(PartitionLane lane) {
      synchronized (progress) {
        progress.notifyAll();
      }
      // the polling thread may be waiting in poll() with this lane's partition paused
      if (lane.backlogPaused && lane.pending() < laneResume) {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
          c.wakeup();
        }
      }
    }

    @Override
    public void failed(PartitionLane lane, Throwable error) {
      LOG.error("processing {} failed; the consumer {} stops", lane.partition, groupId, error);
      if (failure == null) {
        failure = error;
      }
      stopping = true;
      KafkaConsumer<byte[], byte[]> c = consumer;
      if (c != null) {
        c.wakeup();
      }
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
        stopLanes(lanesOf(partitions));
        applyCompletions(c);
        if (!killed) {
          commits.commitSync(c, partitions, closeTimeout);
        }
      } finally {
        forget(partitions);
        tell(l -> l.onPartitionsRevoked(partitions));
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      try {
        stopLanes(lanesOf(partitions)); // another member may own them already: no commit
      } finally {
        forget(partitions);
        tell(l -> l.onPartitionsLost(partitions));
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      tell(l -> l.onPartitionsAssigned(partitions));
    }

    private void tell(Consumer<ConsumerRebalanceListener> call) {
      if (rebalanceListener != null) {
        try {
          call.accept(rebalanceListener);
        } catch (RuntimeException e) {
          LOG.warn("rebalance listener failed", e);
        }
      }
    }

    private List<PartitionLane> lanesOf(Collection<TopicPartition> partitions) {
      List<PartitionLane> out = new ArrayList<>();
      for (TopicPartition tp : partitions) {
        PartitionLane lane = lanes.get(tp);
        if (lane != null) {
          out.add(lane);
        }
      }
      return out;
    }

    private void forget(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        lanes.remove(tp);
        commits.forget(tp);
        attempts.remove(tp);
        pausedUntilNanos.remove(tp);
      }
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
     * Sets the number of worker threads that process records; 1 by default. Records of one
     * partition stay in order on one worker at a time; with more threads, different partitions are
     * processed in parallel, so handlers must then be thread-safe. Polling always runs on its own
     * thread, beside the workers.
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
     * Calls {@code listener} with every result, on the worker thread that processed it. Its
     * exceptions are logged, not propagated.
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
