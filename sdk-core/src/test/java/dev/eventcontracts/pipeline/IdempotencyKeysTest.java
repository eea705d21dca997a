package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static dev.eventcontracts.pipeline.Fixtures.billing;
import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static dev.eventcontracts.pipeline.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.Field;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.EnvelopeFormats;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.metrics.MetricNames;
import dev.eventcontracts.pipeline.Fixtures.Recorder;
import dev.eventcontracts.testing.stores.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The idempotency-key rule: template, envelope key, event id, digest; injective tenant scoping. */
class IdempotencyKeysTest {
  private final MutableClock clock = MutableClock.startingAt(NOW);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final Recorder handled = new Recorder();
  private final EventPipeline pipeline =
      Fixtures.pipeline(DeadLetterSink.inMemory(), clock)
          .meterRegistry(meters)
          .handler(HandlerBinding.ofJson("profile.updated", handled))
          .handler(HandlerBinding.ofJson("billing.usage.updated", handled))
          .build();

  private double mismatches(String event) {
    var counter =
        meters.find(MetricNames.KEY_MISMATCHES).tag(MetricNames.TAG_EVENT, event).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void sameKeyInTwoTenantsIsProcessedInBoth() {
    ObjectNode event = profile("cand_1", 3);

    ProcessingResult acme = pipeline.process(msg(with(event, "tenant_id", "tnt_acme")));
    ProcessingResult globex = pipeline.process(msg(with(event, "tenant_id", "tnt_globex")));
    ProcessingResult none = pipeline.process(msg(event));

    assertThat(acme.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(globex.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(none.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(acme.idempotencyKey()).isEqualTo("t8:tnt_acme/profile.updated:cand_1:3");
    assertThat(globex.idempotencyKey()).isEqualTo("t10:tnt_globex/profile.updated:cand_1:3");
    assertThat(none.idempotencyKey()).isEqualTo("-/profile.updated:cand_1:3");
    assertThat(handled.count()).isEqualTo(3);
    // and within one tenant it is still a duplicate
    assertThat(pipeline.process(msg(with(event, "tenant_id", "tnt_acme"))).outcome())
        .isEqualTo(Outcome.DUPLICATE);
  }

  @Test
  void entityPositionsAreScopedByTenant() {
    pipeline.process(msg(with(profile("cand_1", 5), "tenant_id", "tnt_acme")));

    ProcessingResult other = pipeline.process(msg(with(profile("cand_1", 3), "tenant_id", "b")));

    assertThat(other.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(other.entity()).isEqualTo("t1:b/15:profile.updated/cand_1");
  }

  @Test
  void aTenantContainingTheSeparatorCannotPoseAsAnotherTenant() {
    // before length-prefixing, tenant "tnt_acme/profile.updated:cand_1:3" with any key, or tenant
    // "a" with key "b/k" against tenant "a/b" with key "k", scoped onto the same string
    ObjectNode event = profile("cand_1", 3);
    ProcessingResult plain = pipeline.process(msg(with(event, "tenant_id", "a")));
    ProcessingResult nested = pipeline.process(msg(with(event, "tenant_id", "a/profile.updated")));
    ProcessingResult posing =
        pipeline.process(msg(with(event, "tenant_id", "t1:a/profile.updated:cand_1:3")));
    ProcessingResult untenanted = pipeline.process(msg(event));

    assertThat(List.of(plain, nested, posing, untenanted))
        .extracting(ProcessingResult::outcome)
        .containsOnly(Outcome.PROCESSED);
    assertThat(handled.count()).isEqualTo(4);
  }

  @Test
  void anEmptyTenantIsNotTheAbsentTenant() {
    ObjectNode event = profile("cand_1", 3);

    assertThat(pipeline.process(msg(with(event, "tenant_id", ""))).outcome())
        .isEqualTo(Outcome.PROCESSED);
    assertThat(pipeline.process(msg(event)).outcome()).isEqualTo(Outcome.PROCESSED);
  }

  /**
   * Reads a scoped key back into tenant and key: possible only because the scoping is injective.
   */
  private static List<String> unscope(String scoped) {
    if (scoped.startsWith("-/")) {
      return java.util.Arrays.asList(null, scoped.substring(2));
    }
    int colon = scoped.indexOf(':');
    int length = Integer.parseInt(scoped.substring(1, colon));
    String tenant = scoped.substring(colon + 1, colon + 1 + length);
    assertThat(scoped.charAt(colon + 1 + length)).isEqualTo('/');
    return java.util.Arrays.asList(tenant, scoped.substring(colon + 2 + length));
  }

  @Property(tries = 2000)
  void scopingIsInjective(
      @ForAll("hostile") String tenant, @ForAll("hostile") String key, @ForAll boolean noTenant) {
    String t = noTenant ? null : tenant;
    String scoped = dev.eventcontracts.contract.EventKeys.tenantScope(t) + key;

    assertThat(unscope(scoped)).containsExactly(t, key);
  }

  @Provide
  Arbitrary<String> hostile() {
    // the characters scoping uses, digits that look like lengths, and a few others
    return Arbitraries.strings().withChars("t-/:0123456789ab").ofMaxLength(12);
  }

  @Test
  void envelopeKeyThatDiffersFromTheTemplateIsCountedAndTheTemplateWins() {
    ObjectNode event = with(profile("cand_1", 3), "idempotency_key", "something-else");

    ProcessingResult result = pipeline.process(msg(event));

    assertThat(result.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(result.idempotencyKey()).isEqualTo("-/profile.updated:cand_1:3");
    assertThat(mismatches("profile.updated")).isEqualTo(1.0);
    // matching keys are not counted
    pipeline.process(msg(profile("cand_1", 4)));
    assertThat(mismatches("profile.updated")).isEqualTo(1.0);
    // the template wins: the properly keyed redelivery is a duplicate
    assertThat(pipeline.process(msg(profile("cand_1", 3))).outcome()).isEqualTo(Outcome.DUPLICATE);
  }

  @Test
  void templateWithAnAbsentOptionalFieldFallsBackToTheEventsOwnIdentity() {
    // E-13's template names source_event_id, which is optional: never render a key with a hole,
    // and never trust the envelope's key either, since a producer building it from the same
    // template puts the same hole in it (":invites_sent:" with nothing after)
    String holed = "billing.usage.updated:org_1:2026-02:invites_sent:";
    ObjectNode a = billing("org_1", null, holed);
    ObjectNode b = billing("org_1", null, holed);

    ProcessingResult first = pipeline.process(msg(a));
    ProcessingResult second = pipeline.process(msg(b));

    assertThat(first.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(second.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(first.idempotencyKey())
        .isEqualTo("-/billing.usage.updated:" + a.get("event_id").asText());
    assertThat(second.idempotencyKey())
        .isEqualTo("-/billing.usage.updated:" + b.get("event_id").asText());
    assertThat(handled.count()).isEqualTo(2);
    assertThat(mismatches("billing.usage.updated")).isZero();
    // the same usage event redelivered is still a duplicate
    assertThat(pipeline.process(msg(a)).outcome()).isEqualTo(Outcome.DUPLICATE);
  }

  @Test
  void templateWithEveryFieldPresentIsUsed() {
    ObjectNode event =
        billing("org_1", "evt-9", "billing.usage.updated:org_1:2026-02:invites_sent:evt-9");

    assertThat(pipeline.process(msg(event)).idempotencyKey())
        .isEqualTo("-/billing.usage.updated:org_1:2026-02:invites_sent:evt-9");
  }

  /** A registry whose one contract has no key template, for the later fallbacks. */
  private static EventPipeline untemplated(Recorder handled) {
    ContractRegistry registry =
        ContractRegistry.builder()
            .envelopeFormat(EnvelopeFormats.interview())
            .add(
                EventContract.builder("user.created", "1.0")
                    .required("userId", Field.string())
                    .build())
            .build();
    return EventPipeline.builder(registry)
        .deadLetterSink(DeadLetterSink.inMemory())
        .handler(HandlerBinding.ofJson("user.created", handled))
        .build();
  }

  @Test
  void withoutTemplateOrEnvelopeKeyTheEventIdIsTheKey() {
    EventPipeline p = untemplated(handled);
    String event =
        """
        {"eventId": "e-1", "eventType": "user.created", "timestamp": 1728212400000,
         "data": {"userId": "u-1"}}""";

    ProcessingResult result = p.process(msg(event));

    assertThat(result.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(result.idempotencyKey()).isEqualTo("-/user.created:e-1");
    assertThat(p.process(msg(event.replace("u-1", "u-2"))).outcome()).isEqualTo(Outcome.DUPLICATE);
  }

  @Test
  void withoutAnyIdIdenticalBytesAreTheSameEvent() {
    ContractRegistry registry =
        ContractRegistry.builder()
            .envelopeFormat(EnvelopeFormats.activity())
            .add(EventContract.builder("JOB_DONE", "1").required("ok", Field.bool()).build())
            .build();
    EventPipeline p =
        EventPipeline.builder(registry)
            .deadLetterSink(DeadLetterSink.inMemory())
            .handler(HandlerBinding.ofJson("JOB_DONE", handled))
            .build();
    String event =
        """
        {"eventType": "JOB_DONE", "version": 1, "jobId": "j-1", "userId": "u-1",
         "timestamp": "2026-01-20T15:04:05Z", "payload": {"ok": true}}""";
    byte[] bytes = event.getBytes(StandardCharsets.UTF_8);

    ProcessingResult first = p.process(InboundMessage.of(bytes));
    ProcessingResult same = p.process(InboundMessage.of(bytes.clone()));
    ProcessingResult other = p.process(msg(event.replace("15:04:05", "15:04:06")));

    assertThat(first.idempotencyKey()).startsWith("-/sha256:").hasSize("-/sha256:".length() + 64);
    assertThat(first.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(same.outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(other.outcome()).isEqualTo(Outcome.PROCESSED);
  }
}
