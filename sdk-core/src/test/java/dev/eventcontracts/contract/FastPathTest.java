package dev.eventcontracts.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

/** The fast path's subtle cases: what it accepts, what it leaves to networknt, and why. */
class FastPathTest {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private static PayloadSchema schema(String json) throws Exception {
    JsonNode node = MAPPER.readTree(json);
    return PayloadSchema.compile(node);
  }

  /** Asserts the fast path's answer, and that networknt agrees whenever it accepts. */
  private static void check(PayloadSchema schema, String instance, boolean accepted)
      throws Exception {
    JsonNode value = MAPPER.readTree(instance);
    assertThat(schema.fastPathAccepts(value)).as(instance).isEqualTo(accepted);
    if (accepted) {
      assertThat(schema.validateWithoutFastPath(value, "")).as(instance).isEmpty();
    }
    // the public answer is networknt's whenever the fast path defers
    assertThat(schema.validate(value, "")).isEqualTo(schema.validateWithoutFastPath(value, ""));
  }

  @Test
  void integersIncludeWholeDecimals() throws Exception {
    PayloadSchema s = schema("{\"type\": \"integer\", \"minimum\": 0}");
    check(s, "1", true);
    check(s, "1.0", true);
    check(s, "1.5", false);
    check(s, "-1", false);
    check(s, "12345678901234567890", true); // a BigInteger: networknt compares it exactly
    check(s, "1e30", false); // integral, but networknt would compare a wrapped long
  }

  @Test
  void enumAndConstCompareNumbersByValue() throws Exception {
    check(schema("{\"enum\": [1, \"a\", null]}"), "1.0", true);
    check(schema("{\"enum\": [1, \"a\", null]}"), "\"1\"", false);
    check(schema("{\"const\": 2.50}"), "2.5", true);
    check(schema("{\"enum\": [[1]]}"), "[1]", false); // containers: no fast path
    assertThat(schema("{\"enum\": [[1]]}").fastPathGap()).contains("enum");
  }

  @Test
  void uniqueItemsUsesJsonSchemaEquality() throws Exception {
    PayloadSchema s = schema("{\"uniqueItems\": true}");
    check(s, "[1, 2, {\"a\": 1}, {\"a\": 2}]", true);
    check(s, "[1, 1.0]", false); // equal in JSON Schema; networknt sees two different nodes
    check(s, "[{\"a\": 1, \"b\": 2}, {\"b\": 2, \"a\": 1.0}]", false);
    check(s, "{\"x\": 1, \"y\": 1}", false); // networknt iterates an object's values
  }

  @Test
  void additionalPropertiesWithPatternProperties() throws Exception {
    PayloadSchema s =
        schema(
            "{\"properties\": {\"a\": {\"type\": \"string\"}}, \"patternProperties\":"
                + " {\"^x-\": {\"type\": \"integer\"}}, \"additionalProperties\": false}");
    check(s, "{\"a\": \"1\", \"x-b\": 2}", true);
    check(s, "{\"a\": \"1\", \"x-b\": \"2\"}", false);
    check(s, "{\"b\": 1}", false);
    check(s, "{\"#b\": 1}", false); // networknt skips names starting with '#'; the spec does not
  }

  @Test
  void lengthsCountCodePoints() throws Exception {
    PayloadSchema s = schema("{\"type\": \"string\", \"minLength\": 2, \"maxLength\": 2}");
    check(s, "\"😀😀\"", true);
    check(s, "\"😀\"", false);
  }

  @Test
  void patternsAreUnanchoredAndUnicodeWhitespaceDefers() throws Exception {
    check(schema("{\"pattern\": \"b+\"}"), "\"abbc\"", true);
    check(schema("{\"pattern\": \"^b+$\"}"), "\"b\\n\"", false); // $ is the end in ECMA-262
    PayloadSchema email = schema("{\"pattern\": \"^[^@\\\\s]+@[^@\\\\s]+$\"}");
    check(email, "\"a@b\"", true);
    check(email, "\"a\\u00a0@b\"", false); // \s differs outside ASCII: networknt decides
    assertThat(schema("{\"pattern\": \"\\\\bword\"}").fastPathGap()).contains("pattern");
    assertThat(schema("{\"pattern\": \"(?=a)\"}").fastPathGap()).contains("pattern");
    assertThat(schema("{\"pattern\": \"\\\\p{L}\"}").fastPathGap()).contains("pattern");
  }

  @Test
  void refsToDefsIncludingRecursion() throws Exception {
    PayloadSchema s =
        schema(
            "{\"$defs\": {\"node\": {\"type\": \"object\", \"properties\": {\"next\": {\"$ref\":"
                + " \"#/$defs/node\"}, \"v\": {\"type\": \"integer\"}}}}, \"$ref\":"
                + " \"#/$defs/node\"}");
    check(s, "{\"v\": 1, \"next\": {\"v\": 2, \"next\": {}}}", true);
    check(s, "{\"v\": 1, \"next\": {\"v\": \"2\"}}", false);
    assertThat(
            schema("{\"$ref\": \"#/properties/a\", \"properties\": {\"a\": true}}").fastPathGap())
        .contains("$ref");
  }

  @Test
  void keywordsOutsideTheSubsetMeanNoFastPath() throws Exception {
    assertThat(schema("{\"anyOf\": [{\"type\": \"string\"}]}").fastPathGap()).contains("anyOf");
    assertThat(schema("{\"format\": \"email\"}").fastPathGap()).contains("format");
    assertThat(schema("{\"properties\": {\"a\": {\"$id\": \"urn:x\"}}}").fastPathGap())
        .contains("$id");
    assertThat(schema("{\"multipleOf\": 2}").fastPathGap()).contains("multipleOf");
    assertThat(
            schema("{\"type\": \"string\", \"x-note\": 1, \"description\": \"d\"}").fastPathGap())
        .isNull();
  }

  @Test
  void unusualNodesDefer() throws Exception {
    PayloadSchema s = schema("{\"type\": \"number\"}");
    assertThat(s.fastPathAccepts(JsonNodeFactory.instance.numberNode(Double.NaN))).isFalse();
    assertThat(s.fastPathAccepts(JsonNodeFactory.instance.numberNode(1.5f))).isFalse();
    assertThat(s.fastPathAccepts(JsonNodeFactory.instance.missingNode())).isFalse();
    assertThat(s.fastPathAccepts(null)).isFalse();
    PayloadSchema unique = schema("{\"uniqueItems\": true}");
    assertThat(
            unique.fastPathAccepts(
                JsonNodeFactory.instance
                    .arrayNode()
                    .add(JsonNodeFactory.instance.numberNode(Double.NaN))
                    .add(1)))
        .isFalse();
  }

  @Test
  void theSwitchTurnsTheFastPathOff() throws Exception {
    System.setProperty(PayloadSchema.FAST_PATH_PROPERTY, "false");
    try {
      PayloadSchema s = schema("{\"type\": \"string\"}");
      assertThat(s.fastPathGap()).contains(PayloadSchema.FAST_PATH_PROPERTY);
      assertThat(s.fastPathAccepts(MAPPER.readTree("\"a\""))).isFalse();
      assertThat(s.validate(MAPPER.readTree("\"a\""), "")).isEmpty();
    } finally {
      System.clearProperty(PayloadSchema.FAST_PATH_PROPERTY);
    }
  }
}
