package dev.eventcontracts.pubsub;

import static dev.eventcontracts.pubsub.PubSubTestSupport.PROJECT;
import static dev.eventcontracts.pubsub.PubSubTestSupport.await;
import static dev.eventcontracts.pubsub.PubSubTestSupport.host;
import static dev.eventcontracts.pubsub.PubSubTestSupport.publish;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.pubsub.v1.TopicName;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.jdbc.JdbcDedupStore;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.server.PostgresServer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two subscribers on one subscription, each with its own pipeline, sharing a PostgreSQL dedup
 * store: every unique event has one side effect, although duplicates are published and the two
 * subscribers receive them concurrently.
 */
class TwoSubscribersPostgresTest {
  @BeforeAll
  static void server() {
    PubSubTestSupport.server();
  }

  @Test
  void oneSideEffectPerUniqueEvent() throws Exception {
    DataSource dataSource = PostgresServer.shared().dataSource();
    String table = "pubsub_dedup_" + Long.toHexString(System.nanoTime());
    JdbcDedupStore store = JdbcDedupStore.builder(dataSource).table(table).build();
    store.createSchema();
    String id = PubSubTestSupport.setUp("two-subscribers");
    String topic = TopicName.format(PROJECT, id);
    RecruitingEvents events = RecruitingEvents.withSeed(31);
    List<ObjectNode> unique = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      unique.add(events.event(i % 2 == 0 ? "packet.ready" : "qa.submitted", 1000 + i));
    }
    Set<String> uniqueIds =
        unique.stream().map(e -> e.path("event_id").asText()).collect(Collectors.toSet());
    int published = unique.size() + unique.size() / 5;

    List<String> sideEffects = new CopyOnWriteArrayList<>();
    Map<String, AtomicInteger> bySubscriber = new ConcurrentHashMap<>();
    List<ProcessingResult> finals = new CopyOnWriteArrayList<>();
    List<PubSubEventConsumer> consumers = new ArrayList<>();
    try (PubSubDeadLetterSink sink =
        PubSubDeadLetterSink.builder(PROJECT).emulatorHost(host()).build()) {
      for (String name : List.of("subscriber-a", "subscriber-b")) {
        EventPipeline.Builder b =
            EventPipeline.builder(PubSubTestSupport.recruiting())
                .owner(name)
                .dedupStore(store)
                .inProgressDelay(Duration.ofMillis(100))
                .deadLetterSink(sink);
        Set<String> names = new LinkedHashSet<>();
        for (EventContract c : PubSubTestSupport.recruiting().contracts()) {
          names.add(c.name());
        }
        for (String event : names) {
          b.handler(
              HandlerBinding.ofJson(
                  event,
                  (payload, ctx) -> {
                    sideEffects.add(ctx.envelope().eventId());
                    bySubscriber.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                  }));
        }
        PubSubEventConsumer consumer =
            PubSubEventConsumer.builder(b.build())
                .subscription(PROJECT, id)
                .emulatorHost(host())
                .concurrency(2)
                .flowControl(20, 10_000_000) // small, so both subscribers get messages
                .onResult(
                    r -> {
                      if (r.acknowledged()) {
                        finals.add(r);
                      }
                    })
                .build();
        consumers.add(consumer);
        consumer.start();
      }
      // published while both run, so that both get messages (a stream takes up to 100 at once)
      for (int i = 0; i < unique.size(); i++) {
        publish(topic, unique.get(i).toString());
        if (i % 5 == 0) {
          publish(topic, unique.get(i).toString()); // every fifth event twice, back to back
        }
      }
      await("every message final", Duration.ofSeconds(60), () -> finals.size() >= published);
    } finally {
      consumers.forEach(PubSubEventConsumer::close);
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.execute("DROP TABLE " + table);
      }
    }
    assertThat(new HashSet<>(sideEffects)).isEqualTo(uniqueIds);
    assertThat(sideEffects).hasSize(uniqueIds.size()); // none twice
    assertThat(finals.stream().filter(r -> r.outcome() == Outcome.PROCESSED)).hasSize(200);
    assertThat(finals.stream().filter(r -> r.outcome() == Outcome.DUPLICATE))
        .hasSize(published - 200);
    // both took part (each handled some events; the split depends on timing)
    assertThat(bySubscriber.keySet()).containsExactlyInAnyOrder("subscriber-a", "subscriber-b");
  }
}
