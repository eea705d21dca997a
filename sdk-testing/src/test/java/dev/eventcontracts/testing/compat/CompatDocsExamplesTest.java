package dev.eventcontracts.testing.compat;

import static dev.eventcontracts.testing.compat.RegistryAssert.assertThatRegistry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.compat.CompatibilityChecker;
import dev.eventcontracts.compat.CompatibilityReport;
import dev.eventcontracts.compat.Finding;
import dev.eventcontracts.compat.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The examples of docs/testing.md, section "Gating contract changes", compiled and run here; a test
 * below checks that every Java block of that section is copied from this file, so the docs cannot
 * go stale.
 */
class CompatDocsExamplesTest {
  private static final Path SOURCE =
      Path.of("src/test/java/dev/eventcontracts/testing/compat/CompatDocsExamplesTest.java");
  private static final Path DOCS = Path.of("../docs/testing.md");
  private static final String SECTION = "## Gating contract changes";

  // the contract repository's own registry, and the base branch's copy of it (checked out by CI);
  // here both are the example registry, which must be compatible with itself
  private static final Path CONTRACTS = Path.of("../examples/registries/recruiting");
  private static final Path BASE_CONTRACTS = Path.of("../examples/registries/recruiting");

  @Test
  void contractsStayCompatibleWithTheBaseBranch() {
    assertThatRegistry(CONTRACTS).failingOnWarnings().isCompatibleWith(BASE_CONTRACTS);
  }

  @Test
  void readingTheReportInCode() {
    CompatibilityReport report = CompatibilityChecker.check(BASE_CONTRACTS, CONTRACTS);
    for (Finding f : report.findings(Severity.ERROR)) {
      System.err.println(f.event() + " " + f.version() + " " + f.path() + ": " + f.message());
    }
    assertThat(report.compatible()).isTrue();
  }

  @Test
  void everyJavaBlockOfTheSectionIsInThisFile() throws IOException {
    String source = normalize(Files.readString(SOURCE));
    List<String> blocks = javaBlocks(Files.readString(DOCS));

    assertThat(blocks).isNotEmpty();
    for (String block : blocks) {
      assertThat(source)
          .as("docs/testing.md block copied from %s", SOURCE)
          .contains(normalize(block));
    }
  }

  /** The Java blocks between the section heading and the next heading of the same level. */
  private static List<String> javaBlocks(String docs) {
    int start = docs.indexOf(SECTION);
    assertThat(start).as("section '%s' in docs/testing.md", SECTION).isNotNegative();
    int end = docs.indexOf("\n## ", start + SECTION.length());
    String section = docs.substring(start, end < 0 ? docs.length() : end);
    List<String> out = new ArrayList<>();
    int at = 0;
    while ((at = section.indexOf("```java\n", at)) >= 0) {
      int close = section.indexOf("\n```", at);
      out.add(section.substring(at + "```java\n".length(), close));
      at = close + 4;
    }
    return out;
  }

  /** Lines trimmed and joined by one space, so indentation does not matter. */
  private static String normalize(String text) {
    return String.join(" ", text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
  }
}
