package dev.eventcontracts.cli;

import static dev.eventcontracts.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code event-contracts compat} in-process on copies of the recruiting example registry with
 * one change each: exit codes, the text report and the JSON shape.
 */
class CompatCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path RECRUITING = Path.of("../examples/registries/recruiting");
  private static final String JOB = "e02-job.updated.v1.schema.json";

  @TempDir Path dir;

  /** A copy of the recruiting registry with {@code file} changed by {@code change}. */
  private Path changed(String file, Consumer<ObjectNode> change) throws IOException {
    Path copy = Files.createTempDirectory(dir, "new");
    try (Stream<Path> files = Files.list(RECRUITING)) {
      for (Path f : files.toList()) {
        Files.copy(
            f, copy.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    ObjectNode node = (ObjectNode) JSON.readTree(copy.resolve(file).toFile());
    change.accept(node);
    JSON.writeValue(copy.resolve(file).toFile(), node);
    return copy;
  }

  private Path enumWidened() throws IOException {
    return changed(JOB, n -> ((ArrayNode) n.at("/properties/status/enum")).add("reopened"));
  }

  @Test
  void anUnchangedRegistryPassesWithExitZero() {
    CliRun run = run("compat", "--old", RECRUITING.toString(), "--new", RECRUITING.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo("recruiting against recruiting: compatible, no findings\n");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void aBreakingChangeExitsOneAndNamesEventVersionPathRuleAndDirection() throws IOException {
    CliRun run = run("compat", "--old", RECRUITING.toString(), "--new", enumWidened().toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .startsWith(
            "ERROR job.updated v1 /status: enum, breaks forward: new allows values old does not:"
                + " [\"reopened\"]\n")
        .contains(
            "forward: consumers on the old registry cannot read events written under the new one")
        .endsWith("not compatible: 1 error, 0 unproven, 0 warnings\n");
  }

  @Test
  void jsonIsOneObjectWithCountsAndFindings() throws IOException {
    Path newer = enumWidened();

    CliRun run = run("compat", "--json", "--old", RECRUITING.toString(), "--new", newer.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    JsonNode report = run.json();
    assertThat(report.get("old").asText()).isEqualTo(RECRUITING.toString());
    assertThat(report.get("new").asText()).isEqualTo(newer.toString());
    assertThat(report.get("compatible").asBoolean()).isFalse();
    assertThat(report.get("passed").asBoolean()).isFalse();
    assertThat(report.get("errors").asInt()).isEqualTo(1);
    assertThat(report.get("unproven").asInt()).isZero();
    assertThat(report.get("warnings").asInt()).isZero();
    assertThat(report.get("findings"))
        .singleElement()
        .isEqualTo(
            JSON.readTree(
                """
                {"severity": "ERROR", "event": "job.updated", "version": "v1", "path": "/status",
                 "rule": "enum", "direction": "forward",
                 "message": "new allows values old does not: [\\"reopened\\"]"}
                """));
  }

  @Test
  void aNewMajorVersionWithoutMigrationNoteWarnsAndFailsOnlyWithFailOnWarning() throws IOException {
    Path newer = changed(JOB, n -> {});
    ObjectNode v2 = (ObjectNode) JSON.readTree(newer.resolve(JOB).toFile());
    v2.put("x-event-version", "v2");
    JSON.writeValue(newer.resolve("e02-job.updated.v2.schema.json").toFile(), v2);

    CliRun lenient =
        run("compat", "--json", "--old", RECRUITING.toString(), "--new", newer.toString());
    CliRun strict =
        run(
            "compat",
            "--fail-on-warning",
            "--old",
            RECRUITING.toString(),
            "--new",
            newer.toString());

    assertThat(lenient.exitCode()).isZero();
    JsonNode report = lenient.json();
    assertThat(report.get("compatible").asBoolean()).isTrue();
    assertThat(report.get("passed").asBoolean()).isTrue();
    List<String> rules = report.get("findings").findValuesAsText("rule").stream().sorted().toList();
    assertThat(rules).containsExactly("migration-note-missing", "sunset-missing");
    assertThat(strict.exitCode()).isEqualTo(1);
    assertThat(strict.out())
        .contains("WARNING job.updated v2 x-migration: migration-note-missing: new major version")
        .contains("WARNING job.updated v1 x-sunset: sunset-missing: superseded by v2");
  }

  @Test
  void anUnprovenChangeFailsUnlessAllowed() throws IOException {
    Path newer =
        changed(
            "e13-billing.usage.updated.v1.schema.json",
            n ->
                ((ObjectNode) n.at("/properties/billing_month"))
                    .put("pattern", "^[0-9]{4}-[0-9]{2}$"));

    CliRun gate = run("compat", "--old", RECRUITING.toString(), "--new", newer.toString());
    CliRun allowed =
        run(
            "compat",
            "--allow-unproven",
            "--old",
            RECRUITING.toString(),
            "--new",
            newer.toString());

    assertThat(gate.exitCode()).isEqualTo(1);
    assertThat(gate.out())
        .contains(
            "UNPROVEN billing.usage.updated v1 /billing_month: pattern, breaks backward: cannot prove compatible")
        .contains(
            "UNPROVEN billing.usage.updated v1 /billing_month: pattern, breaks forward: cannot prove compatible");
    assertThat(allowed.exitCode()).isZero();
  }

  @Test
  void aBrokenRegistryExitsTwoAndSaysWhichSide() throws IOException {
    Path newer = changed(JOB, n -> n.put("type", "strng"));

    CliRun run = run("compat", "--old", RECRUITING.toString(), "--new", newer.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .startsWith("event-contracts compat: new registry error: ")
        .contains(JOB + ": not a valid JSON Schema 2020-12");
  }

  @Test
  void aMissingDirectoryExitsTwo() {
    CliRun run =
        run("compat", "--old", dir.resolve("nothing").toString(), "--new", RECRUITING.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("old registry error: ").contains("not a directory");
  }

  @Test
  void withoutNewItIsAUsageError() {
    CliRun run = run("compat", "--old", RECRUITING.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("Missing required option: '--new=DIR'");
  }
}
