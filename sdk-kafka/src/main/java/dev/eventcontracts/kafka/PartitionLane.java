package dev.eventcontracts.kafka;

import dev.eventcontracts.kafka.RecordProcessor.Attempt;
import dev.eventcontracts.kafka.RecordProcessor.PartitionOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One assigned partition's polled records on their way through a worker. The polling thread {@link
 * #enqueue}s each poll's records of the partition as a batch; the lane runs its batches one after
 * another on a worker of the pool (never two at once, so the partition stays in order), and hands
 * each batch's {@link PartitionOutcome} back through {@link Listener#completed}.
 *
 * <p>A batch whose outcome is a retry <em>halts</em> the lane: the batches queued behind it (polled
 * before the polling thread rewound the partition) are dropped unprocessed, since their records
 * come again after the rewind. The polling thread then starts a new {@link #generation} when it
 * seeks back; batches of the new generation run again.
 */
final class PartitionLane {

  /** What the lane reports to the consumer, on the worker thread. */
  interface Listener {
    /** A batch of {@code generation} was processed. */
    void completed(PartitionLane lane, int generation, PartitionOutcome outcome);

    /** A batch left the lane, processed or dropped; {@link #pending()} went down. */
    void drained(PartitionLane lane);

    /** Processing threw what the pipeline does not catch (an {@link Error}); the lane stops. */
    void failed(PartitionLane lane, Throwable error);
  }

  private record Batch(List<ConsumerRecord<byte[], byte[]>> records, int generation, Attempt a) {}

  final TopicPartition partition;
  private final RecordProcessor processor;
  private final Executor executor;
  private final Listener listener;
  private final BooleanSupplier consumerStopping;
  private final BooleanSupplier stopRequested = this::stopRequested;

  private final Queue<Batch> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicInteger pending = new AtomicInteger();

  /** Set by the polling thread when it rewinds the partition; read by the worker. */
  private volatile int generation;

  /** The generation whose remaining batches are dropped; written by the worker only. */
  private volatile int haltedGeneration = -1;

  private volatile boolean revoked;

  /** When the batch in progress started ({@code System.nanoTime()}), or 0 while idle. */
  private volatile long busySinceNanos;

  /** Whether the polling thread paused the partition because too many records wait here. */
  volatile boolean backlogPaused;

  PartitionLane(
      TopicPartition partition,
      RecordProcessor processor,
      Executor executor,
      Listener listener,
      BooleanSupplier consumerStopping) {
    this.partition = partition;
    this.processor = processor;
    this.executor = executor;
    this.listener = listener;
    this.consumerStopping = consumerStopping;
  }

  /** Queues one poll's records of this partition and makes sure a worker runs the lane. */
  void enqueue(List<ConsumerRecord<byte[], byte[]>> records, Attempt attempt) {
    pending.addAndGet(records.size());
    queue.add(new Batch(records, generation, attempt));
    if (scheduled.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  /** Records queued or in progress here. */
  int pending() {
    return pending.get();
  }

  /** True when one batch has been in progress here for longer than {@code nanos}. */
  boolean busyLongerThan(long nanos, long now) {
    long since = busySinceNanos;
    return since != 0 && now - since > nanos;
  }

  /** The generation of batches queued from now on. */
  int generation() {
    return generation;
  }

  /** Starts a new generation after the partition was rewound; polling thread only. */
  void rewound() {
    generation++;
  }

  /**
   * Stops the lane: the record in progress finishes, nothing queued starts. For revocation, loss
   * and shutdown.
   */
  void revoke() {
    revoked = true;
  }

  private boolean stopRequested() {
    return revoked || consumerStopping.getAsBoolean();
  }

  /**
   * Joins to {@code first} the batches queued right behind it, while together they fit in one
   * pipeline batch ({@link RecordProcessor#maxBatch()}): the records of consecutive polls of one
   * partition follow each other, so running them as one batch changes no outcome and pays the
   * stores' round trips (claims, positions, completions) once instead of once per poll. Only first
   * deliveries of one generation are joined; a retried record keeps its batch of its own. Only the
   * draining worker takes from the queue, so the head it peeks at stays there.
   */
  private Batch withQueuedFollowers(Batch first) {
    int limit = processor.maxBatch();
    if (first.a != null || first.records.size() >= limit) {
      return first;
    }
    List<ConsumerRecord<byte[], byte[]>> joined = null;
    int size = first.records.size();
    Batch next;
    while ((next = queue.peek()) != null
        && next.a == null
        && next.generation == first.generation
        && size + next.records.size() <= limit) {
      queue.poll();
      if (joined == null) {
        joined = new ArrayList<>(first.records);
      }
      joined.addAll(next.records);
      size += next.records.size();
    }
    return joined == null ? first : new Batch(joined, first.generation, null);
  }

  /** Runs queued batches until none is left; on a worker thread, one at a time per lane. */
  private void drain() {
    do {
      Batch batch;
      while ((batch = queue.poll()) != null) {
        batch = withQueuedFollowers(batch);
        try {
          if (batch.generation == haltedGeneration || stopRequested()) {
            continue; // polled before a rewind, or stopping: these records come again
          }
          busySinceNanos = Math.max(1, System.nanoTime());
          PartitionOutcome outcome =
              processor.process(partition, batch.records, batch.a, stopRequested);
          if (outcome.retryOffset >= 0) {
            haltedGeneration = batch.generation;
          }
          listener.completed(this, batch.generation, outcome);
        } catch (RuntimeException | Error e) {
          revoked = true; // nothing after this batch may run: its outcome is unknown
          listener.failed(this, e);
        } finally {
          busySinceNanos = 0;
          pending.addAndGet(-batch.records.size());
          listener.drained(this);
        }
      }
      scheduled.set(false);
      // a batch queued after the last poll() but before the flag cleared would be stranded
    } while (!queue.isEmpty() && scheduled.compareAndSet(false, true));
  }
}
