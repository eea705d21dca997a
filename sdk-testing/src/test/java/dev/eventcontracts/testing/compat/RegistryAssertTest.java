package dev.eventcontracts.testing.compat;

import static dev.eventcontracts.testing.compat.RegistryAssert.assertThatRegistry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link RegistryAssert} on copies of the recruiting example registry with one change each. */
class RegistryAssertTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path REGISTRIES = Path.of("../examples/registries");
  private static final Path RECRUITING = REGISTRIES.resolve("recruiting");
  private static final String JOB = "e02-job.updated.v1.schema.json";

  @TempDir Path dir;

  private Path changed(String file, Consumer<ObjectNode> change) throws IOException {
    Path copy = Files.createTempDirectory(dir, "new");
    try (Stream<Path> files = Files.list(RECRUITING)) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName().toString()));
      }
    }
    ObjectNode node = (ObjectNode) JSON.readTree(copy.resolve(file).toFile());
    change.accept(node);
    JSON.writeValue(copy.resolve(file).toFile(), node);
    return copy;
  }

  @ParameterizedTest
  @ValueSource(strings = {"recruiting", "activity", "interview", "todo", "commerce"})
  void everyExampleRegistryIsCompatibleWithItself(String name) {
    assertThatRegistry(REGISTRIES.resolve(name))
        .failingOnWarnings()
        .isCompatibleWith(REGISTRIES.resolve(name));
  }

  @Test
  void aBreakingChangeFailsWithEveryFindingInTheMessage() throws IOException {
    Path newer =
        changed(
            JOB,
            n -> {
              ((ArrayNode) n.at("/properties/status/enum")).remove(4); // "archived"
              ((ArrayNode) n.at("/required")).add("changed_fields");
            });

    assertThatThrownBy(() -> assertThatRegistry(newer).isCompatibleWith(RECRUITING))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            """

            Expecting registry <recruiting> to be compatible with the old registry <recruiting>, but:
            ERROR job.updated v1 /changed_fields: required, breaks backward: new requires 'changed_fields', old does not
            ERROR job.updated v1 /status: enum, breaks backward: old allows values new does not: ["archived"]

            backward: consumers on the new registry cannot read events written under the old one

            recruiting against recruiting: not compatible: 2 errors, 0 unproven, 0 warnings
            """);
  }

  @Test
  void warningsPassUnlessTheyAreMadeToFail() throws IOException {
    Path newer = changed(JOB, n -> {});
    ObjectNode v2 = (ObjectNode) JSON.readTree(newer.resolve(JOB).toFile());
    v2.put("x-event-version", "v2");
    JSON.writeValue(newer.resolve("e02-job.updated.v2.schema.json").toFile(), v2);

    assertThatRegistry(newer).isCompatibleWith(RECRUITING);
    assertThatThrownBy(
            () -> assertThatRegistry(newer).failingOnWarnings().isCompatibleWith(RECRUITING))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("WARNING job.updated v2 x-migration: migration-note-missing")
        .hasMessageContaining("WARNING job.updated v1 x-sunset: sunset-missing");
  }

  @Test
  void unprovenChangesFailUnlessAllowed() throws IOException {
    Path newer =
        changed(
            "e13-billing.usage.updated.v1.schema.json",
            n ->
                ((ObjectNode) n.at("/properties/billing_month"))
                    .put("pattern", "^[0-9]{4}-[0-9]{2}$"));

    assertThatThrownBy(() -> assertThatRegistry(newer).isCompatibleWith(RECRUITING))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("UNPROVEN billing.usage.updated v1 /billing_month: pattern");
    assertThatRegistry(newer).allowingUnproven().isCompatibleWith(RECRUITING);
  }

  @Test
  void worksOnLoadedRegistriesToo() {
    ContractRegistry registry = ContractRegistry.load(RECRUITING);

    assertThat(assertThatRegistry(registry).isCompatibleWith(registry)).isNotNull();
  }
}
