package dev.eventcontracts.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import dev.eventcontracts.examples.spring.RecruitingStream.StreamRecord;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.spring.boot.KafkaConsumerLifecycle;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.server.EmbeddedKafkaBroker;
import dev.eventcontracts.testing.server.PostgresServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Boots the example service on the in-JVM broker and embedded PostgreSQL, publishes the demo's
 * stream and checks every outcome (through the MeterRegistry), the dead-letter topic, the
 * projections, the health indicator, one span per handled event in its producer's trace, and a
 * graceful shutdown with messages in flight: nothing lost, nothing handled twice.
 */
class RecruitingConsumerEndToEndTest {
  static final List<MutableSpan> SPANS = new CopyOnWriteArrayList<>();

  /** Collects the spans Brave reports (Spring Boot adds SpanHandler beans to its Tracing). */
  @Configuration(proxyBeanMethods = false)
  static class SpanCapture {
    @Bean
    SpanHandler capturingSpanHandler() {
      return new SpanHandler() {
        @Override
        public boolean end(TraceContext context, MutableSpan span, Cause cause) {
          SPANS.add(span);
          return true;
        }
      };
    }
  }

  private final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.shared();
  private final PostgresServer postgres = PostgresServer.shared();
  private final String topic = "recruiting-e2e-" + UUID.randomUUID();
  private final String group = "recruiting-e2e-" + UUID.randomUUID();

  private ConfigurableApplicationContext boot(Map<String, Object> extra) {
    Map<String, Object> properties = new HashMap<>(LocalRun.properties(broker, postgres));
    properties.put("eventcontracts.kafka.topics", topic);
    properties.put("eventcontracts.kafka.group-id", group);
    properties.putAll(extra);
    // as command-line arguments, which win over application.properties
    String[] args =
        properties.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    return new SpringApplicationBuilder(RecruitingConsumerApplication.class, SpanCapture.class)
        .run(args);
  }

  @Test
  void theServiceHandlesTheDemoStreamAndStopsGracefully() throws Exception {
    broker.createTopic(topic, 1);
    broker.createTopic(topic + ".dlq", 1);
    JdbcTemplate jdbc = new JdbcTemplate(postgres.dataSource());
    RecruitingProjections.SCHEMA.forEach(jdbc::execute);
    jdbc.execute("TRUNCATE candidate_profiles, jobs, invites, applied_events");
    List<StreamRecord> stream = RecruitingStream.build();
    RecruitingStream.publish(broker.bootstrapServers(), topic, stream);

    try (ConfigurableApplicationContext app = boot(Map.of())) {
      MeterRegistry meters = app.getBean(MeterRegistry.class);
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> LocalRun.finalOutcomes(meters) >= stream.size());
      await().atMost(Duration.ofSeconds(30)).until(() -> committed() == stream.size());

      // every outcome, counted by the pipeline on the application's MeterRegistry
      RecruitingStream.expectedCounts(stream)
          .forEach(
              (outcome, expected) ->
                  assertThat(LocalRun.count(meters, outcome))
                      .as(outcome.name())
                      .isEqualTo(expected.doubleValue()));
      assertThat(LocalRun.finalOutcomes(meters)).isEqualTo((double) stream.size());
      assertThat(meters.get("eventcontracts.retries").tag("outcome", "FAILED").counter().count())
          .isEqualTo(2.0);

      // the dead letters, on the dead-letter topic with their reasons
      assertThat(deadLetterReasons())
          .containsExactlyInAnyOrder(
              "FAILED", "INVALID", "UNSUPPORTED_VERSION", "UNKNOWN_EVENT", "MALFORMED");

      // the projections: the newest versions only, each event applied once
      assertThat(
              jdbc.queryForObject(
                  "SELECT profile_version FROM candidate_profiles WHERE candidate_id = 'cand_ada'",
                  Long.class))
          .isEqualTo(3L);
      assertThat(
              jdbc.queryForObject(
                  "SELECT job_version FROM jobs WHERE job_id = 'job_rust'", Long.class))
          .isEqualTo(4L);
      assertThat(jdbc.queryForObject("SELECT count(*) FROM invites", Long.class)).isZero();
      assertThat(
              jdbc.queryForObject(
                  "SELECT count(DISTINCT event_id) = count(*) AND count(*) = 15 FROM applied_events",
                  Boolean.class))
          .isTrue();

      // the health indicator
      Health health = app.getBean("eventContractsHealthIndicator", HealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails())
          .containsEntry("consumer", "running")
          .containsEntry(
              "breakers", Map.of("deadletter", "closed", "dedup", "closed", "ordering", "closed"))
          .containsKey("lastFailure");

      // one span per handled event, in its producer's trace; none for what was not handled
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> handlerSpans().size() == 15 + 3); // 15 handled, the invite's 3 attempts
      for (StreamRecord record : stream) {
        List<MutableSpan> spans =
            handlerSpans().stream().filter(s -> s.traceId().equals(record.traceId())).toList();
        switch (record.expected()) {
          case PROCESSED ->
              assertThat(spans)
                  .as(record.story())
                  .singleElement()
                  .satisfies(
                      s -> {
                        assertThat(s.parentId()).isEqualTo(record.spanId());
                        assertThat(s.tags()).containsEntry("result", "success");
                      });
          case FAILED ->
              assertThat(spans)
                  .as(record.story())
                  .hasSize(3)
                  .allSatisfy(s -> assertThat(s.tags()).containsEntry("result", "failure"));
          default -> assertThat(spans).as(record.story()).isEmpty();
        }
      }
    }

    // graceful shutdown with messages in flight: slow handlers, stop after a few
    List<byte[]> more = new ArrayList<>();
    RecruitingEvents events = RecruitingEvents.withSeed(99);
    for (int i = 0; i < 30; i++) {
      more.add(RecruitingEvents.bytes(events.profileUpdated("cand_g" + i, 1)));
    }
    publishValues(more);
    int end = stream.size() + more.size();
    ConfigurableApplicationContext slow =
        boot(
            Map.of(
                "recruiting.handler-delay-millis", "100", "eventcontracts.kafka.max-batch", "5"));
    KafkaConsumerLifecycle lifecycle = slow.getBean(KafkaConsumerLifecycle.class);
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> countGraceful(jdbc) >= 3);
    } finally {
      slow.close(); // a handler is running or about to: it finishes, its offset is committed
    }
    assertThat(lifecycle.isRunning()).isFalse();
    long handledBeforeStop = countGraceful(jdbc);
    assertThat(handledBeforeStop).isLessThan(30);
    assertThat(committed()).isEqualTo(stream.size() + handledBeforeStop);

    try (ConfigurableApplicationContext app = boot(Map.of())) {
      assertThat(app.getBean(KafkaConsumerLifecycle.class).isRunning()).isTrue();
      await().atMost(Duration.ofSeconds(60)).until(() -> committed() == end);
      assertThat(countGraceful(jdbc)).isEqualTo(30);
      // each of the 30 applied exactly once across the two instances
      assertThat(
              jdbc.queryForList(
                  "SELECT event_id FROM applied_events WHERE event_name = 'profile.updated'"
                      + " GROUP BY event_id HAVING count(*) > 1"))
          .isEmpty();
    }
  }

  private static List<MutableSpan> handlerSpans() {
    return SPANS.stream().filter(s -> s.tags().containsKey("event")).toList();
  }

  private static long countGraceful(JdbcTemplate jdbc) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM candidate_profiles WHERE candidate_id LIKE 'cand_g%'", Long.class);
  }

  private void publishValues(List<byte[]> values) {
    List<StreamRecord> records = new ArrayList<>();
    for (byte[] value : values) {
      records.add(
          new StreamRecord(
              "k",
              value,
              Map.of("traceparent", "00-" + "1".repeat(32) + "-" + "2".repeat(16) + "-01"),
              Outcome.PROCESSED,
              "graceful"));
    }
    RecruitingStream.publish(broker.bootstrapServers(), topic, records);
  }

  private long committed() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      OffsetAndMetadata offset =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get()
              .get(new TopicPartition(topic, 0));
      return offset == null ? -1 : offset.offset();
    }
  }

  private List<String> deadLetterReasons() {
    Map<String, Object> settings =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            group + "-dlq-reader",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class);
    List<String> reasons = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings)) {
      consumer.subscribe(List.of(topic + ".dlq"));
      long deadline = System.currentTimeMillis() + 30_000;
      while (reasons.size() < 5 && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          reasons.add(
              new String(r.headers().lastHeader("ec-dlq-reason").value(), StandardCharsets.UTF_8));
        }
      }
    }
    return reasons;
  }
}
