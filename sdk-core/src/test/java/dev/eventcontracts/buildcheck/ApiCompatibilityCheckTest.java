package dev.eventcontracts.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import japicmp.cmp.JApiCmpArchive;
import japicmp.cmp.JarArchiveComparator;
import japicmp.cmp.JarArchiveComparatorOptions;
import japicmp.filter.JavadocLikePackageFilter;
import japicmp.model.JApiChangeStatus;
import japicmp.model.JApiClass;
import japicmp.model.JApiCompatibilityChange;
import japicmp.model.JApiCompatibilityChangeType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API check of the build catches a break: japicmp, the library behind the root pom's {@code
 * japicmp-maven-plugin} check and with its settings (public API, the internal package left out),
 * reports a removed public method or class as binary and source incompatible, and lets an added
 * method pass.
 */
class ApiCompatibilityCheckTest {

  @TempDir Path dir;

  @Test
  void aRemovedPublicMethodIsAnIncompatibleChange() throws Exception {
    Path before = jar("v1", Map.of("api/Widget.java", widget("  public int size() { return 1; }")));
    Path after = jar("v2", Map.of("api/Widget.java", widget("")));

    JApiClass widget = only(compare(before, after), "api.Widget");

    assertThat(widget.isBinaryCompatible()).isFalse();
    assertThat(widget.isSourceCompatible()).isFalse();
    assertThat(widget.getMethods())
        .filteredOn(m -> m.getName().equals("size"))
        .singleElement()
        .satisfies(
            size -> {
              assertThat(size.getChangeStatus()).isEqualTo(JApiChangeStatus.REMOVED);
              assertThat(size.getCompatibilityChanges())
                  .extracting(JApiCompatibilityChange::getType)
                  .contains(JApiCompatibilityChangeType.METHOD_REMOVED);
            });
  }

  @Test
  void anAddedMethodIsCompatible() throws Exception {
    Path before = jar("v1", Map.of("api/Widget.java", widget("")));
    Path after =
        jar("v2", Map.of("api/Widget.java", widget("  public String label() { return \"w\"; }")));

    JApiClass widget = only(compare(before, after), "api.Widget");

    assertThat(widget.getChangeStatus()).isEqualTo(JApiChangeStatus.MODIFIED);
    assertThat(widget.isBinaryCompatible()).isTrue();
    assertThat(widget.isSourceCompatible()).isTrue();
  }

  @Test
  void aChangeInTheInternalPackageIsNotChecked() throws Exception {
    Path before =
        jar(
            "v1",
            Map.of(
                "dev/eventcontracts/internal/Helper.java",
                "package dev.eventcontracts.internal;\n"
                    + "public final class Helper { public static int help() { return 1; } }\n"));
    Path after =
        jar(
            "v2",
            Map.of(
                "dev/eventcontracts/internal/Helper.java",
                "package dev.eventcontracts.internal;\npublic final class Helper {}\n"));

    assertThat(compare(before, after)).isEmpty();
  }

  /**
   * The committed baseline of this module, less one public class: the check names the removed class
   * as a binary incompatible change.
   */
  @Test
  void removingAClassOfTheCommittedBaselineIsAnIncompatibleChange() throws Exception {
    Path baseline = baseline("sdk-core");
    String removed = "dev/eventcontracts/pipeline/EventPipeline.class";
    Path broken = dir.resolve("broken.jar");
    try (ZipFile in = new ZipFile(baseline.toFile());
        OutputStream file = Files.newOutputStream(broken);
        ZipOutputStream out = new ZipOutputStream(file)) {
      assertThat(in.getEntry(removed)).as(removed + " in " + baseline).isNotNull();
      for (ZipEntry entry : in.stream().toList()) {
        if (entry.getName().equals(removed)) {
          continue;
        }
        out.putNextEntry(new ZipEntry(entry.getName()));
        try (InputStream bytes = in.getInputStream(entry)) {
          bytes.transferTo(out);
        }
        out.closeEntry();
      }
    }

    List<JApiClass> changes = compare(baseline, broken);

    JApiClass pipeline = only(changes, "dev.eventcontracts.pipeline.EventPipeline");
    assertThat(pipeline.getChangeStatus()).isEqualTo(JApiChangeStatus.REMOVED);
    assertThat(pipeline.isBinaryCompatible()).isFalse();
    assertThat(pipeline.getCompatibilityChanges())
        .extracting(JApiCompatibilityChange::getType)
        .contains(JApiCompatibilityChangeType.CLASS_REMOVED);
  }

  @Test
  void theCommittedBaselineComparedWithItselfHasNoChange() throws Exception {
    Path baseline = baseline("sdk-core");

    assertThat(compare(baseline, baseline)).isEmpty();
  }

  /** Compares as the build does: changed public API only, the internal package left out. */
  private static List<JApiClass> compare(Path before, Path after) {
    JarArchiveComparatorOptions options = new JarArchiveComparatorOptions();
    options
        .getFilters()
        .getExcludes()
        .add(new JavadocLikePackageFilter("dev.eventcontracts.internal", false));
    // the libraries the API extends (Jackson, Micrometer...) are not on the comparison's class path
    options.getIgnoreMissingClasses().setIgnoreAllMissingClasses(true);
    List<JApiClass> classes =
        new JarArchiveComparator(options)
            .compare(
                new JApiCmpArchive(before.toFile(), "before"),
                new JApiCmpArchive(after.toFile(), "after"));
    return classes.stream().filter(c -> c.getChangeStatus() != JApiChangeStatus.UNCHANGED).toList();
  }

  private static JApiClass only(List<JApiClass> classes, String name) {
    return assertThat(classes)
        .filteredOn(c -> c.getFullyQualifiedName().equals(name))
        .singleElement()
        .actual();
  }

  private static String widget(String extraMember) {
    return "package api;\n"
        + "public class Widget {\n"
        + "  public String name() { return \"w\"; }\n"
        + extraMember
        + "\n}\n";
  }

  /** Compiles the sources and puts their classes in a jar. */
  private Path jar(String name, Map<String, String> sources) throws IOException {
    Path src = dir.resolve(name + "/src");
    Path classes = dir.resolve(name + "/classes");
    Files.createDirectories(classes);
    List<String> arguments = new ArrayList<>(List.of("--release", "17", "-d", classes.toString()));
    for (Map.Entry<String, String> source : sources.entrySet()) {
      Path file = src.resolve(source.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue());
      arguments.add(file.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, arguments.toArray(String[]::new))).isZero();
    Path jar = dir.resolve(name + ".jar");
    try (OutputStream file = Files.newOutputStream(jar);
        ZipOutputStream out = new ZipOutputStream(file);
        Stream<Path> files = Files.walk(classes)) {
      for (Path classFile : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new ZipEntry(classes.relativize(classFile).toString().replace('\\', '/')));
        Files.copy(classFile, out);
        out.closeEntry();
      }
    }
    return jar;
  }

  /** {@code api-baseline/<module>.jar} of the checkout this test runs in. */
  private static Path baseline(String module) {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path jar = d.resolve("api-baseline").resolve(module + ".jar");
      if (Files.isRegularFile(jar)) {
        return jar;
      }
    }
    throw new AssertionError(
        "no api-baseline/" + module + ".jar above " + Path.of("").toAbsolutePath());
  }
}
