package dev.eventcontracts.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The official JSON Schema Test Suite (draft 2020-12, the files of the fast path's keywords, copied
 * into the test resources): for every case where the fast path says valid, the suite says valid and
 * networknt, as the SDK configures it, says valid too.
 */
class FastPathSuiteTest {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  @Test
  void fastPathAcceptsNothingTheSuiteOrNetworkntRejects() throws Exception {
    List<String> unsound = new ArrayList<>();
    int cases = 0;
    int accepted = 0;
    int acceptedWhereSuiteValid = 0;
    int suiteValid = 0;
    int groupsWithFastPath = 0;
    int groups = 0;
    for (Path file : suiteFiles()) {
      for (JsonNode group : MAPPER.readTree(file.toFile())) {
        JsonNode schemaNode = group.get("schema");
        if (schemaNode.toString().contains("localhost:1234")) {
          continue; // needs the suite's remotes/, which is not copied
        }
        groups++;
        PayloadSchema schema = compile(schemaNode);
        if (schema == null) {
          continue; // the SDK refuses this schema; nothing to validate
        }
        if (schema.fastPathGap() == null) {
          groupsWithFastPath++;
        }
        for (JsonNode test : group.get("tests")) {
          cases++;
          JsonNode data = test.get("data");
          boolean expected = test.get("valid").booleanValue();
          boolean fast = schema.fastPathAccepts(data);
          boolean networknt = schema.validateWithoutFastPath(data, "").isEmpty();
          suiteValid += expected ? 1 : 0;
          if (fast) {
            accepted++;
            if (!expected || !networknt) {
              unsound.add(
                  file.getFileName()
                      + ": "
                      + group.get("description").asText()
                      + " / "
                      + test.get("description").asText()
                      + " (suite "
                      + expected
                      + ", networknt "
                      + networknt
                      + ")");
            } else {
              acceptedWhereSuiteValid++;
            }
          }
        }
      }
    }
    System.out.printf(
        "suite: %d groups (%d with a fast path), %d cases, %d valid, %d accepted by the fast path%n",
        groups, groupsWithFastPath, cases, suiteValid, accepted);
    assertThat(unsound).isEmpty();
    // the test proves something only if the fast path takes part: it must accept a good share
    assertThat(cases).isGreaterThan(900);
    assertThat(groupsWithFastPath).isGreaterThan(groups / 2);
    assertThat(acceptedWhereSuiteValid).isGreaterThan(suiteValid / 2);
  }

  private static PayloadSchema compile(JsonNode schemaNode) {
    if (!schemaNode.isObject()) {
      // a boolean schema: the SDK takes objects only, so check the fast path on its own
      return null;
    }
    try {
      return PayloadSchema.compile(schemaNode);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Test
  void booleanSchemasOnTheirOwn() throws Exception {
    JsonNode yes = MAPPER.readTree("true");
    JsonNode no = MAPPER.readTree("false");
    for (String data : List.of("1", "\"a\"", "null", "[]", "{}", "1.5")) {
      JsonNode instance = MAPPER.readTree(data);
      assertThat(FastPath.compile(yes).fastPath().accepts(instance)).isTrue();
      assertThat(FastPath.compile(no).fastPath().accepts(instance)).isFalse();
    }
  }

  static List<Path> suiteFiles() throws IOException, URISyntaxException {
    Path root =
        Path.of(
            FastPathSuiteTest.class.getResource("/json-schema-test-suite/draft2020-12").toURI());
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }
}
