package dev.eventcontracts.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The null check of the build catches a violation: javac with Error Prone and NullAway, set up as
 * the root pom sets up the main compile, refuses a {@code @NullMarked} class that returns null from
 * a method whose return type is not {@code @Nullable}, and accepts the fixed class.
 */
class NullCheckTest {

  /** The Error Prone plugin argument of the root pom's default-compile execution. */
  static final String ERROR_PRONE =
      "-Xplugin:ErrorProne -XepDisableAllChecks -Xep:NullAway:ERROR"
          + " -XepOpt:NullAway:OnlyNullMarked=true -XepOpt:NullAway:CheckOptionalEmptiness=false";

  @TempDir Path dir;

  @Test
  void aNullReturnedFromANonNullMethodFailsTheCompile() throws Exception {
    Compile result =
        compile(
            """
            package example;

            import org.jspecify.annotations.NullMarked;

            @NullMarked
            public final class Greeting {
              public String name() {
                return null;
              }
            }
            """);

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output())
        .contains("Greeting.java:8: error: [NullAway]")
        .contains(
            "[NullAway] returning @Nullable expression from method with @NonNull return type");
  }

  @Test
  void theFixedClassCompiles() throws Exception {
    Compile result =
        compile(
            """
            package example;

            import org.jspecify.annotations.NullMarked;
            import org.jspecify.annotations.Nullable;

            @NullMarked
            public final class Greeting {
              public @Nullable String name() {
                return null;
              }

              public int length() {
                String name = name();
                return name == null ? 0 : name.length();
              }
            }
            """);

    assertThat(result.output()).doesNotContain("NullAway");
    assertThat(result.exitCode()).isZero();
  }

  @Test
  void dereferencingANullableResultFailsTheCompile() throws Exception {
    Compile result =
        compile(
            """
            package example;

            import org.jspecify.annotations.NullMarked;
            import org.jspecify.annotations.Nullable;

            @NullMarked
            public final class Greeting {
              public @Nullable String name() {
                return null;
              }

              public int length() {
                return name().length();
              }
            }
            """);

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output())
        .contains(
            "Greeting.java:13: error: [NullAway] dereferenced expression 'name()' is @Nullable");
  }

  @Test
  void codeOutsideNullMarkedScopeIsNotChecked() throws Exception {
    Compile result =
        compile(
            """
            package example;

            public final class Greeting {
              public String name() {
                return null;
              }
            }
            """);

    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  private record Compile(int exitCode, String output) {}

  /**
   * Runs the JDK's javac in a child process, as Maven runs it: with the exports and opens of {@code
   * .mvn/jvm.config}, Error Prone and NullAway on the processor path, JSpecify on the class path.
   */
  private Compile compile(String source) throws IOException, InterruptedException {
    Path file = dir.resolve("src/example/Greeting.java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, source);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    String testClassPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "javac").toString());
    for (String option : jvmConfig()) {
      command.add("-J" + option);
    }
    command.addAll(
        List.of(
            "--release",
            "17",
            "-XDcompilePolicy=simple",
            "--should-stop=ifError=FLOW",
            "-processorpath",
            testClassPath,
            "-classpath",
            testClassPath,
            ERROR_PRONE,
            "-d",
            classes.toString(),
            file.toString()));
    Process javac =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("javac.log").toFile())
            .start();
    if (!javac.waitFor(2, TimeUnit.MINUTES)) {
      javac.destroyForcibly();
      throw new AssertionError("javac did not finish in 2 minutes");
    }
    return new Compile(
        javac.exitValue(), Files.readString(dir.resolve("javac.log"), StandardCharsets.UTF_8));
  }

  /** The {@code --add-exports} and {@code --add-opens} options Maven's JVM gets for javac. */
  private static List<String> jvmConfig() throws IOException {
    Path config = null;
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(".mvn/jvm.config"))) {
        config = d.resolve(".mvn/jvm.config");
        break;
      }
    }
    assertThat(config).as(".mvn/jvm.config above " + new File("").getAbsolutePath()).isNotNull();
    List<String> options = new ArrayList<>();
    String[] words = Files.readString(config).trim().split("\\s+");
    for (int i = 0; i < words.length; i++) {
      if ((words[i].equals("--add-exports") || words[i].equals("--add-opens"))
          && i + 1 < words.length) {
        options.add(words[i] + "=" + words[++i]);
      }
    }
    assertThat(options).as("the javac exports in " + config).isNotEmpty();
    return options;
  }
}
