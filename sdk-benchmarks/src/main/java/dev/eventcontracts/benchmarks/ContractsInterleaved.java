package dev.eventcontracts.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.PayloadSchema;
import dev.eventcontracts.envelope.EnvelopeFormat;
import dev.eventcontracts.envelope.EnvelopeReader;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.Limits;
import dev.eventcontracts.validation.ValidationReport;
import dev.eventcontracts.validation.ValidationStatus;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A cross-check of {@link ContractsBenchmark} that is less sensitive to a noisy, shared machine:
 * the workloads run round-robin in one JVM (one pass over the same 10,000 events each, in rotating
 * order), and each pass is timed by the wall clock and by the CPU time of the benchmark thread.
 * Another process stealing the CPU slows the wall clock of whichever workload is running but hardly
 * moves its CPU time, and interleaving spreads what is left evenly over the workloads. Medians are
 * reported; the process CPU time (which includes garbage collection on other threads) is summed per
 * workload over all rounds.
 *
 * <pre>
 * java -cp sdk-benchmarks/target/benchmarks.jar dev.eventcontracts.benchmarks.ContractsInterleaved [rounds] [--breakdown]
 * </pre>
 *
 * With {@code --breakdown} it also runs the steps of {@link ContractsBreakdownBenchmark}.
 */
public final class ContractsInterleaved {

  /** One pass over all events; returns something derived from the results, so none is dead. */
  @FunctionalInterface
  interface Pass {
    long run() throws IOException;
  }

  private record Workload(String name, Pass pass) {}

  private ContractsInterleaved() {}

  /** Runs the comparison; arguments: number of measured rounds (300), {@code --breakdown}. */
  public static void main(String[] args) throws IOException {
    int rounds = 300;
    boolean breakdown = false;
    for (String arg : args) {
      if (arg.equals("--breakdown")) {
        breakdown = true;
      } else {
        rounds = Integer.parseInt(arg);
      }
    }
    int warmupRounds = Math.max(100, rounds / 2);
    ContractRegistry registry = Registries.recruiting();
    Limits limits = registry.limits();
    EventValidator validator = EventValidator.of(registry);
    EventValidator withoutFastPath = EventValidator.of(Registries.withoutFastPath("recruiting"));
    EnvelopeReader reader = EnvelopeReader.of(registry.envelopeFormats(), registry.limits());
    ObjectMapper jackson = new ObjectMapper();
    List<byte[]> generated =
        RecruitingEvents.mix(ContractsBenchmark.EVENTS, RecruitingEvents.MIX_SEED);
    byte[][] values = generated.toArray(byte[][]::new);
    int n = values.length;
    InboundMessage[] messages = new InboundMessage[n];
    JsonNode[] documents = new JsonNode[n];
    JsonNode[] payloads = new JsonNode[n];
    PayloadSchema[] schemas = new PayloadSchema[n];
    for (int i = 0; i < n; i++) {
      messages[i] = InboundMessage.of(values[i]);
      var report = validator.validate(messages[i]);
      if (report.status() != ValidationStatus.VALID) {
        throw new IllegalStateException("event " + i + " is not valid");
      }
      ValidationReport before = withoutFastPath.validate(messages[i]);
      if (report.status() != before.status()
          || !report.violations().equals(before.violations())
          || !report.contract().schema().fastPathAccepts(report.envelope().payload())) {
        throw new IllegalStateException("event " + i + ": the fast path does not take it");
      }
      documents[i] = report.envelope().document();
      payloads[i] = report.envelope().payload();
      schemas[i] = report.contract().schema();
    }

    List<Workload> workloads = new ArrayList<>();
    workloads.add(new Workload("baselineReadTree", () -> parse(jackson, values)));
    workloads.add(
        new Workload(
            "envelopeRead",
            () -> {
              long sink = 0;
              for (InboundMessage message : messages) {
                sink += reader.read(message).violations().size() + 1;
              }
              return sink;
            }));
    workloads.add(
        new Workload(
            "validate",
            () -> {
              long sink = 0;
              for (InboundMessage message : messages) {
                sink += validator.validate(message).status().ordinal() + 1;
              }
              return sink;
            }));
    workloads.add(
        new Workload(
            "validateNoFastPath",
            () -> {
              long sink = 0;
              for (InboundMessage message : messages) {
                sink += withoutFastPath.validate(message).status().ordinal() + 1;
              }
              return sink;
            }));
    if (breakdown) {
      ObjectMapper sdk = EnvelopeReader.mapperFor(limits);
      ObjectMapper trailing =
          JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
      ObjectMapper bigDecimal =
          JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
      ObjectMapper constrained =
          JsonMapper.builder(
                  JsonFactory.builder()
                      .streamReadConstraints(
                          StreamReadConstraints.builder()
                              .maxNestingDepth(limits.maxNestingDepth())
                              .maxStringLength(limits.maxStringLength())
                              .maxNumberLength(limits.maxNumberLength())
                              .maxNameLength(Math.min(limits.maxStringLength(), 50_000))
                              .maxDocumentLength(limits.maxMessageBytes())
                              .build())
                      .build())
              .build();
      EnvelopeFormat format = registry.envelopeFormats().get(0);
      workloads.add(new Workload("parseSdkMapper", () -> parse(sdk, values)));
      workloads.add(new Workload("parseTrailing", () -> parse(trailing, values)));
      workloads.add(new Workload("parseBigDecimal", () -> parse(bigDecimal, values)));
      workloads.add(new Workload("parseConstraints", () -> parse(constrained, values)));
      String[] keys = {
        "event_name", "event_id", "event_name", "event_version", "occurred_at", "producer",
        "trace_id", "idempotency_key", "tenant_id", "correlation_id", "schema_ref", "payload"
      };
      workloads.add(
          new Workload(
              "parse+12gets",
              () -> {
                long sink = 0;
                for (byte[] value : values) {
                  JsonNode document = sdk.readTree(value);
                  for (String key : keys) {
                    JsonNode node = document.get(key);
                    sink += node == null ? 0 : 1;
                  }
                }
                return sink;
              }));
      workloads.add(
          new Workload(
              "mapHot64",
              () -> {
                long sink = 0;
                for (int i = 0; i < n; i++) {
                  sink += format.map(documents[i & 63], messages[i & 63]).violations().size() + 1;
                }
                return sink;
              }));
      workloads.add(
          new Workload(
              "12getsHot64",
              () -> {
                long sink = 0;
                for (int i = 0; i < n; i++) {
                  JsonNode document = documents[i & 63];
                  for (String key : keys) {
                    JsonNode node = document.get(key);
                    sink += node == null ? 0 : 1;
                  }
                }
                return sink;
              }));
      workloads.add(
          new Workload(
              "mapOnly",
              () -> {
                long sink = 0;
                for (int i = 0; i < n; i++) {
                  sink += format.map(documents[i], messages[i]).violations().size() + 1;
                }
                return sink;
              }));
      workloads.add(
          new Workload(
              "schemaOnly",
              () -> {
                long sink = 0;
                for (int i = 0; i < n; i++) {
                  sink += schemas[i].validate(payloads[i], "/payload").size() + 1;
                }
                return sink;
              }));
      workloads.add(
          new Workload(
              "schemaNetworknt",
              () -> {
                long sink = 0;
                for (int i = 0; i < n; i++) {
                  sink += schemas[i].validateWithoutFastPath(payloads[i], "/payload").size() + 1;
                }
                return sink;
              }));
    }

    int count = workloads.size();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long[][] wall = new long[count][rounds];
    long[][] cpu = new long[count][rounds];
    long[] process = new long[count];
    long sink = 0;
    for (int round = -warmupRounds; round < rounds; round++) {
      for (int k = 0; k < count; k++) {
        int w = (k + Math.floorMod(round, count)) % count;
        long p0 = os.getProcessCpuTime();
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        sink += workloads.get(w).pass().run();
        long t1 = System.nanoTime();
        long c1 = threads.getCurrentThreadCpuTime();
        long p1 = os.getProcessCpuTime();
        if (round >= 0) {
          wall[w][round] = t1 - t0;
          cpu[w][round] = c1 - c0;
          process[w] += p1 - p0;
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%d events, %d rounds after %d warm-up rounds (sink %d)%n",
        n,
        rounds,
        warmupRounds,
        sink % 10);
    System.out.printf(
        Locale.ROOT,
        "%-18s %12s %12s %12s %12s %9s %9s %9s%n",
        "workload",
        "wall ev/s",
        "thrCPU ev/s",
        "procCPU ev/s",
        "ns/ev(thr)",
        "r(wall)",
        "r(thr)",
        "r(proc)");
    double wall0 = 0;
    double cpu0 = 0;
    double process0 = 0;
    for (int w = 0; w < count; w++) {
      double wallRate = n * 1e9 / median(wall[w]);
      double cpuRate = n * 1e9 / median(cpu[w]);
      double processRate = (double) n * rounds * 1e9 / process[w];
      if (w == 0) {
        wall0 = wallRate;
        cpu0 = cpuRate;
        process0 = processRate;
      }
      System.out.printf(
          Locale.ROOT,
          "%-18s %12.0f %12.0f %12.0f %12.0f %9.2f %9.2f %9.2f%n",
          workloads.get(w).name(),
          wallRate,
          cpuRate,
          processRate,
          median(cpu[w]) / (double) n,
          wallRate / wall0,
          cpuRate / cpu0,
          processRate / process0);
    }
  }

  private static long parse(ObjectMapper mapper, byte[][] values) throws IOException {
    long sink = 0;
    for (byte[] value : values) {
      sink += mapper.readTree(value).size();
    }
    return sink;
  }

  private static long median(long[] samples) {
    long[] sorted = samples.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
