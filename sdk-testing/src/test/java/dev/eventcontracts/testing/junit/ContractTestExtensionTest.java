package dev.eventcontracts.testing.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.testing.fixtures.ContractFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.io.TempDir;

@ContractTest(registry = "../examples/registries/recruiting", seed = 7)
class ContractTestExtensionTest {
  private static ContractRegistry fromBeforeAll;
  private final ContractRegistry fromConstructor;

  ContractTestExtensionTest(ContractRegistry registry) {
    this.fromConstructor = registry;
  }

  @BeforeAll
  static void keep(ContractRegistry registry) {
    fromBeforeAll = registry;
  }

  @Test
  void injectsOneRegistryPerClass(ContractRegistry registry) {
    assertThat(registry.contract("profile.updated", "v1")).isPresent();
    assertThat(registry).isSameAs(fromConstructor).isSameAs(fromBeforeAll);
  }

  @Test
  void theSameInstanceInEveryTest(ContractRegistry registry) {
    assertThat(registry).isSameAs(fromBeforeAll);
  }

  @Test
  void injectsTheRegistrysFixturesForTheSeed(
      ContractRegistry registry, ContractFixtures fixtures, ContractFixtures again) {
    assertThat(fixtures).isSameAs(again);
    assertThat(fixtures.registry()).isSameAs(registry);
    assertThat(fixtures.seed()).isEqualTo(7);
    assertThat(fixtures.sample("job.updated", "v1").json())
        .isEqualTo(ContractFixtures.of(registry, 7).sample("job.updated", "v1").json());
  }

  @Nested
  class Nested_ {
    @Test
    void nestedClassesShareTheOuterRegistry(ContractRegistry registry) {
      assertThat(registry).isSameAs(fromBeforeAll);
    }
  }

  @Test
  void loadsAClasspathDirectory() {
    ContractRegistry registry = ContractTestExtension.load("classpath:harness-registry");
    assertThat(registry.contract("greeting.sent", "v1")).isPresent();
  }

  @Test
  void namesAMissingDirectory() {
    assertThatThrownBy(() -> ContractTestExtension.load("no/such/registry"))
        .isInstanceOf(ParameterResolutionException.class)
        .hasMessageContaining("no registry directory at")
        .hasMessageContaining("no/such/registry");
    assertThatThrownBy(() -> ContractTestExtension.load("classpath:no/such/registry"))
        .isInstanceOf(ParameterResolutionException.class)
        .hasMessageContaining("does not load")
        .hasMessageContaining("no/such/registry");
  }

  @Test
  void namesARegistryThatDoesNotLoad(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("broken.schema.json"), "{ not json");
    assertThatThrownBy(() -> ContractTestExtension.load(dir.toString()))
        .isInstanceOf(ParameterResolutionException.class)
        .hasMessageContaining("does not load")
        .hasMessageContaining("broken.schema.json");
  }
}
