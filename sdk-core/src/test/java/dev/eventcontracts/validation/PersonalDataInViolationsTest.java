package dev.eventcontracts.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.OrderingRule;
import dev.eventcontracts.envelope.EnvelopeFormats;
import dev.eventcontracts.envelope.InboundMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Violation messages go to logs, dead-letter headers and CLI output, so they describe the problem
 * and where it is, never the data: events full of personal data go through validation with every
 * status and every kind of violation, and no message may contain any of it.
 */
class PersonalDataInViolationsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> PERSONAL =
      List.of("alice", "smith", "example.com", "7700", "900123", "Baker Street", "1985-02-17");

  private static final String SCHEMA =
      """
      {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
       "required": ["person_id", "version"],
       "properties": {
         "person_id": {"type": "string", "minLength": 1},
         "version": {"type": "integer"},
         "age": {"type": "integer", "minimum": 0, "maximum": 150, "multipleOf": 1},
         "score": {"type": "number", "maximum": 1, "multipleOf": 0.5},
         "email": {"type": "string", "format": "email"},
         "email_pattern": {"type": "string", "pattern": "^[^@]+@corp\\\\.test$"},
         "uuid": {"type": "string", "format": "uuid"},
         "born": {"type": "string", "format": "date"},
         "seen": {"type": "string", "format": "date-time"},
         "home": {"type": "string", "format": "uri"},
         "host": {"type": "string", "format": "hostname"},
         "ip": {"type": "string", "format": "ipv4"},
         "role": {"enum": ["admin", "user"]},
         "kind": {"const": "person"},
         "short": {"type": "string", "maxLength": 3},
         "long": {"type": "string", "minLength": 100},
         "phones": {"type": "array", "maxItems": 1, "uniqueItems": true,
                    "items": {"type": "string", "pattern": "^\\\\+1"}},
         "closed": {"type": "object", "properties": {"a": {}}, "additionalProperties": false},
         "sealed": {"type": "object", "unevaluatedProperties": false},
         "by_email": {"type": "object", "propertyNames": {"maxLength": 3}, "maxProperties": 1},
         "one": {"oneOf": [{"type": "string"}, {"type": "string", "minLength": 1}]},
         "any": {"anyOf": [{"type": "integer"}, {"const": "x"}]},
         "nope": {"not": {"type": "string"}},
         "iff": {"if": {"type": "string"}, "then": {"maxLength": 1}},
         "address": {"type": "object", "required": ["zip"], "properties": {"zip": {"type": "string"}}}
       }}
      """;

  private static EventValidator validator() throws Exception {
    return EventValidator.of(
        ContractRegistry.builder()
            .envelopeFormat(EnvelopeFormats.jobarium())
            .add(
                EventContract.builder("person.updated", "v1")
                    .schema(JSON.readTree(SCHEMA))
                    .ordering(OrderingRule.byVersion("{person_id}", "version"))
                    .build())
            .build());
  }

  private static String envelope(String name, String version, String payload) {
    return "{\"event_id\": \"46addede-f6bd-438a-9351-2a28b6c983e8\", \"event_name\": \""
        + name
        + "\", \"event_version\": \""
        + version
        + "\", \"occurred_at\": \"2026-02-03T09:00:45.010Z\", \"producer\": \"crm\","
        + " \"trace_id\": \"t-1\", \"idempotency_key\": \"k-1\", \"payload\": "
        + payload
        + "}";
  }

  private static final String BROKEN_PAYLOAD =
      """
      {"person_id": "alice.smith@example.com", "version": "Alice Smith",
       "age": "Alice Smith, 1985-02-17", "score": 7700900123.25, "email": "alice smith at example.com",
       "email_pattern": "alice.smith@example.com", "uuid": "alice.smith@example.com",
       "born": "Alice 1985-02-17", "seen": "alice@example.com", "home": "alice smith@example.com",
       "host": "alice@example.com", "ip": "alice@example.com", "role": "alice@example.com",
       "kind": "alice@example.com", "short": "alice@example.com", "long": "alice@example.com",
       "phones": ["+44 7700 900123", "+44 7700 900123"],
       "closed": {"alice@example.com": "Alice Smith"},
       "sealed": {"alice.smith@example.com": "12 Baker Street"},
       "by_email": {"alice@example.com": "Alice", "smith@example.com": "Smith"},
       "one": "alice@example.com", "any": "alice@example.com", "nope": "alice@example.com",
       "iff": "alice@example.com", "address": {"street": "221B Baker Street"}}
      """;

  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      out.writeBytes(
          part instanceof byte[] b ? b : part.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void noViolationMessageOfAnyStatusCarriesPersonalData() throws Exception {
    EventValidator validator = validator();
    String good =
        "{\"person_id\": \"alice.smith@example.com\", \"version\": 3, \"email\":"
            + " \"alice.smith@example.com\", \"phones\": [\"+1 555 7700\"]}";
    List<byte[]> messages =
        List.of(
            // VALID
            bytes(envelope("person.updated", "v1", good)),
            // INVALID: every keyword, the envelope's own checks, and ordering
            bytes(envelope("person.updated", "v1", BROKEN_PAYLOAD)),
            bytes(
                envelope("person.updated", "v1", good)
                    .replace("46addede-f6bd-438a-9351-2a28b6c983e8", "alice.smith@example.com")
                    .replace("2026-02-03T09:00:45.010Z", "Alice Smith 1985-02-17")),
            bytes(envelope("person.updated", "v1", good.replace("3,", "3.0,"))),
            bytes(envelope("person.updated", "v1", good.replace("3,", "\"7700900123.5\","))),
            bytes(envelope("person.updated", "v1", good.replace("3,", "7700900123e400,"))),
            bytes(envelope("person.updated", "v1", "\"Alice Smith\"")),
            // UNSUPPORTED_VERSION and UNKNOWN_EVENT
            bytes(envelope("person.updated", "v2", BROKEN_PAYLOAD)),
            bytes(envelope("person.deleted", "v1", BROKEN_PAYLOAD)),
            // MALFORMED: parse errors next to personal data, duplicates, encodings, limits
            bytes("{\"email\": alice.smith@example.com}"),
            bytes("{\"name\": \"Alice Smith\" \"email\": \"alice.smith@example.com\"}"),
            bytes("{\"name\": \"Alice Smith\", \"name\": \"Alice Smith\"}"),
            bytes("{\"alice.smith@example.com\": 1, \"alice.smith@example.com\": 2}"),
            bytes("{\"email\": \"alice.smith@example.com"),
            bytes("{\"email\": \"alice\\x.smith@example.com\"}"),
            bytes("{\"phone\": +447700900123}"),
            bytes("{\"phone\": 07700900123}"),
            bytes("{\"name\": \"Alice Smith\"}] Baker Street"),
            bytes("{\"name\": \"Alice Smith\"} {\"name\": \"Alice Smith\"}"),
            bytes("{\"name\": \"Alice\u0001Smith\"}"),
            bytes(
                "{\"name\": \"Alice",
                new byte[] {(byte) 0xC0, (byte) 0xAF},
                "Smith@example.com\"}"),
            bytes("{\"name\": \"Alice Smith\"}".getBytes(StandardCharsets.UTF_16LE)),
            bytes("{\"name\": \"" + "Alice Smith ".repeat(30_000) + "\"}"),
            bytes("{\"" + "alice.smith@example.com".repeat(3_000) + "\": 1}"),
            bytes("{\"name\": \"Alice Smith\", \"email\": \"alice.smith@example.com\"}"),
            bytes("[\"Alice Smith\", \"alice.smith@example.com\"]"),
            bytes("\"alice.smith@example.com\""));
    Set<ValidationStatus> seen = EnumSet.noneOf(ValidationStatus.class);
    for (byte[] message : messages) {
      ValidationReport report = validator.validate(InboundMessage.of(message));
      seen.add(report.status());
      for (Violation v : report.violations()) {
        for (String personal : PERSONAL) {
          assertThat(v.message())
              .as("%s %s at %s", report.status(), v.code(), v.path())
              .doesNotContainIgnoringCase(personal);
        }
      }
    }
    assertThat(seen).containsExactlyInAnyOrder(ValidationStatus.values());
  }

  @Test
  void everyKeywordOfTheBrokenPayloadIsReported() throws Exception {
    ValidationReport report =
        validator().validate(InboundMessage.of(envelope("person.updated", "v1", BROKEN_PAYLOAD)));
    assertThat(report.violations())
        .extracting(Violation::code)
        .contains(
            ViolationCode.TYPE,
            ViolationCode.RANGE,
            ViolationCode.FORMAT,
            ViolationCode.PATTERN,
            ViolationCode.ENUM,
            ViolationCode.LENGTH,
            ViolationCode.ITEMS,
            ViolationCode.ADDITIONAL,
            ViolationCode.SCHEMA,
            ViolationCode.REQUIRED);
    assertThat(report.violations())
        .extracting(v -> v.path() + " " + v.code())
        .contains(
            "/payload/closed/alice@example.com additional",
            "/payload/sealed/alice.smith@example.com additional",
            "/payload/by_email/alice@example.com schema",
            "/payload/version type");
  }
}
