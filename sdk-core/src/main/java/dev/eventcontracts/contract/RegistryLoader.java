package dev.eventcontracts.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.envelope.EnvelopeFormats;
import dev.eventcontracts.validation.Limits;
import dev.eventcontracts.version.VersionPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Reads a registry directory, on the file system or on the classpath (exploded or in a jar), with
 * the same checks and messages for both; every problem is reported with the file it is in.
 */
final class RegistryLoader {
  static final String SETTINGS_FILE = "registry.json";
  static final String CONTRACT_SUFFIX = ".schema.json";

  /** The extension keywords a contract file may carry; any other {@code x-} keyword is refused. */
  static final Set<String> EXTENSION_KEYWORDS =
      Set.of(
          "x-event-name",
          "x-event-version",
          "x-idempotency-key",
          "x-ordering",
          "x-producer",
          "x-consumers",
          "x-description",
          "x-migration",
          "x-sunset");

  private static final Set<String> SETTINGS_KEYS =
      Set.of("name", "versionPolicy", "envelopeFormats", "onUnknownEvent", "limits");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RegistryLoader() {}

  static ContractRegistry load(Path directory) {
    return load(directory, Path::toString);
  }

  /**
   * Loads a registry from a resource directory of a class loader: an exploded directory or a
   * directory inside a jar. Problems are reported as for a directory, with the file named by its
   * path or its {@code jar:} location.
   */
  static ContractRegistry loadFromClasspath(String resourceDir, ClassLoader loader) {
    String dir = resourceDir.strip();
    while (dir.startsWith("/")) {
      dir = dir.substring(1);
    }
    while (dir.endsWith("/")) {
      dir = dir.substring(0, dir.length() - 1);
    }
    String label = "classpath:" + dir;
    if (dir.isEmpty()) {
      throw new RegistryException(label, "the resource directory must not be empty");
    }
    List<URL> found = find(loader, dir);
    if (found.isEmpty()) {
      throw new RegistryException(
          label,
          "not found on the classpath (a jar needs directory entries, or a "
              + SETTINGS_FILE
              + " in the directory)");
    }
    if (found.size() > 1) {
      throw new RegistryException(
          label, "found in " + found.size() + " places, load one by its path: " + found);
    }
    URL url = found.get(0);
    try {
      switch (url.getProtocol()) {
        case "file":
          return load(Path.of(url.toURI()), Path::toString);
        case "jar":
          String spec = url.toString();
          int bang = spec.indexOf("!/");
          URI jarUri = URI.create(spec.substring("jar:".length(), bang));
          String entry =
              URLDecoder.decode(
                  spec.substring(bang + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
          while (entry.length() > 1 && entry.endsWith("/")) {
            entry = entry.substring(0, entry.length() - 1);
          }
          try (FileSystem jar = FileSystems.newFileSystem(Path.of(jarUri))) {
            return load(jar.getPath(entry), file -> "jar:" + jarUri + "!" + file);
          }
        default:
          throw new RegistryException(
              label, "cannot read a registry from " + url + " (only directories and jar files)");
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      if (e instanceof RegistryException r) {
        throw r;
      }
      throw new RegistryException(label, "cannot read " + url + ": " + e.getMessage(), e);
    }
  }

  /** The distinct locations of a resource directory, in class-loader order. */
  private static List<URL> find(ClassLoader loader, String dir) {
    java.util.LinkedHashMap<String, URL> out = new java.util.LinkedHashMap<>();
    try {
      for (String name : List.of(dir, dir + "/")) {
        for (URL url : java.util.Collections.list(loader.getResources(name))) {
          out.putIfAbsent(url.toString().replaceAll("/+$", ""), url);
        }
      }
      if (out.isEmpty()) {
        // a jar without directory entries: find the directory by its settings file
        for (URL url : java.util.Collections.list(loader.getResources(dir + "/" + SETTINGS_FILE))) {
          String text = url.toString();
          String parent = text.substring(0, text.length() - SETTINGS_FILE.length() - 1);
          out.putIfAbsent(parent, URI.create(parent).toURL());
        }
      }
    } catch (IOException e) {
      throw new RegistryException("classpath:" + dir, "cannot search: " + e.getMessage(), e);
    }
    return List.copyOf(out.values());
  }

  private static ContractRegistry load(Path directory, Function<Path, String> where) {
    if (!Files.isDirectory(directory)) {
      throw new RegistryException(where.apply(directory), "not a directory");
    }
    ContractRegistry.Builder builder =
        ContractRegistry.builder().name(directory.getFileName().toString());
    Path settings = directory.resolve(SETTINGS_FILE);
    if (Files.exists(settings)) {
      readSettings(settings, builder, where.apply(settings));
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(directory)) {
      files =
          walk.filter(p -> p.getFileName().toString().endsWith(CONTRACT_SUFFIX))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new RegistryException(
          where.apply(directory), "cannot list files: " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new RegistryException(
          where.apply(directory), "no contract files (*" + CONTRACT_SUFFIX + ")");
    }
    Map<String, String> seen = new java.util.HashMap<>();
    for (Path file : files) {
      EventContract contract = readContract(file, directory, where.apply(file));
      String key = contract.name() + "@" + contract.eventVersion();
      String other = seen.putIfAbsent(key, contract.source());
      if (other != null) {
        throw new RegistryException(
            contract.source(),
            "second contract for "
                + contract.name()
                + " version "
                + contract.version()
                + " (first in "
                + other
                + ")");
      }
      builder.add(contract);
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new RegistryException(where.apply(directory), e.getMessage(), e);
    }
  }

  private static JsonNode readJson(Path file, String where) {
    try (InputStream in = Files.newInputStream(file)) {
      JsonNode node = MAPPER.readTree(in);
      if (node == null || !node.isObject()) {
        throw new RegistryException(where, "must hold a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new RegistryException(where, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new RegistryException(where, "cannot read: " + e.getMessage(), e);
    }
  }

  private static void readSettings(Path file, ContractRegistry.Builder builder, String where) {
    JsonNode node = readJson(file, where);
    node.fieldNames()
        .forEachRemaining(
            key -> {
              if (!SETTINGS_KEYS.contains(key)) {
                throw new RegistryException(
                    where,
                    "unknown setting '"
                        + key
                        + "' (known: "
                        + new java.util.TreeSet<>(SETTINGS_KEYS)
                        + ")");
              }
            });
    if (node.has("name")) {
      builder.name(text(node, "name", where));
    }
    if (node.has("versionPolicy")) {
      String policy = text(node, "versionPolicy", where);
      switch (policy) {
        case "strict" -> builder.versionPolicy(VersionPolicy.STRICT);
        case "compatible" -> builder.versionPolicy(VersionPolicy.COMPATIBLE);
        default ->
            throw new RegistryException(
                where, "versionPolicy must be 'strict' or 'compatible', not '" + policy + "'");
      }
    }
    if (node.has("onUnknownEvent")) {
      String action = text(node, "onUnknownEvent", where);
      switch (action) {
        case "dead-letter" -> builder.onUnknownEvent(UnknownEventAction.DEAD_LETTER);
        case "skip" -> builder.onUnknownEvent(UnknownEventAction.SKIP);
        default ->
            throw new RegistryException(
                where, "onUnknownEvent must be 'dead-letter' or 'skip', not '" + action + "'");
      }
    }
    JsonNode formats = node.get("envelopeFormats");
    if (formats != null) {
      if (!formats.isArray() || formats.isEmpty()) {
        throw new RegistryException(where, "envelopeFormats must be a non-empty array");
      }
      for (JsonNode format : formats) {
        try {
          builder.envelopeFormat(
              format.isTextual()
                  ? EnvelopeFormats.named(format.asText())
                  : EnvelopeFormats.fromSpec(format));
        } catch (IllegalArgumentException e) {
          throw new RegistryException(where, "envelopeFormats: " + e.getMessage(), e);
        }
      }
    }
    JsonNode limits = node.get("limits");
    if (limits != null) {
      builder.limits(readLimits(limits, where));
    }
  }

  private static Limits readLimits(JsonNode node, String where) {
    if (!node.isObject()) {
      throw new RegistryException(where, "limits must be an object");
    }
    Limits limits = Limits.defaults();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      JsonNode value = e.getValue();
      if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() <= 0) {
        throw new RegistryException(where, "limits." + e.getKey() + " must be a positive integer");
      }
      int number = value.intValue();
      limits =
          switch (e.getKey()) {
            case "maxMessageBytes" -> limits.withMaxMessageBytes(number);
            case "maxNestingDepth" -> limits.withMaxNestingDepth(number);
            case "maxStringLength" -> limits.withMaxStringLength(number);
            default -> throw new RegistryException(where, "unknown limit '" + e.getKey() + "'");
          };
    }
    return limits;
  }

  private static EventContract readContract(Path file, Path root, String where) {
    JsonNode node = readJson(file, where);
    JsonNode dialect = node.get("$schema");
    if (dialect == null || !PayloadSchema.DIALECT.equals(dialect.asText())) {
      throw new RegistryException(
          where, "must declare \"$schema\": \"" + PayloadSchema.DIALECT + "\"");
    }
    ObjectNode schema = ((ObjectNode) node).deepCopy();
    List<String> extensions = new ArrayList<>();
    node.fieldNames()
        .forEachRemaining(
            key -> {
              if (key.startsWith("x-")) {
                if (!EXTENSION_KEYWORDS.contains(key)) {
                  throw new RegistryException(
                      where,
                      "unknown extension keyword '"
                          + key
                          + "' (known: "
                          + new java.util.TreeSet<>(EXTENSION_KEYWORDS)
                          + ")");
                }
                extensions.add(key);
              }
            });
    schema.remove(extensions);
    try {
      EventContract.Builder b =
          EventContract.builder(
                  text(node, "x-event-name", where), text(node, "x-event-version", where))
              .source(root.relativize(file).toString())
              .schema(schema);
      if (node.has("x-idempotency-key")) {
        b.idempotencyKey(text(node, "x-idempotency-key", where));
      }
      if (node.has("x-ordering")) {
        b.ordering(ordering(node.get("x-ordering"), where));
      }
      if (node.has("x-producer")) {
        b.producer(text(node, "x-producer", where));
      }
      if (node.has("x-description")) {
        b.description(text(node, "x-description", where));
      }
      if (node.has("x-migration")) {
        b.migration(text(node, "x-migration", where));
      }
      if (node.has("x-sunset")) {
        String date = text(node, "x-sunset", where);
        try {
          b.sunset(java.time.LocalDate.parse(date));
        } catch (java.time.format.DateTimeParseException e) {
          throw new RegistryException(
              where, "x-sunset must be a date such as 2027-06-30, not '" + date + "'", e);
        }
      }
      JsonNode consumers = node.get("x-consumers");
      if (consumers != null) {
        if (!consumers.isArray()) {
          throw new RegistryException(where, "x-consumers must be an array of strings");
        }
        List<String> names = new ArrayList<>();
        consumers.forEach(c -> names.add(c.asText()));
        b.consumers(names);
      }
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new RegistryException(where, e.getMessage(), e);
    }
  }

  private static OrderingRule ordering(JsonNode node, String where) {
    if (!node.isObject()) {
      throw new RegistryException(where, "x-ordering must be an object");
    }
    for (String key : iterable(node)) {
      if (!Set.of("entity", "version", "timestamp", "scope").contains(key)) {
        throw new RegistryException(where, "x-ordering: unknown key '" + key + "'");
      }
    }
    String entity = text(node, "entity", where + " x-ordering");
    boolean byVersion = node.has("version");
    if (byVersion == node.has("timestamp")) {
      throw new RegistryException(
          where, "x-ordering needs exactly one of 'version' and 'timestamp'");
    }
    OrderingRule rule =
        byVersion
            ? OrderingRule.byVersion(entity, text(node, "version", where))
            : OrderingRule.byTimestamp(entity, text(node, "timestamp", where));
    return node.has("scope") ? rule.inScope(text(node, "scope", where)) : rule;
  }

  private static List<String> iterable(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static String text(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new RegistryException(where, "'" + key + "' must be a non-empty string");
    }
    return value.asText();
  }
}
