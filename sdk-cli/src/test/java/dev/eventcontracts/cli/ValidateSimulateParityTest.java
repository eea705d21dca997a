package dev.eventcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code validate} decides every message the way the pipeline ({@code simulate}) decides it before
 * the handler: the same corpus goes through both and every line gets the same verdict and the same
 * errors. The corpus is the example files plus, for every line, each top-level and payload field
 * removed, set to null, and set to numbers a JSON Schema integer accepts but a 64-bit position does
 * not; and bytes that are not UTF-8 JSON.
 */
class ValidateSimulateParityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RAW = "__raw__";
  private static final List<String> NUMBERS =
      List.of("3.0", "1e2", "1e400", "9223372036854775808", "-1", "\"7\"", "\"x\"", "{}");
  private static final Map<String, Set<String>> SAME =
      Map.of(
          "VALID", Set.of("PROCESSED", "DUPLICATE", "STALE"),
          "INVALID", Set.of("INVALID"),
          "UNSUPPORTED_VERSION", Set.of("UNSUPPORTED_VERSION"),
          "UNKNOWN_EVENT", Set.of("UNKNOWN_EVENT"),
          "MALFORMED", Set.of("MALFORMED"));

  @TempDir Path dir;

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        EventContractsCommand.commandLine(
                InputStream.nullInputStream(), new PrintWriter(out), new PrintWriter(err))
            .execute(args);
    assertThat(code).as(err.toString()).isIn(0, 1);
    return out.toString();
  }

  private static Map<Integer, JsonNode> byLine(String output) throws IOException {
    Map<Integer, JsonNode> out = new HashMap<>();
    for (String line : output.split("\n")) {
      JsonNode node = JSON.readTree(line);
      if (node.has("line")) {
        out.put(node.get("line").asInt(), node);
      }
    }
    return out;
  }

  /** Every line, then every one-field mutation of it. */
  private static List<String> mutations(List<String> lines) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      out.add(line);
      ObjectNode doc = (ObjectNode) JSON.readTree(line);
      for (String field : iterable(doc.fieldNames())) {
        out.add(doc.deepCopy().without(field).toString());
        out.add(doc.deepCopy().putNull(field).toString());
        JsonNode body = doc.get(field);
        if (body instanceof ObjectNode payload) {
          for (String inner : iterable(payload.fieldNames())) {
            for (String number : NUMBERS) {
              ObjectNode copy = doc.deepCopy();
              ((ObjectNode) copy.get(field)).put(inner, RAW);
              out.add(copy.toString().replace("\"" + RAW + "\"", number));
            }
            ObjectNode copy = doc.deepCopy();
            ((ObjectNode) copy.get(field)).remove(inner);
            out.add(copy.toString());
          }
        }
      }
      out.add(line.replaceFirst("\"(occurred_at|timestamp|time)\": \"[^\"]*\"", "\"$1\": 1e400"));
    }
    return out;
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
    List<T> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  private void assertSameVerdicts(String registry, byte[] input, String... headers)
      throws IOException {
    Path file = dir.resolve(registry + ".ndjson");
    Files.write(file, input);
    List<String> common = new ArrayList<>(List.of("-r", "../examples/registries/" + registry));
    for (String header : headers) {
      common.add("-H");
      common.add(header);
    }
    common.add(file.toString());
    List<String> validateArgs = new ArrayList<>(List.of("validate"));
    validateArgs.addAll(common);
    List<String> simulateArgs = new ArrayList<>(List.of("simulate"));
    simulateArgs.addAll(common);
    Map<Integer, JsonNode> validated = byLine(run(validateArgs.toArray(String[]::new)));
    Map<Integer, JsonNode> simulated = byLine(run(simulateArgs.toArray(String[]::new)));
    assertThat(simulated.keySet()).isEqualTo(validated.keySet());
    int rejected = 0;
    for (Map.Entry<Integer, JsonNode> e : validated.entrySet()) {
      JsonNode v = e.getValue();
      JsonNode s = simulated.get(e.getKey());
      String status = v.get("status").asText();
      assertThat(s.get("outcome").asText())
          .as("line %d: validate %s, simulate %s", e.getKey(), v, s)
          .isIn(SAME.get(status));
      assertThat(s.get("errors")).as("line %d: %s", e.getKey(), v).isEqualTo(v.get("errors"));
      rejected += status.equals("VALID") ? 0 : 1;
    }
    assertThat(rejected).isPositive();
  }

  @ParameterizedTest
  @CsvSource({
    "recruiting, recruiting-valid.ndjson",
    "recruiting, recruiting-invalid.ndjson",
    "todo, todo.ndjson",
    "commerce, commerce.ndjson",
    "activity, activity.ndjson",
    "interview, interview.ndjson"
  })
  void everyExampleAndEveryOneFieldMutationGetsTheSameVerdict(String registry, String file)
      throws IOException {
    List<String> lines = Files.readAllLines(Path.of("../examples/events/" + file));
    List<String> corpus = new ArrayList<>();
    for (String line : lines) {
      corpus.addAll(
          line.startsWith("{\"event_id\": \"truncated") ? List.of(line) : mutations(List.of(line)));
    }
    assertSameVerdicts(
        registry, (String.join("\n", corpus) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void cloudEventsInBinaryModeGetTheSameVerdict() throws IOException {
    List<String> data = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("../examples/events/todo.ndjson"))) {
      data.add(JSON.readTree(line).get("data").toString());
    }
    byte[] corpus = (String.join("\n", mutations(data)) + "\n").getBytes(StandardCharsets.UTF_8);
    String[] attributes = {
      "ce_specversion=1.0",
      "ce_id=a03a36a6-f97b-45aa-a5d8-5fcea8a50047",
      "ce_source=/chat-api",
      "ce_type=com.todo.task.created.v1"
    };
    assertSameVerdicts("todo", corpus, attributes); // no ce_time: every line is unordered
    String[] timed = java.util.Arrays.copyOf(attributes, 5);
    timed[4] = "ce_time=2026-02-03T09:00:00.000+00:00";
    assertSameVerdicts("todo", corpus, timed);
  }

  @Test
  void bytesThatAreNotUtf8JsonGetTheSameVerdict() throws IOException {
    String valid = Files.readAllLines(Path.of("../examples/events/recruiting-valid.ndjson")).get(2);
    ByteArrayOutputStream corpus = new ByteArrayOutputStream();
    byte[][] bad = {
      {(byte) 0xC0, (byte) 0xAF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0xE2, (byte) 0x82},
      {(byte) 0x80},
      {(byte) 0xFF}
    };
    String[] halves = valid.split("cand_", 2);
    for (byte[] b : bad) {
      corpus.writeBytes((halves[0] + "cand_").getBytes(StandardCharsets.UTF_8));
      corpus.writeBytes(b);
      corpus.writeBytes((halves[1] + "\n").getBytes(StandardCharsets.UTF_8));
    }
    corpus.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    corpus.writeBytes((valid + "\n").getBytes(StandardCharsets.UTF_8));
    corpus.writeBytes(
        valid
            .replace("\"producer\"", "\"event_name\": \"x\", \"producer\"")
            .concat("\n")
            .getBytes(StandardCharsets.UTF_8));
    assertSameVerdicts("recruiting", corpus.toByteArray());
  }
}
