package dev.eventcontracts.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.kafka.RecordProcessor.PartitionOutcome;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.transport.RecordingHandler;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * {@link PartitionLane} on its own, with the real pipeline and in-memory stores but no broker: the
 * worker is a queue of tasks the test runs by hand, so every interleaving is chosen, not raced.
 */
class PartitionLaneTest {
  private static final TopicPartition TP = new TopicPartition("lane", 0);

  private final RecruitingEvents events = RecruitingEvents.withSeed(11);
  private final RecordingHandler recorder = new RecordingHandler();
  private final List<ProcessingResult> results = new CopyOnWriteArrayList<>();
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private final Executor executor = tasks::add;
  private final Reports reports = new Reports();
  private final AtomicBoolean consumerStopping = new AtomicBoolean();
  private long nextOffset;

  private final EventPipeline pipeline =
      recorder
          .pipeline(KafkaTestSupport.recruiting())
          .deadLetterSink(DeadLetterSink.inMemory())
          .retry(RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(1)).build())
          .build();

  private final PartitionLane lane =
      new PartitionLane(
          TP,
          new RecordProcessor(pipeline, "group", 2, results::add),
          executor,
          reports,
          consumerStopping::get);

  /** What the lane reported, in order. */
  private static final class Reports implements PartitionLane.Listener {
    final List<PartitionOutcome> outcomes = new ArrayList<>();
    final List<Integer> generations = new ArrayList<>();
    final List<Throwable> failures = new ArrayList<>();
    int drained;

    @Override
    public void completed(PartitionLane lane, int generation, PartitionOutcome outcome) {
      outcomes.add(outcome);
      generations.add(generation);
    }

    @Override
    public void drained(PartitionLane lane) {
      drained++;
    }

    @Override
    public void failed(PartitionLane lane, Throwable error) {
      failures.add(error);
    }
  }

  private List<ConsumerRecord<byte[], byte[]>> records(int count) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long offset = nextOffset++;
      out.add(
          new ConsumerRecord<>(
              TP.topic(),
              TP.partition(),
              offset,
              null,
              KafkaTestSupport.bytes(events.event("qa.submitted", (int) offset))));
    }
    return out;
  }

  private void runWorker() {
    while (!tasks.isEmpty()) {
      tasks.poll().run();
    }
  }

  @Test
  void runsBatchesInOrderOnOneWorkerTaskAndReportsEachBatch() {
    lane.enqueue(records(3), null);
    lane.enqueue(records(2), null);
    assertThat(tasks).as("one task drains the lane, however many batches wait").hasSize(1);
    assertThat(lane.pending()).isEqualTo(5);

    runWorker();

    assertThat(recorder.offsets(0)).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(reports.outcomes).extracting(o -> o.nextOffset).containsExactly(3L, 5L);
    assertThat(reports.generations).containsExactly(0, 0);
    assertThat(reports.drained).isEqualTo(2);
    assertThat(lane.pending()).isZero();

    lane.enqueue(records(1), null);
    assertThat(tasks).as("an idle lane is scheduled again").hasSize(1);
    runWorker();
    assertThat(recorder.offsets(0)).endsWith(5L);
  }

  @Test
  void batchesQueuedBehindEachOtherRunAsOnePipelineBatchUpToMaxBatch() {
    PartitionLane wide =
        new PartitionLane(
            TP,
            new RecordProcessor(pipeline, "group", 5, results::add),
            executor,
            reports,
            consumerStopping::get);
    wide.enqueue(records(2), null); // 0-1
    wide.enqueue(records(2), null); // 2-3: joins, 4 records
    wide.enqueue(records(2), null); // 4-5: 6 would pass maxBatch 5, so a batch of its own
    wide.enqueue(records(1), null); // 6: joins it

    runWorker();

    assertThat(recorder.offsets(0)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(reports.outcomes).extracting(o -> o.nextOffset).containsExactly(4L, 7L);
    assertThat(wide.pending()).isZero();

    // a redelivery with its attempt count and a new generation are never joined to other batches
    wide.rewound();
    nextOffset = 6;
    wide.enqueue(records(1), new RecordProcessor.Attempt(6, 1)); // 6 again, attempt 2
    wide.enqueue(records(1), null); // 7
    runWorker();
    assertThat(reports.outcomes).extracting(o -> o.nextOffset).containsExactly(4L, 7L, 7L, 8L);
    assertThat(reports.generations).containsExactly(0, 0, 1, 1);
  }

  @Test
  void aRetryHaltsTheLaneUntilTheNextGeneration() {
    recorder.failWhen((payload, ctx) -> ctx.origin().offset() == 1 && ctx.deliveryAttempt() == 1);
    lane.enqueue(records(3), null); // offsets 0-2: 1 fails
    lane.enqueue(records(3), null); // offsets 3-5: polled before the rewind

    runWorker();

    assertThat(recorder.offsets(0)).containsExactly(0L);
    assertThat(reports.outcomes).hasSize(1);
    PartitionOutcome retry = reports.outcomes.get(0);
    assertThat(retry.nextOffset).isEqualTo(1);
    assertThat(retry.retryOffset).isEqualTo(1);
    assertThat(retry.attemptsDone).isEqualTo(1);
    assertThat(lane.pending()).as("the dropped batch left the lane too").isZero();

    // a batch still queued in the old generation is dropped as well
    lane.enqueue(records(1), null);
    runWorker();
    assertThat(recorder.offsets(0)).containsExactly(0L);

    // the polling thread rewinds: the redelivered records run, the retried one with attempt 2
    lane.rewound();
    nextOffset = 1;
    lane.enqueue(records(5), new RecordProcessor.Attempt(1, 1));
    runWorker();
    assertThat(recorder.offsets(0)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(recorder.calls().get(1).attempt()).isEqualTo(2);
    assertThat(reports.generations).containsExactly(0, 1);
    assertThat(reports.outcomes.get(1).nextOffset).isEqualTo(6);
    assertThat(reports.outcomes.get(1).headDone).isTrue();
  }

  @Test
  void aRevokedLaneFinishesTheRecordInProgressAndDropsTheRest() {
    recorder.failWhen(
        (payload, ctx) -> {
          if (ctx.origin().offset() == 0) {
            lane.revoke(); // revoked while the first record runs
          }
          return false;
        });
    lane.enqueue(records(4), null);
    lane.enqueue(records(2), null);

    runWorker();

    assertThat(recorder.offsets(0)).containsExactly(0L);
    assertThat(reports.outcomes).extracting(o -> o.nextOffset).containsExactly(1L);
    assertThat(lane.pending()).isZero();
  }

  @Test
  void aConsumerShutdownStopsTheLaneLikeARevocation() {
    lane.enqueue(records(2), null);
    consumerStopping.set(true);
    runWorker();
    assertThat(recorder.calls()).isEmpty();
    assertThat(reports.outcomes).isEmpty();
    assertThat(lane.pending()).isZero();
  }

  @Test
  void anErrorThatEscapesThePipelineStopsTheLaneAndIsReported() {
    EventPipeline throwing =
        recorder
            .pipeline(KafkaTestSupport.recruiting())
            .deadLetterSink(
                deadLetter -> {
                  throw new OutOfMemoryError("simulated");
                })
            .build();
    PartitionLane failing =
        new PartitionLane(
            TP,
            new RecordProcessor(throwing, "group", 2, results::add),
            executor,
            reports,
            consumerStopping::get);
    List<ConsumerRecord<byte[], byte[]>> garbage =
        List.of(new ConsumerRecord<>(TP.topic(), 0, 0L, null, new byte[] {1, 2, 3}));
    failing.enqueue(garbage, null);
    failing.enqueue(records(1), null);

    runWorker();

    assertThat(reports.failures).singleElement().isInstanceOf(OutOfMemoryError.class);
    assertThat(reports.outcomes).isEmpty();
    assertThat(recorder.calls()).as("nothing after the failure runs").isEmpty();
    assertThat(failing.pending()).isZero();
  }

  @Test
  void reportsABatchThatRunsLongerThanALimit() throws Exception {
    long[] seen = new long[1];
    recorder.failWhen(
        (payload, ctx) -> {
          seen[0] = lane.busyLongerThan(0, System.nanoTime() + 1) ? 1 : 0;
          return false;
        });
    assertThat(lane.busyLongerThan(0, System.nanoTime())).isFalse();
    lane.enqueue(records(1), null);
    runWorker();
    assertThat(seen[0]).as("busy while the handler ran").isEqualTo(1);
    assertThat(lane.busyLongerThan(0, System.nanoTime())).as("idle afterwards").isFalse();
  }
}
