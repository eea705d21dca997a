package dev.eventcontracts.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The checker on a change set: a base registry (copied from the recruiting and commerce example
 * registries, in {@code compat/base}) and one changed file per case (in {@code compat/cases}).
 * Every case runs both ways: base to changed, and changed to base (the opposite change), so each
 * rule is seen breaking in both directions.
 */
class CompatibilityCheckerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EXAMPLES = Path.of("../examples/registries");

  @TempDir Path dir;

  static Stream<Arguments> changeSet() {
    return Stream.of(
        Arguments.of(
            "optional-field-added-open",
            List.of(),
            List.of("ERROR field-removed forward job.updated v1 /location")),
        Arguments.of(
            "optional-field-added-closed",
            List.of("ERROR property-not-allowed forward profile.updated v1 /nickname"),
            List.of(
                "ERROR property-not-allowed backward profile.updated v1 /nickname",
                "ERROR field-removed forward profile.updated v1 /nickname")),
        Arguments.of(
            "field-made-required",
            List.of("ERROR required backward job.updated v1 /changed_fields"),
            List.of("ERROR required forward job.updated v1 /changed_fields")),
        Arguments.of(
            "enum-widened",
            List.of("ERROR enum forward job.updated v1 /status"),
            List.of("ERROR enum backward job.updated v1 /status")),
        Arguments.of(
            "range-widened",
            List.of("ERROR range forward job.updated v1 /job_version"),
            List.of("ERROR range backward job.updated v1 /job_version")),
        Arguments.of(
            "format-added",
            List.of("ERROR format backward job.updated v1 /job_id"),
            List.of("ERROR format forward job.updated v1 /job_id")),
        Arguments.of(
            "type-changed",
            List.of(
                "ERROR type backward job.updated v1 /job_version",
                "ERROR type forward job.updated v1 /job_version"),
            List.of(
                "ERROR type backward job.updated v1 /job_version",
                "ERROR type forward job.updated v1 /job_version")),
        Arguments.of(
            "nested-field-required",
            List.of("ERROR required backward order.created v1 /items/*/sku"),
            List.of(
                "ERROR required forward order.created v1 /items/*/sku",
                "ERROR field-removed forward order.created v1 /items/*/sku")),
        Arguments.of(
            "ref-target-changed",
            List.of(
                "ERROR required backward order.created v1 /billing_address/state",
                "ERROR required backward order.created v1 /shipping_address/state"),
            List.of(
                "ERROR required forward order.created v1 /billing_address/state",
                "ERROR required forward order.created v1 /shipping_address/state")),
        Arguments.of(
            "pattern-changed",
            List.of(
                "UNPROVEN pattern backward order.created v1 /currency",
                "UNPROVEN pattern forward order.created v1 /currency"),
            List.of(
                "UNPROVEN pattern backward order.created v1 /currency",
                "UNPROVEN pattern forward order.created v1 /currency")),
        Arguments.of(
            "one-of-added",
            List.of(
                "UNPROVEN keyword backward job.updated v1 /updated_at",
                "UNPROVEN type forward job.updated v1 /updated_at",
                "UNPROVEN format forward job.updated v1 /updated_at"),
            List.of(
                "UNPROVEN type backward job.updated v1 /updated_at",
                "UNPROVEN format backward job.updated v1 /updated_at",
                "UNPROVEN keyword forward job.updated v1 /updated_at")),
        Arguments.of(
            "idempotency-key-changed",
            List.of("ERROR idempotency-key both job.updated v1 x-idempotency-key"),
            List.of("ERROR idempotency-key both job.updated v1 x-idempotency-key")),
        Arguments.of(
            "ordering-changed",
            List.of("ERROR ordering both job.updated v1 x-ordering"),
            List.of("ERROR ordering both job.updated v1 x-ordering")),
        Arguments.of(
            "new-major-version",
            List.of(
                "WARNING sunset-missing none job.updated v1 x-sunset",
                "WARNING migration-note-missing none job.updated v2 x-migration"),
            List.of("ERROR version-removed backward job.updated v2 x-event-version")),
        Arguments.of(
            "new-major-version-with-migration",
            List.of(),
            List.of("ERROR version-removed backward job.updated v2 x-event-version")),
        Arguments.of(
            "version-policy-compatible",
            List.of(),
            List.of("ERROR version-policy backward registry versionPolicy")),
        Arguments.of(
            "envelope-format-added",
            List.of("ERROR envelope-format forward registry envelopeFormats"),
            List.of("ERROR envelope-format backward registry envelopeFormats")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changeSet")
  void eachChangeIsFoundInBothDirections(
      String change, List<String> baseToChanged, List<String> changedToBase) {
    ContractRegistry base = registry("base");
    ContractRegistry changed = registry(change);

    assertThat(keys(CompatibilityChecker.check(base, changed)))
        .as("base -> %s", change)
        .containsExactlyInAnyOrderElementsOf(baseToChanged);
    assertThat(keys(CompatibilityChecker.check(changed, base)))
        .as("%s -> base", change)
        .containsExactlyInAnyOrderElementsOf(changedToBase);
  }

  @Test
  void anUnchangedRegistryHasNoFinding() {
    CompatibilityReport report = CompatibilityChecker.check(registry("base"), registry("base"));

    assertThat(report.findings()).isEmpty();
    assertThat(report.compatible()).isTrue();
    assertThat(report.summary()).endsWith("compatible, no findings");
  }

  @ParameterizedTest
  @ValueSource(strings = {"recruiting", "activity", "interview", "todo", "commerce"})
  void everyExampleRegistryIsCompatibleWithItself(String name) {
    Path registry = EXAMPLES.resolve(name);

    CompatibilityReport report = CompatibilityChecker.check(registry, registry);

    assertThat(report.findings()).isEmpty();
  }

  @Test
  void aRemovedEventBreaksBackward() throws IOException {
    Path copy = copyOf("base");
    Files.delete(copy.resolve("order.created.v1.schema.json"));

    CompatibilityReport report =
        CompatibilityChecker.check(registry("base"), ContractRegistry.load(copy));

    assertThat(keys(report))
        .containsExactly("ERROR event-removed backward order.created v1 x-event-name");
    assertThat(report.findings().get(0).message()).contains("replays, retained dead letters");
  }

  @Test
  void aNewMinorVersionIsCheckedAgainstTheMinorOldConsumersReadItAs() throws IOException {
    // seed 004: minor versions are backward compatible; old consumers read 1.1 as 1.0
    Path copy = copyOf(EXAMPLES.resolve("commerce"));
    ObjectNode v11 = (ObjectNode) read(copy.resolve("order/order.created.schema.json"));
    v11.put("x-event-version", "1.1");
    ((ObjectNode) v11.get("properties")).putObject("gift_note").put("type", "string");
    write(copy.resolve("order/order.created.v1.1.schema.json"), v11);

    CompatibilityReport additive =
        CompatibilityChecker.check(
            ContractRegistry.load(EXAMPLES.resolve("commerce")), ContractRegistry.load(copy));
    assertThat(additive.findings()).isEmpty();

    ((ObjectNode) v11.get("properties").get("currency")).put("maxLength", 2);
    ((ObjectNode) v11.get("properties").get("status")).remove("minLength");
    write(copy.resolve("order/order.created.v1.1.schema.json"), v11);
    CompatibilityReport breaking =
        CompatibilityChecker.check(
            ContractRegistry.load(EXAMPLES.resolve("commerce")), ContractRegistry.load(copy));

    assertThat(keys(breaking)).containsExactly("ERROR length forward order.created 1.1 /status");
    assertThat(breaking.findings().get(0).message())
        .isEqualTo("old requires string length >= 1, new allows 0 (version 1.1 is read as 1.0)");
  }

  @Test
  void aRetiredVersionMayGoAfterItsSunset() throws IOException {
    Path old = copyOf("base");
    ObjectNode job = (ObjectNode) read(old.resolve("job.updated.v1.schema.json"));
    job.put("x-sunset", "2026-01-31");
    write(old.resolve("job.updated.v1.schema.json"), job);
    ObjectNode v2 = job.deepCopy();
    v2.remove("x-sunset");
    v2.put("x-event-version", "v2");
    v2.put("x-migration", "see the decision log");
    write(old.resolve("job.updated.v2.schema.json"), v2);
    Path now = copyOf(old);
    Files.delete(now.resolve("job.updated.v1.schema.json"));

    CompatibilityReport report =
        CompatibilityChecker.check(ContractRegistry.load(old), ContractRegistry.load(now));

    assertThat(keys(report))
        .containsExactly("WARNING version-removed backward job.updated v1 x-event-version");
    assertThat(report.compatible()).isTrue();
    assertThat(report.passes(false, false)).isTrue();
    assertThat(report.passes(true, false)).isFalse();
  }

  @Test
  void aRecursiveSchemaIsComparedToTheEnd() throws IOException {
    JsonNode tree =
        JSON.readTree(
            """
            {"$schema": "https://json-schema.org/draft/2020-12/schema",
             "$ref": "#/$defs/node",
             "$defs": {"node": {"type": "object", "required": ["name"],
               "properties": {"name": {"type": "string"},
                 "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}}}
            """);
    ObjectNode changed = tree.deepCopy();
    ((ObjectNode) changed.at("/$defs/node/properties/name")).put("maxLength", 10);

    CompatibilityReport same = CompatibilityChecker.check(tree(tree), tree(tree.deepCopy()));
    CompatibilityReport report = CompatibilityChecker.check(tree(tree), tree(changed));

    assertThat(same.findings()).isEmpty();
    // once at the root and once at the first level of recursion; then the pair repeats and stops
    assertThat(keys(report))
        .containsExactlyInAnyOrder(
            "ERROR length backward tree v1 /name",
            "ERROR length backward tree v1 /children/*/name");
  }

  @Test
  void aBranchingRecursiveReferenceWithSiblingKeywordsStops() throws IOException {
    // two recursive branches, each a $ref with a sibling keyword: without stopping at the repeated
    // pair this would be 2^64 comparisons
    JsonNode tree =
        JSON.readTree(
            """
            {"$schema": "https://json-schema.org/draft/2020-12/schema",
             "$ref": "#/$defs/node",
             "$defs": {"node": {"type": "object",
               "properties": {"left": {"$ref": "#/$defs/node", "minProperties": 0},
                              "right": {"$ref": "#/$defs/node", "minProperties": 0}}}}}
            """);
    ObjectNode changed = tree.deepCopy();
    ((ObjectNode) changed.at("/$defs/node")).put("maxProperties", 2);

    CompatibilityReport report =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10), () -> CompatibilityChecker.check(tree(tree), tree(changed)));

    assertThat(keys(report))
        .isNotEmpty()
        .allMatch(k -> k.startsWith("ERROR property-count backward tree v1"));
    assertThat(CompatibilityChecker.check(tree(tree), tree(tree.deepCopy())).findings()).isEmpty();
  }

  @Test
  void aReferenceThatLeavesTheSchemaCannotBeProven() throws IOException {
    JsonNode old =
        JSON.readTree(
            """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "properties": {"a": {"type": "string"}}}
            """);
    ObjectNode now = old.deepCopy();
    ((ObjectNode) now.at("/properties")).putObject("a").put("$ref", "other.json#/x");

    CompatibilityReport report = CompatibilityChecker.check(tree(old), tree(now));

    assertThat(keys(report))
        .containsExactlyInAnyOrder(
            "UNPROVEN ref backward tree v1 /a", "UNPROVEN ref forward tree v1 /a");
  }

  @Test
  void theTextReportNamesEventVersionPathRuleAndDirection() {
    CompatibilityReport report =
        CompatibilityChecker.check(registry("base"), registry("enum-widened"));

    assertThat(report.toText())
        .isEqualTo(
            """
            ERROR job.updated v1 /status: enum, breaks forward: new allows values old does not: ["reopened"]

            forward: consumers on the old registry cannot read events written under the new one

            recruiting against recruiting: not compatible: 1 error, 0 unproven, 0 warnings
            """);
  }

  private static ContractRegistry tree(JsonNode schema) {
    return ContractRegistry.builder()
        .add(EventContract.builder("tree", "v1").schema(schema).build())
        .build();
  }

  private static List<String> keys(CompatibilityReport report) {
    return report.findings().stream()
        .map(
            f ->
                f.severity()
                    + " "
                    + f.rule().code()
                    + " "
                    + f.direction().label()
                    + " "
                    + f.subject()
                    + " "
                    + f.path())
        .toList();
  }

  /** The base registry with the files of one case laid over it. */
  private ContractRegistry registry(String change) {
    return ContractRegistry.load(copyOf(change));
  }

  private Path copyOf(String change) {
    try {
      Path target = copyOf(resource("compat/base"));
      if (!change.equals("base")) {
        copyInto(resource("compat/cases/" + change), target);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path copyOf(Path source) throws IOException {
    Path target = Files.createTempDirectory(dir, "registry");
    copyInto(source, target);
    return target;
  }

  private static void copyInto(Path source, Path target) throws IOException {
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
        Path to = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(to);
        } else {
          Files.copy(file, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static Path resource(String name) {
    try {
      return Path.of(CompatibilityCheckerTest.class.getClassLoader().getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode read(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  private static void write(Path file, JsonNode node) throws IOException {
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), node);
  }
}
