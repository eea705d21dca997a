package dev.eventcontracts.kafka;

import dev.eventcontracts.kafka.RecordProcessor.PartitionOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop of a {@link KafkaEventConsumer}: polls, hands each partition's records to its
 * {@link PartitionLane} on a pool of workers, applies what the workers report (offsets to commit,
 * rewinds and pauses for retry, see {@link RetryPauses}), commits, and keeps memory bounded
 * (backpressure). Everything here except {@link #requestStop} and the lanes' reports runs on the
 * polling thread; {@link Rebalancing} runs inside {@code poll}, on that thread too.
 */
final class PollLoop {
  private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);

  /**
   * How many batches of {@code maxBatch} records may wait per worker before the loop stops polling
   * until the workers catch up: enough that a worker never waits for the next poll, few enough to
   * bound memory and the work thrown away on revocation.
   */
  static final int QUEUED_BATCHES_PER_WORKER = 2;

  /** Kafka's default {@code max.poll.interval.ms}. */
  private static final int DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;

  /** The loop whose records this thread is processing, so close() from a handler won't wait. */
  private static final ThreadLocal<PollLoop> PROCESSING = new ThreadLocal<>();

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
  private final KafkaConsumerFactory consumerFactory;
  private final Rebalancing rebalancing;
  private final RecordProcessor processor;

  private volatile boolean stopping;
  private volatile boolean killed;
  private volatile @Nullable Consumer<byte[], byte[]> consumer;
  private volatile @Nullable Throwable failure;
  private @Nullable ThreadPoolExecutor workers; // created, used and shut down by the polling thread

  /** Workers report here; the polling thread applies the reports before each poll. */
  private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();

  /** Notified whenever a lane's pending records go down; the polling thread waits on it. */
  private final Object progress = new Object();

  private final PartitionLane.Listener laneListener = new LaneListener();

  // touched only by the polling thread
  private final Map<TopicPartition, PartitionLane> lanes = new HashMap<>();
  private final OffsetCommits commits;
  private final RetryPauses pauses = new RetryPauses();
  private boolean holding;

  PollLoop(KafkaEventConsumerBuilder b, String groupId) {
    this.config = Map.copyOf(b.config);
    this.groupId = groupId;
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
    this.consumerFactory = b.consumerFactory;
    this.rebalancing = new Rebalancing(this, b.rebalanceListener);
    this.processor = new RecordProcessor(b.pipeline, groupId, b.maxBatch, b.resultListener);
  }

  /** True on a worker thread of this loop (a handler calling close() must not wait for itself). */
  boolean processingOnThisThread() {
    return PROCESSING.get() == this;
  }

  /** Why the loop ended on its own, or {@code null}. */
  Throwable failure() {
    return failure;
  }

  /**
   * Asks the loop to stop after the records in progress; {@code abrupt} also skips every commit
   * from now on. Any thread.
   */
  void requestStop(boolean abrupt) {
    if (abrupt) {
      killed = true;
    }
    stopping = true;
    Consumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  /** True once a stop was asked for (before the loop started, the loop ends at once). */
  boolean stopRequested() {
    return stopping;
  }

  /** Runs the loop on the calling thread until a stop is asked for or the loop fails. */
  void run() {
    Consumer<byte[], byte[]> c = null;
    try {
      c = consumerFactory.create(new HashMap<>(config));
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
                        PROCESSING.set(this); // a worker only ever processes for this loop
                        r.run();
                      },
                      prefix + n.incrementAndGet()));
      if (topicPattern != null) {
        c.subscribe(topicPattern, rebalancing);
      } else {
        c.subscribe(topics, rebalancing);
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
          records = c.poll(pauses.nextPollTimeout(pollTimeout, System.nanoTime()));
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
      }
    }
  }

  // ---------------------------------------------------------------- backpressure

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
   * While the lanes that are not paused hold {@code maxQueued} records, the workers have enough to
   * do, so the loop waits for them (a worker notifies after every batch) instead of polling more.
   * Pausing partitions for this instead would cost a fetch round trip per resume and measured four
   * times slower; pausing is kept for a lane that does not drain.
   *
   * @return true when the loop waited instead of polling
   */
  private boolean awaitWorkers() {
    synchronized (progress) {
      if (stopping || queuedInActiveLanes() < maxQueued) {
        return false;
      }
      waitForProgress(pauses.nextPollTimeout(pollTimeout, System.nanoTime()).toMillis());
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
  private void dispatch(Consumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records) {
    List<TopicPartition> full = null;
    for (TopicPartition tp : records.partitions()) {
      PartitionLane lane = lanes.get(tp);
      if (lane == null) {
        lane = new PartitionLane(tp, processor, workers, laneListener, () -> stopping);
        lanes.put(tp, lane);
      }
      lane.enqueue(records.records(tp), pauses.attempt(tp));
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

  // ---------------------------------------------------------------- results, retries, commits

  /** Applies the outcomes the workers reported: offsets to commit, rewinds and pauses for retry. */
  private void applyCompletions(Consumer<byte[], byte[]> c) {
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
        pauses.pause(tp, o.retryOffset, o.attemptsDone, o.retryAfter, System.nanoTime());
        c.seek(tp, o.retryOffset);
        lane.rewound();
        c.pause(List.of(tp));
        LOG.debug("{} paused at offset {} for {}", tp, o.retryOffset, o.retryAfter);
      } else if (o.headDone) {
        pauses.done(tp);
      }
    }
  }

  /** Resumes partitions whose retry back-off has passed or whose lane has room again. */
  private void resumeDue(Consumer<byte[], byte[]> c) {
    List<TopicPartition> due = new ArrayList<>();
    for (PartitionLane lane : lanes.values()) {
      if (lane.backlogPaused && lane.pending() < laneResume) {
        lane.backlogPaused = false;
        if (!pauses.waiting(lane.partition)) {
          due.add(lane.partition);
        }
      }
    }
    List<TopicPartition> backedOff = new ArrayList<>();
    pauses.takeDue(System.nanoTime(), backedOff);
    for (TopicPartition tp : backedOff) {
      PartitionLane lane = lanes.get(tp);
      if (lane == null || !lane.backlogPaused) {
        due.add(tp);
      }
    }
    if (!due.isEmpty()) {
      due.retainAll(c.assignment());
      c.resume(due);
    }
  }

  // ---------------------------------------------------------------- rebalances and shutdown

  /** Revoked partitions: their records in progress finish, their offsets are committed. */
  void finishAndCommit(Collection<TopicPartition> partitions) {
    finish(partitions);
    Consumer<byte[], byte[]> c = consumer;
    applyCompletions(c);
    if (!killed) {
      commits.commitSync(c, partitions, closeTimeout);
    }
  }

  /** Lost or revoked partitions: their records in progress finish; nothing is committed here. */
  void finish(Collection<TopicPartition> partitions) {
    List<PartitionLane> stopped = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      PartitionLane lane = lanes.get(tp);
      if (lane != null) {
        stopped.add(lane);
      }
    }
    stopLanes(stopped);
  }

  /** Forgets everything about {@code partitions}. */
  void forget(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      lanes.remove(tp);
      commits.forget(tp);
      pauses.forget(tp);
    }
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

  private void shutdown(Consumer<byte[], byte[]> c) {
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
        Consumer<byte[], byte[]> c = consumer;
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
      Consumer<byte[], byte[]> c = consumer;
      if (c != null) {
        c.wakeup();
      }
    }
  }
}
