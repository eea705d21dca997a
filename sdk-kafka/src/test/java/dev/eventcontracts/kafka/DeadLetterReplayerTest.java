package dev.eventcontracts.kafka;

import static dev.eventcontracts.kafka.KafkaTestSupport.await;
import static dev.eventcontracts.kafka.KafkaTestSupport.awaitEquals;
import static dev.eventcontracts.kafka.KafkaTestSupport.bytes;
import static dev.eventcontracts.kafka.KafkaTestSupport.committedOrZero;
import static dev.eventcontracts.kafka.KafkaTestSupport.header;
import static dev.eventcontracts.kafka.KafkaTestSupport.readAll;
import static dev.eventcontracts.kafka.KafkaTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.transport.RecordingHandler;
import io.github.resilience4j.retry.RetryConfig;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** Dead letters sent back with {@link DeadLetterReplayer}, consumed again with the replay flag. */
class DeadLetterReplayerTest {

  @Test
  void failedEventReplayedReachesTheHandlerAsAReplayWithItsOriginalId() {
    String topic = KafkaTestSupport.topics("replay", 1);
    String group = KafkaTestSupport.group("replay");
    RecruitingEvents events = RecruitingEvents.withSeed(41);
    ObjectNode failing = events.event("invite.created", 1);
    ObjectNode invalid =
        RecruitingEvents.withoutPayloadField(events.event("invite.created", 2), "job_id");
    ObjectNode fine = events.event("invite.created", 3);
    String failingId = failing.path("event_id").asText();
    send(topic, 0, failing, "x-origin", "web", "traceparent", "00-abc-def-01");
    send(topic, 0, invalid);
    send(topic, 0, fine);

    RecordingHandler recorder = new RecordingHandler();
    // the handler fails on the first pass only (a bug fixed before the replay)
    recorder.failWhen((p, ctx) -> !ctx.replay() && ctx.envelope().eventId().equals(failingId));
    try (KafkaDeadLetterSink sink =
            KafkaDeadLetterSink.builder(KafkaTestSupport.producerProperties()).build();
        KafkaEventConsumer consumer =
            KafkaEventConsumer.builder(
                    recorder
                        .pipeline(KafkaTestSupport.recruiting())
                        .deadLetterSink(sink)
                        .retry(RetryConfig.custom().maxAttempts(1).build())
                        .build())
                .consumerProperties(KafkaTestSupport.consumerProperties())
                .groupId(group)
                .topics(List.of(topic))
                .build()) {
      consumer.start();
      awaitEquals("committed offset", 3L, () -> committedOrZero(group, topic, 0));
      readAll(topic + ".dlq", 2);

      Map<String, Object> client = KafkaTestSupport.producerProperties();
      ReplaySummary dry =
          DeadLetterReplayer.builder(client).from(topic + ".dlq").dryRun(true).build().run();
      assertThat(dry.read()).isEqualTo(2);
      assertThat(dry.matched()).isEqualTo(2);
      assertThat(dry.replayed()).isZero();
      assertThat(dry.reasons()).containsExactly(Map.entry("FAILED", 1L), Map.entry("INVALID", 1L));

      DeadLetterReplayer replayer =
          DeadLetterReplayer.builder(client)
              .from(topic + ".dlq")
              .filter("reason", "FAILED")
              .build();
      ReplaySummary summary = replayer.run();
      assertThat(summary.read()).isEqualTo(2);
      assertThat(summary.matched()).isEqualTo(1);
      assertThat(summary.replayed()).isEqualTo(1);
      assertThat(summary.skippedByFilter()).isEqualTo(1);
      assertThat(summary.failed()).isZero();
      assertThat(summary.complete()).isTrue();
      assertThat(summary.targets()).containsExactly(Map.entry(topic, 1L));

      await(
          "the replayed event handled", () -> recorder.calls().stream().anyMatch(c -> c.replay()));
      awaitEquals("committed offset", 4L, () -> committedOrZero(group, topic, 0));

      // a second run with the same filter finds nothing new: its group committed the first run
      ReplaySummary again = replayer.run();
      assertThat(again.read()).isZero();
      assertThat(again.replayed()).isZero();
      assertThat(again.groupId()).isEqualTo(summary.groupId());
    }

    RecordingHandler.Call replayed =
        recorder.calls().stream().filter(RecordingHandler.Call::replay).findFirst().get();
    assertThat(replayed.eventId()).isEqualTo(failingId);
    assertThat(replayed.attributes())
        .containsEntry("replay", "true")
        .containsEntry("x-origin", "web")
        .containsEntry("traceparent", "00-abc-def-01");
    assertThat(replayed.attributes().keySet()).noneMatch(KafkaHeaders::isDeadLetterHeader);
    assertThat(recorder.calls().stream().filter(RecordingHandler.Call::replay)).hasSize(1);

    ConsumerRecord<byte[], byte[]> back = readAll(topic, 4).get(3);
    assertThat(back.value()).isEqualTo(bytes(failing));
    assertThat(back.key()).isEqualTo(bytes(failingId));
    assertThat(header(back, KafkaHeaders.REPLAY)).isEqualTo("true");
    assertThat(back.headers().toArray())
        .extracting(Header::key)
        .containsExactly("x-origin", "traceparent", "replay");
  }

  @Test
  void headersOfAReplayDropTheDeadLetterHeadersAndAnEarlierReplayFlag() {
    var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add("ce_id", bytes("1"));
    headers.add(KafkaHeaders.REPLAY, bytes("false"));
    headers.add(KafkaHeaders.DLQ_REASON, bytes("FAILED"));
    headers.add("ec-dlq-something-new", bytes("x"));
    headers.add("x", bytes("a"));
    headers.add("x", bytes("b"));
    var replay = HeaderMapping.replayHeaders(headers);
    assertThat(replay.toArray())
        .extracting(Header::key)
        .containsExactly("ce_id", "x", "x", "replay");
    assertThat(new String(replay.lastHeader("replay").value())).isEqualTo("true");
  }

  @Test
  void filterNamesAndMissingTopic() {
    assertThat(DeadLetterReplayer.filterHeader("reason")).isEqualTo(KafkaHeaders.DLQ_REASON);
    assertThat(DeadLetterReplayer.filterHeader("event")).isEqualTo(KafkaHeaders.DLQ_EVENT_NAME);
    assertThat(DeadLetterReplayer.filterHeader("origin-topic"))
        .isEqualTo(KafkaHeaders.DLQ_ORIGIN_TOPIC);
    assertThat(DeadLetterReplayer.filterHeader(KafkaHeaders.DLQ_EXCEPTION_CLASS))
        .isEqualTo(KafkaHeaders.DLQ_EXCEPTION_CLASS);
    assertThat(
            DeadLetterReplayer.builder(Map.of("bootstrap.servers", "h:1"))
                .from("t.dlq")
                .filter("reason", "INVALID")
                .filter("event", "a")
                .filter("event", "b")
                .build()
                .groupId())
        .isEqualTo(
            "event-contracts-replay.t.dlq?ec-dlq-event-name=a&ec-dlq-event-name=b"
                + "&ec-dlq-reason=INVALID");
    assertThatThrownBy(
            () ->
                DeadLetterReplayer.builder(KafkaTestSupport.producerProperties())
                    .from("no-such-topic-" + System.nanoTime())
                    .timeout(java.time.Duration.ofSeconds(5))
                    .build()
                    .run())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not exist");
  }
}
