package dev.eventcontracts.testing.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerTest {
  private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(30);

  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void listensOnLoopback() {
    assertThat(broker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
  }

  @Test
  void roundTripsARecordThroughACreatedTopic() throws Exception {
    broker.createTopic("smoke", 3);
    String bootstrap = broker.bootstrapServers();

    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>("smoke", "key-1", "hello")).get();
    }

    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "smoke-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of("smoke"));
      await()
          .atMost(CONSUME_TIMEOUT)
          .pollInSameThread() // a consumer is used by one thread
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return !received.isEmpty();
              });
    }

    assertThat(received).hasSize(1);
    assertThat(received.get(0).key()).isEqualTo("key-1");
    assertThat(received.get(0).value()).isEqualTo("hello");
  }

  @Test
  void sharedBrokerIsStartedOnceAndSurvivesClose() {
    EmbeddedKafkaBroker shared = EmbeddedKafkaBroker.shared();
    shared.close();

    assertThat(EmbeddedKafkaBroker.shared()).isSameAs(shared);
    shared.createTopic("still-running", 1);
  }
}
