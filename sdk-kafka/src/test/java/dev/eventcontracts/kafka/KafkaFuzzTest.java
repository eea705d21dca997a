package dev.eventcontracts.kafka;

import static dev.eventcontracts.kafka.KafkaTestSupport.awaitEquals;
import static dev.eventcontracts.kafka.KafkaTestSupport.committedOrZero;
import static dev.eventcontracts.kafka.KafkaTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.fuzz.FuzzCheck;
import dev.eventcontracts.testing.fuzz.FuzzDriver;
import dev.eventcontracts.testing.fuzz.HostileInputs;
import dev.eventcontracts.testing.fuzz.HostileInputs.Input;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * Hostile input through the real Kafka adapter: every record gets exactly one final outcome its
 * input class allows, every rejected one reaches the dead-letter topic, the consumer never fails,
 * and every partition is committed to its end (nothing stalls). {@code -Dfuzz.kafkaInputs=N} sets
 * the count (2,000).
 */
class KafkaFuzzTest {
  private static final int INPUTS = Integer.getInteger("fuzz.kafkaInputs", 2_000);
  private static final long SEED = 20261204L;
  // below the broker's and producer's 1 MiB record limit, dead-letter headers included
  private static final int MAX_RECORD_BYTES = 900 * 1024;

  @Test
  void everyRecordEndsWithOneFinalOutcomeAndNothingStalls() throws Exception {
    RecruitingEvents events = RecruitingEvents.withSeed(SEED);
    List<ObjectNode> samples = new ArrayList<>();
    for (String name : RecruitingEvents.EVENT_NAMES) {
      for (int n = 1; n <= 10; n++) {
        samples.add(events.event(name, n));
      }
    }
    int partitions = 3;
    String topic = KafkaTestSupport.topics("fuzz", partitions);
    String group = KafkaTestSupport.group("fuzz");
    HostileInputs inputs = HostileInputs.of(SEED, samples, 0);
    Random random = new Random(SEED);
    Map<String, Input> byPosition = new HashMap<>();
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    List<Input> sent = new ArrayList<>();
    long[] ends = new long[partitions];
    for (int i = 0; i < INPUTS; i++) {
      Input input = inputs.next();
      while (input.value().length > MAX_RECORD_BYTES) {
        input = inputs.next();
      }
      int partition = random.nextInt(partitions);
      byte[] key = random.nextInt(4) == 0 ? null : new byte[random.nextInt(40)];
      if (key != null) {
        random.nextBytes(key);
      }
      sends.add(
          KafkaTestSupport.producer()
              .send(new ProducerRecord<>(topic, partition, key, input.value())));
      sent.add(input);
    }
    for (int i = 0; i < sends.size(); i++) {
      RecordMetadata m = sends.get(i).get(30, TimeUnit.SECONDS);
      byPosition.put(m.partition() + "@" + m.offset(), sent.get(i));
      ends[m.partition()] = Math.max(ends[m.partition()], m.offset() + 1);
    }

    FuzzCheck check = FuzzCheck.withoutFaults();
    ConcurrentLinkedQueue<ProcessingResult> results = new ConcurrentLinkedQueue<>();
    try (KafkaDeadLetterSink sink =
            KafkaDeadLetterSink.builder(KafkaTestSupport.producerProperties()).build();
        KafkaEventConsumer consumer =
            KafkaEventConsumer.builder(
                    FuzzDriver.pipeline(KafkaTestSupport.recruiting(), check, sink).build())
                .consumerProperties(KafkaTestSupport.consumerProperties())
                .groupId(group)
                .topics(List.of(topic))
                .concurrency(2)
                .onResult(results::add)
                .build()) {
      consumer.start();
      for (int p = 0; p < partitions; p++) {
        int partition = p;
        awaitEquals(
            "committed offset of partition " + p,
            ends[p],
            () -> committedOrZero(group, topic, partition));
      }
      assertThat(consumer.failure()).isEmpty();
    }

    long deadLettered = 0;
    Set<String> seen = new HashSet<>();
    for (ProcessingResult result : results) {
      if (!result.acknowledged()) {
        // two partitions holding one key at once: the second waits for the first (IN_PROGRESS)
        continue;
      }
      String position =
          result.message().origin().partition() + "@" + result.message().origin().offset();
      assertThat(seen.add(position)).as("one final result for " + position).isTrue();
      check.record(byPosition.get(position), result, null);
      if (result.deadLetter() != null) {
        deadLettered++;
      }
    }
    System.out.println("fuzz through Kafka: " + INPUTS + " records\n" + check.table());
    assertThat(seen).hasSize(INPUTS);
    assertThat(check.problems()).isEmpty();
    List<ConsumerRecord<byte[], byte[]>> dlq = readAll(topic + ".dlq", (int) deadLettered);
    Set<String> dlqOrigins = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> record : dlq) {
      dlqOrigins.add(
          KafkaTestSupport.header(record, KafkaHeaders.DLQ_ORIGIN_PARTITION)
              + "@"
              + KafkaTestSupport.header(record, KafkaHeaders.DLQ_ORIGIN_OFFSET));
    }
    assertThat(dlqOrigins).hasSize((int) deadLettered);
  }
}
