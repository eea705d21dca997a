package dev.eventcontracts.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.envelope.EnvelopeReader;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.Limits;
import dev.eventcontracts.validation.ValidationReport;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random payloads for every contract of the five example registries, generated from the schemas and
 * from the seed corpora, then mutated (type flips, removed and added fields, boundary numbers,
 * unicode strings, broken formats, nested changes): not one may be accepted by the fast path and
 * rejected by networknt. The build runs {@value #DEFAULT_INSTANCES} instances; {@code
 * -Dfastpath.instances=1000000} runs the full sample (docs/performance.md has its result).
 */
class FastPathDifferentialTest {
  static final int DEFAULT_INSTANCES = 20_000;
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final List<String> REGISTRIES =
      List.of("recruiting", "activity", "interview", "todo", "commerce");

  @Test
  void fastPathNeverAcceptsWhatNetworkntRejects() throws Exception {
    int instances = Integer.getInteger("fastpath.instances", DEFAULT_INSTANCES);
    long seed = Long.getLong("fastpath.seed", 20261204L);
    List<Target> targets = targets();
    SplittableRandom random = new SplittableRandom(seed);
    long started = System.nanoTime();
    int accepted = 0;
    int networkntValid = 0;
    List<String> disagreements = new ArrayList<>();
    for (int n = 0; n < instances; n++) {
      Target t = targets.get(random.nextInt(targets.size()));
      JsonNode instance;
      if (!t.seeds.isEmpty() && random.nextInt(3) == 0) {
        instance = t.seeds.get(random.nextInt(t.seeds.size())).deepCopy();
      } else {
        instance = new Generator(t, random).value(t.schema, 0);
      }
      int mutations = random.nextInt(4); // a quarter stay as generated
      for (int m = 0; m < mutations; m++) {
        instance = new Mutator(random, t).mutate(instance, 0);
      }
      boolean fast = t.payload.fastPathAccepts(instance);
      boolean valid = t.payload.validateWithoutFastPath(instance, "/payload").isEmpty();
      if (fast) {
        accepted++;
        if (!valid && disagreements.size() < 20) {
          disagreements.add(t.contract + ": " + instance);
        }
      }
      networkntValid += valid ? 1 : 0;
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        "differential: %d instances over %d contracts in %.1f s, networknt valid %d, fast path"
            + " accepted %d, disagreements %d (seed %d)%n",
        instances, targets.size(), seconds, networkntValid, accepted, disagreements.size(), seed);
    assertThat(disagreements).isEmpty();
    // the run proves something only if the fast path accepts a good share of the valid instances
    assertThat(accepted).isGreaterThan(networkntValid / 2);
    assertThat(networkntValid).isGreaterThan(instances / 10);
  }

  @Test
  void everyExampleContractHasAFastPath() throws Exception {
    List<String> gaps = new ArrayList<>();
    List<Target> targets = targets();
    for (Target t : targets) {
      if (t.payload.fastPathGap() != null) {
        gaps.add(t.contract + ": " + t.payload.fastPathGap());
      }
    }
    System.out.printf(
        "coverage: %d of %d example contracts have a fast path%n",
        targets.size() - gaps.size(), targets.size());
    assertThat(gaps).isEmpty();
  }

  /** One contract: its schema, compiled, and payloads taken from the seed corpora. */
  record Target(String contract, JsonNode schema, PayloadSchema payload, List<JsonNode> seeds) {}

  static List<Target> targets() throws Exception {
    Map<EventContract, List<JsonNode>> seeds = new HashMap<>();
    List<EventContract> contracts = new ArrayList<>();
    ObjectMapper mapper = EnvelopeReader.mapperFor(Limits.defaults());
    for (String name : REGISTRIES) {
      ContractRegistry registry = ContractRegistry.load(Path.of("../examples/registries", name));
      contracts.addAll(registry.contracts());
      EventValidator validator = EventValidator.of(registry);
      for (Path file : seedFiles(name)) {
        for (String line : Files.readAllLines(file)) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode row;
          try {
            row = mapper.readTree(line);
          } catch (java.io.IOException e) {
            continue; // the example files hold broken lines on purpose
          }
          JsonNode value = row.has("value") ? row.get("value") : row;
          if (!value.isObject()) {
            continue;
          }
          ValidationReport report = validator.validate(InboundMessage.of(value.toString()));
          if (report.contract() != null
              && report.envelope() != null
              && !report.envelope().payload().isMissingNode()) {
            seeds
                .computeIfAbsent(report.contract(), c -> new ArrayList<>())
                .add(report.envelope().payload());
          }
        }
      }
    }
    List<Target> out = new ArrayList<>();
    for (EventContract c : contracts) {
      out.add(
          new Target(c.source(), c.schema().node(), c.schema(), seeds.getOrDefault(c, List.of())));
    }
    return out;
  }

  private static List<Path> seedFiles(String registry) throws Exception {
    List<Path> files = new ArrayList<>();
    files.add(Path.of("../examples/corpus", registry + ".ndjson"));
    try (var events = Files.list(Path.of("../examples/events"))) {
      events.filter(p -> p.getFileName().toString().startsWith(registry)).forEach(files::add);
    }
    return files;
  }

  /** Builds mostly valid payloads from a schema. */
  static final class Generator {
    private final Target target;
    private final SplittableRandom random;

    Generator(Target target, SplittableRandom random) {
      this.target = target;
      this.random = random;
    }

    JsonNode value(JsonNode schema, int depth) {
      if (schema.isBoolean()) {
        return schema.booleanValue() ? F.textNode("anything") : F.nullNode();
      }
      JsonNode ref = schema.get("$ref");
      if (ref != null && ref.asText().startsWith("#/$defs/")) {
        return value(target.schema.path("$defs").path(ref.asText().substring(8)), depth + 1);
      }
      JsonNode e = schema.get("enum");
      if (e != null && e.size() > 0) {
        return e.get(random.nextInt(e.size())).deepCopy();
      }
      if (schema.has("const")) {
        return schema.get("const").deepCopy();
      }
      JsonNode type = schema.get("type");
      String t;
      if (type == null) {
        t = schema.has("properties") ? "object" : "string";
      } else if (type.isArray()) {
        t = type.get(random.nextInt(type.size())).asText();
      } else {
        t = type.asText();
      }
      switch (t) {
        case "object":
          return object(schema, depth);
        case "array":
          {
            ArrayNode a = F.arrayNode();
            int min = schema.path("minItems").asInt(0);
            int max = schema.has("maxItems") ? schema.get("maxItems").asInt() : min + 3;
            int size = min + random.nextInt(Math.max(1, max - min + 1));
            JsonNode items = schema.has("items") ? schema.get("items") : F.objectNode();
            for (int i = 0; i < size && depth < 20; i++) {
              a.add(value(items, depth + 1));
            }
            return a;
          }
        case "integer":
          return integer(schema);
        case "number":
          return random.nextBoolean()
              ? integer(schema)
              : F.numberNode(
                  BigDecimal.valueOf(random.nextInt(100000), 2)
                      .add(decimal(schema, "minimum", BigDecimal.ZERO)));
        case "boolean":
          return F.booleanNode(random.nextBoolean());
        case "null":
          return F.nullNode();
        default:
          return F.textNode(string(schema));
      }
    }

    private JsonNode object(JsonNode schema, int depth) {
      ObjectNode o = F.objectNode();
      JsonNode properties = schema.path("properties");
      List<String> required = new ArrayList<>();
      schema.path("required").forEach(r -> required.add(r.asText()));
      for (Map.Entry<String, JsonNode> p : properties.properties()) {
        if (required.contains(p.getKey()) || random.nextBoolean()) {
          o.set(p.getKey(), value(p.getValue(), depth + 1));
        }
      }
      for (String r : required) {
        if (!o.has(r)) {
          o.put(r, "x");
        }
      }
      JsonNode additional = schema.get("additionalProperties");
      if (additional != null && additional.isObject() && random.nextBoolean()) {
        o.set("extra_" + random.nextInt(10), value(additional, depth + 1));
      }
      return o;
    }

    private JsonNode integer(JsonNode schema) {
      long min = schema.has("minimum") ? schema.get("minimum").asLong() : -1000;
      long max = schema.has("maximum") ? schema.get("maximum").asLong() : min + 100_000;
      long v = min + (long) (random.nextDouble() * (max - min + 1));
      return random.nextInt(10) == 0 ? F.numberNode(new BigDecimal(v + ".0")) : F.numberNode(v);
    }

    private static BigDecimal decimal(JsonNode schema, String key, BigDecimal otherwise) {
      JsonNode v = schema.get(key);
      return v == null ? otherwise : v.decimalValue();
    }

    private String string(JsonNode schema) {
      String format = schema.path("format").asText("");
      switch (format) {
        case "date-time":
          return String.format(
              "20%02d-%02d-%02dT%02d:%02d:%02d%s%s",
              random.nextInt(100),
              1 + random.nextInt(12),
              1 + random.nextInt(28),
              random.nextInt(24),
              random.nextInt(60),
              random.nextInt(60),
              random.nextBoolean() ? "." + random.nextInt(1000) : "",
              random.nextBoolean()
                  ? "Z"
                  : String.format("+%02d:%02d", random.nextInt(15), random.nextInt(60)));
        case "date":
          return String.format(
              "20%02d-%02d-%02d",
              random.nextInt(100), 1 + random.nextInt(12), 1 + random.nextInt(28));
        case "uuid":
          return new java.util.UUID(random.nextLong(), random.nextLong()).toString();
        case "uri":
          return "https://example.com/" + random.nextInt(1000) + "?q=" + random.nextInt(10);
        default:
          break;
      }
      String pattern = schema.path("pattern").asText("");
      if (!pattern.isEmpty()) {
        return patternValue(pattern);
      }
      int min = schema.path("minLength").asInt(0);
      StringBuilder sb = new StringBuilder();
      int length = min + random.nextInt(12);
      for (int i = 0; i < length; i++) {
        sb.append((char) ('a' + random.nextInt(26)));
      }
      return sb.toString();
    }

    /** Values for the patterns of the example registries (others get a guess). */
    private String patternValue(String pattern) {
      return switch (pattern) {
        case "^[0-9]{4}-(0[1-9]|1[0-2])$" ->
            String.format("%04d-%02d", 2000 + random.nextInt(50), 1 + random.nextInt(12));
        case "^[A-Z]{3}$" -> List.of("EUR", "USD", "GBP", "CHF").get(random.nextInt(4));
        case "^[0-9]+(\\.[0-9]+)?$" ->
            random.nextInt(10000) + (random.nextBoolean() ? "." + random.nextInt(100) : "");
        case "^[a-z]{2}(-[A-Z]{2})?$" ->
            List.of("en", "de-DE", "fr", "pt-BR").get(random.nextInt(4));
        case "^[^@\\s]+@[^@\\s]+$" -> "user" + random.nextInt(1000) + "@example.com";
        default -> "value";
      };
    }
  }

  /** Changes one random spot of an instance. */
  static final class Mutator {
    private static final String[] UNICODE = {
      "é", "😀", "\u00a0", "\u0085", "\u2028", "e\u0301", "\ud800", "日本", "\n", "#", " ", "٣"
    };
    private final SplittableRandom random;
    private final Target target;

    Mutator(SplittableRandom random, Target target) {
      this.random = random;
      this.target = target;
    }

    JsonNode mutate(JsonNode node, int depth) {
      if (node.isObject() && node.size() > 0 && random.nextInt(3) > 0 && depth < 10) {
        ObjectNode o = (ObjectNode) node;
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        String name = names.get(random.nextInt(names.size()));
        switch (random.nextInt(6)) {
          case 0 -> o.remove(name);
          case 1 -> o.set(newName(), scalar());
          default -> o.set(name, mutate(o.get(name), depth + 1));
        }
        return o;
      }
      if (node.isArray() && node.size() > 0 && random.nextInt(3) > 0 && depth < 10) {
        ArrayNode a = (ArrayNode) node;
        int i = random.nextInt(a.size());
        switch (random.nextInt(5)) {
          case 0 -> a.add(a.get(i).deepCopy()); // duplicate
          case 1 -> a.remove(i);
          default -> a.set(i, mutate(a.get(i), depth + 1));
        }
        return a;
      }
      if (node.isTextual() && random.nextBoolean()) {
        return F.textNode(string(node.textValue()));
      }
      if (node.isNumber() && random.nextBoolean()) {
        return number(node);
      }
      return random.nextInt(4) == 0 ? F.arrayNode().add(scalar()) : scalar();
    }

    private String newName() {
      return switch (random.nextInt(5)) {
        case 0 -> "#hidden";
        case 1 -> "x" + UNICODE[random.nextInt(UNICODE.length)];
        case 2 -> {
          List<String> names = new ArrayList<>();
          target.schema.path("properties").fieldNames().forEachRemaining(names::add);
          yield names.isEmpty() ? "extra" : names.get(random.nextInt(names.size()));
        }
        default -> "extra" + random.nextInt(5);
      };
    }

    private JsonNode scalar() {
      return switch (random.nextInt(10)) {
        case 0 -> F.nullNode();
        case 1 -> F.booleanNode(random.nextBoolean());
        case 2 -> F.numberNode(random.nextInt(200) - 100);
        case 3 -> F.numberNode(new BigDecimal("1.0"));
        case 4 -> F.numberNode(new BigDecimal("1e400"));
        case 5 -> F.textNode("");
        case 6 -> F.objectNode();
        case 7 -> F.numberNode(new BigInteger("9223372036854775808"));
        default -> F.textNode("s" + UNICODE[random.nextInt(UNICODE.length)]);
      };
    }

    private JsonNode number(JsonNode n) {
      BigDecimal v = n.decimalValue();
      return switch (random.nextInt(10)) {
        case 0 -> F.numberNode(v.subtract(BigDecimal.ONE));
        case 1 -> F.numberNode(v.add(BigDecimal.ONE));
        case 2 -> F.numberNode(v.add(new BigDecimal("0.5")));
        case 3 -> F.numberNode(v.setScale(Math.max(1, v.scale() + 1)));
        case 4 -> F.numberNode(v.negate());
        case 5 -> F.numberNode(new BigDecimal("-0.0"));
        case 6 -> F.numberNode(new BigDecimal("9.2233720368547758E18"));
        case 7 -> F.numberNode(new BigDecimal("1E+30"));
        case 8 -> F.numberNode(BigDecimal.ZERO.subtract(new BigDecimal("1E-400")));
        default -> F.numberNode(v.toBigInteger());
      };
    }

    private String string(String s) {
      if (s.isEmpty()) {
        return UNICODE[random.nextInt(UNICODE.length)];
      }
      int at = random.nextInt(s.length());
      return switch (random.nextInt(12)) {
        case 0 -> s + "\n";
        case 1 -> s.substring(0, at);
        case 2 -> s.substring(0, at) + UNICODE[random.nextInt(UNICODE.length)] + s.substring(at);
        case 3 -> s.toUpperCase(java.util.Locale.ROOT);
        case 4 -> s.toLowerCase(java.util.Locale.ROOT);
        case 5 -> s.substring(0, at) + (char) ('0' + random.nextInt(10)) + s.substring(at + 1);
        case 6 -> s.replace("T", "t").replace("Z", "z");
        case 7 -> s.replace(":00", ":60").replace("Z", "-00:00");
        case 8 -> s.replace("Z", "+24:00").replace("-01-", "-02-").replace("-28", "-29");
        case 9 -> s.substring(0, at) + "😀" + s.substring(Math.min(s.length(), at + 2));
        case 10 -> s + s;
        default -> s.replace("-", "").replace("https", "h ttps");
      };
    }
  }
}
