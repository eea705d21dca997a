package dev.eventcontracts.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.Field;
import dev.eventcontracts.contract.Resolution;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.ValidationReport;
import dev.eventcontracts.validation.ValidationStatus;
import org.junit.jupiter.api.Test;

/** Strict and compatible version policies, and upcaster chains. */
class VersionGatingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ContractRegistry registry(VersionPolicy policy) {
    return ContractRegistry.builder()
        .versionPolicy(policy)
        .add(
            EventContract.builder("product.created", "1.0")
                .required("product_id", Field.string())
                .build())
        .add(
            EventContract.builder("product.created", "1.2")
                .required("product_id", Field.string())
                .required("sku", Field.string())
                .build())
        .add(EventContract.builder("product.created", "3.0").required("id", Field.string()).build())
        .build();
  }

  private static String commerceEvent(String version, String data) {
    return """
        {"event_id": "550e8400-e29b-41d4-a716-446655440000", "timestamp": "2024-01-15T10:30:00Z",
         "correlation_id": "c-1", "source_service": "product-catalog-service",
         "event_version": "%s", "event_type": "product.created", "data": %s}
        """
        .formatted(version, data);
  }

  @Test
  void strictAcceptsOnlyKnownVersionsInAnySpelling() {
    ContractRegistry strict = registry(VersionPolicy.STRICT);
    assertThat(strict.resolve("product.created", "1.0").contract().version()).isEqualTo("1.0");
    assertThat(strict.resolve("product.created", "v1").contract().version()).isEqualTo("1.0");
    assertThat(strict.resolve("product.created", "1").contract().version()).isEqualTo("1.0");
    assertThat(strict.resolve("product.created", "1.2.9").contract().version()).isEqualTo("1.2");
    for (String unknown : new String[] {"1.1", "1.3", "2.0", "v2", "4", "0.9"}) {
      Resolution r = strict.resolve("product.created", unknown);
      assertThat(r.status()).as(unknown).isEqualTo(Resolution.Status.UNSUPPORTED_VERSION);
      assertThat(r.message()).contains("strict").contains("1.0").contains("1.2").contains("3.0");
    }
    assertThat(strict.resolve("product.created", "garbage").status())
        .isEqualTo(Resolution.Status.UNSUPPORTED_VERSION);
    assertThat(strict.resolve("product.updated", "1.0").status())
        .isEqualTo(Resolution.Status.UNKNOWN_EVENT);
    assertThat(strict.resolve(null, "1.0").status()).isEqualTo(Resolution.Status.UNKNOWN_EVENT);
  }

  @Test
  void compatibleAcceptsANewerMinorAgainstTheNearestKnownMinor() {
    ContractRegistry compatible = registry(VersionPolicy.COMPATIBLE);
    assertThat(compatible.resolve("product.created", "1.1").contract().version()).isEqualTo("1.0");
    assertThat(compatible.resolve("product.created", "1.2").contract().version()).isEqualTo("1.2");
    assertThat(compatible.resolve("product.created", "1.7").contract().version()).isEqualTo("1.2");
    assertThat(compatible.resolve("product.created", "3.4").contract().version()).isEqualTo("3.0");
    assertThat(compatible.resolve("product.created", "v1").contract().version()).isEqualTo("1.0");
  }

  @Test
  void compatibleRejectsAnUnknownMajor() {
    ContractRegistry compatible = registry(VersionPolicy.COMPATIBLE);
    for (String unknown : new String[] {"2.0", "2.5", "v2", "4.0", "0.9"}) {
      Resolution r = compatible.resolve("product.created", unknown);
      assertThat(r.status()).as(unknown).isEqualTo(Resolution.Status.UNSUPPORTED_VERSION);
      assertThat(r.message()).contains("compatible");
    }
  }

  @Test
  void compatibleOlderMinorUsesTheLowestKnownMinorOfItsMajor() {
    ContractRegistry onlyNewer =
        ContractRegistry.builder()
            .versionPolicy(VersionPolicy.COMPATIBLE)
            .add(EventContract.builder("e", "1.3").build())
            .build();
    assertThat(onlyNewer.resolve("e", "1.1").contract().version()).isEqualTo("1.3");
  }

  @Test
  void gatingShowsInValidation() {
    String newerMinor = commerceEvent("1.5", "{\"product_id\": \"p\", \"sku\": \"s\"}");
    String newerMinorMissingSku = commerceEvent("1.5", "{\"product_id\": \"p\"}");
    String unknownMajor = commerceEvent("2.0", "{\"product_id\": \"p\"}");

    EventValidator strict = EventValidator.of(registry(VersionPolicy.STRICT));
    assertThat(strict.validate(InboundMessage.of(newerMinor)).status())
        .isEqualTo(ValidationStatus.UNSUPPORTED_VERSION);

    EventValidator compatible = EventValidator.of(registry(VersionPolicy.COMPATIBLE));
    ValidationReport ok = compatible.validate(InboundMessage.of(newerMinor));
    assertThat(ok.status()).isEqualTo(ValidationStatus.VALID);
    assertThat(ok.contract().version()).isEqualTo("1.2");
    assertThat(ok.envelope().eventVersion()).isEqualTo("1.5");
    ValidationReport invalid = compatible.validate(InboundMessage.of(newerMinorMissingSku));
    assertThat(invalid.status()).isEqualTo(ValidationStatus.INVALID);
    assertThat(invalid.violations())
        .extracting(v -> v.path() + " " + v.code())
        .containsExactly("/data/sku required");
    assertThat(compatible.validate(InboundMessage.of(unknownMajor)).status())
        .isEqualTo(ValidationStatus.UNSUPPORTED_VERSION);
  }

  @Test
  void exampleRegistriesDeclareTheSeedPolicies() {
    assertThat(
            ContractRegistry.load(java.nio.file.Path.of("../examples/registries/recruiting"))
                .versionPolicy())
        .isEqualTo(VersionPolicy.STRICT);
    assertThat(
            ContractRegistry.load(java.nio.file.Path.of("../examples/registries/commerce"))
                .versionPolicy())
        .isEqualTo(VersionPolicy.COMPATIBLE);
  }

  private static ObjectNode payload(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static ContractRegistry withUpcasters(Upcaster... upcasters) {
    ContractRegistry.Builder b = ContractRegistry.builder();
    for (Upcaster u : upcasters) {
      b.upcaster(u);
    }
    return b.build();
  }

  private static final Upcaster V1_TO_V2 =
      Upcaster.of(
          "profile.updated",
          "v1",
          "v2",
          p -> {
            ObjectNode o = (ObjectNode) p;
            o.set("candidate", o.remove("candidate_id"));
            return o;
          });
  private static final Upcaster V2_TO_V3 =
      Upcaster.of(
          "profile.updated",
          "v2",
          "v3",
          p -> {
            ObjectNode o = (ObjectNode) p;
            o.put("schema", 3);
            return o;
          });

  @Test
  void upcastersChainV1ToV2ToV3() {
    ContractRegistry registry = withUpcasters(V2_TO_V3, V1_TO_V2);
    ObjectNode v1 = payload("{\"candidate_id\": \"c1\", \"profile_version\": 3}");
    JsonNode v3 =
        registry
            .upcast("profile.updated", EventVersion.parse("v1"), EventVersion.parse("v3"), v1)
            .orElseThrow();
    assertThat(v3)
        .isEqualTo(payload("{\"profile_version\": 3, \"candidate\": \"c1\", \"schema\": 3}"));
    assertThat(v1).isEqualTo(payload("{\"candidate_id\": \"c1\", \"profile_version\": 3}"));
    JsonNode v2 =
        registry
            .upcast("profile.updated", EventVersion.parse("1.0"), EventVersion.parse("2"), v1)
            .orElseThrow();
    assertThat(v2.has("candidate")).isTrue();
    assertThat(v2.has("schema")).isFalse();
    assertThat(
            registry.upcast(
                "profile.updated", EventVersion.parse("v2"), EventVersion.parse("v2"), v1))
        .contains(v1);
  }

  @Test
  void upcastingRefusesAMissingStep() {
    ContractRegistry gap = withUpcasters(V2_TO_V3);
    ObjectNode v1 = payload("{\"candidate_id\": \"c1\"}");
    assertThat(
            gap.upcast("profile.updated", EventVersion.parse("v1"), EventVersion.parse("v3"), v1))
        .isEmpty();
    ContractRegistry shortChain = withUpcasters(V1_TO_V2);
    assertThat(
            shortChain.upcast(
                "profile.updated", EventVersion.parse("v1"), EventVersion.parse("v3"), v1))
        .isEmpty();
    assertThat(
            shortChain.upcast(
                "job.updated", EventVersion.parse("v1"), EventVersion.parse("v2"), v1))
        .isEmpty();
    assertThat(
            shortChain.upcast(
                "profile.updated", EventVersion.parse("v2"), EventVersion.parse("v1"), v1))
        .isEmpty();
  }

  @Test
  void upcastingRefusesToOvershoot() {
    Upcaster v1ToV3 = Upcaster.of("e", "v1", "v3", p -> p);
    ContractRegistry registry = withUpcasters(v1ToV3);
    assertThat(
            registry.upcast("e", EventVersion.parse("v1"), EventVersion.parse("v2"), payload("{}")))
        .isEmpty();
    assertThat(
            registry.upcast("e", EventVersion.parse("v1"), EventVersion.parse("v3"), payload("{}")))
        .isPresent();
  }

  @Test
  void upcastersMustGoForwardAndBeUnique() {
    assertThatThrownBy(() -> Upcaster.of("e", "v2", "v1", p -> p))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("newer");
    assertThatThrownBy(() -> Upcaster.of("e", "v1", "1.0", p -> p))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> withUpcasters(V1_TO_V2, Upcaster.of("profile.updated", "1.0", "3", p -> p)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two upcasters");
  }

  @Test
  void anUpcasterReturningNullIsRefused() {
    ContractRegistry registry = withUpcasters(Upcaster.of("e", "v1", "v2", p -> null));
    assertThatThrownBy(
            () ->
                registry.upcast(
                    "e", EventVersion.parse("v1"), EventVersion.parse("v2"), payload("{}")))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("upcaster returned null");
  }
}
