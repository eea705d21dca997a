package dev.eventcontracts.cli;

import static dev.eventcontracts.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The seed corpora ({@code examples/corpus/<registry>.ndjson}, described in its README): every line
 * is one message with the verdict its seed demands. Each runs through {@code validate} and, on its
 * own, through the pipeline ({@code simulate}); both must give that verdict and the same violation
 * codes.
 */
class SeedCorpusTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path CORPUS = Path.of("../examples/corpus");
  private static final String REGISTRIES = "../examples/registries/";
  private static final List<String> REGISTRY_NAMES =
      List.of("recruiting", "activity", "interview", "todo", "commerce");

  /** One corpus line. */
  record Case(
      String registry,
      int line,
      String rule,
      String expect,
      List<String> codes,
      String note,
      byte[] value,
      Map<String, String> attributes,
      JsonNode raw) {}

  static List<Case> cases(String registry) throws IOException {
    List<Case> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(CORPUS.resolve(registry + ".ndjson"));
    for (int i = 0; i < lines.size(); i++) {
      JsonNode node = JSON.readTree(lines.get(i));
      JsonNode value = node.get("value");
      byte[] bytes =
          (value.isTextual() ? value.asText() : value.toString()).getBytes(StandardCharsets.UTF_8);
      Map<String, String> attributes = new java.util.LinkedHashMap<>();
      if (node.has("attributes")) {
        node.get("attributes")
            .properties()
            .forEach(e -> attributes.put(e.getKey(), e.getValue().asText()));
      }
      List<String> codes = null;
      if (node.has("codes")) {
        codes = new ArrayList<>();
        for (JsonNode c : node.get("codes")) {
          codes.add(c.asText());
        }
      }
      out.add(
          new Case(
              registry,
              i + 1,
              node.get("rule").asText(),
              node.get("expect").asText(),
              codes,
              node.path("note").asText(),
              bytes,
              attributes,
              node));
    }
    return out;
  }

  @TestFactory
  Stream<DynamicNode> everyCorpusLineHasTheSeedsVerdictInValidateAndSimulate() throws IOException {
    List<DynamicNode> registries = new ArrayList<>();
    for (String registry : REGISTRY_NAMES) {
      List<DynamicNode> tests = new ArrayList<>();
      for (Case c : cases(registry)) {
        tests.add(
            DynamicTest.dynamicTest(
                registry + ":" + c.line() + " " + c.rule() + " " + c.expect() + " — " + c.note(),
                () -> check(c)));
      }
      registries.add(DynamicContainer.dynamicContainer(registry, tests));
    }
    return registries.stream();
  }

  @TestFactory
  Stream<DynamicNode> everyRegistryHasValidAndRejectedLines() throws IOException {
    List<DynamicNode> tests = new ArrayList<>();
    for (String registry : REGISTRY_NAMES) {
      tests.add(
          DynamicTest.dynamicTest(
              registry,
              () -> {
                List<Case> cases = cases(registry);
                assertThat(cases).anyMatch(c -> c.expect().equals("VALID"));
                assertThat(cases).anyMatch(c -> !c.expect().equals("VALID"));
              }));
    }
    return tests.stream();
  }

  /**
   * The tables in docs/seeds.md and the corpora agree: every rule whose test is "corpus NNN-XX" has
   * a rejected line with that rule, and every corpus line names a rule of its seed's table.
   */
  @org.junit.jupiter.api.Test
  void theSeedTablesAndTheCorporaNameTheSameRules() throws IOException {
    java.util.Set<String> tableRules = new java.util.TreeSet<>();
    java.util.Set<String> corpusProven = new java.util.TreeSet<>();
    java.util.regex.Pattern corpusRef =
        java.util.regex.Pattern.compile("corpus (\\d{3}-[A-Z]+\\d+)");
    for (String row : Files.readAllLines(Path.of("../docs/seeds.md"))) {
      if (row.matches("^\\| \\d{3}-[A-Z]+\\d+ \\|.*")) {
        tableRules.add(row.substring(2, row.indexOf(' ', 2)));
        java.util.regex.Matcher m = corpusRef.matcher(row);
        while (m.find()) {
          corpusProven.add(m.group(1));
        }
      }
    }
    java.util.Set<String> rejectedRules = new java.util.TreeSet<>();
    for (String registry : REGISTRY_NAMES) {
      for (Case c : cases(registry)) {
        if (!c.expect().equals("VALID")) {
          rejectedRules.add(c.rule());
        }
        assertThat(c.rule().endsWith("-valid") || tableRules.contains(c.rule()))
            .as(registry + ":" + c.line() + " names rule " + c.rule() + ", which is in no table")
            .isTrue();
      }
    }
    assertThat(rejectedRules).as("rules with a rejected corpus line").containsAll(corpusProven);
    assertThat(tableRules).hasSizeGreaterThan(80);
  }

  private static void check(Case c) throws IOException {
    String registry = REGISTRIES + c.registry();
    List<String> validateArgs = new ArrayList<>(List.of("validate", "-r", registry));
    c.attributes().forEach((k, v) -> validateArgs.addAll(List.of("-H", k + "=" + v)));
    validateArgs.add("-");
    CliRun validate = run(c.value(), validateArgs.toArray(String[]::new));
    assertThat(validate.err()).as("validate stderr").isEmpty();
    JsonNode verdict = JSON.readTree(validate.out().strip());
    assertThat(verdict.get("status").asText()).as("validate status").isEqualTo(c.expect());
    List<String> validateCodes = codes(verdict.get("errors"));
    if (c.codes() != null) {
      assertThat(validateCodes).as("validate codes").containsExactlyInAnyOrderElementsOf(c.codes());
    }

    ObjectNode wrapper = JSON.createObjectNode();
    wrapper.set("value", c.raw().get("value"));
    ObjectNode attrs = wrapper.putObject("attributes");
    c.attributes().forEach(attrs::put);
    CliRun simulate =
        run(wrapper.toString().getBytes(StandardCharsets.UTF_8), "simulate", "-r", registry, "-");
    assertThat(simulate.err()).as("simulate stderr").isEmpty();
    JsonNode outcome = JSON.readTree(simulate.out().strip().split("\n")[0]);
    String expected = c.expect().equals("VALID") ? "PROCESSED" : c.expect();
    assertThat(outcome.get("outcome").asText()).as("simulate outcome").isEqualTo(expected);
    assertThat(codes(outcome.get("errors")))
        .as("simulate codes")
        .containsExactlyInAnyOrderElementsOf(validateCodes);
  }

  private static List<String> codes(JsonNode errors) {
    List<String> out = new ArrayList<>();
    if (errors != null) {
      errors.forEach(e -> out.add(e.get("code").asText()));
    }
    return out;
  }
}
