package dev.eventcontracts.kafka;

import static dev.eventcontracts.kafka.KafkaTestSupport.awaitEquals;
import static dev.eventcontracts.kafka.KafkaTestSupport.bytes;
import static dev.eventcontracts.kafka.KafkaTestSupport.committedOrZero;
import static dev.eventcontracts.kafka.KafkaTestSupport.header;
import static dev.eventcontracts.kafka.KafkaTestSupport.readAll;
import static dev.eventcontracts.kafka.KafkaTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.transport.RecordingHandler;
import io.github.resilience4j.retry.RetryConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** End-to-end runs of {@link KafkaEventConsumer} with {@link KafkaDeadLetterSink}. */
class KafkaEventConsumerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RecruitingEvents events = RecruitingEvents.withSeed(7);

  private static KafkaEventConsumerBuilder consumer(
      RecordingHandler recorder, KafkaDeadLetterSink sink, String group, String topic) {
    return KafkaEventConsumer.builder(
            recorder
                .pipeline(KafkaTestSupport.recruiting())
                .deadLetterSink(sink)
                .retry(
                    RetryConfig.custom()
                        .maxAttempts(2)
                        .waitDuration(Duration.ofMillis(100))
                        .build())
                .build())
        .consumerProperties(KafkaTestSupport.consumerProperties())
        .groupId(group)
        .topics(List.of(topic))
        .onResult(recorder::recordResult);
  }

  @Test
  void everyOutcomeEndToEndWithCommittedOffsetsAndDeadLetters() throws Exception {
    String topic = KafkaTestSupport.topics("outcomes", 1);
    String group = KafkaTestSupport.group("outcomes");
    RecordingHandler recorder = new RecordingHandler();

    List<String> valid = Files.readAllLines(KafkaTestSupport.RECRUITING_VALID);
    for (String line : valid) {
      send(topic, 0, null, bytes(line));
    }
    long first = valid.size();
    ObjectNode newer = events.profileUpdated("cand_stale", 5);
    ObjectNode invalid =
        RecruitingEvents.withoutPayloadField(events.event("job.updated", 3), "status");
    ObjectNode unknown = events.event("invite.created", 4).put("event_name", "profile.deleted");
    ObjectNode[] sent = {
      newer, // PROCESSED
      newer, // DUPLICATE: the same event again
      events.profileUpdated("cand_stale", 3), // STALE: an older profile_version
      invalid, // INVALID
      RecruitingEvents.withVersion(events.event("qa.submitted", 5), "v2"), // UNSUPPORTED_VERSION
      unknown, // UNKNOWN_EVENT
      null, // MALFORMED: not JSON
      events.event("invite.expired", 6), // FAILED: the handler throws twice
      events.event("packet.ready", 7) // PROCESSED again after all that
    };
    for (ObjectNode event : sent) {
      if (event == null) {
        send(topic, 0, "garbage", new byte[] {(byte) 0xff, 0x00, '{', (byte) 0xc3});
      } else {
        send(topic, 0, event);
      }
    }
    long end = first + sent.length;
    String failing = sent[7].path("event_id").asText();
    recorder.failWhen((payload, ctx) -> ctx.envelope().eventId().equals(failing));

    try (KafkaDeadLetterSink sink =
            KafkaDeadLetterSink.builder(KafkaTestSupport.producerProperties()).build();
        KafkaEventConsumer consumer = consumer(recorder, sink, group, topic).build()) {
      consumer.start();
      awaitEquals("committed offset", end, () -> committedOrZero(group, topic, 0));
    }

    TreeMap<Long, Outcome> finalOutcomes = new TreeMap<>();
    for (ProcessingResult r : recorder.results()) {
      if (r.acknowledged()) {
        assertThat(finalOutcomes.put(r.message().origin().offset(), r.outcome())).isNull();
      }
    }
    assertThat(finalOutcomes).hasSize((int) end);
    for (long offset = 0; offset < first; offset++) {
      assertThat(finalOutcomes.get(offset)).as("offset %d", offset).isEqualTo(Outcome.PROCESSED);
    }
    assertThat(finalOutcomes.tailMap(first).values())
        .containsExactly(
            Outcome.PROCESSED,
            Outcome.DUPLICATE,
            Outcome.STALE,
            Outcome.INVALID,
            Outcome.UNSUPPORTED_VERSION,
            Outcome.UNKNOWN_EVENT,
            Outcome.MALFORMED,
            Outcome.FAILED,
            Outcome.PROCESSED);
    // the failing handler ran twice (attempt 1 in the batch, attempt 2 redelivered alone)
    assertThat(recorder.failedCalls())
        .extracting(RecordingHandler.Call::attempt)
        .containsExactly(1, 2);
    assertThat(recorder.calls()).hasSize(valid.size() + 2);

    List<ConsumerRecord<byte[], byte[]>> dlq = readAll(topic + ".dlq", 5);
    assertThat(dlq)
        .extracting(r -> header(r, KafkaHeaders.DLQ_REASON))
        .containsExactly("INVALID", "UNSUPPORTED_VERSION", "UNKNOWN_EVENT", "MALFORMED", "FAILED");
    assertThat(dlq)
        .extracting(r -> Long.parseLong(header(r, KafkaHeaders.DLQ_ORIGIN_OFFSET)))
        .containsExactly(first + 3, first + 4, first + 5, first + 6, first + 7);
    assertThat(dlq.get(4).value()).isEqualTo(bytes(sent[7]));
    assertThat(header(dlq.get(4), KafkaHeaders.DLQ_ATTEMPTS)).isEqualTo("2");
  }

  @Test
  void poisonPillInTheMiddleOfAPartitionDoesNotStallIt() {
    String topic = KafkaTestSupport.topics("poison", 2);
    String group = KafkaTestSupport.group("poison");
    RecordingHandler recorder = new RecordingHandler();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ObjectNode event = events.event("candidate.document.uploaded", 100 + i);
      send(topic, i % 2, event);
      expected.add(event.path("event_id").asText());
      if (i == 4) {
        send(topic, 0, "pill", bytes("\u0000\u0001 definitely not an event"));
      }
      if (i == 5) {
        send(topic, 1, "tombstone", null);
      }
    }
    try (KafkaDeadLetterSink sink =
            KafkaDeadLetterSink.builder(KafkaTestSupport.producerProperties()).build();
        KafkaEventConsumer consumer = consumer(recorder, sink, group, topic).build()) {
      consumer.start();
      awaitEquals("committed on partition 0", 6L, () -> committedOrZero(group, topic, 0));
      awaitEquals("committed on partition 1", 6L, () -> committedOrZero(group, topic, 1));
    }
    assertThat(recorder.eventIds()).containsExactlyInAnyOrderElementsOf(expected);
    // records after the pill on partition 0 were handled, in order
    assertThat(recorder.offsets(0)).containsExactly(0L, 1L, 2L, 4L, 5L);
    assertThat(recorder.offsets(1)).containsExactly(0L, 1L, 2L, 4L, 5L);
    List<ConsumerRecord<byte[], byte[]>> dlq = readAll(topic + ".dlq", 2);
    ConsumerRecord<byte[], byte[]> pill =
        dlq.stream().filter(r -> r.value().length > 0).findFirst().orElseThrow();
    assertThat(header(pill, KafkaHeaders.DLQ_REASON)).isEqualTo("MALFORMED");
    assertThat(header(pill, KafkaHeaders.DLQ_ORIGIN_PARTITION)).isEqualTo("0");
    assertThat(header(pill, KafkaHeaders.DLQ_ORIGIN_OFFSET)).isEqualTo("3");
    assertThat(new String(pill.key(), StandardCharsets.UTF_8)).isEqualTo("pill");
    assertThat(pill.value()).isEqualTo(bytes("\u0000\u0001 definitely not an event"));
    // a tombstone is dead-lettered with an empty value (a null one would be a delete marker on a
    // compacted dead-letter topic)
    ConsumerRecord<byte[], byte[]> tombstone =
        dlq.stream().filter(r -> r.value().length == 0).findFirst().orElseThrow();
    assertThat(header(tombstone, KafkaHeaders.DLQ_REASON)).isEqualTo("MALFORMED");
    assertThat(header(tombstone, KafkaHeaders.DLQ_ORIGIN_OFFSET)).isEqualTo("3");
    assertThat(new String(tombstone.key(), StandardCharsets.UTF_8)).isEqualTo("tombstone");
  }

  @Test
  void deadLetterRecordCarriesTheOriginalRecordAndEveryDocumentedHeader() throws Exception {
    String topic = KafkaTestSupport.topics("headers", 1);
    String group = KafkaTestSupport.group("headers");
    RecordingHandler recorder = new RecordingHandler();
    ObjectNode invalid =
        RecruitingEvents.withoutPayloadField(events.profileUpdated("cand_h", 2), "changed_fields");
    RecordHeaders original = new RecordHeaders();
    original.add("x-source", bytes("first"));
    original.add("x-source", bytes("second")); // a repeated name stays repeated
    original.add("x-binary", new byte[] {(byte) 0xff, (byte) 0xfe, 0});
    long producedAt = Instant.parse("2026-02-03T10:15:30.123Z").toEpochMilli();
    send(new ProducerRecord<>(topic, 0, producedAt, bytes("key-42"), bytes(invalid), original));
    Instant before = Instant.now();

    try (KafkaDeadLetterSink sink =
            KafkaDeadLetterSink.builder(KafkaTestSupport.producerProperties()).build();
        KafkaEventConsumer consumer = consumer(recorder, sink, group, topic).build()) {
      consumer.start();
      awaitEquals("committed offset", 1L, () -> committedOrZero(group, topic, 0));
    }

    ConsumerRecord<byte[], byte[]> dlq = readAll(topic + ".dlq", 1).get(0);
    assertThat(dlq.key()).isEqualTo(bytes("key-42"));
    assertThat(dlq.value()).isEqualTo(bytes(invalid));
    List<Header> kept = new ArrayList<>();
    for (Header h : dlq.headers()) {
      if (!KafkaHeaders.isDeadLetterHeader(h.key())) {
        kept.add(h);
      }
    }
    assertThat(kept).extracting(Header::key).containsExactly("x-source", "x-source", "x-binary");
    assertThat(kept.get(1).value()).isEqualTo(bytes("second"));
    assertThat(kept.get(2).value()).isEqualTo(new byte[] {(byte) 0xff, (byte) 0xfe, 0});

    assertThat(header(dlq, KafkaHeaders.DLQ_REASON)).isEqualTo("INVALID");
    JsonNode errors = JSON.readTree(header(dlq, KafkaHeaders.DLQ_ERRORS));
    assertThat(errors.isArray()).isTrue();
    assertThat(errors.get(0).asText()).contains("changed_fields");
    assertThat(header(dlq, KafkaHeaders.DLQ_EXCEPTION_CLASS)).isNull();
    assertThat(header(dlq, KafkaHeaders.DLQ_ORIGIN_TOPIC)).isEqualTo(topic);
    assertThat(header(dlq, KafkaHeaders.DLQ_ORIGIN_PARTITION)).isEqualTo("0");
    assertThat(header(dlq, KafkaHeaders.DLQ_ORIGIN_OFFSET)).isEqualTo("0");
    assertThat(header(dlq, KafkaHeaders.DLQ_ORIGIN_TIMESTAMP))
        .isEqualTo("2026-02-03T10:15:30.123Z");
    assertThat(header(dlq, KafkaHeaders.DLQ_CONSUMER_GROUP)).isEqualTo(group);
    assertThat(header(dlq, KafkaHeaders.DLQ_ATTEMPTS)).isEqualTo("0");
    assertThat(Instant.parse(header(dlq, KafkaHeaders.DLQ_DEAD_LETTERED_AT)))
        .isBetween(before.minusSeconds(1), Instant.now());
    assertThat(header(dlq, KafkaHeaders.DLQ_EVENT_ID)).isEqualTo(invalid.path("event_id").asText());
    assertThat(header(dlq, KafkaHeaders.DLQ_EVENT_NAME)).isEqualTo("profile.updated");
    assertThat(header(dlq, KafkaHeaders.DLQ_EVENT_VERSION)).isEqualTo("v1");
    assertThat(Arrays.stream(dlq.headers().toArray()).map(Header::key))
        .filteredOn(KafkaHeaders::isDeadLetterHeader)
        .doesNotHaveDuplicates()
        .isSubsetOf(KafkaHeaders.DLQ_HEADERS);
  }

  @Test
  void theKafkaConsumerComesFromTheFactoryTheUserGives() {
    String topic = KafkaTestSupport.topics("factory", 1);
    String group = KafkaTestSupport.group("factory");
    RecordingHandler recorder = new RecordingHandler();
    send(topic, 0, events.event("qa.submitted", 1));
    List<Map<String, Object>> created = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger polls =
        new java.util.concurrent.atomic.AtomicInteger();
    KafkaConsumerFactory wrapping =
        config -> {
          created.add(Map.copyOf(config));
          // an instrumented consumer: counts polls, delegates everything
          return new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
              config,
              new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
              new org.apache.kafka.common.serialization.ByteArrayDeserializer()) {
            @Override
            public org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> poll(
                Duration timeout) {
              polls.incrementAndGet();
              return super.poll(timeout);
            }
          };
        };
    try (KafkaDeadLetterSink sink =
            KafkaDeadLetterSink.builder(KafkaTestSupport.producerProperties()).build();
        KafkaEventConsumer consumer =
            consumer(recorder, sink, group, topic).consumerFactory(wrapping).build()) {
      consumer.start();
      awaitEquals("committed", 1L, () -> committedOrZero(group, topic, 0));
    }
    assertThat(created).hasSize(1);
    assertThat(created.get(0))
        .containsEntry("enable.auto.commit", false)
        .containsEntry("group.id", group)
        .doesNotContainKey("key.deserializer");
    assertThat(polls.get()).isPositive();
    assertThat(recorder.calls()).hasSize(1);
  }

  @Test
  void concurrencyProcessesPartitionsInParallelAndKeepsEachInOrder() {
    String topic = KafkaTestSupport.topics("parallel", 3);
    String group = KafkaTestSupport.group("parallel");
    RecordingHandler recorder = new RecordingHandler();
    int perPartition = 40;
    for (int i = 0; i < perPartition * 3; i++) {
      send(topic, i % 3, events.event("qa.submitted", 1000 + i));
    }
    try (KafkaDeadLetterSink sink =
            KafkaDeadLetterSink.builder(KafkaTestSupport.producerProperties()).build();
        KafkaEventConsumer consumer =
            consumer(recorder, sink, group, topic).concurrency(3).maxBatch(7).build()) {
      consumer.start();
      for (int p = 0; p < 3; p++) {
        int partition = p;
        awaitEquals(
            "committed on partition " + p,
            (long) perPartition,
            () -> committedOrZero(group, topic, partition));
      }
    }
    assertThat(recorder.calls()).hasSize(perPartition * 3);
    for (int p = 0; p < 3; p++) {
      List<Long> offsets = recorder.offsets(p);
      assertThat(offsets).isSorted().hasSize(perPartition).doesNotHaveDuplicates();
    }
    assertThat(recorder.calls().stream().map(c -> c.origin().partition()).distinct()).hasSize(3);
    assertThat(recorder.results()).allMatch(r -> r.outcome() == Outcome.PROCESSED);
    assertThat(recorder.calls().stream().map(RecordingHandler.Call::thread).distinct().count())
        .as("worker threads used")
        .isGreaterThan(1);
  }

  @Test
  void aSlowPartitionDoesNotHoldBackTheOthersWhilePollingGoesOn() throws Exception {
    String topic = KafkaTestSupport.topics("slowlane", 2);
    String group = KafkaTestSupport.group("slowlane");
    RecordingHandler recorder = new RecordingHandler();
    int fast = 30;
    send(topic, 0, events.event("qa.submitted", 900));
    for (int i = 0; i < fast; i++) {
      send(topic, 1, events.event("qa.submitted", 1000 + i));
    }
    CountDownLatch fastDone = new CountDownLatch(fast);
    AtomicBoolean heldUntilTheOthersWereDone = new AtomicBoolean();
    recorder.failWhen(
        (payload, ctx) -> {
          if (ctx.origin().partition() == 0) {
            // holds partition 0's worker until partition 1 is through, over many polls
            try {
              heldUntilTheOthersWereDone.set(fastDone.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          } else {
            fastDone.countDown();
          }
          return false;
        });
    try (KafkaDeadLetterSink sink =
            KafkaDeadLetterSink.builder(KafkaTestSupport.producerProperties()).build();
        KafkaEventConsumer consumer =
            consumer(recorder, sink, group, topic)
                .consumerProperties(java.util.Map.of("max.poll.records", 3))
                .maxBatch(3)
                .concurrency(2)
                .build()) {
      consumer.start();
      awaitEquals("committed on partition 1", (long) fast, () -> committedOrZero(group, topic, 1));
      awaitEquals("committed on partition 0", 1L, () -> committedOrZero(group, topic, 0));
    }
    assertThat(recorder.offsets(1)).hasSize(fast).isSorted();
    assertThat(recorder.offsets(0)).containsExactly(0L);
    assertThat(heldUntilTheOthersWereDone)
        .as("partition 1's ten polls went through while partition 0's handler was held")
        .isTrue();
  }
}
