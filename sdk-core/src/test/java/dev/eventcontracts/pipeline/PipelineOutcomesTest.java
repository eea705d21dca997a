package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static dev.eventcontracts.pipeline.Fixtures.withNewId;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.UnknownEventAction;
import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.Origin;
import dev.eventcontracts.pipeline.Fixtures.Flaky;
import dev.eventcontracts.pipeline.Fixtures.Recorder;
import dev.eventcontracts.testing.stores.MutableClock;
import dev.eventcontracts.validation.ViolationCode;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** One test (at least) per {@link Outcome}, with the disposition and dead letter each one gets. */
class PipelineOutcomesTest {
  private final MutableClock clock = MutableClock.startingAt(NOW);
  private final InMemoryDeadLetterSink sink = DeadLetterSink.inMemory();
  private final Recorder profiles = new Recorder();
  private EventPipeline pipeline;

  @BeforeEach
  void setUp() {
    pipeline =
        Fixtures.pipeline(sink, clock)
            .handler(HandlerBinding.ofJson("profile.updated", profiles))
            .build();
  }

  @Nested
  class Processed {
    @Test
    void validEventRunsTheHandlerOnceAndIsAcknowledged() {
      ObjectNode event = Fixtures.with(profile("cand_1", 3), "tenant_id", "tnt_acme");

      ProcessingResult result = pipeline.process(msg(event));

      assertThat(result.outcome()).isEqualTo(Outcome.PROCESSED);
      assertThat(result.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
      assertThat(result.acknowledged()).isTrue();
      assertThat(result.retryAfter()).isZero();
      assertThat(result.deadLetter()).isNull();
      assertThat(result.error()).isNull();
      assertThat(result.idempotencyKey()).isEqualTo("t8:tnt_acme/profile.updated:cand_1:3");
      assertThat(result.entity()).isEqualTo("t8:tnt_acme/15:profile.updated/cand_1");
      assertThat(result.entityVersion()).isEqualTo(3L);
      assertThat(result.envelope().eventId()).isEqualTo(event.get("event_id").asText());
      assertThat(sink.deadLetters()).isEmpty();

      assertThat(profiles.count()).isEqualTo(1);
      EventContext ctx = profiles.last().context();
      assertThat(profiles.last().payload().get("candidate_id").asText()).isEqualTo("cand_1");
      assertThat(ctx.idempotencyKey()).isEqualTo(result.idempotencyKey());
      assertThat(ctx.entity()).isEqualTo("t8:tnt_acme/15:profile.updated/cand_1");
      assertThat(ctx.entityVersion()).isEqualTo(3L);
      assertThat(ctx.deliveryAttempt()).isEqualTo(1);
      assertThat(ctx.replay()).isFalse();
      assertThat(ctx.contract().name()).isEqualTo("profile.updated");
      assertThat(ctx.connection()).isNull();
    }

    /** A user record that names only the fields it needs; the payload carries more. */
    record ProfileUpdated(
        @JsonProperty("candidate_id") String candidateId,
        @JsonProperty("profile_version") int profileVersion) {}

    @Test
    void recordHandlerIgnoresPayloadFieldsItDoesNotDeclare() {
      // additive changes (a new optional field) stay on the same version (seed 000 versioning
      // policy), so a consumer's record must not break when the producer adds a field
      List<ProfileUpdated> seen = new java.util.ArrayList<>();
      EventPipeline typed =
          Fixtures.pipeline(sink, clock)
              .handler("profile.updated", ProfileUpdated.class, (p, ctx) -> seen.add(p))
              .build();
      ObjectNode event = profile("cand_1", 3);
      ((ObjectNode) event.get("payload")).put("source", "parser").put("brand_new_field", 1);

      ProcessingResult result = typed.process(msg(event));

      assertThat(result.outcome()).isEqualTo(Outcome.PROCESSED);
      assertThat(seen).containsExactly(new ProfileUpdated("cand_1", 3));
    }

    @Test
    void payloadThatCannotBindToTheRecordIsABindingFailureAndNeverHandled() {
      // an int for a string: schema-valid payloads with a non-numeric candidate_id never bind
      record Strict(@JsonProperty("candidate_id") int candidate) {}
      List<Strict> seen = new java.util.ArrayList<>();
      EventPipeline typed =
          Fixtures.pipeline(sink, clock)
              .handler("profile.updated", Strict.class, (p, ctx) -> seen.add(p))
              .build();

      ProcessingResult result = typed.process(msg(profile("cand_1", 3)));

      assertThat(result.outcome()).isEqualTo(Outcome.BINDING_FAILED);
      assertThat(result.violations()).extracting(v -> v.code()).containsExactly("binding");
      assertThat(seen).isEmpty();
      assertThat(sink.deadLetters()).hasSize(1);
    }
  }

  @Nested
  class Duplicate {
    @Test
    void sameMessageRedeliveredIsADuplicate() {
      InboundMessage message = msg(profile("cand_1", 3));

      assertThat(pipeline.process(message).outcome()).isEqualTo(Outcome.PROCESSED);
      ProcessingResult again = pipeline.process(message, 2);

      assertThat(again.outcome()).isEqualTo(Outcome.DUPLICATE);
      assertThat(again.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
      assertThat(again.deadLetter()).isNull();
      assertThat(profiles.count()).isEqualTo(1);
    }

    @Test
    void differentEventIdWithTheSameTemplateKeyIsADuplicate() {
      ObjectNode first = profile("cand_1", 3);
      ObjectNode resent = withNewId(first);
      assertThat(resent.get("event_id")).isNotEqualTo(first.get("event_id"));

      pipeline.process(msg(first));
      ProcessingResult again = pipeline.process(msg(resent));

      assertThat(again.outcome()).isEqualTo(Outcome.DUPLICATE);
      assertThat(again.idempotencyKey()).isEqualTo("-/profile.updated:cand_1:3");
      assertThat(profiles.count()).isEqualTo(1);
    }
  }

  @Nested
  class Stale {
    @Test
    void olderVersionAfterANewerOneIsStale() {
      pipeline.process(msg(profile("cand_1", 5)));
      ProcessingResult older = pipeline.process(msg(profile("cand_1", 3)));

      assertThat(older.outcome()).isEqualTo(Outcome.STALE);
      assertThat(older.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
      assertThat(older.deadLetter()).isNull();
      assertThat(profiles.versions("profile_version")).containsExactly(5);
      // the stale event's key is completed: its redelivery is a plain duplicate
      assertThat(pipeline.process(msg(profile("cand_1", 3))).outcome())
          .isEqualTo(Outcome.DUPLICATE);
    }

    @Test
    void equalVersionIsStaleOnceTheDedupRecordHasExpired() {
      // the dedup record is kept for the retention only; the entity position outlives it, so a
      // very late redelivery of an applied version is still never applied twice
      EventPipeline shortMemory =
          Fixtures.pipeline(sink, clock)
              .retention(Duration.ofMinutes(1))
              .handler(HandlerBinding.ofJson("profile.updated", profiles))
              .build();
      InboundMessage v5 = msg(profile("cand_1", 5));
      assertThat(shortMemory.process(v5).outcome()).isEqualTo(Outcome.PROCESSED);

      clock.advance(Duration.ofMinutes(2));
      ProcessingResult late = shortMemory.process(v5);

      assertThat(late.outcome()).isEqualTo(Outcome.STALE);
      assertThat(profiles.count()).isEqualTo(1);
    }

    @Test
    void newerVersionsStillApply() {
      pipeline.process(msg(profile("cand_1", 3)));
      pipeline.process(msg(profile("cand_1", 5)));
      pipeline.process(msg(profile("cand_1", 4)));
      pipeline.process(msg(profile("cand_1", 6)));

      assertThat(profiles.versions("profile_version")).containsExactly(3, 5, 6);
    }
  }

  @Nested
  class Invalid {
    @Test
    void deadLetterCarriesEveryViolationTheOriginalBytesAttributesOriginAndReason() {
      ObjectNode event = profile("cand_1", 3);
      ObjectNode payload = (ObjectNode) event.get("payload");
      payload.remove("changed_fields");
      payload.put("source", "telepathy");
      payload.put("profile_version", "3");
      byte[] bytes = Fixtures.bytes(event);
      Origin origin =
          Origin.builder("pubsub", "profiles-sub")
              .messageId("msg-42")
              .timestampMillis(1_770_000_000_000L)
              .build();
      Map<String, String> attributes = Map.of("ce_source", "x", "priority", "high");

      ProcessingResult result = pipeline.process(new InboundMessage(bytes, attributes, origin));

      assertThat(result.outcome()).isEqualTo(Outcome.INVALID);
      assertThat(result.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
      assertThat(result.violations())
          .extracting(v -> v.path() + " " + v.code())
          .containsExactlyInAnyOrder(
              "/payload/changed_fields required",
              "/payload/source enum",
              "/payload/profile_version type");
      assertThat(profiles.count()).isZero();

      assertThat(sink.deadLetters()).hasSize(1);
      DeadLetter dl = sink.deadLetters().get(0);
      assertThat(result.deadLetter()).isSameAs(dl);
      assertThat(dl.value()).isEqualTo(bytes);
      assertThat(dl.attributes()).isEqualTo(attributes);
      assertThat(dl.origin()).isEqualTo(origin);
      assertThat(dl.reason()).isEqualTo(Outcome.INVALID);
      assertThat(dl.reasonCode()).isEqualTo("INVALID");
      assertThat(dl.violations()).isEqualTo(result.violations());
      assertThat(dl.errors()).hasSize(3).allSatisfy(e -> assertThat(e).startsWith("/payload/"));
      assertThat(dl.exceptionClass()).isNull();
      assertThat(dl.attempts()).isZero();
      assertThat(dl.eventId()).isEqualTo(event.get("event_id").asText());
      assertThat(dl.eventName()).isEqualTo("profile.updated");
      assertThat(dl.eventVersion()).isEqualTo("v1");
      assertThat(dl.deadLetteredAt()).isEqualTo(NOW);
    }

    @Test
    void invalidEnvelopeFieldIsInvalidToo() {
      ObjectNode event = Fixtures.with(profile("cand_1", 3), "occurred_at", "yesterday");

      ProcessingResult result = pipeline.process(msg(event));

      assertThat(result.outcome()).isEqualTo(Outcome.INVALID);
      assertThat(result.violations()).extracting(v -> v.path()).contains("/occurred_at");
      assertThat(profiles.count()).isZero();
    }

    @Test
    void invalidExampleFileNeverReachesAHandler() throws IOException {
      // every contract bound: no line of the invalid example file may reach any handler
      Recorder any = new Recorder();
      EventPipeline.Builder b = Fixtures.pipeline(sink, clock);
      Fixtures.recruiting()
          .contracts()
          .forEach(c -> b.handler(HandlerBinding.ofJson(c.name(), any)));
      EventPipeline all = b.build();
      List<String> lines = Files.readAllLines(Fixtures.EVENTS.resolve("recruiting-invalid.ndjson"));

      List<Outcome> outcomes = lines.stream().map(l -> all.process(msg(l)).outcome()).toList();

      assertThat(outcomes)
          .containsExactly(
              Outcome.INVALID,
              Outcome.INVALID,
              Outcome.INVALID,
              Outcome.INVALID,
              Outcome.INVALID,
              Outcome.INVALID,
              Outcome.UNSUPPORTED_VERSION,
              Outcome.UNKNOWN_EVENT,
              Outcome.MALFORMED,
              Outcome.MALFORMED);
      assertThat(any.count()).isZero();
      assertThat(sink.deadLetters()).hasSize(10);
      assertThat(sink.deadLetters()).allSatisfy(dl -> assertThat(dl.violations()).isNotEmpty());
    }
  }

  @Test
  void unsupportedVersionIsDeadLettered() {
    ObjectNode event = Fixtures.with(profile("cand_1", 3), "event_version", "v2");

    ProcessingResult result = pipeline.process(msg(event));

    assertThat(result.outcome()).isEqualTo(Outcome.UNSUPPORTED_VERSION);
    assertThat(result.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
    assertThat(result.violations())
        .extracting(v -> v.code())
        .containsExactly(ViolationCode.UNSUPPORTED_VERSION);
    assertThat(sink.deadLetters())
        .singleElement()
        .satisfies(
            dl -> {
              assertThat(dl.reasonCode()).isEqualTo("UNSUPPORTED_VERSION");
              assertThat(dl.eventVersion()).isEqualTo("v2");
            });
    assertThat(profiles.count()).isZero();
  }

  @Test
  void versionOutsideTheBindingsRangeIsUnsupported() {
    EventPipeline narrow =
        Fixtures.pipeline(sink, clock)
            .handler(HandlerBinding.ofJson("profile.updated", profiles).versions("v2", "v3"))
            .build();

    ProcessingResult result = narrow.process(msg(profile("cand_1", 3)));

    // the contract exists, but no handler accepts v1: treated like an unknown event
    assertThat(result.outcome()).isEqualTo(Outcome.UNKNOWN_EVENT);
    assertThat(result.violations().get(0).message()).contains("no handler for profile.updated");
    assertThat(profiles.count()).isZero();
  }

  @Nested
  class UnknownEvent {
    private final ObjectNode unknown =
        Fixtures.with(profile("cand_1", 3), "event_name", "profile.deleted");

    @Test
    void isDeadLetteredByDefault() {
      ProcessingResult result = pipeline.process(msg(unknown));

      assertThat(result.outcome()).isEqualTo(Outcome.UNKNOWN_EVENT);
      assertThat(result.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
      assertThat(result.deadLetter()).isNotNull();
      assertThat(sink.deadLetters())
          .singleElement()
          .satisfies(dl -> assertThat(dl.reasonCode()).isEqualTo("UNKNOWN_EVENT"));
    }

    @Test
    void knownContractWithoutAHandlerIsAnUnknownEvent() {
      ProcessingResult result = pipeline.process(msg(Fixtures.invite("inv_1")));

      assertThat(result.outcome()).isEqualTo(Outcome.UNKNOWN_EVENT);
      assertThat(sink.deadLetters()).hasSize(1);
    }

    @Test
    void skipAcknowledgesWithoutADeadLetter() {
      EventPipeline skipping =
          Fixtures.pipeline(sink, clock)
              .onUnknownEvent(UnknownEventAction.SKIP)
              .handler(HandlerBinding.ofJson("profile.updated", profiles))
              .build();

      ProcessingResult result = skipping.process(msg(unknown));

      assertThat(result.outcome()).isEqualTo(Outcome.UNKNOWN_EVENT);
      assertThat(result.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
      assertThat(result.deadLetter()).isNull();
      assertThat(sink.deadLetters()).isEmpty();
      // skipping applies to unknown events only; invalid events are still dead-lettered
      ObjectNode invalid = profile("cand_1", 3);
      ((ObjectNode) invalid.get("payload")).remove("candidate_id");
      assertThat(skipping.process(msg(invalid)).outcome()).isEqualTo(Outcome.INVALID);
      assertThat(sink.deadLetters()).hasSize(1);
    }

    @Test
    void registryLevelSettingApplies() {
      ContractRegistry skipRegistry =
          ContractRegistry.builder()
              .name("recruiting-skip")
              .addAll(Fixtures.recruiting().contracts())
              .onUnknownEvent(UnknownEventAction.SKIP)
              .build();
      EventPipeline skipping =
          EventPipeline.builder(skipRegistry)
              .deadLetterSink(sink)
              .clock(clock)
              .handler(HandlerBinding.ofJson("profile.updated", profiles))
              .build();

      assertThat(skipping.process(msg(unknown)).deadLetter()).isNull();
      assertThat(sink.deadLetters()).isEmpty();

      // the builder's setting overrides the registry's
      EventPipeline overridden =
          EventPipeline.builder(skipRegistry)
              .deadLetterSink(sink)
              .onUnknownEvent(UnknownEventAction.DEAD_LETTER)
              .handler(HandlerBinding.ofJson("profile.updated", profiles))
              .build();
      assertThat(overridden.process(msg(unknown)).deadLetter()).isNotNull();
      assertThat(sink.deadLetters()).hasSize(1);
    }
  }

  @Nested
  class Malformed {
    private ProcessingResult malformed(byte[] bytes, String code) {
      ProcessingResult result = pipeline.process(InboundMessage.of(bytes));
      assertThat(result.outcome()).isEqualTo(Outcome.MALFORMED);
      assertThat(result.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
      assertThat(result.envelope()).isNull();
      assertThat(result.idempotencyKey()).isNull();
      assertThat(result.violations()).extracting(v -> v.code()).containsExactly(code);
      assertThat(result.deadLetter()).isNotNull();
      assertThat(result.deadLetter().value()).isEqualTo(bytes);
      assertThat(result.deadLetter().reasonCode()).isEqualTo("MALFORMED");
      assertThat(result.deadLetter().eventName()).isNull();
      assertThat(profiles.count()).isZero();
      return result;
    }

    @Test
    void garbageBytes() {
      byte[] garbage = new byte[512];
      new java.util.Random(7).nextBytes(garbage);
      garbage[0] = (byte) 0xC3; // never a JSON start
      malformed(garbage, ViolationCode.MALFORMED);
      malformed("hello, world".getBytes(StandardCharsets.UTF_8), ViolationCode.MALFORMED);
      malformed(new byte[0], ViolationCode.MALFORMED);
      malformed("[1, 2, 3]".getBytes(StandardCharsets.UTF_8), ViolationCode.MALFORMED);
    }

    @Test
    void truncatedJson() {
      String full = new String(Fixtures.bytes(profile("cand_1", 3)), StandardCharsets.UTF_8);
      malformed(
          full.substring(0, full.length() / 2).getBytes(StandardCharsets.UTF_8),
          ViolationCode.MALFORMED);
    }

    @Test
    void trailingGarbageAfterAnEvent() {
      String full = new String(Fixtures.bytes(profile("cand_1", 3)), StandardCharsets.UTF_8);
      malformed((full + " }").getBytes(StandardCharsets.UTF_8), ViolationCode.MALFORMED);
    }

    @Test
    void deeplyNested() {
      int depth = 100_000;
      String nested = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
      malformed(nested.getBytes(StandardCharsets.UTF_8), ViolationCode.TOO_DEEP);
    }

    @Test
    void hugeMessage() {
      ObjectNode event = profile("cand_1", 3);
      char[] filler = new char[2 << 20];
      Arrays.fill(filler, 'x');
      ((ObjectNode) event.get("payload")).put("blob", new String(filler));
      malformed(Fixtures.bytes(event), ViolationCode.TOO_LARGE);
    }

    @Test
    void jsonWithNoKnownEnvelope() {
      malformed(
          "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8),
          ViolationCode.UNKNOWN_ENVELOPE);
    }
  }

  @Nested
  class Failed {
    private final RetryConfig retry =
        RetryConfig.custom()
            .maxAttempts(3)
            .intervalFunction(IntervalFunction.ofExponentialBackoff(100, 3.0))
            .build();

    @Test
    void retriesWithBackOffThenDeadLettersOnTheLastAttempt() {
      Flaky broken = new Flaky(Integer.MAX_VALUE, new IllegalStateException("database down"));
      EventPipeline failing =
          Fixtures.pipeline(sink, clock)
              .retry(retry)
              .handler(HandlerBinding.ofJson("profile.updated", broken))
              .build();
      InboundMessage message = msg(profile("cand_1", 3));

      ProcessingResult first = failing.process(message, 1);
      ProcessingResult second = failing.process(message, 2);
      ProcessingResult third = failing.process(message, 3);

      assertThat(first.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(first.disposition()).isEqualTo(Disposition.RETRY);
      assertThat(first.retryAfter()).isEqualTo(Duration.ofMillis(100));
      assertThat(first.error()).isInstanceOf(IllegalStateException.class);
      assertThat(first.deadLetter()).isNull();
      assertThat(second.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(second.disposition()).isEqualTo(Disposition.RETRY);
      assertThat(second.retryAfter()).isEqualTo(Duration.ofMillis(300));
      assertThat(third.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(third.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
      assertThat(third.retryAfter()).isZero();
      assertThat(broken.calls).hasValue(3);

      assertThat(sink.deadLetters())
          .singleElement()
          .satisfies(
              dl -> {
                assertThat(dl.reasonCode()).isEqualTo("FAILED");
                assertThat(dl.exceptionClass()).isEqualTo(IllegalStateException.class.getName());
                assertThat(dl.attempts()).isEqualTo(3);
                assertThat(dl.violations()).isEmpty();
                assertThat(dl.errors()).singleElement().asString().contains("database down");
                assertThat(dl.value()).isEqualTo(message.value());
              });
      assertThat(third.deadLetter()).isSameAs(sink.deadLetters().get(0));
    }

    @Test
    void defaultRetryIsThreeAttemptsWithExponentialBackOffFrom200Ms() {
      Flaky broken = new Flaky(Integer.MAX_VALUE, new IllegalStateException("down"));
      EventPipeline failing =
          Fixtures.pipeline(sink, clock)
              .handler(HandlerBinding.ofJson("profile.updated", broken))
              .build();
      InboundMessage message = msg(profile("cand_1", 3));

      assertThat(failing.process(message, 1).retryAfter()).isEqualTo(Duration.ofMillis(200));
      assertThat(failing.process(message, 2).retryAfter()).isEqualTo(Duration.ofMillis(400));
      assertThat(failing.process(message, 3).disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
      assertThat(sink.deadLetters()).hasSize(1);
    }

    @Test
    void nonRetryableExceptionIsDeadLetteredAtOnce() {
      Flaky broken = new Flaky(Integer.MAX_VALUE, new IllegalArgumentException("bad data"));
      EventPipeline failing =
          Fixtures.pipeline(sink, clock)
              .retry(
                  RetryConfig.custom()
                      .maxAttempts(5)
                      .ignoreExceptions(IllegalArgumentException.class)
                      .build())
              .handler(HandlerBinding.ofJson("profile.updated", broken))
              .build();

      ProcessingResult result = failing.process(msg(profile("cand_1", 3)), 1);

      assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(result.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
      assertThat(broken.calls).hasValue(1);
      assertThat(sink.deadLetters())
          .singleElement()
          .satisfies(
              dl -> {
                assertThat(dl.exceptionClass()).isEqualTo(IllegalArgumentException.class.getName());
                assertThat(dl.attempts()).isEqualTo(1);
              });
    }

    @Test
    void onlyTheConfiguredExceptionsAreRetriedWhenRetryExceptionsIsSet() {
      Flaky broken = new Flaky(Integer.MAX_VALUE, new IllegalStateException("not an I/O error"));
      EventPipeline failing =
          Fixtures.pipeline(sink, clock)
              .retry(RetryConfig.custom().maxAttempts(5).retryExceptions(IOException.class).build())
              .handler(HandlerBinding.ofJson("profile.updated", broken))
              .build();

      assertThat(failing.process(msg(profile("cand_1", 3)), 1).disposition())
          .isEqualTo(Disposition.ACKNOWLEDGE);
      assertThat(sink.deadLetters()).hasSize(1);
    }

    @Test
    void errorsAreNeverRetried() {
      EventPipeline failing =
          Fixtures.pipeline(sink, clock)
              .handler(
                  HandlerBinding.ofJson(
                      "profile.updated",
                      (p, ctx) -> {
                        throw new AssertionError("bug");
                      }))
              .build();

      ProcessingResult result = failing.process(msg(profile("cand_1", 3)), 1);

      assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(result.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
      assertThat(sink.deadLetters())
          .singleElement()
          .satisfies(dl -> assertThat(dl.exceptionClass()).isEqualTo("java.lang.AssertionError"));
    }

    @Test
    void claimIsReleasedAfterAFailureSoTheRedeliverySucceeds() {
      Flaky once = new Flaky(1, new IllegalStateException("timeout"));
      EventPipeline flaky =
          Fixtures.pipeline(sink, clock)
              .retry(retry)
              .handler(HandlerBinding.ofJson("profile.updated", once))
              .build();
      InboundMessage message = msg(profile("cand_1", 3));

      assertThat(flaky.process(message, 1).disposition()).isEqualTo(Disposition.RETRY);
      ProcessingResult redelivery = flaky.process(message, 2);

      assertThat(redelivery.outcome()).isEqualTo(Outcome.PROCESSED);
      assertThat(redelivery.acknowledged()).isTrue();
      assertThat(once.calls).hasValue(2);
      assertThat(flaky.process(message, 3).outcome()).isEqualTo(Outcome.DUPLICATE);
      assertThat(sink.deadLetters()).isEmpty();
    }

    @Test
    void handlerSeesTheDeliveryAttempt() {
      List<Integer> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
      EventPipeline p =
          Fixtures.pipeline(sink, clock)
              .retry(retry)
              .handler(
                  HandlerBinding.ofJson(
                      "profile.updated",
                      (JsonNode payload, EventContext ctx) -> {
                        attempts.add(ctx.deliveryAttempt());
                        if (ctx.deliveryAttempt() < 2) {
                          throw new IllegalStateException("first try fails");
                        }
                      }))
              .build();
      InboundMessage message = msg(profile("cand_1", 3));

      p.process(message, 1);
      p.process(message, 2);

      assertThat(attempts).containsExactly(1, 2);
    }
  }
}
