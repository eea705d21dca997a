package dev.eventcontracts.testing.compat;

import dev.eventcontracts.compat.CompatibilityChecker;
import dev.eventcontracts.compat.CompatibilityReport;
import dev.eventcontracts.contract.ContractRegistry;
import java.nio.file.Path;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a contract registry: whether it can replace an older one without breaking
 * consumers on either side ({@link CompatibilityChecker}).
 *
 * <pre>{@code
 * assertThatRegistry(Path.of("contracts")).isCompatibleWith(Path.of("target/base-contracts"));
 * }</pre>
 *
 * <p>Errors and unproven changes fail the assertion; warnings (a new major version without a
 * migration note or a sunset date) fail it only after {@link #failingOnWarnings()}, and unproven
 * changes pass after {@link #allowingUnproven()}. The failure message is the checker's text report:
 * one line per finding with its event, version, path, rule and direction.
 */
public final class RegistryAssert extends AbstractAssert<RegistryAssert, ContractRegistry> {
  private boolean failOnWarning;
  private boolean allowUnproven;

  private RegistryAssert(ContractRegistry actual) {
    super(actual, RegistryAssert.class);
  }

  /** Starts an assertion on a registry. */
  public static RegistryAssert assertThatRegistry(ContractRegistry registry) {
    return new RegistryAssert(registry);
  }

  /**
   * Starts an assertion on a registry directory, loaded with {@link ContractRegistry#load}.
   *
   * @throws dev.eventcontracts.contract.RegistryException when the directory is not a valid
   *     registry
   */
  public static RegistryAssert assertThatRegistry(Path directory) {
    return new RegistryAssert(
        ContractRegistry.load(Objects.requireNonNull(directory, "directory")));
  }

  /** Makes warnings fail the compatibility assertions that follow. */
  public RegistryAssert failingOnWarnings() {
    this.failOnWarning = true;
    return this;
  }

  /** Lets changes the checker cannot prove compatible pass the assertions that follow. */
  public RegistryAssert allowingUnproven() {
    this.allowUnproven = true;
    return this;
  }

  /** Asserts that this registry can replace the registry in {@code oldDirectory}. */
  public RegistryAssert isCompatibleWith(Path oldDirectory) {
    return isCompatibleWith(
        ContractRegistry.load(Objects.requireNonNull(oldDirectory, "oldDirectory")));
  }

  /** Asserts that this registry can replace {@code oldRegistry}. */
  public RegistryAssert isCompatibleWith(ContractRegistry oldRegistry) {
    isNotNull();
    CompatibilityReport report = CompatibilityChecker.check(oldRegistry, actual);
    if (!report.passes(failOnWarning, allowUnproven)) {
      failWithMessage(
          "%nExpecting registry <%s> to be compatible with the old registry <%s>, but:%n%s",
          actual.name(), oldRegistry.name(), report.toText());
    }
    return this;
  }
}
