package dev.eventcontracts.kafka.crash;

import dev.eventcontracts.envelope.Origin;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Every result the consumers reported ({@code KafkaEventConsumerBuilder.onResult}), counted per
 * record (partition, offset) and outcome. A record delivered again after a kill has several
 * results; a result that asks for a retry is counted apart, since the record comes back.
 */
final class OutcomeLog {
  private static final Outcome[] OUTCOMES = Outcome.values();

  private final String topic;
  private final long[] endOffsets;
  private final AtomicIntegerArray[] counts;
  private final AtomicLongArray totals = new AtomicLongArray(OUTCOMES.length);
  private final AtomicLong retries = new AtomicLong();
  private final Queue<String> retryExamples = new ConcurrentLinkedQueue<>();
  private final Queue<String> strays = new ConcurrentLinkedQueue<>();

  OutcomeLog(String topic, long[] endOffsets) {
    this.topic = topic;
    this.endOffsets = endOffsets.clone();
    this.counts = new AtomicIntegerArray[endOffsets.length];
    for (int p = 0; p < endOffsets.length; p++) {
      counts[p] = new AtomicIntegerArray(Math.toIntExact(endOffsets[p] * OUTCOMES.length));
    }
  }

  void record(ProcessingResult result) {
    Origin origin = result.message().origin();
    int p = origin.partition();
    long offset = origin.offset();
    if (!topic.equals(origin.source())
        || p < 0
        || p >= counts.length
        || offset < 0
        || offset >= endOffsets[p]) {
      strays.add(origin + " " + result.outcome());
      return;
    }
    if (!result.acknowledged()) {
      retries.incrementAndGet();
      if (retryExamples.size() < 20) {
        retryExamples.add(p + "@" + offset + " " + result.outcome() + ": " + result.error());
      }
      return;
    }
    counts[p].incrementAndGet(index(offset, result.outcome()));
    totals.incrementAndGet(result.outcome().ordinal());
  }

  /** How many acknowledged results with {@code outcome} the record had. */
  int count(int partition, long offset, Outcome outcome) {
    return counts[partition].get(index(offset, outcome));
  }

  /** How many acknowledged results the record had, whatever their outcome. */
  int results(int partition, long offset) {
    int n = 0;
    for (Outcome o : OUTCOMES) {
      n += count(partition, offset, o);
    }
    return n;
  }

  long total(Outcome outcome) {
    return totals.get(outcome.ordinal());
  }

  long totalAcknowledged() {
    long n = 0;
    for (Outcome o : OUTCOMES) {
      n += total(o);
    }
    return n;
  }

  long retries() {
    return retries.get();
  }

  Queue<String> retryExamples() {
    return retryExamples;
  }

  Queue<String> strays() {
    return strays;
  }

  private static int index(long offset, Outcome outcome) {
    return Math.toIntExact(offset * OUTCOMES.length + outcome.ordinal());
  }
}
