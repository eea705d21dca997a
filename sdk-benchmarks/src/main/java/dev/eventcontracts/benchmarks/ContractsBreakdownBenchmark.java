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
import dev.eventcontracts.validation.Limits;
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
 * Where the time of {@link ContractsBenchmark} goes, one step at a time, on the same 10,000 events.
 * Not part of the reported ratios; run it when a ratio moves:
 *
 * <pre>
 * java -jar sdk-benchmarks/target/benchmarks.jar ContractsBreakdownBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s
 * </pre>
 *
 * <ul>
 *   <li>{@code parseDefault}: {@code new ObjectMapper().readTree} (the baseline again);
 *   <li>{@code parseSdkMapper}: {@code readTree} with {@link EnvelopeReader#mapperFor} (limits,
 *       trailing-token check, BigDecimal floats), the mapper the SDK parses with;
 *   <li>{@code parseTrailingTokens}, {@code parseBigDecimal}, {@code parseConstraints}: the default
 *       mapper with one of those three settings each;
 *   <li>{@code mapOnly}: the registry's envelope format mapping already-parsed trees;
 *   <li>{@code schemaOnly}: the contracts' JSON Schema validation of already-parsed payloads.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ContractsBreakdownBenchmark {
  private static final int EVENTS = ContractsBenchmark.EVENTS;

  private byte[][] values;
  private InboundMessage[] messages;
  private JsonNode[] documents;
  private JsonNode[] payloads;
  private PayloadSchema[] schemas;
  private EnvelopeFormat format;
  private ObjectMapper plain;
  private ObjectMapper sdk;
  private ObjectMapper trailing;
  private ObjectMapper bigDecimal;
  private ObjectMapper constrained;

  /** Parses the events once, so the mapping and schema steps can run on ready trees. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    ContractRegistry registry = Registries.recruiting();
    Limits limits = registry.limits();
    plain = new ObjectMapper();
    sdk = EnvelopeReader.mapperFor(limits);
    trailing = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    bigDecimal =
        JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    constrained =
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
    format = registry.envelopeFormats().get(0);
    List<byte[]> generated = RecruitingEvents.mix(EVENTS, RecruitingEvents.MIX_SEED);
    values = generated.toArray(byte[][]::new);
    messages = new InboundMessage[EVENTS];
    documents = new JsonNode[EVENTS];
    payloads = new JsonNode[EVENTS];
    schemas = new PayloadSchema[EVENTS];
    for (int i = 0; i < EVENTS; i++) {
      messages[i] = InboundMessage.of(values[i]);
      documents[i] = sdk.readTree(values[i]);
      payloads[i] = documents[i].get("payload");
      schemas[i] =
          registry.resolve(documents[i].get("event_name").asText(), "v1").contract().schema();
      if (!schemas[i].validate(payloads[i], "/payload").isEmpty()) {
        throw new IllegalStateException("event " + i + " is not valid");
      }
    }
  }

  /** Default mapper. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void parseDefault(Blackhole bh) throws IOException {
    for (byte[] value : values) {
      bh.consume(plain.readTree(value));
    }
  }

  /** The SDK's mapper. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void parseSdkMapper(Blackhole bh) throws IOException {
    for (byte[] value : values) {
      bh.consume(sdk.readTree(value));
    }
  }

  /** Default mapper with FAIL_ON_TRAILING_TOKENS. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void parseTrailingTokens(Blackhole bh) throws IOException {
    for (byte[] value : values) {
      bh.consume(trailing.readTree(value));
    }
  }

  /** Default mapper with USE_BIG_DECIMAL_FOR_FLOATS. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void parseBigDecimal(Blackhole bh) throws IOException {
    for (byte[] value : values) {
      bh.consume(bigDecimal.readTree(value));
    }
  }

  /** Default mapper with the SDK's stream read constraints. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void parseConstraints(Blackhole bh) throws IOException {
    for (byte[] value : values) {
      bh.consume(constrained.readTree(value));
    }
  }

  /** Envelope mapping of parsed trees. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void mapOnly(Blackhole bh) {
    for (int i = 0; i < EVENTS; i++) {
      bh.consume(format.map(documents[i], messages[i]));
    }
  }

  /** JSON Schema validation of parsed payloads. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void schemaOnly(Blackhole bh) {
    for (int i = 0; i < EVENTS; i++) {
      bh.consume(schemas[i].validate(payloads[i], "/payload"));
    }
  }
}
