package dev.eventcontracts.pubsub;

import static dev.eventcontracts.pubsub.PubSubTestSupport.PROJECT;
import static dev.eventcontracts.pubsub.PubSubTestSupport.await;
import static dev.eventcontracts.pubsub.PubSubTestSupport.host;
import static dev.eventcontracts.pubsub.PubSubTestSupport.publish;
import static dev.eventcontracts.pubsub.PubSubTestSupport.pull;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.TopicName;
import dev.eventcontracts.dlq.DeadLetterAttributes;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.transport.RecordingHandler;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The replay round trip: dead letters out of a dead-letter subscription, back to the consumer. */
class PubSubDeadLetterReplayerTest {
  private final RecruitingEvents events = RecruitingEvents.withSeed(23);

  @BeforeAll
  static void server() {
    PubSubTestSupport.server();
  }

  @Test
  void failedDeadLettersComeBackWithTheReplayFlagAndTheSameEvent() {
    String id = PubSubTestSupport.setUp("replay-trip");
    String topic = TopicName.format(PROJECT, id);
    String dlqSub = ProjectSubscriptionName.format(PROJECT, id + "-dlq-reader");
    AtomicBoolean down = new AtomicBoolean(true);
    RecordingHandler recorder = new RecordingHandler();
    recorder.failWhen(
        (payload, ctx) -> down.get() && ctx.envelope().eventName().equals("invite.created"));
    ObjectNode invite1 = events.event("invite.created", 1);
    ObjectNode invite2 = events.event("invite.created", 2);
    ObjectNode invalid =
        RecruitingEvents.withoutPayloadField(events.event("job.updated", 3), "status");
    publish(topic, invite1.toString(), "tenant", "acme");
    publish(topic, invite2.toString());
    publish(topic, invalid.toString());

    try (PubSubDeadLetterSink sink =
            PubSubDeadLetterSink.builder(PROJECT).emulatorHost(host()).build();
        PubSubEventConsumer consumer =
            PubSubEventConsumer.builder(
                    recorder
                        .pipeline(PubSubTestSupport.recruiting())
                        .deadLetterSink(sink)
                        .retry(
                            RetryConfig.custom()
                                .maxAttempts(2)
                                .waitDuration(Duration.ofMillis(20))
                                .build())
                        .build())
                .subscription(PROJECT, id)
                .emulatorHost(host())
                .onResult(recorder::recordResult)
                .build()) {
      consumer.start();
      await("three acked", () -> consumer.receiver().acks() == 3);

      // a dry run counts and leaves everything in place
      PubSubReplaySummary dry;
      try (PubSubDeadLetterReplayer replayer =
          PubSubDeadLetterReplayer.builder(PROJECT)
              .emulatorHost(host())
              .from(id + "-dlq-reader")
              .filter("reason", "FAILED")
              .dryRun(true)
              .timeout(Duration.ofSeconds(20))
              .build()) {
        dry = replayer.run();
      }
      assertThat(dry.read()).isEqualTo(3);
      assertThat(dry.matched()).isEqualTo(2);
      assertThat(dry.replayed()).isZero();
      assertThat(dry.skippedByFilter()).isEqualTo(1);
      assertThat(dry.reasons()).isEqualTo(Map.of("FAILED", 2L, "INVALID", 1L));
      assertThat(dry.targets()).isEqualTo(Map.of(topic, 2L));

      down.set(false);
      PubSubReplaySummary first;
      try (PubSubDeadLetterReplayer replayer =
          PubSubDeadLetterReplayer.builder(PROJECT)
              .emulatorHost(host())
              .from(id + "-dlq-reader")
              .filter("reason", "FAILED")
              .maxMessages(1)
              .timeout(Duration.ofSeconds(20))
              .build()) {
        first = replayer.run();
      }
      assertThat(first.replayed()).isEqualTo(1);
      assertThat(first.complete()).isFalse();
      PubSubReplaySummary rest;
      try (PubSubDeadLetterReplayer replayer =
          PubSubDeadLetterReplayer.builder(PROJECT)
              .emulatorHost(host())
              .from(id + "-dlq-reader")
              .filter("reason", "FAILED")
              .timeout(Duration.ofSeconds(20))
              .build()) {
        rest = replayer.run();
      }
      assertThat(rest.replayed()).isEqualTo(1);
      assertThat(rest.skippedByFilter()).isEqualTo(1);
      assertThat(rest.complete()).isTrue();
      await("both invites handled", () -> recorder.calls().size() == 2);
    }
    assertThat(recorder.calls())
        .extracting(RecordingHandler.Call::eventId)
        .containsExactlyInAnyOrder(
            invite1.path("event_id").asText(), invite2.path("event_id").asText());
    assertThat(recorder.calls()).allSatisfy(c -> assertThat(c.replay()).isTrue());
    RecordingHandler.Call one =
        recorder.calls().stream()
            .filter(c -> c.eventId().equals(invite1.path("event_id").asText()))
            .findFirst()
            .orElseThrow();
    assertThat(one.attributes())
        .containsEntry("tenant", "acme")
        .containsEntry(DeadLetterAttributes.REPLAY, "true");
    assertThat(one.attributes().keySet()).noneMatch(DeadLetterAttributes::isDeadLetterAttribute);
    assertThat(recorder.results().stream().filter(r -> r.replay()).map(r -> r.outcome()))
        .containsOnly(Outcome.PROCESSED);
    // the INVALID one is still in the dead-letter subscription
    List<com.google.pubsub.v1.PubsubMessage> left = pull(dlqSub, 1);
    assertThat(left.get(0).getAttributesMap())
        .containsEntry(DeadLetterAttributes.REASON, "INVALID");
    assertThat(EventPipeline.REPLAY_ATTRIBUTE).isEqualTo(PubSubAttributes.REPLAY);
  }
}
