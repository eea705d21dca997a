package dev.eventcontracts.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the code in {@code docs/testing.md} and {@code docs/pipeline.md} honest: every fenced block
 * preceded by {@code <!-- snippet: PATH#NAME -->} must equal, line for line, the region of the
 * compiled source between {@code // --8<-- [start:NAME]} and {@code // --8<-- [end:NAME]} (the
 * markers sdk-testing's {@code DocsSnippets} reads), less its common indentation. The sources are
 * tests of this module, so the snippets compile and run in the build.
 */
class DocsSnippetsTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern MARKER =
      Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\s*\\n```java\\n(.*?)```", Pattern.DOTALL);

  /** A quoted region: where the doc says it comes from, and the doc's text of it. */
  record Snippet(String source, String tag, String quoted) {}

  static List<Snippet> snippets(String markdown) {
    List<Snippet> out = new ArrayList<>();
    Matcher m = MARKER.matcher(markdown);
    while (m.find()) {
      out.add(new Snippet(m.group(1), m.group(2), m.group(3)));
    }
    return out;
  }

  static String region(String source, String tag) {
    List<String> lines = source.lines().toList();
    int start = lines.indexOf(find(lines, "// --8<-- [start:" + tag + "]"));
    int end = lines.indexOf(find(lines, "// --8<-- [end:" + tag + "]"));
    assertThat(start).as("tag %s", tag).isNotNegative().isLessThan(end);
    List<String> body = lines.subList(start + 1, end);
    int indent =
        body.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    StringBuilder out = new StringBuilder();
    for (String line : body) {
      out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return out.toString();
  }

  private static String find(List<String> lines, String marker) {
    return lines.stream().filter(l -> l.strip().equals(marker)).findFirst().orElse(marker);
  }

  @Test
  void everySnippetOfTestingMdMatchesItsCompiledSource() throws IOException {
    String doc = Files.readString(ROOT.resolve("docs/testing.md"));
    List<Snippet> snippets = snippets(doc);
    assertThat(snippets).as("snippets in docs/testing.md").hasSizeGreaterThanOrEqualTo(3);
    for (Snippet s : snippets) {
      Path source = ROOT.resolve(s.source());
      assertThat(source).as("source of snippet %s#%s", s.source(), s.tag()).isRegularFile();
      assertThat(s.quoted())
          .as("docs/testing.md, snippet %s#%s (copy the region again)", s.source(), s.tag())
          .isEqualTo(region(Files.readString(source), s.tag()));
    }
  }

  @Test
  void everySnippetOfPipelineMdMatchesItsCompiledSource() throws IOException {
    String doc = Files.readString(ROOT.resolve("docs/pipeline.md"));
    List<Snippet> snippets = snippets(doc);
    assertThat(snippets).as("snippets in docs/pipeline.md").isNotEmpty();
    for (Snippet s : snippets) {
      Path source = ROOT.resolve(s.source());
      assertThat(source).as("source of snippet %s#%s", s.source(), s.tag()).isRegularFile();
      assertThat(s.quoted())
          .as("docs/pipeline.md, snippet %s#%s (copy the region again)", s.source(), s.tag())
          .isEqualTo(region(Files.readString(source), s.tag()));
    }
  }

  @Test
  void regionsDropTheirMarkersAndCommonIndentation() {
    String source =
        "class A {\n  // --8<-- [start:x]\n  void f() {\n\n    g();\n  }\n  // --8<-- [end:x]\n}\n";
    assertThat(region(source, "x")).isEqualTo("void f() {\n\n  g();\n}\n");
    assertThat(snippets("<!-- snippet: a/B.java#x -->\n```java\nvoid f() {}\n```\n"))
        .containsExactly(new Snippet("a/B.java", "x", "void f() {}\n"));
  }
}
