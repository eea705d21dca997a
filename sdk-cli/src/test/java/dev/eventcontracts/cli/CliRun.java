package dev.eventcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** One run of the {@code event-contracts} command in this JVM: its exit code and what it wrote. */
record CliRun(int exitCode, String out, String err) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Runs the command with {@code args} and an empty standard input. */
  static CliRun run(String... args) {
    return run(InputStream.nullInputStream(), args);
  }

  /** Runs the command with {@code args}, reading {@code stdin}. */
  static CliRun run(byte[] stdin, String... args) {
    return run(new ByteArrayInputStream(stdin), args);
  }

  /** Runs the command with {@code args}, reading {@code stdin}. */
  static CliRun run(InputStream stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        EventContractsCommand.commandLine(stdin, new PrintWriter(out), new PrintWriter(err))
            .execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Every non-empty stdout line, parsed as JSON. */
  List<JsonNode> lines() {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isEmpty()) {
        try {
          nodes.add(JSON.readTree(line));
        } catch (IOException e) {
          throw new AssertionError("not JSON: " + line, e);
        }
      }
    }
    return nodes;
  }

  /** Stdout as one JSON document on one line. */
  JsonNode json() throws IOException {
    assertThat(out).endsWith("\n");
    assertThat(out.strip()).doesNotContain("\n");
    return JSON.readTree(out);
  }

  /** {@code simulate}: the per-message lines, without the closing summary. */
  List<JsonNode> messages() {
    List<JsonNode> all = lines();
    return all.subList(0, all.size() - 1);
  }

  /** {@code simulate}: the outcome of every message. */
  List<String> outcomes() {
    return messages().stream().map(n -> n.get("outcome").asText()).toList();
  }

  /** {@code simulate}: the closing summary. */
  JsonNode summary() {
    List<JsonNode> all = lines();
    return all.get(all.size() - 1).get("summary");
  }

  /** {@code validate}: the status of every line. */
  List<String> statuses() {
    return lines().stream().map(n -> n.get("status").asText()).toList();
  }
}
