package dev.eventcontracts.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Registries on the classpath, as a contracts jar publishes them: from a real jar built here (with
 * and without directory entries) and from an exploded directory, read exactly as from the file
 * system, with the same checks and the same messages.
 */
class ClasspathRegistryTest {
  private static final Path EXAMPLES = Path.of("../examples/registries");

  @TempDir Path temp;

  /** Writes every file of {@code source} into a jar under {@code prefix}. */
  private Path jar(Path source, String prefix, boolean directoryEntries) throws IOException {
    Path jar = temp.resolve("contracts-" + System.nanoTime() + ".jar");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(source)) {
      files = walk.sorted().toList();
    }
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      if (directoryEntries) {
        String path = "";
        for (String part : prefix.split("/")) {
          path += part + "/";
          out.putNextEntry(new JarEntry(path));
          out.closeEntry();
        }
      }
      for (Path file : files) {
        String name = prefix + "/" + source.relativize(file).toString().replace('\\', '/');
        if (Files.isDirectory(file)) {
          if (directoryEntries && !file.equals(source)) {
            out.putNextEntry(new JarEntry(name + "/"));
            out.closeEntry();
          }
          continue;
        }
        out.putNextEntry(new JarEntry(name));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
    return jar;
  }

  private static URLClassLoader loader(Path... entries) throws IOException {
    URL[] urls = new URL[entries.length];
    for (int i = 0; i < entries.length; i++) {
      urls[i] = entries[i].toUri().toURL();
    }
    return new URLClassLoader(urls, null);
  }

  private static void assertSameRegistry(ContractRegistry actual, ContractRegistry expected) {
    assertThat(actual.name()).isEqualTo(expected.name());
    assertThat(actual.versionPolicy()).isEqualTo(expected.versionPolicy());
    assertThat(actual.onUnknownEvent()).isEqualTo(expected.onUnknownEvent());
    assertThat(actual.envelopeFormats())
        .extracting(f -> f.name())
        .isEqualTo(expected.envelopeFormats().stream().map(f -> f.name()).toList());
    assertThat(actual.contracts()).hasSameSizeAs(expected.contracts());
    for (int i = 0; i < expected.contracts().size(); i++) {
      EventContract a = actual.contracts().get(i);
      EventContract e = expected.contracts().get(i);
      assertThat(a.toString()).isEqualTo(e.toString());
      assertThat(a.source()).isEqualTo(e.source());
      assertThat(a.schema().node()).isEqualTo(e.schema().node());
      assertThat(String.valueOf(a.idempotencyKey())).isEqualTo(String.valueOf(e.idempotencyKey()));
      assertThat(a.ordering()).isEqualTo(e.ordering());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"recruiting", "activity", "interview", "todo", "commerce"})
  void everyExampleRegistryLoadsFromAJarAsFromItsDirectory(String name) throws IOException {
    Path jar = jar(EXAMPLES.resolve(name), "contracts/" + name, true);
    try (URLClassLoader loader = loader(jar)) {
      ContractRegistry registry = ContractRegistry.loadFromClasspath("contracts/" + name, loader);
      assertSameRegistry(registry, ContractRegistry.load(EXAMPLES.resolve(name)));
    }
  }

  @Test
  void aJarWithoutDirectoryEntriesIsFoundByItsSettingsFile() throws IOException {
    Path jar = jar(EXAMPLES.resolve("commerce"), "x/commerce", false);
    try (URLClassLoader loader = loader(jar)) {
      assertSameRegistry(
          ContractRegistry.loadFromClasspath("/x/commerce/", loader),
          ContractRegistry.load(EXAMPLES.resolve("commerce")));
    }
  }

  @Test
  void anExplodedDirectoryLoadsToo() throws IOException {
    Path root = temp.resolve("classes");
    Path target = root.resolve("contracts/todo");
    try (Stream<Path> walk = Files.walk(EXAMPLES.resolve("todo"))) {
      for (Path file : walk.sorted().toList()) {
        Path copy = target.resolve(EXAMPLES.resolve("todo").relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
    }
    try (URLClassLoader loader = loader(root)) {
      assertSameRegistry(
          ContractRegistry.loadFromClasspath("contracts/todo", loader),
          ContractRegistry.load(EXAMPLES.resolve("todo")));
    }
  }

  @Test
  void theContextClassLoaderIsUsedByDefault() throws IOException {
    Path jar = jar(EXAMPLES.resolve("activity"), "contracts/activity", true);
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader loader = loader(jar)) {
      Thread.currentThread().setContextClassLoader(loader);
      assertThat(ContractRegistry.loadFromClasspath("contracts/activity").contracts()).hasSize(4);
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  /** Each broken registry fails with the same problem, from a directory and from a jar. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "[1, 2]",
        "{\"x-event-name\": \"a\", \"x-event-version\": \"v1\", \"type\": \"object\"}",
        "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"x-event-name\": \"a\","
            + " \"x-event-version\": \"v1\", \"x-unknown\": 1}",
        "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"x-event-name\": \"a\","
            + " \"x-event-version\": \"v1\", \"type\": \"nonsense\"}"
      })
  void brokenFilesGiveTheSameMessagesFromAJar(String content) throws IOException {
    Path dir = temp.resolve("broken-" + System.nanoTime());
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/a.schema.json"), content);
    Files.writeString(dir.resolve("registry.json"), "{\"name\": \"broken\"}");
    RegistryException fromDirectory = failure(() -> ContractRegistry.load(dir));
    Path jar = jar(dir, "contracts/broken", true);
    try (URLClassLoader loader = loader(jar)) {
      RegistryException fromJar =
          failure(() -> ContractRegistry.loadFromClasspath("contracts/broken", loader));
      assertThat(problem(fromJar)).isEqualTo(problem(fromDirectory));
      assertThat(fromJar.file())
          .startsWith("jar:file:")
          .endsWith(jar.getFileName() + "!/contracts/broken/sub/a.schema.json");
    }
  }

  @Test
  void brokenSettingsGiveTheSameMessageFromAJar() throws IOException {
    Path dir = temp.resolve("settings");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("registry.json"), "{\"versionPolicy\": \"loose\"}");
    RegistryException fromDirectory = failure(() -> ContractRegistry.load(dir));
    try (URLClassLoader loader = loader(jar(dir, "c/settings", true))) {
      RegistryException fromJar =
          failure(() -> ContractRegistry.loadFromClasspath("c/settings", loader));
      assertThat(problem(fromJar)).isEqualTo(problem(fromDirectory)).contains("versionPolicy");
      assertThat(fromJar.file()).endsWith("!/c/settings/registry.json");
    }
  }

  @Test
  void aDirectoryWithoutContractsIsRefusedAsOnDisk() throws IOException {
    Path dir = temp.resolve("empty");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("registry.json"), "{}");
    RegistryException fromDirectory = failure(() -> ContractRegistry.load(dir));
    try (URLClassLoader loader = loader(jar(dir, "c/empty", true))) {
      assertThat(problem(failure(() -> ContractRegistry.loadFromClasspath("c/empty", loader))))
          .isEqualTo(problem(fromDirectory))
          .contains("no contract files");
    }
  }

  @Test
  void aMissingDirectoryIsNamed() throws IOException {
    try (URLClassLoader loader = loader(jar(EXAMPLES.resolve("todo"), "contracts/todo", true))) {
      assertThatThrownBy(() -> ContractRegistry.loadFromClasspath("contracts/nope", loader))
          .isInstanceOf(RegistryException.class)
          .hasMessageStartingWith("classpath:contracts/nope: not found on the classpath");
      assertThatThrownBy(() -> ContractRegistry.loadFromClasspath("  /  ", loader))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("must not be empty");
    }
  }

  @Test
  void aDirectoryInTwoPlacesIsRefusedRatherThanShadowed() throws IOException {
    Path one = jar(EXAMPLES.resolve("todo"), "contracts/todo", true);
    Path two = jar(EXAMPLES.resolve("todo"), "contracts/todo", true);
    try (URLClassLoader loader = loader(one, two)) {
      assertThatThrownBy(() -> ContractRegistry.loadFromClasspath("contracts/todo", loader))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("found in 2 places");
    }
  }

  private static RegistryException failure(Runnable load) {
    List<RegistryException> caught = new ArrayList<>();
    try {
      load.run();
    } catch (RegistryException e) {
      caught.add(e);
    }
    assertThat(caught).as("a RegistryException").hasSize(1);
    return caught.get(0);
  }

  /** The message without the file it names. */
  private static String problem(RegistryException e) {
    return e.getMessage().substring(e.file().length());
  }
}
