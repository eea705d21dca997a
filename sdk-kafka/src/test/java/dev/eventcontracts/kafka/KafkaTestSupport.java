package dev.eventcontracts.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.testing.server.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;

/** The shared broker, clients on it, and bounded waits for the Kafka integration tests. */
final class KafkaTestSupport {
  static final Path RECRUITING = Path.of("../examples/registries/recruiting");
  static final Path RECRUITING_VALID = Path.of("../examples/events/recruiting-valid.ndjson");
  static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(20);

  private static KafkaProducer<byte[], byte[]> producer;
  private static Admin admin;

  private KafkaTestSupport() {}

  static EmbeddedKafkaBroker broker() {
    return EmbeddedKafkaBroker.shared();
  }

  static String bootstrap() {
    return broker().bootstrapServers();
  }

  static ContractRegistry recruiting() {
    return ContractRegistry.load(RECRUITING);
  }

  /** A fresh topic with {@code partitions} partitions and its {@code .dlq} topic (1 partition). */
  static String topics(String prefix, int partitions) {
    String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    broker().createTopic(topic, partitions);
    broker().createTopic(topic + ".dlq", 1);
    return topic;
  }

  static String group(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Settings for a consumer in tests: fast joins, reads from the start. */
  static Map<String, Object> consumerProperties() {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    return p;
  }

  static Map<String, Object> producerProperties() {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    return p;
  }

  static synchronized KafkaProducer<byte[], byte[]> producer() {
    if (producer == null) {
      Map<String, Object> p = producerProperties();
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
      producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
    return producer;
  }

  static synchronized Admin admin() {
    if (admin == null) {
      admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
    }
    return admin;
  }

  /** Sends one record and waits for the broker; returns its offset. */
  static long send(String topic, int partition, String key, byte[] value, String... headers) {
    RecordHeaders h = new RecordHeaders();
    for (int i = 0; i < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return send(
        new ProducerRecord<>(
            topic, partition, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, h));
  }

  static long send(ProducerRecord<byte[], byte[]> record) {
    try {
      return producer().send(record).get(30, TimeUnit.SECONDS).offset();
    } catch (Exception e) {
      throw new IllegalStateException("send failed", e);
    }
  }

  static long send(String topic, int partition, ObjectNode event, String... headers) {
    return send(topic, partition, event.path("event_id").asText(), bytes(event), headers);
  }

  static byte[] bytes(ObjectNode event) {
    return event.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The group's committed offset for a partition, through the Admin API. */
  static OptionalLong committed(String group, String topic, int partition) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin()
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, partition));
      return offset == null ? OptionalLong.empty() : OptionalLong.of(offset.offset());
    } catch (Exception e) {
      throw new IllegalStateException("listConsumerGroupOffsets failed", e);
    }
  }

  static long committedOrZero(String group, String topic, int partition) {
    return committed(group, topic, partition).orElse(0);
  }

  /** Reads every record of {@code topic} from the beginning until {@code count} are there. */
  static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int count) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      c.partitionsFor(topic).forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Awaitility.await(count + " records in " + topic)
          .atMost(WAIT)
          .pollInSameThread() // a consumer is used by one thread
          .pollInterval(POLL)
          .until(
              () -> {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
                return out.size() >= count;
              });
    }
    return out;
  }

  /** Waits until {@code condition} holds, at most {@link #WAIT}. */
  static void await(String what, BooleanSupplier condition) {
    await(what, WAIT, condition);
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) {
    Awaitility.await(what).atMost(timeout).pollInterval(POLL).until(condition::getAsBoolean);
  }

  /** Waits until {@code value} returns {@code expected}, and reports the last value otherwise. */
  static <T> void awaitEquals(String what, T expected, Supplier<T> value) {
    Awaitility.await(what)
        .atMost(WAIT)
        .pollInterval(POLL)
        .untilAsserted(() -> assertThat(value.get()).as(what).isEqualTo(expected));
  }

  static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
