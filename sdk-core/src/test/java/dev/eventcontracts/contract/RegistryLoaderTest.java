package dev.eventcontracts.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventcontracts.envelope.EnvelopeField;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.SeedEvents;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.Limits;
import dev.eventcontracts.validation.ValidationReport;
import dev.eventcontracts.validation.ValidationStatus;
import dev.eventcontracts.version.VersionPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loading registry directories: the examples load, and every broken file is named. */
class RegistryLoaderTest {
  @TempDir Path dir;

  private static final String VALID_CONTRACT =
      """
      {"$schema": "https://json-schema.org/draft/2020-12/schema",
       "x-event-name": "profile.updated", "x-event-version": "v1",
       "x-idempotency-key": "profile.updated:{candidate_id}:{profile_version}",
       "x-ordering": {"entity": "{candidate_id}", "version": "profile_version"},
       "x-producer": "candidate-profile-service",
       "x-consumers": ["matching-service"],
       "x-description": "E-01",
       "type": "object", "required": ["candidate_id"],
       "properties": {"candidate_id": {"type": "string"},
                      "profile_version": {"type": "integer"}}}
      """;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertLoadFails(Path badFile) {
    return assertThatThrownBy(() -> ContractRegistry.load(dir))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining(badFile.getFileName().toString())
        .satisfies(
            e ->
                assertThat(((RegistryException) e).file())
                    .endsWith(badFile.getFileName().toString()));
  }

  @Test
  void exampleRegistriesLoad() {
    int[] expected = {4, 15, 18, 13, 9};
    String[] names = {"activity", "commerce", "interview", "recruiting", "todo"};
    for (int i = 0; i < names.length; i++) {
      ContractRegistry registry = ContractRegistry.load(SeedEvents.registry(names[i]));
      assertThat(registry.name()).isEqualTo(names[i]);
      assertThat(registry.contracts()).as(names[i]).hasSize(expected[i]);
      assertThat(registry.envelopeFormats()).hasSize(1);
      assertThat(registry.onUnknownEvent()).isEqualTo(UnknownEventAction.DEAD_LETTER);
      assertThat(registry.limits()).isEqualTo(Limits.defaults());
    }
  }

  @Test
  void contractFileExtensionsAreRead() {
    ContractRegistry registry = ContractRegistry.load(SeedEvents.registry("recruiting"));
    EventContract c = registry.contract("profile.updated", "v1").orElseThrow();
    assertThat(c.producer()).isEqualTo("candidate-profile-service");
    assertThat(c.consumers())
        .containsExactly("matching-service", "enrichment-service", "analytics-service");
    assertThat(c.description()).startsWith("Seed 000 E-01");
    assertThat(c.idempotencyKey()).hasToString("profile.updated:{candidate_id}:{profile_version}");
    assertThat(c.ordering().kind()).isEqualTo(OrderingRule.Kind.VERSION);
    assertThat(c.source()).isEqualTo("e01-profile.updated.v1.schema.json");
    assertThat(c.schema().node().has("x-event-name")).isFalse();
    assertThat(c.schema().node().get("required")).hasSize(4);
    assertThat(registry.contract("profile.updated", "1.0")).contains(c);
    assertThat(registry.contract("profile.updated", "v2")).isEmpty();
    assertThat(registry.contract("profile.updated", "nonsense")).isEmpty();
  }

  @Test
  void minimalRegistryWithoutSettingsFile() throws IOException {
    write("nested/deeper/profile.schema.json", VALID_CONTRACT);
    write("notes.json", "not a contract, ignored");
    ContractRegistry registry = ContractRegistry.load(dir);
    assertThat(registry.name()).isEqualTo(dir.getFileName().toString());
    assertThat(registry.versionPolicy()).isEqualTo(VersionPolicy.STRICT);
    assertThat(registry.envelopeFormats()).hasSize(5);
    assertThat(registry.contracts())
        .singleElement()
        .extracting(EventContract::source)
        .isEqualTo(Path.of("nested", "deeper", "profile.schema.json").toString());
  }

  @Test
  void allSettings() throws IOException {
    write("a.schema.json", VALID_CONTRACT);
    write(
        "registry.json",
        """
        {"name": "custom", "versionPolicy": "compatible", "envelopeFormats": ["jobarium", "cloudevents"],
         "onUnknownEvent": "skip",
         "limits": {"maxMessageBytes": 2048, "maxNestingDepth": 8, "maxStringLength": 100}}
        """);
    ContractRegistry registry = ContractRegistry.load(dir);
    assertThat(registry.name()).isEqualTo("custom");
    assertThat(registry.versionPolicy()).isEqualTo(VersionPolicy.COMPATIBLE);
    assertThat(registry.onUnknownEvent()).isEqualTo(UnknownEventAction.SKIP);
    assertThat(registry.envelopeFormats())
        .extracting(f -> f.name())
        .containsExactly("jobarium", "cloudevents");
    assertThat(registry.limits().maxMessageBytes()).isEqualTo(2048);
    assertThat(registry.limits().maxNestingDepth()).isEqualTo(8);
    assertThat(registry.limits().maxStringLength()).isEqualTo(100);
    assertThat(registry.limits().maxNumberLength()).isEqualTo(Limits.DEFAULT_MAX_NUMBER_LENGTH);
  }

  @Test
  void inlineEnvelopeFormatInRegistryJson() throws IOException {
    write(
        "invoice.schema.json",
        """
        {"$schema": "https://json-schema.org/draft/2020-12/schema",
         "x-event-name": "invoice.issued", "x-event-version": "2",
         "x-idempotency-key": "invoice:{envelope.event_id}",
         "type": "object", "required": ["invoice_id"],
         "properties": {"invoice_id": {"type": "string"}}}
        """);
    write(
        "registry.json",
        """
        {"name": "billing",
         "envelopeFormats": [
           {"name": "billing", "detect": ["/type", "/billingId"],
            "fields": {"event_id": "/id", "event_name": "/type",
                       "event_version": ["/v", "/meta/v"], "occurred_at": "/at",
                       "payload": "/body"},
            "required": ["event_id", "event_name", "payload"],
            "defaults": {"event_version": "2"},
            "formats": {"event_id": "uuid", "occurred_at": "date-time"}},
           "jobarium"]}
        """);
    ContractRegistry registry = ContractRegistry.load(dir);
    assertThat(registry.envelopeFormats())
        .extracting(f -> f.name())
        .containsExactly("billing", "jobarium");
    EventValidator validator = EventValidator.of(registry);
    ValidationReport ok =
        validator.validate(
            InboundMessage.of(
                """
                {"id": "0b0f3c1e-3c5e-4a9b-8f57-2a0c8d6f7e21", "type": "invoice.issued",
                 "billingId": "b-1", "at": "2026-03-01T08:00:00Z", "body": {"invoice_id": "inv-9"}}
                """));
    assertThat(ok.status()).isEqualTo(ValidationStatus.VALID);
    assertThat(ok.envelope().format()).isEqualTo("billing");
    assertThat(ok.envelope().eventVersion()).isEqualTo("2");
    assertThat(ok.envelope().field(EnvelopeField.OCCURRED_AT)).isEqualTo("2026-03-01T08:00:00Z");
    assertThat(ok.contract().idempotencyKey().render(ok.envelope()))
        .isEqualTo("invoice:0b0f3c1e-3c5e-4a9b-8f57-2a0c8d6f7e21");
    ValidationReport bad =
        validator.validate(
            InboundMessage.of(
                """
                {"id": "0b0f3c1e-3c5e-4a9b-8f57-2a0c8d6f7e21", "type": "invoice.issued",
                 "billingId": "b-1", "meta": {"v": "2.1"}, "body": {}}
                """));
    assertThat(bad.status()).isEqualTo(ValidationStatus.UNSUPPORTED_VERSION);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "\"type\": \"strng\"|type",
        "\"required\": \"x\"|required",
        "\"minimum\": \"zero\"|minimum",
        "\"properties\": {\"a\": {\"type\": 5}}|properties",
      })
  void brokenSchemaIsNamed(String fragment, String mentioned) throws IOException {
    Path bad =
        write(
            "broken.schema.json",
            """
            {"$schema": "https://json-schema.org/draft/2020-12/schema",
             "x-event-name": "e", "x-event-version": "v1", %s}
            """
                .formatted(fragment));
    write("good.schema.json", VALID_CONTRACT);
    assertLoadFails(bad).hasMessageContaining("JSON Schema").hasMessageContaining(mentioned);
  }

  @Test
  void notJson() throws IOException {
    write("good.schema.json", VALID_CONTRACT);
    Path bad = write("bad.schema.json", "{\"$schema\": ");
    assertLoadFails(bad).hasMessageContaining("not valid JSON");
  }

  @Test
  void jsonButNotAnObject() throws IOException {
    Path bad = write("bad.schema.json", "[1, 2]");
    assertLoadFails(bad).hasMessageContaining("JSON object");
  }

  @Test
  void emptyContractFile() throws IOException {
    Path bad = write("empty.schema.json", "");
    assertLoadFails(bad).hasMessageContaining("JSON object");
  }

  @Test
  void unknownExtensionKeyword() throws IOException {
    Path bad = write("bad.schema.json", VALID_CONTRACT.replace("\"x-description\"", "\"x-foo\""));
    assertLoadFails(bad).hasMessageContaining("x-foo").hasMessageContaining("x-event-name");
  }

  @Test
  void missingEventName() throws IOException {
    Path bad =
        write(
            "bad.schema.json",
            VALID_CONTRACT.replace("\"x-event-name\": \"profile.updated\",", ""));
    assertLoadFails(bad).hasMessageContaining("x-event-name");
  }

  @Test
  void missingOrBadEventVersion() throws IOException {
    Path bad = write("bad.schema.json", VALID_CONTRACT.replace("\"v1\"", "\"latest\""));
    assertLoadFails(bad).hasMessageContaining("latest");
    write("bad.schema.json", VALID_CONTRACT.replace("\"x-event-version\": \"v1\",", ""));
    assertLoadFails(bad).hasMessageContaining("x-event-version");
  }

  @Test
  void badOrMissingDialect() throws IOException {
    Path bad =
        write(
            "bad.schema.json",
            VALID_CONTRACT.replace(
                "https://json-schema.org/draft/2020-12/schema",
                "http://json-schema.org/draft-07/schema#"));
    assertLoadFails(bad).hasMessageContaining("$schema").hasMessageContaining("2020-12");
    write(
        "bad.schema.json",
        VALID_CONTRACT.replace(
            "\"$schema\": \"https://json-schema.org/draft/2020-12/schema\",", ""));
    assertLoadFails(bad).hasMessageContaining("$schema");
  }

  @Test
  void duplicateNameAndVersionInTwoFiles() throws IOException {
    write("a.schema.json", VALID_CONTRACT);
    Path second = write("b.schema.json", VALID_CONTRACT.replace("\"v1\"", "\"1.0\""));
    assertLoadFails(second)
        .hasMessageContaining("a.schema.json")
        .hasMessageContaining("profile.updated");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{unclosed|unclosed",
        "profile.updated|no {field}",
        "a:{}|empty",
        "a:{b}}|unopened",
        "a:{b.}|empty segment",
        "a:{{b}}|nested"
      })
  void badIdempotencyKeyTemplate(String template, String problem) throws IOException {
    Path bad =
        write(
            "bad.schema.json",
            VALID_CONTRACT.replace("profile.updated:{candidate_id}:{profile_version}", template));
    assertLoadFails(bad).hasMessageContaining(problem);
  }

  @Test
  void badOrderingRule() throws IOException {
    Path bad =
        write(
            "bad.schema.json",
            VALID_CONTRACT.replace(
                "\"version\": \"profile_version\"",
                "\"version\": \"profile_version\", \"timestamp\": \"envelope.occurred_at\""));
    assertLoadFails(bad).hasMessageContaining("exactly one");
    write(
        "bad.schema.json",
        VALID_CONTRACT.replace("\"entity\": \"{candidate_id}\"", "\"entity\": \"{\""));
    assertLoadFails(bad).hasMessageContaining("unclosed");
    write("bad.schema.json", VALID_CONTRACT.replace("\"entity\"", "\"entitty\""));
    assertLoadFails(bad).hasMessageContaining("entitty");
  }

  @Test
  void orderingScopeIsReadAndChecked() throws IOException {
    write(
        "a.schema.json",
        VALID_CONTRACT.replace(
            "\"version\": \"profile_version\"",
            "\"version\": \"profile_version\", \"scope\": \"candidate\""));
    ContractRegistry registry = ContractRegistry.load(dir);
    EventContract contract = registry.contracts().get(0);
    assertThat(contract.ordering().scope()).isEqualTo("candidate");
    assertThat(contract.orderingScope()).isEqualTo("candidate");

    Path bad =
        write(
            "a.schema.json",
            VALID_CONTRACT.replace(
                "\"version\": \"profile_version\"",
                "\"version\": \"profile_version\", \"scope\": 3"));
    assertLoadFails(bad).hasMessageContaining("'scope' must be a non-empty string");

    // a second contract in the same scope that orders by timestamp cannot share its entities
    write(
        "a.schema.json",
        VALID_CONTRACT.replace(
            "\"version\": \"profile_version\"",
            "\"version\": \"profile_version\", \"scope\": \"candidate\""));
    write(
        "b.schema.json",
        VALID_CONTRACT
            .replace("profile.updated\", \"x-event-version", "profile.deleted\", \"x-event-version")
            .replace(
                "\"version\": \"profile_version\"",
                "\"timestamp\": \"envelope.occurred_at\", \"scope\": \"candidate\""));
    assertThatThrownBy(() -> ContractRegistry.load(dir))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("ordering scope 'candidate' mixes a version position");
  }

  @Test
  void unscopedContractsOrderByTheirOwnName() {
    ContractRegistry recruiting = ContractRegistry.load(SeedEvents.registry("recruiting"));
    assertThat(recruiting.contracts())
        .allSatisfy(c -> assertThat(c.orderingScope()).isEqualTo(c.name()));
  }

  @Test
  void consumersMustBeAnArray() throws IOException {
    Path bad =
        write(
            "bad.schema.json",
            VALID_CONTRACT.replace("[\"matching-service\"]", "\"matching-service\""));
    assertLoadFails(bad).hasMessageContaining("x-consumers");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{\"nmae\": \"x\"}|unknown setting 'nmae'",
        "{\"versionPolicy\": \"lenient\"}|versionPolicy",
        "{\"onUnknownEvent\": \"drop\"}|onUnknownEvent",
        "{\"envelopeFormats\": []}|envelopeFormats",
        "{\"envelopeFormats\": \"jobarium\"}|envelopeFormats",
        "{\"envelopeFormats\": [\"avro\"]}|unknown envelope format 'avro'",
        "{\"envelopeFormats\": [{\"name\": \"x\"}]}|'fields'",
        "{\"limits\": {\"maxMessageBytes\": 0}}|maxMessageBytes",
        "{\"limits\": {\"maxMessageBytes\": \"1MB\"}}|maxMessageBytes",
        "{\"limits\": {\"maxNestingDepth\": 2.5}}|maxNestingDepth",
        "{\"limits\": {\"maxDepth\": 10}}|unknown limit 'maxDepth'",
        "{\"limits\": 1024}|limits must be an object",
        "{\"name\": 5}|'name'",
        "{\"name\": |not valid JSON",
        "[]|JSON object"
      })
  void badRegistrySetting(String settings, String problem) throws IOException {
    write("good.schema.json", VALID_CONTRACT);
    Path bad = write("registry.json", settings);
    assertLoadFails(bad).hasMessageContaining(problem);
  }

  @Test
  void emptyDirectory() {
    assertThatThrownBy(() -> ContractRegistry.load(dir))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("no contract files");
  }

  @Test
  void settingsButNoContracts() throws IOException {
    write("registry.json", "{\"name\": \"x\"}");
    assertThatThrownBy(() -> ContractRegistry.load(dir))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("no contract files");
  }

  @Test
  void notADirectory() throws IOException {
    Path file = write("file.txt", "x");
    assertThatThrownBy(() -> ContractRegistry.load(file))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("file.txt")
        .hasMessageContaining("not a directory");
    assertThatThrownBy(() -> ContractRegistry.load(dir.resolve("missing")))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void firstProblemStopsLoadingAndNamesItsOwnFile() throws IOException {
    write("a.schema.json", VALID_CONTRACT);
    write("b.schema.json", VALID_CONTRACT.replace("profile.updated", "job.updated"));
    Path bad = write("c.schema.json", VALID_CONTRACT.replace("\"object\"", "\"objekt\""));
    assertLoadFails(bad)
        .hasMessageNotContaining("a.schema.json")
        .hasMessageNotContaining("b.schema.json");
  }
}
