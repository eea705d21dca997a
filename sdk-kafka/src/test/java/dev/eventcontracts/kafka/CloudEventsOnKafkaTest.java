package dev.eventcontracts.kafka;

import static dev.eventcontracts.kafka.KafkaTestSupport.awaitEquals;
import static dev.eventcontracts.kafka.KafkaTestSupport.bytes;
import static dev.eventcontracts.kafka.KafkaTestSupport.committedOrZero;
import static dev.eventcontracts.kafka.KafkaTestSupport.header;
import static dev.eventcontracts.kafka.KafkaTestSupport.readAll;
import static dev.eventcontracts.kafka.KafkaTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.Field;
import dev.eventcontracts.contract.OrderingRule;
import dev.eventcontracts.envelope.EnvelopeFormats;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.transport.RecordingHandler;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * CloudEvents in binary mode ({@code ce_*} headers, the value is the data) and in structured mode
 * (the value is the whole event) on one consumer, written by the CloudEvents SDK's Kafka binding.
 */
class CloudEventsOnKafkaTest {
  private static final String TYPE = "com.todo.task.created.v1";

  private static ContractRegistry todo() {
    return ContractRegistry.builder()
        .name("todo")
        .envelopeFormat(EnvelopeFormats.cloudEvents())
        .add(
            EventContract.builder("com.todo.task.created", "v1")
                .required("task_id", Field.string())
                .required("title", Field.string())
                .optional("priority", Field.string().oneOf("low", "medium", "high"))
                .ordering(OrderingRule.byTimestamp("{task_id}", "envelope.occurred_at"))
                .build())
        .build();
  }

  private static CloudEvent task(String id, String taskId, String title, int minute) {
    return CloudEventBuilder.v1()
        .withId(id)
        .withSource(URI.create("/chat-api"))
        .withType(TYPE)
        .withTime(OffsetDateTime.parse("2026-02-03T09:%02d:30Z".formatted(minute)))
        .withDataContentType("application/json")
        .withData(bytes("{\"task_id\":\"" + taskId + "\",\"title\":\"" + title + "\"}"))
        .build();
  }

  @Test
  void binaryAndStructuredModeEventsAreBothConsumed() {
    String topic = KafkaTestSupport.topics("cloudevents", 1);
    String group = KafkaTestSupport.group("cloudevents");
    String binaryId = UUID.randomUUID().toString();
    String structuredId = UUID.randomUUID().toString();
    String invalidId = UUID.randomUUID().toString();

    ProducerRecord<byte[], byte[]> binary =
        KafkaMessageFactory.<byte[]>createWriter(topic, 0, bytes("task-1"))
            .writeBinary(task(binaryId, "task-1", "Water the plants", 1));
    ProducerRecord<byte[], byte[]> structured =
        KafkaMessageFactory.<byte[]>createWriter(topic, 0, bytes("task-2"))
            .writeStructured(task(structuredId, "task-2", "Buy milk", 2), new JsonFormat());
    CloudEvent noTitle =
        CloudEventBuilder.v1(task(invalidId, "task-3", "x", 3))
            .withData(bytes("{\"task_id\":\"task-3\"}"))
            .build();
    ProducerRecord<byte[], byte[]> invalid =
        KafkaMessageFactory.<byte[]>createWriter(topic, 0, bytes("task-3")).writeBinary(noTitle);
    assertThat(producerHeader(binary, "ce_id")).isEqualTo(binaryId);
    assertThat(producerHeader(structured, "ce_id")).isNull();
    send(binary);
    send(structured);
    send(invalid);

    RecordingHandler recorder = new RecordingHandler();
    try (KafkaDeadLetterSink sink =
            KafkaDeadLetterSink.builder(KafkaTestSupport.producerProperties()).build();
        KafkaEventConsumer consumer =
            KafkaEventConsumer.builder(recorder.pipeline(todo()).deadLetterSink(sink).build())
                .consumerProperties(KafkaTestSupport.consumerProperties())
                .groupId(group)
                .topicPattern(Pattern.compile(Pattern.quote(topic))) // not topic.dlq
                .onResult(recorder::recordResult)
                .build()) {
      consumer.start();
      awaitEquals("committed offset", 3L, () -> committedOrZero(group, topic, 0));
    }
    assertThat(recorder.results())
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.PROCESSED, Outcome.PROCESSED, Outcome.INVALID);
    assertThat(recorder.calls())
        .extracting(RecordingHandler.Call::eventId)
        .containsExactly(binaryId, structuredId);
    assertThat(recorder.calls())
        .extracting(c -> c.payload().path("title").asText())
        .containsExactly("Water the plants", "Buy milk");
    assertThat(recorder.calls().get(0).attributes()).containsEntry("ce_type", TYPE);

    ConsumerRecord<byte[], byte[]> dlq = readAll(topic + ".dlq", 1).get(0);
    assertThat(header(dlq, KafkaHeaders.DLQ_REASON)).isEqualTo("INVALID");
    assertThat(header(dlq, KafkaHeaders.DLQ_EVENT_ID)).isEqualTo(invalidId);
    assertThat(header(dlq, KafkaHeaders.DLQ_EVENT_NAME)).isEqualTo("com.todo.task.created");
    // the binary-mode attributes travel with the dead letter, so a replay is a valid CloudEvent
    assertThat(header(dlq, "ce_id")).isEqualTo(invalidId);
    assertThat(header(dlq, "ce_type")).isEqualTo(TYPE);
    assertThat(dlq.value()).isEqualTo(bytes("{\"task_id\":\"task-3\"}"));
  }

  private static String producerHeader(ProducerRecord<byte[], byte[]> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
  }
}
