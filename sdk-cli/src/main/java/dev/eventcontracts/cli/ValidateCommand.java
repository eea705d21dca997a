package dev.eventcontracts.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.Origin;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.ValidationReport;
import dev.eventcontracts.validation.ValidationStatus;
import dev.eventcontracts.validation.Violation;
import dev.eventcontracts.validation.ViolationCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code event-contracts validate --registry DIR [FILE|-]}: validates newline-delimited JSON events
 * against a registry and prints one JSON object per input line.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Validates newline-delimited JSON events against a contract registry.",
      "Prints one JSON object per event line: line, event_id, event_name, event_version, status"
          + " (VALID, INVALID, UNSUPPORTED_VERSION, UNKNOWN_EVENT, MALFORMED) and errors.",
      "Blank lines are skipped but counted."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every event is valid",
      "1:at least one event is not valid",
      "2:usage error, registry error or unreadable input"
    })
public final class ValidateCommand implements Callable<Integer> {
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
      description = {
        "A transport attribute (Kafka header, Pub/Sub attribute) given to every event; repeat for"
            + " more.",
        "CloudEvents binary mode: -H ce_specversion=1.0 -H ce_id=... -H ce_type=... (Kafka) or"
            + " ce-... (Pub/Sub), with the data as the line."
      })
  private Map<String, String> headers = new LinkedHashMap<>();

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      defaultValue = "-",
      description = "Newline-delimited JSON events; '-' or none reads standard input.")
  private String input;

  /** Validates every line and returns the exit code. */
  @Override
  public Integer call() throws IOException {
    return RegistryInput.run(
        spec,
        registry,
        input,
        parent.stdin(),
        (contracts, in, source) -> {
          EventValidator validator = EventValidator.of(contracts);
          try (CliOutput out = CliOutput.jsonLines(spec.commandLine().getOut())) {
            NdjsonLines lines = new NdjsonLines(in, contracts.limits().maxMessageBytes(), out);
            return validateLines(validator, lines, Map.copyOf(headers), source, out);
          }
        });
  }

  private static int validateLines(
      EventValidator validator,
      NdjsonLines lines,
      Map<String, String> attributes,
      String source,
      CliOutput out)
      throws IOException {
    int limit = validator.registry().limits().maxMessageBytes();
    boolean allValid = true;
    while (lines.next()) {
      if (lines.blank()) {
        continue;
      }
      ValidationReport report;
      if (lines.tooLong()) {
        // the reader would say the same, but the line's bytes were never kept in memory
        report =
            new ValidationReport(
                ValidationStatus.MALFORMED,
                null,
                null,
                List.of(
                    Violation.of(
                        "",
                        ViolationCode.TOO_LARGE,
                        "message is "
                            + lines.length()
                            + " bytes; the limit is "
                            + limit
                            + " bytes")));
      } else {
        InboundMessage message =
            new InboundMessage(lines.bytes(), attributes, Origin.line(source, lines.number()));
        report = validator.validate(message);
      }
      allValid &= report.valid();
      write(out, lines.number(), report);
    }
    return allValid ? CliOutput.OK : CliOutput.NOT_VALID;
  }

  private static void write(CliOutput out, long line, ValidationReport report) throws IOException {
    Envelope e = report.envelope();
    JsonGenerator json = out.json();
    json.writeStartObject();
    json.writeNumberField("line", line);
    json.writeStringField("event_id", e == null ? null : e.eventId());
    json.writeStringField("event_name", e == null ? null : e.eventName());
    json.writeStringField("event_version", e == null ? null : e.eventVersion());
    json.writeStringField("status", report.status().name());
    out.writeViolations("errors", report.violations());
    json.writeEndObject();
    out.endLine();
  }
}
