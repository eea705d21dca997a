package dev.eventcontracts.cli;

import static dev.eventcontracts.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Runs {@code event-contracts validate} in-process against the example registries and files. */
class ValidateCommandTest {
  private static final String REGISTRIES = "../examples/registries/";
  private static final String EVENTS = "../examples/events/";
  private static final String RECRUITING = REGISTRIES + "recruiting";

  @TempDir Path dir;

  private static CliRun runWithStdin(byte[] stdin, String... args) {
    return run(new ByteArrayInputStream(stdin), args);
  }

  private static CliRun runWithStdin(String stdin, String... args) {
    return runWithStdin(stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  private static String validLine(int index) throws IOException {
    return Files.readAllLines(Path.of(EVENTS + "recruiting-valid.ndjson")).get(index);
  }

  @Test
  void everyValidLineIsValidAndExitIsZero() {
    CliRun run = run("validate", "--registry", RECRUITING, EVENTS + "recruiting-valid.ndjson");
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    List<JsonNode> lines = run.lines();
    assertThat(lines).hasSize(14);
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = lines.get(i);
      assertThat(line.get("line").asInt()).isEqualTo(i + 1);
      assertThat(line.get("status").asText()).isEqualTo("VALID");
      assertThat(line.get("event_id").asText()).hasSize(36);
      assertThat(line.get("event_version").asText()).isEqualTo("v1");
      assertThat(line.get("errors")).isEmpty();
    }
    assertThat(lines.get(0).get("event_name").asText()).isEqualTo("candidate.document.uploaded");
  }

  @Test
  void outputLinesAreCompactWithFieldsInOrder() {
    CliRun run = run("validate", "--registry", RECRUITING, EVENTS + "recruiting-valid.ndjson");
    String first = run.out().substring(0, run.out().indexOf('\n'));
    assertThat(first)
        .isEqualTo(
            "{\"line\":1,\"event_id\":\"9a89b6b0-a247-4158-a83b-ba51bea27dc0\","
                + "\"event_name\":\"candidate.document.uploaded\",\"event_version\":\"v1\","
                + "\"status\":\"VALID\",\"errors\":[]}");
    assertThat(run.out()).endsWith("\n").doesNotContain("\n\n").doesNotContain("\n ");
  }

  @Test
  void invalidFileGivesTheExpectedStatusPerLineAndExitOne() {
    CliRun run = run("validate", "--registry", RECRUITING, EVENTS + "recruiting-invalid.ndjson");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEmpty();
    List<JsonNode> lines = run.lines();
    assertThat(run.statuses())
        .containsExactly(
            "INVALID",
            "INVALID",
            "INVALID",
            "INVALID",
            "INVALID",
            "INVALID",
            "UNSUPPORTED_VERSION",
            "UNKNOWN_EVENT",
            "MALFORMED",
            "MALFORMED");
    List<String> firstError =
        lines.stream()
            .map(n -> n.get("errors").get(0))
            .map(e -> e.get("path").asText() + " " + e.get("code").asText())
            .toList();
    assertThat(firstError)
        .containsExactly(
            "/payload/changed_fields required",
            "/payload/profile_version type",
            "/payload/status enum",
            "/payload/quality_score range",
            "/payload/billing_month pattern",
            "/payload/reason_codes items",
            " unsupported_version",
            " unknown_event",
            " malformed",
            " unknown_envelope");
    for (JsonNode line : lines) {
      assertThat(line.get("errors")).hasSize(1);
      assertThat(line.get("errors").get(0).get("message").asText()).isNotBlank();
    }
    JsonNode unsupported = lines.get(6);
    assertThat(unsupported.get("event_name").asText()).isEqualTo("profile.updated");
    assertThat(unsupported.get("event_version").asText()).isEqualTo("v2");
    JsonNode truncated = lines.get(8);
    assertThat(truncated.get("line").asInt()).isEqualTo(9);
    assertThat(truncated.get("event_id").isNull()).isTrue();
    assertThat(truncated.get("event_name").isNull()).isTrue();
    assertThat(truncated.get("event_version").isNull()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "activity, activity.ndjson, 13, 0",
    "interview, interview.ndjson, 18, 0",
    "todo, todo.ndjson, 9, 0",
    "commerce, commerce.ndjson, 16, 1"
  })
  void everyExampleRegistry(String registry, String file, int lines, int exitCode) {
    CliRun run = run("validate", "-r", REGISTRIES + registry, EVENTS + file);
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(exitCode);
    assertThat(run.lines()).hasSize(lines);
    List<String> statuses = run.statuses();
    if (registry.equals("commerce")) {
      assertThat(statuses.get(0)).isEqualTo("UNKNOWN_EVENT");
      assertThat(statuses.subList(1, lines)).containsOnly("VALID");
    } else {
      assertThat(statuses).containsOnly("VALID");
    }
  }

  @Test
  void activityEventsHaveNoEventId() {
    JsonNode first =
        run("validate", "-r", REGISTRIES + "activity", EVENTS + "activity.ndjson").lines().get(0);
    assertThat(first.get("event_id").isNull()).isTrue();
    assertThat(first.get("event_name").asText()).isEqualTo("TEXT_JOB_REQUESTED");
    assertThat(first.get("event_version").asText()).isEqualTo("1");
  }

  @Test
  void readsStandardInputWithDashOrWithoutFile() throws IOException {
    String input = validLine(0) + "\n" + validLine(1) + "\n";
    for (CliRun run :
        List.of(
            runWithStdin(input, "validate", "--registry", RECRUITING, "-"),
            runWithStdin(input, "validate", "--registry", RECRUITING))) {
      assertThat(run.exitCode()).isZero();
      assertThat(run.statuses()).containsExactly("VALID", "VALID");
    }
  }

  @Test
  void blankLinesAreSkippedButCounted() throws IOException {
    String input = "\n" + validLine(0) + "\n   \n\t\r\n" + validLine(1) + "\n\n";
    CliRun run = runWithStdin(input, "validate", "--registry", RECRUITING);
    assertThat(run.exitCode()).isZero();
    assertThat(run.lines()).extracting(n -> n.get("line").asInt()).containsExactly(2, 5);
  }

  @Test
  void lineThatIsNotJsonIsMalformedAndProcessingContinues() throws IOException {
    String input = validLine(0) + "\nthis is not json\n" + validLine(1);
    CliRun run = runWithStdin(input, "validate", "--registry", RECRUITING);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.statuses()).containsExactly("VALID", "MALFORMED", "VALID");
    JsonNode error = run.lines().get(1).get("errors").get(0);
    assertThat(error.get("code").asText()).isEqualTo("malformed");
    assertThat(error.get("path").asText()).isEmpty();
  }

  @Test
  void crlfLineEndingsAndAMissingFinalNewline() throws IOException {
    String input = validLine(0) + "\r\n" + validLine(1) + "\r\n" + validLine(2);
    CliRun run = runWithStdin(input, "validate", "--registry", RECRUITING);
    assertThat(run.exitCode()).isZero();
    assertThat(run.lines()).extracting(n -> n.get("line").asInt()).containsExactly(1, 2, 3);
  }

  @Test
  void invalidUtf8IsMalformedForThatLineOnly() throws IOException {
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    input.write(validLine(0).getBytes(StandardCharsets.UTF_8));
    input.write('\n');
    input.write(
        new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
    input.write(validLine(1).replace("tnt_acme", "tnt_äcmé_名").getBytes(StandardCharsets.UTF_8));
    input.write('\n');
    CliRun run = runWithStdin(input.toByteArray(), "validate", "--registry", RECRUITING);
    assertThat(run.statuses()).containsExactly("VALID", "MALFORMED", "VALID");
  }

  @Test
  void veryLongLinesAreTooLargeAndDoNotStopTheRun() throws IOException {
    String huge = "{\"pad\": \"" + "x".repeat(3 << 20) + "\"}";
    String input = validLine(0) + "\n" + huge + "\n" + validLine(1) + "\n";
    CliRun run = runWithStdin(input, "validate", "--registry", RECRUITING);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.statuses()).containsExactly("VALID", "MALFORMED", "VALID");
    JsonNode error = run.lines().get(1).get("errors").get(0);
    assertThat(error.get("code").asText()).isEqualTo("too_large");
    assertThat(error.get("message").asText()).contains(Integer.toString(huge.length()));
  }

  @Test
  void hostileLinesAreReportedNotThrown() {
    String input =
        "[".repeat(10_000)
            + "\n"
            + "{\"a\": \""
            + "y".repeat(300_000)
            + "\"}\n"
            + "[1, 2]\n"
            + "{\"event_id\": \"truncated\n";
    CliRun run = runWithStdin(input, "validate", "--registry", RECRUITING);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEmpty();
    assertThat(run.lines())
        .extracting(n -> n.get("errors").get(0).get("code").asText())
        .containsExactly("too_deep", "too_long", "malformed", "malformed");
  }

  @ParameterizedTest
  @CsvSource({"ce_", "ce-"})
  void cloudEventsBinaryModeFromHeaders(String prefix) {
    String data =
        "{\"task_id\": \"d612a34b-f35b-4cf0-9194-52e9511e39c8\","
            + " \"user_id\": \"57810fc9-d961-4327-b182-14c3758ca3da\","
            + " \"title\": \"Water the plants\", \"created_at\": \"2026-02-03T09:00:00+00:00\"}";
    CliRun run =
        runWithStdin(
            data + "\n{\"task_id\": \"nope\"}\n",
            "validate",
            "-r",
            REGISTRIES + "todo",
            "-H",
            prefix + "specversion=1.0",
            "-H",
            prefix + "id=a03a36a6-f97b-45aa-a5d8-5fcea8a50047",
            "--header",
            prefix + "source=/chat-api",
            "--header",
            prefix + "type=com.todo.task.created.v1",
            "-H",
            prefix + "time=2026-02-03T09:00:00.000+00:00");
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.statuses()).containsExactly("VALID", "INVALID");
    JsonNode first = run.lines().get(0);
    assertThat(first.get("event_id").asText()).isEqualTo("a03a36a6-f97b-45aa-a5d8-5fcea8a50047");
    assertThat(first.get("event_name").asText()).isEqualTo("com.todo.task.created");
    assertThat(first.get("event_version").asText()).isEqualTo("v1");
    assertThat(run.lines().get(1).get("errors"))
        .extracting(e -> e.get("path").asText() + " " + e.get("code").asText())
        .containsExactlyInAnyOrder(
            "/task_id format", "/user_id required", "/title required", "/created_at required");
  }

  @Test
  void badHeaderOptionIsAUsageError() {
    assertThat(run("validate", "-r", RECRUITING, "-H", "no-equals-sign").exitCode()).isEqualTo(2);
  }

  @Test
  void emptyInputIsValid() {
    CliRun run = runWithStdin("", "validate", "--registry", RECRUITING);
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEmpty();
  }

  @Test
  void brokenRegistryExitsTwoNamingTheFile() throws IOException {
    Files.writeString(
        dir.resolve("broken.schema.json"),
        """
        {"$schema": "https://json-schema.org/draft/2020-12/schema",
         "x-event-name": "e", "x-event-version": "v1", "type": "strng"}
        """);
    CliRun run = run("validate", "--registry", dir.toString(), EVENTS + "recruiting-valid.ndjson");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .contains("broken.schema.json")
        .contains("registry error")
        .contains("JSON Schema");
  }

  @Test
  void badRegistrySettingExitsTwoNamingTheFile() throws IOException {
    Files.copy(
        Path.of(RECRUITING, "e01-profile.updated.v1.schema.json"), dir.resolve("e01.schema.json"));
    Files.writeString(dir.resolve("registry.json"), "{\"versionPolicy\": \"lenient\"}");
    CliRun run = run("validate", "--registry", dir.toString(), EVENTS + "recruiting-valid.ndjson");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("registry.json").contains("lenient");
  }

  @Test
  void missingRegistryDirectoryExitsTwo() {
    CliRun run = run("validate", "--registry", dir.resolve("nope").toString(), "-");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("nope").contains("not a directory");
  }

  @Test
  void missingInputFileExitsTwo() {
    CliRun run =
        run("validate", "--registry", RECRUITING, dir.resolve("missing.ndjson").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("missing.ndjson").contains("no such file");
  }

  @Test
  void directoryAsInputExitsTwo() {
    CliRun run = run("validate", "--registry", RECRUITING, dir.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(dir.toString());
  }

  @Test
  void usageErrorsExitTwo() {
    CliRun noRegistry = run("validate", EVENTS + "recruiting-valid.ndjson");
    assertThat(noRegistry.exitCode()).isEqualTo(2);
    assertThat(noRegistry.err()).contains("--registry").contains("Usage");
    assertThat(noRegistry.out()).isEmpty();

    assertThat(run("validate", "--registry", RECRUITING, "--bogus").exitCode()).isEqualTo(2);
    assertThat(run("validate", "--registry", RECRUITING, "a.ndjson", "b.ndjson").exitCode())
        .isEqualTo(2);
    assertThat(run("frobnicate").exitCode()).isEqualTo(2);

    CliRun nothing = run();
    assertThat(nothing.exitCode()).isEqualTo(2);
    assertThat(nothing.err()).contains("validate").contains("Usage");
  }

  @Test
  void helpAndVersionExitZero() {
    CliRun help = run("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("validate");
    CliRun validateHelp = run("validate", "--help");
    assertThat(validateHelp.exitCode()).isZero();
    assertThat(validateHelp.out()).contains("--registry").contains("Exit codes");
    CliRun helpCommand = run("help", "validate");
    assertThat(helpCommand.exitCode()).isZero();
    CliRun version = run("--version");
    assertThat(version.exitCode()).isZero();
    assertThat(version.out()).startsWith("event-contracts ");
  }
}
