package dev.eventcontracts.kafka;

import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.ProcessingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one partition's polled records through the pipeline, in order, in chunks of at most {@code
 * maxBatch}. Makes no Kafka client calls, so it can run on any thread; what the records came to is
 * returned as a {@link PartitionOutcome} for the polling thread to commit or rewind.
 */
final class RecordProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(RecordProcessor.class);

  /** Back-off after the pipeline itself threw, which it should never do. */
  static final Duration UNEXPECTED_FAILURE_DELAY = Duration.ofSeconds(1);

  private final EventPipeline pipeline;
  private final String groupId;
  private final int maxBatch;
  private final Consumer<ProcessingResult> resultListener;

  RecordProcessor(
      EventPipeline pipeline,
      String groupId,
      int maxBatch,
      Consumer<ProcessingResult> resultListener) {
    this.pipeline = pipeline;
    this.groupId = groupId;
    this.maxBatch = maxBatch;
    this.resultListener = resultListener;
  }

  /** The most records handed to the pipeline as one batch. */
  int maxBatch() {
    return maxBatch;
  }

  /**
   * Processes {@code records} (one partition, ascending offsets).
   *
   * @param attempt how often the partition's retried record was delivered before, or {@code null}
   * @param stopRequested asked before each record after the first; processing ends when it is true
   */
  PartitionOutcome process(
      TopicPartition tp,
      List<ConsumerRecord<byte[], byte[]>> records,
      Attempt attempt,
      BooleanSupplier stopRequested) {
    PartitionOutcome out = new PartitionOutcome(tp);
    int from = 0;
    if (attempt != null) {
      ConsumerRecord<byte[], byte[]> head = records.get(0);
      out.headDone = true; // also when the remembered record is gone (deleted by retention)
      if (head.offset() == attempt.offset()) {
        // the retried record comes back alone, with its delivery attempt counted
        int next = attempt.attemptsDone() + 1;
        ProcessingResult result;
        try {
          result = pipeline.process(HeaderMapping.message(head, groupId), next);
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
      if (from > 0 && stopRequested.getAsBoolean()) {
        return out;
      }
      List<ConsumerRecord<byte[], byte[]>> chunk =
          records.subList(from, Math.min(records.size(), from + maxBatch));
      List<InboundMessage> messages = new ArrayList<>(chunk.size());
      for (ConsumerRecord<byte[], byte[]> record : chunk) {
        messages.add(HeaderMapping.message(record, groupId));
      }
      List<ProcessingResult> results;
      try {
        results = pipeline.processBatch(messages, stopRequested);
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
        return out; // stopped for shutdown or revocation
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

  /** How often the record at {@code offset} was delivered so far. */
  record Attempt(long offset, int attemptsDone) {}

  /** What processing one partition's records came to. */
  static final class PartitionOutcome {
    final TopicPartition partition;

    /** The offset to commit (the one after the acknowledged prefix), or -1 when none moved. */
    long nextOffset = -1;

    /** The record to rewind to and retry, or -1. */
    long retryOffset = -1;

    Duration retryAfter = Duration.ZERO;
    int attemptsDone;

    /** True when the remembered retried record is behind us (done, or gone). */
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
}
