package dev.eventcontracts.kafka;

import static dev.eventcontracts.kafka.KafkaTestSupport.await;
import static dev.eventcontracts.kafka.KafkaTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.pipeline.Disposition;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.server.EmbeddedKafkaBroker;
import dev.eventcontracts.testing.transport.RecordingHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A dead-letter topic that does not exist, on a broker that does not create topics on demand: the
 * rejected record is not committed and nothing after it is handled until the topic exists.
 */
class DeadLetterSinkFailureTest {
  private static final String TOPIC = "orders";
  private static EmbeddedKafkaBroker broker;
  private static Admin admin;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.start(Map.of("auto.create.topics.enable", "false"));
    admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
  }

  @AfterAll
  static void stopBroker() {
    if (admin != null) {
      admin.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void missingDeadLetterTopicKeepsTheRecordUncommittedUntilTheTopicExists() throws Exception {
    broker.createTopic(TOPIC, 1); // and no orders.dlq
    String group = "sinkfail";
    RecruitingEvents events = RecruitingEvents.withSeed(11);
    ObjectNode before = events.event("invite.created", 1);
    ObjectNode invalid =
        RecruitingEvents.withoutPayloadField(events.event("invite.created", 2), "job_id");
    ObjectNode after = events.event("invite.created", 3);
    Map<String, Object> producerProperties =
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            producerProperties, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ObjectNode event : List.of(before, invalid, after)) {
        producer.send(new ProducerRecord<>(TOPIC, KafkaTestSupport.bytes(event))).get();
      }
    }

    RecordingHandler recorder = new RecordingHandler();
    try (KafkaDeadLetterSink sink =
            KafkaDeadLetterSink.builder(producerProperties)
                .sendTimeout(Duration.ofMillis(500))
                .build();
        KafkaEventConsumer consumer =
            KafkaEventConsumer.builder(
                    recorder
                        .pipeline(KafkaTestSupport.recruiting())
                        .deadLetterSink(sink)
                        .sinkRetryDelay(Duration.ofMillis(200))
                        .build())
                .consumerProperties(
                    Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"))
                .groupId(group)
                .topics(List.of(TOPIC))
                .onResult(recorder::recordResult)
                .build()) {
      consumer.start();
      await("three failed dead-letter publishes", () -> sinkRetries(recorder) >= 3);
      assertThat(recorder.eventIds()).containsExactly(id(before));
      assertThat(committed(group)).as("committed offset").isEqualTo(1);
      assertThat(admin.listTopics().names().get()).doesNotContain(TOPIC + ".dlq");

      admin.createTopics(List.of(new NewTopic(TOPIC + ".dlq", 1, (short) 1))).all().get();
      await("the offset moving past the rejected record", () -> committed(group) == 3);
      assertThat(recorder.eventIds()).containsExactly(id(before), id(after));
      assertThat(consumer.isRunning()).isTrue();
    }
    List<ConsumerRecord<byte[], byte[]>> dlq = readDeadLetters();
    assertThat(dlq).hasSize(1);
    assertThat(header(dlq.get(0), KafkaHeaders.DLQ_REASON)).isEqualTo("INVALID");
    assertThat(header(dlq.get(0), KafkaHeaders.DLQ_EVENT_ID)).isEqualTo(id(invalid));
  }

  private static long committed(String group) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      OffsetAndMetadata offset = offsets.get(new TopicPartition(TOPIC, 0));
      return offset == null ? 0 : offset.offset();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> readDeadLetters() {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(TOPIC + ".dlq", 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      Awaitility.await("the dead-letter topic read to its end")
          .atMost(Duration.ofSeconds(30))
          .pollInSameThread() // a consumer is used by one thread
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
                return c.position(tp) >= end;
              });
    }
    return out;
  }

  private static long sinkRetries(RecordingHandler recorder) {
    return recorder.results().stream()
        .filter(r -> r.disposition() == Disposition.RETRY && r.outcome() == Outcome.INVALID)
        .map(ProcessingResult::error)
        .filter(e -> e instanceof KafkaDeadLetterSink.DeadLetterNotStoredException)
        .count();
  }

  private static String id(ObjectNode event) {
    return event.path("event_id").asText();
  }
}
