package dev.eventcontracts.cli;

import static dev.eventcontracts.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code event-contracts simulate} in-process against the recruiting registry. */
class SimulateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RECRUITING = "../examples/registries/recruiting";
  private static final Path VALID = Path.of("../examples/events/recruiting-valid.ndjson");
  private static final List<String> OUTCOMES =
      List.of(
          "PROCESSED",
          "DUPLICATE",
          "STALE",
          "INVALID",
          "UNSUPPORTED_VERSION",
          "UNKNOWN_EVENT",
          "MALFORMED",
          "FAILED",
          "BINDING_FAILED",
          "KEY_REUSED");

  @TempDir Path dir;

  private static List<String> validLines() throws IOException {
    return Files.readAllLines(VALID);
  }

  private Path write(List<String> lines) throws IOException {
    Path file = dir.resolve("messages.ndjson");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  private static ObjectNode event(String line) throws IOException {
    return (ObjectNode) JSON.readTree(line);
  }

  /** Line 3 of the valid example: profile.updated, tenant tnt_acme, candidate cand_7f3a9c21 v3. */
  private static ObjectNode profileV3() throws IOException {
    return event(validLines().get(2));
  }

  private static ObjectNode profile(int version) throws IOException {
    ObjectNode e = profileV3();
    e.put("event_id", "00000000-0000-4000-8000-00000000000" + version);
    e.put("idempotency_key", "profile.updated:cand_7f3a9c21:" + version);
    ((ObjectNode) e.get("payload")).put("profile_version", version);
    return e;
  }

  private static String wrapper(JsonNode value, String... attributes) {
    ObjectNode w = JSON.createObjectNode();
    w.set("value", value);
    ObjectNode attrs = w.putObject("attributes");
    for (int i = 0; i < attributes.length; i += 2) {
      attrs.put(attributes[i], attributes[i + 1]);
    }
    return w.toString();
  }

  @Test
  void everyValidExampleIsProcessed() {
    CliRun run = run("simulate", "--registry", RECRUITING, VALID.toString());

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    List<JsonNode> messages = run.messages();
    assertThat(messages).hasSize(14);
    assertThat(run.outcomes()).containsOnly("PROCESSED");
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      assertThat(m.get("line").asInt()).isEqualTo(i + 1);
      assertThat(m.get("event_id").asText()).hasSize(36);
      assertThat(m.get("event_version").asText()).isEqualTo("v1");
      assertThat(m.get("replay").asBoolean()).isFalse();
      assertThat(m.get("idempotency_key").asText()).isNotBlank();
      assertThat(m.get("errors")).isEmpty();
    }
    JsonNode uploaded = messages.get(0);
    assertThat(uploaded.get("event_name").asText()).isEqualTo("candidate.document.uploaded");
    assertThat(uploaded.get("idempotency_key").asText())
        .isEqualTo("t8:tnt_acme/candidate.document.uploaded:doc_0b93f4aa");
    assertThat(uploaded.has("entity")).isFalse();
    assertThat(uploaded.has("entity_version")).isFalse();
    JsonNode profile = messages.get(2);
    assertThat(profile.get("event_name").asText()).isEqualTo("profile.updated");
    assertThat(profile.get("entity").asText())
        .isEqualTo("t8:tnt_acme/15:profile.updated/cand_7f3a9c21");
    assertThat(profile.get("entity_version").asLong()).isEqualTo(3);
    // line 4 is version 4 of the same candidate, without a tenant: a different entity
    assertThat(messages.get(3).get("entity").asText())
        .isEqualTo("-/15:profile.updated/cand_7f3a9c21");

    JsonNode summary = run.summary();
    assertThat(summary.properties())
        .extracting(e -> e.getKey())
        .containsExactlyElementsOf(OUTCOMES);
    assertThat(summary.get("PROCESSED").asInt()).isEqualTo(14);
    OUTCOMES.stream()
        .filter(o -> !o.equals("PROCESSED"))
        .forEach(o -> assertThat(summary.get(o).asInt()).as(o).isZero());
  }

  @Test
  void outputLinesAreCompactWithFieldsInOrder() {
    CliRun run = run("simulate", "--registry", RECRUITING, VALID.toString());

    String first = run.out().substring(0, run.out().indexOf('\n'));
    assertThat(first)
        .isEqualTo(
            "{\"line\":1,\"event_id\":\"9a89b6b0-a247-4158-a83b-ba51bea27dc0\","
                + "\"event_name\":\"candidate.document.uploaded\",\"event_version\":\"v1\","
                + "\"outcome\":\"PROCESSED\",\"replay\":false,"
                + "\"idempotency_key\":\"t8:tnt_acme/candidate.document.uploaded:doc_0b93f4aa\","
                + "\"errors\":[]}");
    assertThat(run.out())
        .endsWith(
            "{\"summary\":{\"PROCESSED\":14,\"DUPLICATE\":0,\"STALE\":0,\"INVALID\":0,"
                + "\"UNSUPPORTED_VERSION\":0,\"UNKNOWN_EVENT\":0,\"MALFORMED\":0,\"FAILED\":0,"
                + "\"BINDING_FAILED\":0,\"KEY_REUSED\":0}}\n");
  }

  @Test
  void duplicatesStaleVersionsReplaysAndRejections() throws IOException {
    ObjectNode v5 = profile(5);
    ObjectNode unknownVersion = profile(7);
    unknownVersion.put("event_version", "v9");
    ObjectNode unknownEvent = profile(8);
    unknownEvent.put("event_name", "profile.deleted");
    ObjectNode invalid = profile(9);
    ((ObjectNode) invalid.get("payload")).remove("changed_fields");
    ((ObjectNode) invalid.get("payload")).put("source", "telepathy");
    List<String> lines =
        List.of(
            v5.toString(), // 1 PROCESSED
            v5.toString(), // 2 DUPLICATE: redelivered
            profileV3().toString(), // 3 STALE: older version after a newer one
            wrapper(profile(6), "replay", "true"), // 4 PROCESSED, replay
            wrapper(v5, "replay", "true"), // 5 DUPLICATE, replay of an applied event
            "", // 6 blank: skipped, but counted
            wrapper(JSON.getNodeFactory().textNode("\u0000garbage{")), // 7 MALFORMED
            unknownVersion.toString(), // 8 UNSUPPORTED_VERSION
            unknownEvent.toString(), // 9 UNKNOWN_EVENT
            invalid.toString(), // 10 INVALID
            "{\"event_id\": \"trunc"); // 11 MALFORMED

    CliRun run = run("simulate", "-r", RECRUITING, write(lines).toString());

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(1);
    List<JsonNode> messages = run.messages();
    assertThat(messages)
        .extracting(m -> m.get("line").asInt())
        .containsExactly(1, 2, 3, 4, 5, 7, 8, 9, 10, 11);
    assertThat(run.outcomes())
        .containsExactly(
            "PROCESSED",
            "DUPLICATE",
            "STALE",
            "PROCESSED",
            "DUPLICATE",
            "MALFORMED",
            "UNSUPPORTED_VERSION",
            "UNKNOWN_EVENT",
            "INVALID",
            "MALFORMED");
    assertThat(messages)
        .extracting(m -> m.get("replay").asBoolean())
        .containsExactly(false, false, false, true, true, false, false, false, false, false);
    assertThat(messages.get(1).get("idempotency_key").asText())
        .isEqualTo("t8:tnt_acme/profile.updated:cand_7f3a9c21:5");
    assertThat(messages.get(2).get("entity_version").asLong()).isEqualTo(3);
    assertThat(messages.get(3).get("entity_version").asLong()).isEqualTo(6);
    JsonNode garbage = messages.get(5);
    assertThat(garbage.get("event_id").isNull()).isTrue();
    assertThat(garbage.get("idempotency_key").isNull()).isTrue();
    assertThat(garbage.has("entity")).isFalse();
    assertThat(garbage.get("errors").get(0).get("code").asText()).isEqualTo("malformed");
    assertThat(messages.get(6).get("errors").get(0).get("code").asText())
        .isEqualTo("unsupported_version");
    assertThat(messages.get(7).get("errors").get(0).get("code").asText())
        .isEqualTo("unknown_event");
    JsonNode rejected = messages.get(8);
    assertThat(rejected.get("errors"))
        .extracting(e -> e.get("path").asText() + " " + e.get("code").asText())
        .containsExactlyInAnyOrder("/payload/changed_fields required", "/payload/source enum");
    // rejected before the ordering position was read: the fields are there, without values
    assertThat(rejected.get("entity").isNull()).isTrue();
    assertThat(rejected.get("entity_version").isNull()).isTrue();

    JsonNode summary = run.summary();
    assertThat(summary.get("PROCESSED").asInt()).isEqualTo(2);
    assertThat(summary.get("DUPLICATE").asInt()).isEqualTo(2);
    assertThat(summary.get("STALE").asInt()).isEqualTo(1);
    assertThat(summary.get("INVALID").asInt()).isEqualTo(1);
    assertThat(summary.get("UNSUPPORTED_VERSION").asInt()).isEqualTo(1);
    assertThat(summary.get("UNKNOWN_EVENT").asInt()).isEqualTo(1);
    assertThat(summary.get("MALFORMED").asInt()).isEqualTo(2);
    assertThat(summary.get("FAILED").asInt()).isZero();
  }

  @Test
  void onlyDuplicatesAndStaleVersionsStillExitZero() throws IOException {
    String v5 = profile(5).toString();

    CliRun run =
        run(
            "simulate",
            "-r",
            RECRUITING,
            write(List.of(v5, v5, profileV3().toString())).toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.outcomes()).containsExactly("PROCESSED", "DUPLICATE", "STALE");
  }

  @Test
  void stringValueIsTakenAsTheRawMessageBytes() throws IOException {
    String event = profile(5).toString();

    CliRun run =
        run(
            "simulate",
            "-r",
            RECRUITING,
            write(List.of(wrapper(JSON.getNodeFactory().textNode(event)), event)).toString());

    assertThat(run.outcomes()).containsExactly("PROCESSED", "DUPLICATE");
  }

  @Test
  void objectWithOtherKeysBesideValueIsAnEventNotAWrapper() throws IOException {
    String notAWrapper = "{\"value\": " + profile(5) + ", \"attributes\": {}, \"producer\": \"x\"}";
    String valueOnly = "{\"value\": " + profile(5) + "}";

    CliRun run =
        run("simulate", "-r", RECRUITING, write(List.of(notAWrapper, valueOnly)).toString());

    assertThat(run.outcomes()).containsExactly("MALFORMED", "PROCESSED");
    assertThat(run.messages().get(0).get("errors").get(0).get("code").asText())
        .isEqualTo("unknown_envelope");
  }

  @Test
  void replayFlagInsideTheEventIsNotAnAttribute() throws IOException {
    ObjectNode event = profile(5);
    event.put("replay", true);
    ((ObjectNode) event.get("payload")).put("replay", true);

    CliRun run = run("simulate", "-r", RECRUITING, write(List.of(event.toString())).toString());

    assertThat(run.messages().get(0).get("replay").asBoolean()).isFalse();
  }

  @Test
  void headerOptionGivesEveryMessageAnAttribute() throws IOException {
    CliRun run =
        run(
            "simulate",
            "-r",
            RECRUITING,
            "-H",
            "replay=true",
            write(List.of(profile(5).toString(), wrapper(profile(6), "replay", "false")))
                .toString());

    assertThat(run.messages())
        .extracting(m -> m.get("replay").asBoolean())
        .containsExactly(true, false);
  }

  @Test
  void readsStandardInput() throws IOException {
    byte[] input =
        (validLines().get(0) + "\n" + validLines().get(0) + "\n").getBytes(StandardCharsets.UTF_8);

    CliRun run = run(new ByteArrayInputStream(input), "simulate", "--registry", RECRUITING, "-");

    assertThat(run.exitCode()).isZero();
    assertThat(run.outcomes()).containsExactly("PROCESSED", "DUPLICATE");
  }

  @Test
  void usageAndRegistryErrorsExitTwo() throws IOException {
    CliRun noRegistry = run("simulate", VALID.toString());
    assertThat(noRegistry.exitCode()).isEqualTo(2);
    assertThat(noRegistry.err()).contains("--registry");

    CliRun badRegistry = run("simulate", "-r", dir.resolve("nowhere").toString(), VALID.toString());
    assertThat(badRegistry.exitCode()).isEqualTo(2);
    assertThat(badRegistry.err()).contains("registry error");
    assertThat(badRegistry.out()).isEmpty();

    CliRun noFile = run("simulate", "-r", RECRUITING, dir.resolve("missing.ndjson").toString());
    assertThat(noFile.exitCode()).isEqualTo(2);
    assertThat(noFile.err()).contains("no such file");
  }

  @Test
  void oversizedMessagesAreMalformed() throws IOException {
    Path registry = dir.resolve("small");
    Files.createDirectories(registry);
    try (var files = Files.list(Path.of(RECRUITING))) {
      for (Path f : files.toList()) {
        Files.copy(f, registry.resolve(f.getFileName().toString()));
      }
    }
    Files.writeString(
        registry.resolve("registry.json"),
        "{\"envelopeFormats\": [\"jobarium\"], \"limits\": {\"maxMessageBytes\": 2000}}");
    ObjectNode big = profile(5);
    ((ObjectNode) big.get("payload")).put("notes", "x".repeat(2500)); // over the message limit
    ObjectNode huge = profile(6);
    ((ObjectNode) huge.get("payload")).put("notes", "x".repeat(5000)); // over the line limit too

    CliRun run =
        run(
            "simulate",
            "-r",
            registry.toString(),
            write(List.of(profile(4).toString(), big.toString(), huge.toString())).toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outcomes()).containsExactly("PROCESSED", "MALFORMED", "MALFORMED");
    assertThat(run.messages().subList(1, 3))
        .allSatisfy(
            m -> assertThat(m.get("errors").get(0).get("code").asText()).isEqualTo("too_large"));
    assertThat(run.summary().get("MALFORMED").asInt()).isEqualTo(2);
  }

  @Test
  void emptyInputPrintsOnlyTheSummary() {
    CliRun run = run(new ByteArrayInputStream(new byte[0]), "simulate", "-r", RECRUITING);

    assertThat(run.exitCode()).isZero();
    assertThat(run.lines()).hasSize(1);
    assertThat(run.summary().get("PROCESSED").asInt()).isZero();
  }

  @Test
  void helpListsTheSubcommand() {
    CliRun run = run("--help");

    assertThat(run.out()).contains("simulate");
  }
}
