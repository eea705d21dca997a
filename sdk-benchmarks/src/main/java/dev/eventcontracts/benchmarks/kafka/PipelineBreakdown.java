package dev.eventcontracts.benchmarks.kafka;

import dev.eventcontracts.benchmarks.Registries;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.KeyReuse;
import dev.eventcontracts.validation.EventValidator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link KafkaConsumerBenchmark}'s diagnostic runs without Kafka: the same seed messages through
 * {@link EventValidator#validate} (v), through {@link EventPipeline#processBatch} in batches of 500
 * on stores that do nothing (b0), on the in-memory stores (b), and on the in-memory stores with key
 * reuse ignored, so no fingerprint is computed (bi). One thread; what is measured is that thread's
 * CPU time per message, so neither the broker nor the other core's load moves it much. The runs
 * alternate, each on a fresh pipeline (every key new), and the first two rounds are warm-up.
 * Differences between runs of one invocation are what it is for: (b0) − (v) is the pipeline's own
 * work, (b) − (b0) the in-memory stores', (b) − (bi) the fingerprint's.
 *
 * <pre>
 * java -cp sdk-benchmarks/target/benchmarks.jar dev.eventcontracts.benchmarks.kafka.PipelineBreakdown \
 *     [--messages 200000] [--rounds 12] [--runs v,b0,b,bi]
 * </pre>
 */
public final class PipelineBreakdown {
  private static final int BATCH = 500;
  private static final int WARM_UP_ROUNDS = 2;

  private PipelineBreakdown() {}

  /** Runs the breakdown and prints one line per run: median, least and most ns per message. */
  public static void main(String[] args) {
    int messages = 200_000;
    int rounds = 12;
    List<String> runs = List.of("v", "b0", "b", "bi");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--messages" -> messages = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--runs" -> runs = List.of(args[++i].split(","));
        default ->
            throw new IllegalArgumentException(
                "unknown option "
                    + args[i]
                    + "; options: --messages N --rounds N --runs v,b0,b,bi");
      }
    }
    if (rounds <= WARM_UP_ROUNDS || messages < BATCH) {
      throw new IllegalArgumentException("needs more than 2 rounds and at least 500 messages");
    }
    ContractRegistry registry = Registries.recruiting();
    SeedMessages seed = new SeedMessages();
    List<InboundMessage> input = new ArrayList<>(messages);
    for (int i = 0; i < messages; i++) {
      input.add(InboundMessage.of(seed.next().value()));
    }
    Map<String, List<Double>> nanos = new LinkedHashMap<>();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    EventValidator validator = EventValidator.of(registry);
    long sink = 0;
    for (int round = 0; round < rounds; round++) {
      for (String run : runs) {
        EventPipeline pipeline = run.equals("v") ? null : pipeline(registry, run);
        long start = threads.getCurrentThreadCpuTime();
        if (pipeline == null) {
          for (InboundMessage message : input) {
            sink += validator.validate(message).status().ordinal();
          }
        } else {
          for (int i = 0; i < input.size(); i += BATCH) {
            sink +=
                pipeline.processBatch(input.subList(i, Math.min(input.size(), i + BATCH))).size();
          }
        }
        double perMessage = (threads.getCurrentThreadCpuTime() - start) / (double) messages;
        if (round >= WARM_UP_ROUNDS) {
          nanos.computeIfAbsent(run, k -> new ArrayList<>()).add(perMessage);
        }
      }
    }
    System.out.printf(
        "# %d messages, %d rounds (%d warm-up), consumed %d%n",
        messages, rounds, WARM_UP_ROUNDS, sink);
    System.out.println("| run | CPU ns/msg, median | least | most |");
    System.out.println("|---|---:|---:|---:|");
    for (Map.Entry<String, List<Double>> run : nanos.entrySet()) {
      List<Double> sorted = new ArrayList<>(run.getValue());
      Collections.sort(sorted);
      System.out.printf(
          "| %s | %.0f | %.0f | %.0f |%n",
          run.getKey(),
          sorted.get(sorted.size() / 2),
          sorted.get(0),
          sorted.get(sorted.size() - 1));
    }
  }

  private static EventPipeline pipeline(ContractRegistry registry, String run) {
    EventPipeline.Builder builder =
        EventPipeline.builder(registry).deadLetterSink(DeadLetterSink.inMemory());
    switch (run) {
      case "b0" -> builder.dedupStore(NoopStores.dedup()).entityVersionStore(NoopStores.versions());
      case "b", "bi" ->
          builder
              .dedupStore(DedupStore.inMemory())
              .entityVersionStore(EntityVersionStore.inMemory());
      default -> throw new IllegalArgumentException("unknown run " + run + "; runs: v, b0, b, bi");
    }
    if (run.equals("bi")) {
      builder.onKeyReuse(KeyReuse.IGNORE);
    }
    return Registries.handleEveryEvent(builder, registry, (payload, context) -> {}).build();
  }
}
