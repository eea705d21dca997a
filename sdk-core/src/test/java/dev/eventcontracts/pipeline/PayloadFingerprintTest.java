package dev.eventcontracts.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PayloadFingerprintTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static long of(String json) throws Exception {
    return PayloadFingerprint.of(MAPPER.readTree(json));
  }

  @Test
  void equalJsonValuesHaveEqualFingerprints() throws Exception {
    assertThat(of("{\"a\":1,\"b\":\"x\"}")).isEqualTo(of("{ \"b\" : \"x\", \"a\" : 1 }"));
    assertThat(of("{\"n\":1}")).isEqualTo(of("{\"n\":1.0}"));
    assertThat(of("{\"n\":100}")).isEqualTo(of("{\"n\":1E2}"));
  }

  @Test
  void differentValuesDiffer() throws Exception {
    assertThat(of("{\"s\":\"abcdefgh\"}")).isNotEqualTo(of("{\"s\":\"abcdefhg\"}"));
    assertThat(of("{\"s\":\"abcde\"}")).isNotEqualTo(of("{\"s\":\"ebcda\"}"));
    assertThat(of("{\"s\":\"ab\"}")).isNotEqualTo(of("{\"s\":\"ba\"}"));
    assertThat(of("{\"s\":\"abcd\"}")).isNotEqualTo(of("{\"s\":\"abcd \"}"));
    assertThat(of("[1,2]")).isNotEqualTo(of("[2,1]"));
    assertThat(of("{\"a\":1}")).isNotEqualTo(of("{\"b\":1}"));
    assertThat(of("{\"a\":\"1\"}")).isNotEqualTo(of("{\"a\":1}"));
    assertThat(of("{\"a\":{\"b\":1,\"c\":2}}")).isNotEqualTo(of("{\"a\":{\"b\":2,\"c\":1}}"));
  }

  @Test
  void neverZeroAndSpreadOverManyPayloads() throws Exception {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      long f = of("{\"id\":\"cand-" + i + "\",\"v\":" + (i % 7) + "}");
      assertThat(f).isNotZero();
      seen.add(f);
    }
    assertThat(seen).hasSize(20_000);
    assertThat(PayloadFingerprint.of((JsonNode) null)).isNotZero();
  }

  @Test
  void theAlgorithmIsPinned() throws Exception {
    // the stored format: a changed value here means every kept fingerprint stops matching
    assertThat(
            Long.toHexString(of("{\"candidate_id\":\"c-1\",\"version\":3,\"tags\":[\"a\",true]}")))
        .isEqualTo(Long.toHexString(PINNED));
  }

  private static final long PINNED = 0xf86eb91309adad32L;
}
