package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.validation.ViolationCode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Payload binding: the payload mapper, the checks at build(), and BINDING_FAILED. */
class PayloadBindingTest {

  /** A payload type with java.time and Optional fields, which the default mapper binds. */
  record Profile(
      String candidate_id, int profile_version, Instant updated_at, Optional<String> headline) {}

  /** The contract's changed_fields is an array; a String can never hold it. */
  record ArrayAsString(String candidate_id, String changed_fields) {}

  /** The contract's profile_version is an integer; a List can never hold it. */
  record NumberAsList(String candidate_id, List<Integer> profile_version) {}

  /** A schema-valid payload whose number does not fit a byte: only known at run time. */
  record TooSmall(String candidate_id, byte profile_version) {}

  private final InMemoryDeadLetterSink sink = DeadLetterSink.inMemory();

  @Test
  void javaTimeAndOptionalFieldsBindWithTheDefaultMapper() {
    List<Profile> seen = new CopyOnWriteArrayList<>();
    EventPipeline pipeline =
        Fixtures.pipeline(sink, java.time.Clock.systemUTC())
            .handler("profile.updated", Profile.class, (p, ctx) -> seen.add(p))
            .build();

    ProcessingResult result = pipeline.process(msg(profile("cand_1", 3)));

    assertThat(result.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).updated_at()).isEqualTo(Fixtures.at(3));
    assertThat(seen.get(0).headline()).isEmpty();
  }

  @Test
  void aMapperWithoutTheTimeModuleIsRefusedAtBuild() {
    EventPipeline.Builder builder =
        Fixtures.pipeline(sink, java.time.Clock.systemUTC())
            .payloadMapper(new ObjectMapper())
            .handler("profile.updated", Profile.class, (p, ctx) -> {});

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("profile.updated")
        .hasMessageContaining(Profile.class.getName())
        .hasMessageContaining("payloadMapper");
  }

  @Test
  void aPropertyWhoseJsonTypeCanNeverBindIsRefusedAtBuildWithEveryProblemListed() {
    EventPipeline.Builder builder =
        Fixtures.pipeline(sink, java.time.Clock.systemUTC())
            .handler("profile.updated", ArrayAsString.class, (p, ctx) -> {})
            .handler("profile.updated", NumberAsList.class, (p, ctx) -> {});

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'changed_fields' is a JSON array")
        .hasMessageContaining("String in " + ArrayAsString.class.getName())
        .hasMessageContaining("'profile_version' is a JSON integer")
        .hasMessageContaining("List in " + NumberAsList.class.getName());
  }

  @Test
  void aSchemaValidEventThatDoesNotBindIsTheConsumersFaultNotTheProducers() throws Exception {
    List<TooSmall> seen = new CopyOnWriteArrayList<>();
    EventPipeline pipeline =
        Fixtures.pipeline(sink, java.time.Clock.systemUTC())
            .handler("profile.updated", TooSmall.class, (p, ctx) -> seen.add(p))
            .build();
    ObjectNode event = profile("cand_2", 1_000); // valid: any positive integer; a byte: no

    ProcessingResult result = pipeline.process(msg(event));

    assertThat(result.outcome()).isEqualTo(Outcome.BINDING_FAILED);
    assertThat(result.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
    assertThat(seen).isEmpty();
    assertThat(result.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.code()).isEqualTo(ViolationCode.BINDING);
              assertThat(v.path()).isEqualTo("/payload/profile_version");
              assertThat(v.message()).contains("TooSmall").doesNotContain("1000");
            });
    assertThat(sink.deadLetters())
        .singleElement()
        .satisfies(d -> assertThat(d.reasonCode()).isEqualTo("BINDING_FAILED"));
  }

  @Test
  void aMapperOfTheUsersOwnIsUsedAndStillIgnoresUnknownProperties() {
    List<Map<String, Object>> seen = new CopyOnWriteArrayList<>();
    ObjectMapper strict = EventPipeline.defaultPayloadMapper().copy();
    strict.enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    @SuppressWarnings("unchecked")
    Class<Map<String, Object>> mapType = (Class<Map<String, Object>>) (Class<?>) Map.class;
    EventPipeline pipeline =
        Fixtures.pipeline(sink, java.time.Clock.systemUTC())
            .payloadMapper(strict)
            .handler("profile.updated", Profile.class, (p, ctx) -> seen.add(Map.of("p", p)))
            .handler("job.updated", mapType, (p, ctx) -> seen.add(p))
            .build();

    assertThat(pipeline.process(msg(profile("cand_3", 1))).outcome())
        .isEqualTo(Outcome.PROCESSED); // changed_fields is not in Profile: ignored
    assertThat(seen).hasSize(1);
  }
}
