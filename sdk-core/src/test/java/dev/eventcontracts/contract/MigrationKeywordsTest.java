package dev.eventcontracts.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code x-migration} and {@code x-sunset} contract keywords. */
class MigrationKeywordsTest {
  @TempDir Path dir;

  private void contract(String extra) throws IOException {
    Files.writeString(
        dir.resolve("a.schema.json"),
        """
        {"$schema": "https://json-schema.org/draft/2020-12/schema",
         "x-event-name": "job.updated", "x-event-version": "v2", %s
         "type": "object"}
        """
            .formatted(extra));
  }

  @Test
  void bothAreReadIntoTheContract() throws IOException {
    contract("\"x-migration\": \"split name\", \"x-sunset\": \"2027-06-30\",");

    EventContract c = ContractRegistry.load(dir).contract("job.updated", "v2").orElseThrow();

    assertThat(c.migration()).isEqualTo("split name");
    assertThat(c.sunset()).isEqualTo(LocalDate.of(2027, 6, 30));
  }

  @Test
  void withoutThemTheContractHasNeither() throws IOException {
    contract("");

    EventContract c = ContractRegistry.load(dir).contract("job.updated", "v2").orElseThrow();

    assertThat(c.migration()).isNull();
    assertThat(c.sunset()).isNull();
  }

  @Test
  void aSunsetThatIsNotADateIsRefusedWithItsFile() throws IOException {
    contract("\"x-sunset\": \"next summer\",");

    assertThatThrownBy(() -> ContractRegistry.load(dir))
        .isInstanceOf(RegistryException.class)
        .hasMessageEndingWith(
            "a.schema.json: x-sunset must be a date such as 2027-06-30, not 'next summer'");
  }

  @Test
  void aBlankMigrationNoteIsRefused() throws IOException {
    contract("\"x-migration\": \" \",");

    assertThatThrownBy(() -> ContractRegistry.load(dir))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("'x-migration' must be a non-empty string");
  }
}
