package dev.eventcontracts.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.PayloadSchema;
import dev.eventcontracts.pipeline.EventHandler;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds and loads the example registries the benchmarks run against.
 *
 * <p>In order: the directory named by {@code -Dregistry=...}; the copy bundled into the benchmark
 * jar at build time (maven-resources-plugin copies {@code examples/registries/recruiting} to {@code
 * registries/recruiting/} in the jar, so {@code benchmarks.jar} is self-contained); {@code
 * examples/registries/<name>} in the working directory or any parent of it.
 */
public final class Registries {
  private Registries() {}

  /** The {@code recruiting} registry (seed 000, jobarium envelope, contracts E-01..E-13). */
  public static ContractRegistry recruiting() {
    return load("recruiting");
  }

  /**
   * Loads the example registry called {@code name} with the validation fast path off ({@link
   * PayloadSchema#FAST_PATH_PROPERTY}), so networknt validates every payload: the SDK before it.
   */
  public static ContractRegistry withoutFastPath(String name) {
    String before = System.getProperty(PayloadSchema.FAST_PATH_PROPERTY);
    System.setProperty(PayloadSchema.FAST_PATH_PROPERTY, "false");
    try {
      return load(name);
    } finally {
      if (before == null) {
        System.clearProperty(PayloadSchema.FAST_PATH_PROPERTY);
      } else {
        System.setProperty(PayloadSchema.FAST_PATH_PROPERTY, before);
      }
    }
  }

  /**
   * Binds {@code handler} to every event name of {@code registry}, once per name (it takes every
   * version), as the benchmarks' pipelines do.
   */
  public static EventPipeline.Builder handleEveryEvent(
      EventPipeline.Builder builder, ContractRegistry registry, EventHandler<JsonNode> handler) {
    Set<String> names = new LinkedHashSet<>();
    for (EventContract contract : registry.contracts()) {
      names.add(contract.name());
    }
    for (String name : names) {
      builder.handler(HandlerBinding.ofJson(name, handler));
    }
    return builder;
  }

  /** Loads an example registry by name (see the class comment for where it is looked for). */
  public static ContractRegistry load(String name) {
    String override = System.getProperty("registry");
    if (override != null && !override.isBlank()) {
      return ContractRegistry.load(Path.of(override));
    }
    URL bundled = Registries.class.getResource("/registries/" + name + "/registry.json");
    if (bundled != null) {
      return loadBundled(bundled);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("examples").resolve("registries").resolve(name);
      if (Files.isDirectory(candidate)) {
        return ContractRegistry.load(candidate);
      }
    }
    throw new IllegalStateException(
        "registry '"
            + name
            + "' not found: not bundled, and no examples/registries/"
            + name
            + " in "
            + Path.of("").toAbsolutePath()
            + " or its parents; pass -Dregistry=<directory>");
  }

  private static ContractRegistry loadBundled(URL settingsFile) {
    URI uri;
    try {
      uri = settingsFile.toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    if ("file".equals(uri.getScheme())) {
      return ContractRegistry.load(Path.of(uri).getParent());
    }
    // Inside a jar: ContractRegistry.load reads java.io.File paths, so copy the files out first.
    try {
      FileSystem jar;
      boolean opened = false;
      try {
        jar = FileSystems.newFileSystem(uri, Map.of());
        opened = true;
      } catch (FileSystemAlreadyExistsException e) {
        jar = FileSystems.getFileSystem(uri);
      }
      Path tmp = Files.createTempDirectory("registry");
      try {
        Path source = jar.provider().getPath(uri).getParent();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(source)) {
          files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
          Path target = tmp.resolve(source.relativize(file).toString());
          Files.createDirectories(target.getParent());
          Files.copy(file, target);
        }
        return ContractRegistry.load(tmp);
      } finally {
        if (opened) {
          jar.close();
        }
        deleteTree(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
