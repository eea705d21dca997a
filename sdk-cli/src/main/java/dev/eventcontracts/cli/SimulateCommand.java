package dev.eventcontracts.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.Resolution;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.Origin;
import dev.eventcontracts.pipeline.Disposition;
import dev.eventcontracts.pipeline.EventHandler;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.validation.Limits;
import dev.eventcontracts.validation.Violation;
import dev.eventcontracts.validation.ViolationCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code event-contracts simulate --registry DIR [FILE|-]}: runs newline-delimited messages through
 * a consumer pipeline with in-memory stores, an in-memory dead-letter sink and a handler that does
 * nothing, and prints what the pipeline decided for each one, so a stream can be checked for
 * duplicates, stale versions, replays and rejections before a consumer sees it.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Runs newline-delimited messages through a consumer pipeline (in-memory stores, a no-op"
          + " handler for every contract) and prints one JSON object per message: line, event_id,"
          + " event_name, event_version, outcome, replay, idempotency_key, entity and"
          + " entity_version (contracts with an ordering rule), errors; then a summary object"
          + " with the count of every outcome.",
      "A line is an event, or a message with transport attributes:"
          + " {\"value\": <event object or string>, \"attributes\": {\"replay\": \"true\"}}."
          + " A string value is taken as the raw message bytes, so garbage can be simulated.",
      "Blank lines are skipped but counted."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every message was PROCESSED, DUPLICATE or STALE",
      "1:at least one message was rejected (INVALID, UNSUPPORTED_VERSION, UNKNOWN_EVENT,"
          + " MALFORMED, FAILED)",
      "2:usage error, registry error or unreadable input"
    })
public final class SimulateCommand implements Callable<Integer> {
  /** A message line's keys that make it a message wrapper rather than an event. */
  static final String VALUE = "value";

  /** Transport attributes of a message wrapper. */
  static final String ATTRIBUTES = "attributes";

  /** How often a message is delivered before the simulation gives up on it. */
  private static final int MAX_DELIVERIES = 100;

  private static final EventHandler<JsonNode> NO_OP = (payload, context) -> {};

  @Spec private CommandSpec spec;

  @ParentCommand private EventContractsCommand parent;

  @Option(
      names = {"-r", "--registry"},
      required = true,
      paramLabel = "DIR",
      description = "Registry directory: registry.json and *.schema.json contract files.")
  private Path registry;

  @Option(
      names = {"-H", "--header"},
      paramLabel = "NAME=VALUE",
      description =
          "A transport attribute given to every message; a message wrapper's own attributes win."
              + " Repeat for more.")
  private Map<String, String> headers = new LinkedHashMap<>();

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      defaultValue = "-",
      description = "Newline-delimited messages; '-' or none reads standard input.")
  private String input;

  /** Simulates every line and returns the exit code. */
  @Override
  public Integer call() throws IOException {
    return RegistryInput.run(
        spec,
        registry,
        input,
        parent.stdin(),
        (contracts, in, source) -> {
          try (CliOutput out = CliOutput.jsonLines(spec.commandLine().getOut())) {
            Simulation simulation = new Simulation(contracts, Map.copyOf(headers), source, out);
            NdjsonLines lines = new NdjsonLines(in, simulation.maxLineBytes(), out);
            return simulation.run(lines);
          }
        });
  }

  /** One run: the pipeline, the counts, and the output. */
  private static final class Simulation {
    private final ContractRegistry contracts;
    private final EventPipeline pipeline;
    private final Map<String, String> headers;
    private final String source;
    private final CliOutput out;
    private final JsonFactory wrapperJson;
    private final int maxLineBytes;
    private final Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);

    Simulation(
        ContractRegistry contracts, Map<String, String> headers, String source, CliOutput out) {
      this.contracts = contracts;
      this.headers = headers;
      this.source = source;
      this.out = out;
      EventPipeline.Builder builder =
          EventPipeline.builder(contracts)
              .owner("simulate")
              .deadLetterSink(DeadLetterSink.inMemory());
      Set<String> names = new LinkedHashSet<>();
      for (EventContract contract : contracts.contracts()) {
        names.add(contract.name());
      }
      names.forEach(name -> builder.handler(HandlerBinding.ofJson(name, NO_OP)));
      this.pipeline = builder.build();
      Limits limits = contracts.limits();
      // a wrapper holds a whole message, escaped when it is a string: leave room for both
      this.maxLineBytes = (int) Math.min(Integer.MAX_VALUE - 16L, 2L * limits.maxMessageBytes());
      this.wrapperJson =
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(limits.maxNestingDepth() + 1)
                      .maxStringLength(Math.max(limits.maxStringLength(), maxLineBytes))
                      .maxNumberLength(limits.maxNumberLength())
                      .maxDocumentLength(maxLineBytes)
                      .build())
              .build();
      for (Outcome outcome : Outcome.values()) {
        counts.put(outcome, 0);
      }
    }

    int maxLineBytes() {
      return maxLineBytes;
    }

    int run(NdjsonLines lines) throws IOException {
      boolean allAccepted = true;
      while (lines.next()) {
        if (lines.blank()) {
          continue;
        }
        Origin origin = Origin.line(source, lines.number());
        if (lines.tooLong()) {
          // the line's bytes were never kept in memory; the pipeline would say the same
          counts.merge(Outcome.MALFORMED, 1, Integer::sum);
          allAccepted = false;
          writeTooLong(lines.number(), lines.length());
          continue;
        }
        ProcessingResult result = deliver(message(lines.bytes(), origin));
        counts.merge(result.outcome(), 1, Integer::sum);
        allAccepted &= accepted(result.outcome());
        write(lines.number(), result);
      }
      writeSummary();
      return allAccepted ? CliOutput.OK : CliOutput.NOT_VALID;
    }

    /** Delivers a message until its disposition is final, as a transport would. */
    private ProcessingResult deliver(InboundMessage message) {
      int attempt = 1;
      ProcessingResult result = pipeline.process(message, attempt);
      while (result.disposition() == Disposition.RETRY && attempt < MAX_DELIVERIES) {
        result = pipeline.process(message, ++attempt);
      }
      return result;
    }

    private static boolean accepted(Outcome outcome) {
      return outcome == Outcome.PROCESSED
          || outcome == Outcome.DUPLICATE
          || outcome == Outcome.STALE;
    }

    /**
     * The message a line stands for: the line itself, or the value and attributes of a wrapper (an
     * object whose keys are {@code value} and, optionally, {@code attributes}). An object value is
     * taken byte for byte as it stands in the line, a string value as its UTF-8 text.
     */
    private InboundMessage message(byte[] line, Origin origin) {
      Wrapper wrapper = unwrap(line);
      if (wrapper == null) {
        return new InboundMessage(line, headers, origin);
      }
      Map<String, String> attributes = new LinkedHashMap<>(headers);
      attributes.putAll(wrapper.attributes());
      return new InboundMessage(wrapper.value(), attributes, origin);
    }

    private record Wrapper(byte[] value, Map<String, String> attributes) {}

    /** The wrapper's parts, or {@code null} when the line is not a wrapper (or not JSON). */
    private Wrapper unwrap(byte[] line) {
      try (JsonParser p = wrapperJson.createParser(line)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return null;
        }
        byte[] value = null;
        Map<String, String> attributes = Map.of();
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
          String key = p.currentName();
          JsonToken start = p.nextToken();
          if (key.equals(VALUE) && value == null) {
            if (start == JsonToken.VALUE_STRING) {
              value = p.getText().getBytes(StandardCharsets.UTF_8);
            } else {
              int from = (int) p.currentTokenLocation().getByteOffset();
              p.skipChildren();
              int to = (int) p.currentLocation().getByteOffset();
              value = Arrays.copyOfRange(line, from, to);
            }
          } else if (key.equals(ATTRIBUTES) && start == JsonToken.START_OBJECT) {
            attributes = attributes(p, line);
          } else {
            return null; // another key (or a repeated one): an event, not a wrapper
          }
        }
        if (value == null || p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
          return null;
        }
        return new Wrapper(value, attributes);
      } catch (IOException | RuntimeException e) {
        // not JSON, or over a limit: the pipeline reports it as the malformed message it is
        return null;
      }
    }

    /**
     * Attribute values are strings on every transport; other JSON values are kept as their JSON
     * text, and nulls are left out.
     */
    private static Map<String, String> attributes(JsonParser p, byte[] line) throws IOException {
      Map<String, String> attributes = new LinkedHashMap<>();
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          int from = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          int to = (int) p.currentLocation().getByteOffset();
          attributes.put(name, new String(line, from, to - from, StandardCharsets.UTF_8));
        } else if (value != JsonToken.VALUE_NULL) {
          attributes.put(name, p.getText());
        }
      }
      return attributes;
    }

    private void write(long line, ProcessingResult result) throws IOException {
      Envelope e = result.envelope();
      var json = out.json();
      json.writeStartObject();
      json.writeNumberField("line", line);
      json.writeStringField("event_id", e == null ? null : e.eventId());
      json.writeStringField("event_name", e == null ? null : e.eventName());
      json.writeStringField("event_version", e == null ? null : e.eventVersion());
      json.writeStringField("outcome", result.outcome().name());
      json.writeBooleanField("replay", result.replay());
      json.writeStringField("idempotency_key", result.idempotencyKey());
      if (ordered(e)) {
        json.writeStringField("entity", result.entity());
        if (result.entityVersion() == null) {
          json.writeNullField("entity_version");
        } else {
          json.writeNumberField("entity_version", result.entityVersion());
        }
      }
      out.writeViolations("errors", result.violations());
      json.writeEndObject();
      out.endLine();
    }

    /** True when the event's contract orders its events (so entity fields are meaningful). */
    private boolean ordered(Envelope e) {
      if (e == null || e.eventName() == null || e.eventVersion() == null) {
        return false;
      }
      Resolution resolution = contracts.resolve(e.eventName(), e.eventVersion());
      return resolution.found() && resolution.contract().ordering() != null;
    }

    private void writeTooLong(long line, long length) throws IOException {
      var json = out.json();
      json.writeStartObject();
      json.writeNumberField("line", line);
      json.writeNullField("event_id");
      json.writeNullField("event_name");
      json.writeNullField("event_version");
      json.writeStringField("outcome", Outcome.MALFORMED.name());
      json.writeBooleanField("replay", false);
      json.writeNullField("idempotency_key");
      out.writeViolations(
          "errors",
          List.of(
              Violation.of(
                  "",
                  ViolationCode.TOO_LARGE,
                  "line is " + length + " bytes; the limit is " + maxLineBytes + " bytes")));
      json.writeEndObject();
      out.endLine();
    }

    private void writeSummary() throws IOException {
      var json = out.json();
      json.writeStartObject();
      json.writeObjectFieldStart("summary");
      for (Map.Entry<Outcome, Integer> count : counts.entrySet()) {
        json.writeNumberField(count.getKey().name(), count.getValue());
      }
      json.writeEndObject();
      json.writeEndObject();
      out.endLine();
    }
  }
}
