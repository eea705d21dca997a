package dev.eventcontracts.kafka;

import dev.eventcontracts.pipeline.EventPipeline;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.KafkaException;
import org.jspecify.annotations.Nullable;
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
 * KafkaEventConsumerBuilder#concurrency} worker threads. Each poll's records of a partition join
 * that partition's queue (its lane), and a worker runs the lane's records through {@link
 * EventPipeline#processBatch} in chunks of at most {@link KafkaEventConsumerBuilder#maxBatch}, so a
 * chunk's idempotency keys are claimed in one round trip. One partition's records run on one worker
 * at a time, in offset order; different partitions run in parallel, and polling continues while
 * workers process. While the lanes hold two batches per worker the loop waits for the workers
 * instead of polling, and a partition whose lane keeps growing past that is paused until it drains,
 * which bounds memory.
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
 *
 * <p>The parts live in their own files: the builder ({@link KafkaEventConsumerBuilder}), the poll
 * loop with its backpressure ({@code PollLoop}), the retry pauses ({@code RetryPauses}), rebalance
 * handling ({@code Rebalancing}), the partition lanes ({@code PartitionLane}) and offset commits
 * ({@code OffsetCommits}). The Kafka consumer comes from a {@link KafkaConsumerFactory}.
 */
public final class KafkaEventConsumer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventConsumer.class);

  /** Default longest wait of one poll. */
  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofSeconds(1);

  /** Default largest number of records handed to the pipeline in one batch. */
  public static final int DEFAULT_MAX_BATCH = 500;

  /** Default longest wait of {@link #close()} for the loop to finish and commit. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final String groupId;
  private final Duration closeTimeout;
  private final PollLoop loop;
  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile @Nullable Thread loopThread;

  KafkaEventConsumer(KafkaEventConsumerBuilder b) {
    this.groupId = String.valueOf(b.config.get(ConsumerConfig.GROUP_ID_CONFIG));
    this.closeTimeout = b.closeTimeout;
    this.loop = new PollLoop(b, groupId);
  }

  /** Starts a consumer that feeds {@code pipeline}. */
  public static KafkaEventConsumerBuilder builder(EventPipeline pipeline) {
    return new KafkaEventConsumerBuilder(pipeline);
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
    Thread thread = new Thread(this::runLoop, "event-contracts-kafka-" + THREADS.incrementAndGet());
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
    runLoop();
    Throwable f = loop.failure();
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
    return Optional.ofNullable(loop.failure());
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
   * deduplicated there). The consumer still leaves the group, so the partitions move at once.
   * Package-private: not API; tests reach it through {@code KafkaTestHooks} in the test tree.
   */
  void kill() {
    stop(true);
  }

  private void stop(boolean abrupt) {
    loop.requestStop(abrupt);
    if (!started.get() || Thread.currentThread() == loopThread || loop.processingOnThisThread()) {
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
    if (loop.stopRequested()) {
      terminated.countDown();
      throw new IllegalStateException("the consumer was closed");
    }
  }

  private void runLoop() {
    try {
      loop.run();
    } finally {
      terminated.countDown();
    }
  }
}
