package dev.eventcontracts.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.RegistryException;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.ValidationReport;
import dev.eventcontracts.validation.ValidationStatus;
import dev.eventcontracts.validation.Violation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CloudEvents format's strict defaults and options (seed 003): specversion 1.0 only, times with
 * an offset, {@code .V1} read as {@code EventVersion} reads it, the strict type suffix, id checks
 * and an attributes schema, in structured and in binary mode.
 */
class CloudEventsOptionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final EventValidator TODO =
      EventValidator.of(ContractRegistry.load(SeedEvents.registry("todo")));

  @TempDir Path dir;

  private static ObjectNode structured() throws IOException {
    return (ObjectNode) JSON.readTree(SeedEvents.S003_TASK_CREATED_STRUCTURED);
  }

  private static ValidationReport structured(EventValidator v, ObjectNode event) {
    return v.validate(InboundMessage.of(event.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private static ValidationReport binary(EventValidator v, String attribute, String value) {
    Map<String, String> headers = new LinkedHashMap<>(SeedEvents.s003BinaryHeaders("ce_"));
    if (value == null) {
      headers.remove("ce_" + attribute);
    } else {
      headers.put("ce_" + attribute, value);
    }
    return v.validate(InboundMessage.of(SeedEvents.S003_TASK_CREATED_DATA, headers));
  }

  private static EventValidator withFormat(CloudEventsFormat format) {
    ContractRegistry todo = ContractRegistry.load(SeedEvents.registry("todo"));
    ContractRegistry.Builder b = ContractRegistry.builder().envelopeFormat(format);
    b.addAll(todo.contracts());
    return EventValidator.of(b.build());
  }

  @Test
  void theSeedEventIsValidInBothModes() throws IOException {
    assertThat(structured(TODO, structured()).status()).isEqualTo(ValidationStatus.VALID);
    assertThat(binary(TODO, "id", "a03a36a6-f97b-45aa-a5d8-5fcea8a50047").status())
        .isEqualTo(ValidationStatus.VALID);
  }

  @Test
  void aTimeWithoutOffsetIsAFormatViolationOfAReadableEvent() throws IOException {
    ValidationReport s = structured(TODO, structured().put("time", "2026-02-03T09:00:00"));
    assertThat(s.status()).isEqualTo(ValidationStatus.INVALID);
    assertThat(s.envelope().eventId()).isEqualTo("a03a36a6-f97b-45aa-a5d8-5fcea8a50047");
    assertThat(s.violations())
        .extracting(Violation::path, Violation::code)
        .containsExactly(tuple("/time", "format"));
    ValidationReport b = binary(TODO, "time", "2026-02-03T09:00:00");
    assertThat(b.status()).isEqualTo(ValidationStatus.INVALID);
    assertThat(b.envelope().eventName()).isEqualTo("com.todo.task.created");
    // the ordering rule of the task contracts also finds no readable time (at "", the binary
    // pointer of a transport attribute)
    assertThat(b.violations())
        .extracting(Violation::path, Violation::code)
        .contains(tuple("ce_time", "format"));
    // the default built-in format is as strict about the offset
    EventValidator builtIn = withFormat(EnvelopeFormats.cloudEvents());
    assertThat(structured(builtIn, structured().put("time", "2026-02-03T09:00:00")).status())
        .isEqualTo(ValidationStatus.INVALID);
  }

  @Test
  void onlySpecversionOneIsAcceptedUnlessAsked() throws IOException {
    for (String version : List.of("0.3", "2.0")) {
      ValidationReport r = structured(TODO, structured().put("specversion", version));
      assertThat(r.status()).as(version).isEqualTo(ValidationStatus.INVALID);
      assertThat(r.violations())
          .extracting(Violation::path, Violation::code)
          .containsExactly(tuple("/specversion", "enum"));
      assertThat(binary(TODO, "specversion", version).violations())
          .extracting(Violation::path, Violation::code)
          .containsExactly(tuple("ce_specversion", "enum"));
    }
    EventValidator lenient =
        withFormat(CloudEventsFormat.builder().specVersions("1.0", "0.3").build());
    ObjectNode v03 = structured().put("specversion", "0.3");
    assertThat(structured(lenient, v03).status()).isEqualTo(ValidationStatus.VALID);
  }

  @Test
  void anUppercaseSuffixIsReadAsEventVersionReadsIt() throws IOException {
    EventValidator builtIn = withFormat(EnvelopeFormats.cloudEvents());
    ValidationReport r = structured(builtIn, structured().put("type", "com.todo.task.created.V1"));
    assertThat(r.status()).isEqualTo(ValidationStatus.VALID);
    assertThat(r.envelope().eventName()).isEqualTo("com.todo.task.created");
    assertThat(r.envelope().eventVersion()).isEqualTo("V1");
    assertThat(r.contract().version()).isEqualTo("v1");
    // seed 003 spells the suffix v<N>: the shipped registry's type pattern refuses V1
    assertThat(structured(TODO, structured().put("type", "com.todo.task.created.V1")).violations())
        .extracting(Violation::path, Violation::code)
        .containsExactly(tuple("/type", "pattern"));
  }

  @Test
  void aTypeWithoutSuffixIsVersionOneOrRefusedWhenStrict() throws IOException {
    EventValidator builtIn = withFormat(EnvelopeFormats.cloudEvents());
    ObjectNode unversioned = structured().put("type", "com.todo.task.created");
    ValidationReport lenient = structured(builtIn, unversioned);
    assertThat(lenient.status()).isEqualTo(ValidationStatus.VALID);
    assertThat(lenient.envelope().eventVersion()).isEqualTo("v1");

    EventValidator strict =
        withFormat(CloudEventsFormat.builder().requireVersionedType(true).build());
    ValidationReport s = structured(strict, unversioned);
    assertThat(s.status()).isEqualTo(ValidationStatus.INVALID);
    assertThat(s.violations())
        .extracting(Violation::path, Violation::code)
        .containsExactly(tuple("/type", "pattern"));
    assertThat(binary(strict, "type", "com.todo.task.created").violations())
        .extracting(Violation::path, Violation::code)
        .containsExactly(tuple("ce_type", "pattern"));
    // the shipped registry is strict: its own pattern and the suffix rule both say so
    assertThat(structured(TODO, unversioned).violations())
        .extracting(Violation::path, Violation::code)
        .contains(tuple("/type", "pattern"));
  }

  @Test
  void idsAreUuidV4InBothModes() throws IOException {
    String v1 = "a03a36a6-f97b-11ed-a5d8-5fcea8a50047";
    assertThat(structured(TODO, structured().put("id", v1)).violations())
        .extracting(Violation::path, Violation::code)
        .containsExactly(tuple("/id", "format"));
    assertThat(binary(TODO, "id", v1).violations())
        .extracting(Violation::path, Violation::code)
        .containsExactly(tuple("ce_id", "format"));
    assertThat(binary(TODO, "id", "not-a-uuid").status()).isEqualTo(ValidationStatus.INVALID);
  }

  @Test
  void theAttributesSchemaHoldsInBothModes() throws IOException {
    assertThat(structured(TODO, structured().put("datacontenttype", "text/plain")).violations())
        .extracting(Violation::path, Violation::code)
        .containsExactly(tuple("/datacontenttype", "enum"));
    assertThat(binary(TODO, "datacontenttype", "text/plain").violations())
        .extracting(Violation::path, Violation::code)
        .containsExactly(tuple("ce_datacontenttype", "enum"));
  }

  @Test
  void registryEntriesConfigureTheBuiltInFormat() throws IOException {
    CloudEventsFormat f =
        CloudEventsFormat.fromSpec(
            JSON.readTree(
                "{\"use\": \"cloudevents\", \"typeVersion\": \"required\","
                    + " \"specVersions\": [\"1.0\", \"0.3\"]}"));
    assertThat(f.requiresVersionedType()).isTrue();
    assertThat(f.specVersions()).containsExactlyInAnyOrder("1.0", "0.3");
    Files.writeString(
        dir.resolve("a.schema.json"),
        "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"x-event-name\": \"a\","
            + " \"x-event-version\": \"v1\"}");
    for (String[] bad :
        new String[][] {
          {"{\"use\": \"cloudevents\", \"typeVersion\": \"maybe\"}", "typeVersion"},
          {"{\"use\": \"cloudevents\", \"specVersions\": [\"9.9\"]}", "9.9"},
          {"{\"use\": \"cloudevents\", \"detect\": [\"/x\"]}", "unknown key 'detect'"},
          {"{\"use\": \"cloudevents\", \"formats\": {\"producer\": \"uuid\"}}", "producer"},
          {"{\"use\": \"cloudevents\", \"formats\": {\"event_id\": \"ulid\"}}", "ulid"},
          {"{\"use\": \"cloudevents\", \"schema\": {\"type\": \"strng\"}}", "schema"},
          {"{\"use\": \"nope\"}", "nope"},
          {"{\"use\": \"activity\", \"fields\": {}}", "unknown key 'fields'"}
        }) {
      Files.writeString(dir.resolve("registry.json"), "{\"envelopeFormats\": [" + bad[0] + "]}");
      assertThatThrownBy(() -> ContractRegistry.load(dir))
          .as(bad[0])
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("registry.json")
          .hasMessageContaining(bad[1]);
    }
  }
}
