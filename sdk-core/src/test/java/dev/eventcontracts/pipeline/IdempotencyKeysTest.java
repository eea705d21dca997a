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
import dev.eventcontracts.pipeline.Fixtures.MutableClock;
import dev.eventcontracts.pipeline.Fixtures.Recorder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The idempotency-key rule: template, envelope key, event id, digest; tenant scoping. */
class IdempotencyKeysTest {
  private final MutableClock clock = new MutableClock(NOW);
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
    assertThat(acme.idempotencyKey()).isEqualTo("tenant/tnt_acme/profile.updated:cand_1:3");
    assertThat(globex.idempotencyKey()).isEqualTo("tenant/tnt_globex/profile.updated:cand_1:3");
    assertThat(none.idempotencyKey()).isEqualTo("profile.updated:cand_1:3");
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
    assertThat(other.entity()).isEqualTo("tenant/b/profile.updated/cand_1");
  }

  @Test
  void envelopeKeyThatDiffersFromTheTemplateIsCountedAndTheTemplateWins() {
    ObjectNode event = with(profile("cand_1", 3), "idempotency_key", "something-else");

    ProcessingResult result = pipeline.process(msg(event));

    assertThat(result.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(result.idempotencyKey()).isEqualTo("profile.updated:cand_1:3");
    assertThat(mismatches("profile.updated")).isEqualTo(1.0);
    // matching keys are not counted
    pipeline.process(msg(profile("cand_1", 4)));
    assertThat(mismatches("profile.updated")).isEqualTo(1.0);
    // the template wins: the properly keyed redelivery is a duplicate
    assertThat(pipeline.process(msg(profile("cand_1", 3))).outcome()).isEqualTo(Outcome.DUPLICATE);
  }

  @Test
  void templateWithAnAbsentOptionalFieldFallsBackToTheEnvelopeKey() {
    // E-13's template names source_event_id, which is optional: never render a key with a hole
    ObjectNode a = billing("org_1", null, "billing.usage.updated:org_1:2026-02:invites_sent:e-1");
    ObjectNode b = billing("org_1", null, "billing.usage.updated:org_1:2026-02:invites_sent:e-2");

    ProcessingResult first = pipeline.process(msg(a));
    ProcessingResult second = pipeline.process(msg(b));

    assertThat(first.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(second.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(first.idempotencyKey())
        .isEqualTo("billing.usage.updated:org_1:2026-02:invites_sent:e-1");
    assertThat(second.idempotencyKey())
        .isEqualTo("billing.usage.updated:org_1:2026-02:invites_sent:e-2");
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
        .isEqualTo("billing.usage.updated:org_1:2026-02:invites_sent:evt-9");
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
    assertThat(result.idempotencyKey()).isEqualTo("user.created:e-1");
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

    assertThat(first.idempotencyKey()).startsWith("sha256:").hasSize("sha256:".length() + 64);
    assertThat(first.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(same.outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(other.outcome()).isEqualTo(Outcome.PROCESSED);
  }
}
