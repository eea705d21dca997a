package dev.eventcontracts.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The pipeline issue benchmark (a): the whole pipeline (envelope, contract, validation, key
 * derivation, batch claim in the in-memory dedup store, entity position check, a no-op handler,
 * position advance, batch completion, metrics) against bare Jackson {@code readTree} of the same
 * bytes, on the same 10,000 seed-000-shaped events, one thread. Messages go through {@link
 * EventPipeline#processBatch} in batches of 500, as a Kafka poll hands them over. Every invocation
 * gets fresh stores (made outside the timed code), so no event is a duplicate of an earlier
 * invocation. Target: {@code pipeline / baselineReadTree >= 0.3}.
 *
 * <pre>
 * java -jar sdk-benchmarks/target/benchmarks.jar PipelineBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PipelineBenchmark {
  /** Events per invocation. */
  public static final int EVENTS = ContractsBenchmark.EVENTS;

  /** Messages per {@link EventPipeline#processBatch} call, as in a Kafka poll. */
  public static final int BATCH = 500;

  private ContractRegistry registry;
  private byte[][] values;
  private List<List<InboundMessage>> batches;
  private ObjectMapper jackson;
  private EventPipeline pipeline;

  /**
   * Whether the pipeline records its meters (on a {@link SimpleMeterRegistry}), to see what the
   * metrics listener costs per message.
   */
  @Param({"false", "true"})
  public boolean meters;

  /** Generates the events and reports, outside the timed code, what the pipeline decides. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    registry = Registries.recruiting();
    jackson = new ObjectMapper();
    values = RecruitingEvents.mix(EVENTS, RecruitingEvents.MIX_SEED).toArray(byte[][]::new);
    List<InboundMessage> messages = Arrays.stream(values).map(InboundMessage::of).toList();
    batches = new java.util.ArrayList<>();
    for (int i = 0; i < messages.size(); i += BATCH) {
      batches.add(messages.subList(i, Math.min(messages.size(), i + BATCH)));
    }
    newPipeline();
    Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    for (List<InboundMessage> batch : batches) {
      for (ProcessingResult r : pipeline.processBatch(batch)) {
        outcomes.merge(r.outcome(), 1, Integer::sum);
      }
    }
    System.out.println("outcomes of one pass over the events: " + outcomes);
    if (outcomes.getOrDefault(Outcome.PROCESSED, 0) < EVENTS / 2) {
      throw new IllegalStateException("most events should be processed: " + outcomes);
    }
  }

  /** Fresh in-memory stores, so every invocation claims new keys. */
  @Setup(Level.Invocation)
  public void newPipeline() {
    EventPipeline.Builder b =
        EventPipeline.builder(registry)
            .dedupStore(DedupStore.inMemory())
            .entityVersionStore(EntityVersionStore.inMemory())
            .deadLetterSink(DeadLetterSink.inMemory());
    if (meters) {
      b.meterRegistry(new SimpleMeterRegistry());
    }
    pipeline = Registries.handleEveryEvent(b, registry, (payload, context) -> {}).build();
  }

  /** Baseline: Jackson {@code readTree} of every event. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void baselineReadTree(Blackhole bh) throws IOException {
    for (byte[] value : values) {
      bh.consume(jackson.readTree(value));
    }
  }

  /** The whole pipeline over every event, in batches of {@link #BATCH}. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void pipeline(Blackhole bh) {
    for (List<InboundMessage> batch : batches) {
      bh.consume(pipeline.processBatch(batch));
    }
  }
}
