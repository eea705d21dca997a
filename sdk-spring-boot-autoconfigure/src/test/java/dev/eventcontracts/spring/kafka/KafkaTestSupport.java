package dev.eventcontracts.spring.kafka;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.spring.boot.EventHandlerMethod;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The stream both Kafka tests publish, the handler they run, and offset checks. */
public final class KafkaTestSupport {

  private KafkaTestSupport() {}

  /** The payload fields the handler needs. */
  public record Profile(
      @JsonProperty("candidate_id") String candidateId,
      @JsonProperty("profile_version") long profileVersion) {}

  /**
   * Applies profiles; {@code cand_flaky} fails twice before it succeeds, {@code cand_broken} always
   * fails.
   */
  public static class Profiles {
    public final List<Profile> applied = new CopyOnWriteArrayList<>();
    public final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @EventHandlerMethod(event = "profile.updated")
    void on(Profile profile) {
      int call =
          calls.computeIfAbsent(profile.candidateId(), c -> new AtomicInteger()).incrementAndGet();
      if (profile.candidateId().equals("cand_broken")
          || (profile.candidateId().equals("cand_flaky") && call <= 2)) {
        throw new IllegalStateException("projection unavailable");
      }
      applied.add(profile);
    }
  }

  /**
   * Seven records: a profile, its duplicate, an older version (stale), an invalid event, bytes that
   * are not JSON, a profile whose handler fails twice, and one whose handler always fails.
   */
  public static List<byte[]> stream() {
    RecruitingEvents events = RecruitingEvents.withSeed(7);
    ObjectNode invalid =
        RecruitingEvents.withoutPayloadField(events.profileUpdated("cand_9", 1), "candidate_id");
    List<byte[]> values = new ArrayList<>();
    values.add(RecruitingEvents.bytes(events.profileUpdated("cand_1", 2)));
    values.add(RecruitingEvents.bytes(events.profileUpdated("cand_1", 2)));
    values.add(RecruitingEvents.bytes(events.profileUpdated("cand_1", 1)));
    values.add(RecruitingEvents.bytes(invalid));
    values.add("not json".getBytes(StandardCharsets.UTF_8));
    values.add(RecruitingEvents.bytes(events.profileUpdated("cand_flaky", 1)));
    values.add(RecruitingEvents.bytes(events.profileUpdated("cand_broken", 1)));
    return values;
  }

  public static void publish(String bootstrap, String topic, List<byte[]> values) {
    Properties settings = new Properties();
    settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings)) {
      for (byte[] value : values) {
        producer.send(new ProducerRecord<>(topic, 0, "k".getBytes(StandardCharsets.UTF_8), value));
      }
      producer.flush();
    }
  }

  /** The group's committed offset of partition 0, or -1. */
  public static long committed(String bootstrap, String group, String topic) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, 0));
      return offset == null ? -1 : offset.offset();
    }
  }
}
