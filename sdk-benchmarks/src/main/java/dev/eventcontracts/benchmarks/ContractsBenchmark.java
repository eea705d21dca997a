package dev.eventcontracts.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.envelope.EnvelopeReader;
import dev.eventcontracts.envelope.EnvelopeResult;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.ValidationReport;
import dev.eventcontracts.validation.ValidationStatus;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The contracts issue benchmark: per-event cost of envelope mapping and of full contract
 * validation, against bare Jackson {@code readTree} of the same bytes. Every invocation walks all
 * 10,000 events once, so scores are events per second.
 *
 * <ul>
 *   <li>{@code baselineReadTree}: baseline, {@code new ObjectMapper().readTree(bytes)};
 *   <li>{@code envelopeRead}: {@link EnvelopeReader#read(InboundMessage)} with the registry's
 *       formats and limits (the reader an {@link EventValidator} uses);
 *   <li>{@code validate}: {@link EventValidator#validate(InboundMessage)}: envelope, contract
 *       resolution and JSON Schema validation of the payload;
 *   <li>{@code validateWithoutFastPath}: the same with the registry loaded under {@code
 *       -Deventcontracts.validation.fastPath=false}, so networknt validates every payload (the SDK
 *       before the validation fast path).
 * </ul>
 *
 * Report the ratios {@code envelopeRead/baselineReadTree} (target 0.8) and {@code
 * validate/baselineReadTree} (target 0.4) taken from one run; absolute figures move by tens of
 * percent between runs on a shared machine.
 *
 * <pre>
 * java -jar sdk-benchmarks/target/benchmarks.jar ContractsBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ContractsBenchmark {
  /** Events per invocation. */
  public static final int EVENTS = 10_000;

  private byte[][] values;
  private InboundMessage[] messages;
  private ObjectMapper jackson;
  private EnvelopeReader reader;
  private EventValidator validator;
  private EventValidator withoutFastPath;

  /** Generates the events and checks, outside the timed code, that every one is valid. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    ContractRegistry registry = Registries.recruiting();
    validator = EventValidator.of(registry);
    withoutFastPath = EventValidator.of(Registries.withoutFastPath("recruiting"));
    reader = EnvelopeReader.of(registry.envelopeFormats(), registry.limits());
    jackson = new ObjectMapper();
    List<byte[]> generated = RecruitingEvents.mix(EVENTS, RecruitingEvents.MIX_SEED);
    values = generated.toArray(byte[][]::new);
    messages = new InboundMessage[values.length];
    long bytes = 0;
    for (int i = 0; i < values.length; i++) {
      messages[i] = InboundMessage.of(values[i]);
      bytes += values[i].length;
      if (!jackson.readTree(values[i]).isObject()) {
        throw new IllegalStateException("event " + i + " is not a JSON object");
      }
      EnvelopeResult read = reader.read(messages[i]);
      if (read.unreadable() || !read.violations().isEmpty()) {
        throw new IllegalStateException("event " + i + ": " + read.violations());
      }
      ValidationReport report = validator.validate(messages[i]);
      ValidationReport before = withoutFastPath.validate(messages[i]);
      if (report.status() != before.status()
          || !report.violations().equals(before.violations())
          || !report.contract().schema().fastPathAccepts(report.envelope().payload())) {
        throw new IllegalStateException("event " + i + ": the fast path does not take it");
      }
      if (report.status() != ValidationStatus.VALID) {
        throw new IllegalStateException(
            "event "
                + i
                + " is "
                + report.status()
                + ": "
                + report.violations()
                + "\n"
                + new String(values[i], java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    System.out.printf(
        "%n%d events, all VALID against registry '%s', mean %d bytes%n",
        values.length, registry.name(), bytes / values.length);
  }

  /** (0) Baseline: bare Jackson tree parse of each event. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void baselineReadTree(Blackhole bh) throws IOException {
    ObjectMapper mapper = jackson;
    for (byte[] value : values) {
      bh.consume(mapper.readTree(value));
    }
  }

  /** (a) Envelope mapping alone. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void envelopeRead(Blackhole bh) {
    EnvelopeReader r = reader;
    for (InboundMessage message : messages) {
      bh.consume(r.read(message));
    }
  }

  /** (b) Envelope mapping and full contract validation. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void validate(Blackhole bh) {
    EventValidator v = validator;
    for (InboundMessage message : messages) {
      bh.consume(v.validate(message));
    }
  }

  /** (b) without the fast path: networknt validates every payload, as before it. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void validateWithoutFastPath(Blackhole bh) {
    EventValidator v = withoutFastPath;
    for (InboundMessage message : messages) {
      bh.consume(v.validate(message));
    }
  }
}
