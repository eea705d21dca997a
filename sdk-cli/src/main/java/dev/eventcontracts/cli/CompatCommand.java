package dev.eventcontracts.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.eventcontracts.compat.CompatibilityChecker;
import dev.eventcontracts.compat.CompatibilityReport;
import dev.eventcontracts.compat.Finding;
import dev.eventcontracts.compat.Severity;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.RegistryException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code event-contracts compat --old DIR --new DIR}: compares two registries per event and version
 * in both directions and reports every breaking change, as a gate for contract pull requests.
 */
@Command(
    name = "compat",
    mixinStandardHelpOptions = true,
    description = {
      "Compares a new contract registry with the old one it replaces, per event and version,"
          + " and reports every change that breaks consumers.",
      "Both directions: backward (consumers on the new registry read events written under the"
          + " old one: replays, dead letters, events in flight) and forward (consumers still on"
          + " the old registry read events written under the new one).",
      "Prints one line per finding (severity, event, version, path, rule, direction, message)"
          + " and a summary; --json prints one JSON object instead."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:compatible (warnings allowed unless --fail-on-warning)",
      "1:an error, or an unproven change (unless --allow-unproven), or a warning with"
          + " --fail-on-warning",
      "2:usage error or registry error"
    })
public final class CompatCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(
      names = "--old",
      required = true,
      paramLabel = "DIR",
      description = "The registry directory before the change (the base branch).")
  private Path oldRegistry;

  @Option(
      names = "--new",
      required = true,
      paramLabel = "DIR",
      description = "The registry directory after the change.")
  private Path newRegistry;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  private boolean json;

  @Option(names = "--fail-on-warning", description = "Exit 1 on warnings too.")
  private boolean failOnWarning;

  @Option(
      names = "--allow-unproven",
      description =
          "Exit 0 when the only failures are changes the checker cannot prove"
              + " compatible (reviewed by hand).")
  private boolean allowUnproven;

  /** Compares the registries and returns the exit code. */
  @Override
  public Integer call() throws IOException {
    ContractRegistry before;
    ContractRegistry after;
    try {
      before = ContractRegistry.load(oldRegistry);
    } catch (RegistryException e) {
      return CliOutput.fail(spec, "old registry error: " + e.getMessage());
    }
    try {
      after = ContractRegistry.load(newRegistry);
    } catch (RegistryException e) {
      return CliOutput.fail(spec, "new registry error: " + e.getMessage());
    }
    CompatibilityReport report = CompatibilityChecker.check(before, after);
    boolean passed = report.passes(failOnWarning, allowUnproven);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      try (CliOutput lines = CliOutput.jsonLines(out)) {
        writeJson(lines, report, passed);
      }
    } else {
      out.print(report.toText());
      out.flush();
    }
    return passed ? CliOutput.OK : CliOutput.NOT_VALID;
  }

  private void writeJson(CliOutput lines, CompatibilityReport report, boolean passed)
      throws IOException {
    JsonGenerator g = lines.json();
    g.writeStartObject();
    g.writeStringField("old", oldRegistry.toString());
    g.writeStringField("new", newRegistry.toString());
    g.writeBooleanField("compatible", report.compatible());
    g.writeBooleanField("passed", passed);
    g.writeNumberField("errors", report.count(Severity.ERROR));
    g.writeNumberField("unproven", report.count(Severity.UNPROVEN));
    g.writeNumberField("warnings", report.count(Severity.WARNING));
    g.writeArrayFieldStart("findings");
    for (Finding f : report.findings()) {
      g.writeStartObject();
      g.writeStringField("severity", f.severity().name());
      g.writeStringField("event", f.event());
      g.writeStringField("version", f.version());
      g.writeStringField("path", f.path());
      g.writeStringField("rule", f.rule().code());
      g.writeStringField("direction", f.direction().label());
      g.writeStringField("message", f.message());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    lines.endLine();
  }
}
