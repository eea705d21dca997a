package dev.eventcontracts.pubsub;

import static dev.eventcontracts.pubsub.PubSubTestSupport.PROJECT;
import static dev.eventcontracts.pubsub.PubSubTestSupport.host;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.core.ApiFuture;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import dev.eventcontracts.dlq.DeadLetterAttributes;
import dev.eventcontracts.jdbc.JdbcTransactionalStore;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.server.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The crash test on Pub/Sub: seed-000 {@code profile.updated} messages (10% duplicates, 5% stale
 * versions, 2% invalid; 5,000 in the normal build, 20,000 with {@code
 * -Dpubsub.crash.messages=20000} passed to the test JVM, see docs/reliability.md) on one
 * subscription, three subscribers with the transactional PostgreSQL store, killed abruptly ({@link
 * PubSubEventConsumer#kill()}: nothing acked or nacked any more) and replaced several times while
 * the stream is consumed; and the same with 2,000 messages while the PostgreSQL server is stopped
 * for four seconds and started again.
 *
 * <p>The handler applies each event in the pipeline's transaction: an {@code applied} row (primary
 * key event id, so a second application is impossible to miss) and the entity's version, which only
 * moves forwards ({@code UPDATE ... WHERE version < ?}); either anomaly is recorded and fails the
 * test. Afterwards: every unique valid event was applied once, or was stale (a newer version of its
 * entity was applied); every entity ends at its highest version; every invalid event is in the
 * dead-letter topic with reason {@code INVALID}.
 */
@Tag("crash")
class PubSubCrashTest {
  private static final int TOTAL = Integer.getInteger("pubsub.crash.messages", 5_000);
  private static final int OUTAGE_TOTAL = 2_000;
  private static final int SUBSCRIBERS = 3;
  private static final int KILLS = 4;
  private static final Duration CONVERGE = Duration.ofSeconds(180);

  @BeforeAll
  static void server() {
    PubSubTestSupport.server();
  }

  /** What goes wrong while the stream is consumed. */
  enum Fault {
    /** Subscribers killed abruptly and replaced, four times. */
    SUBSCRIBER_KILLS,
    /** The PostgreSQL server stopped for four seconds mid-stream, then started again. */
    POSTGRES_RESTART
  }

  /** One published message and what it is. */
  record Sent(String eventId, String entity, int version, String kind, byte[] bytes) {}

  @ParameterizedTest
  @EnumSource(Fault.class)
  void nothingLostNothingAppliedTwiceNoEntityBackwards(Fault fault) throws Exception {
    int total = fault == Fault.SUBSCRIBER_KILLS ? TOTAL : OUTAGE_TOTAL;
    PostgresServer own = fault == Fault.POSTGRES_RESTART ? PostgresServer.start() : null;
    DataSource dataSource = own != null ? own.dataSource() : PostgresServer.shared().dataSource();
    String schema = "pubsub_crash_" + Long.toHexString(System.nanoTime());
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
      s.execute(
          "CREATE TABLE "
              + schema
              + ".applied (event_id text PRIMARY KEY, entity text NOT NULL, version int NOT NULL,"
              + " consumer text NOT NULL)");
      s.execute(
          "CREATE TABLE "
              + schema
              + ".entity_state (entity text PRIMARY KEY, version int NOT NULL)");
    }
    JdbcTransactionalStore store =
        JdbcTransactionalStore.builder(dataSource)
            .dedupTable(schema + ".event_processed")
            .positionTable(schema + ".entity_position")
            .build();
    store.createSchema();

    List<Sent> stream = stream(total);
    String id = PubSubTestSupport.setUp("crash");
    String topic = TopicName.format(PROJECT, id);
    Queue<String> anomalies = new ConcurrentLinkedQueue<>();
    AtomicInteger generation = new AtomicInteger();
    AtomicInteger retries = new AtomicInteger(); // results that were not final (RETRY)
    List<PubSubEventConsumer> running = new ArrayList<>();
    int kills = 0;
    long start = System.nanoTime();
    try (PubSubDeadLetterSink sink =
        PubSubDeadLetterSink.builder(PROJECT).emulatorHost(host()).build()) {
      for (int i = 0; i < SUBSCRIBERS; i++) {
        running.add(subscriber(store, sink, schema, id, anomalies, generation, retries));
      }
      publish(topic, stream);
      if (own != null) {
        // the stores fail while the server is down: the pipeline answers RETRY (the breaker's
        // delay), the receiver nacks after it, and the redeliveries go through once it is back
        PubSubTestSupport.sleep(1_500);
        own.stop();
        PubSubTestSupport.sleep(4_000);
        own.restart();
      }
      Random random = new Random(0);
      while (own == null && kills < KILLS) {
        PubSubTestSupport.sleep(1_500);
        int victim = random.nextInt(running.size());
        running.get(victim).kill();
        kills++;
        running.set(victim, subscriber(store, sink, schema, id, anomalies, generation, retries));
      }
      Expected expected = expected(stream);
      PubSubTestSupport.await(
          "the database to converge",
          CONVERGE,
          () ->
              applied(dataSource, schema).size() >= expected.mustApply.size()
                  && entityStates(dataSource, schema).equals(expected.finalVersions));
      // the invalid ones are all in the dead-letter topic with their reason (a duplicate of an
      // invalid event, or one whose subscriber was killed after the dead letter and before the
      // ack, is there twice)
      String dlq = com.google.pubsub.v1.ProjectSubscriptionName.format(PROJECT, id + "-dlq-reader");
      List<PubsubMessage> dead = new ArrayList<>();
      Set<String> deadIds = new HashSet<>();
      PubSubTestSupport.await(
          "every invalid event dead-lettered",
          () -> {
            for (PubsubMessage m : PubSubTestSupport.pullOnce(dlq, 1000)) {
              dead.add(m);
              deadIds.add(m.getAttributesOrDefault(DeadLetterAttributes.EVENT_ID, "?"));
            }
            return deadIds.containsAll(expected.invalid);
          });
      assertThat(dead)
          .allSatisfy(
              m ->
                  assertThat(m.getAttributesMap())
                      .containsEntry(DeadLetterAttributes.REASON, "INVALID"));
      assertThat(deadIds).isEqualTo(expected.invalid);

      Map<String, int[]> applied = applied(dataSource, schema);
      // applied at most once each (primary key), only valid unique events, and every event that
      // was not stale when it arrived: those whose version is the entity's highest at least
      assertThat(expected.validIds).containsAll(applied.keySet());
      assertThat(applied.keySet()).containsAll(expected.mustApply);
      // every valid event not applied was stale: its entity holds a newer version
      Map<String, Integer> finalState = entityStates(dataSource, schema);
      for (Sent s : stream) {
        if (s.kind().equals("valid") || s.kind().equals("stale")) {
          if (!applied.containsKey(s.eventId())) {
            assertThat(finalState.get(s.entity())).as(s.eventId()).isGreaterThan(s.version());
          }
        }
      }
      assertThat(anomalies).isEmpty();
      if (own != null) {
        assertThat(retries.get()).as("messages retried while the database was down").isPositive();
      }
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      System.out.printf(
          "pubsub crash test, "
              + fault
              + ": %d messages (%d unique valid, %d duplicates, %d stale, %d invalid),"
              + " %d subscribers, %d kills; applied %d, stale not applied %d, dead letters %d,"
              + " anomalies %d, retries %d, %d s%n",
          stream.size(),
          expected.validIds.size(),
          stream.stream().filter(s -> s.kind().equals("duplicate")).count(),
          stream.stream().filter(s -> s.kind().equals("stale")).count(),
          expected.invalid.size(),
          SUBSCRIBERS,
          kills,
          applied.size(),
          expected.validIds.size() - applied.size(),
          dead.size(),
          anomalies.size(),
          retries.get(),
          seconds);
    } finally {
      for (PubSubEventConsumer c : running) {
        c.close();
      }
      if (own != null) {
        own.close();
      } else {
        try (Connection c = dataSource.getConnection();
            Statement s = c.createStatement()) {
          s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
      }
    }
  }

  private static PubSubEventConsumer subscriber(
      JdbcTransactionalStore store,
      PubSubDeadLetterSink sink,
      String schema,
      String subscription,
      Queue<String> anomalies,
      AtomicInteger generation,
      AtomicInteger retries) {
    String name = "subscriber-" + generation.incrementAndGet();
    EventPipeline pipeline =
        EventPipeline.builder(PubSubTestSupport.recruiting())
            .owner(name)
            .transactionalStore(store)
            .inProgressDelay(Duration.ofMillis(200))
            .deadLetterSink(sink)
            .handler(
                HandlerBinding.ofJson(
                    "profile.updated",
                    (JsonNode payload, dev.eventcontracts.pipeline.EventContext ctx) -> {
                      Connection c = ctx.connection();
                      String entity = payload.path("candidate_id").asText();
                      int version = payload.path("profile_version").asInt();
                      String eventId = ctx.envelope().eventId();
                      try (PreparedStatement insert =
                          c.prepareStatement(
                              "INSERT INTO "
                                  + schema
                                  + ".applied VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                        insert.setString(1, eventId);
                        insert.setString(2, entity);
                        insert.setInt(3, version);
                        insert.setString(4, name);
                        if (insert.executeUpdate() == 0) {
                          anomalies.add("applied twice: " + eventId);
                          throw new AssertionError("applied twice: " + eventId);
                        }
                      }
                      try (PreparedStatement up =
                          c.prepareStatement(
                              "INSERT INTO "
                                  + schema
                                  + ".entity_state VALUES (?, ?) ON CONFLICT (entity) DO UPDATE"
                                  + " SET version = EXCLUDED.version"
                                  + " WHERE entity_state.version < EXCLUDED.version")) {
                        up.setString(1, entity);
                        up.setInt(2, version);
                        if (up.executeUpdate() == 0) {
                          anomalies.add("backwards: " + entity + " to v" + version);
                          throw new AssertionError("entity moved backwards: " + entity);
                        }
                      }
                    }))
            .build();
    PubSubEventConsumer consumer =
        PubSubEventConsumer.builder(pipeline)
            .subscription(PROJECT, subscription)
            .emulatorHost(host())
            .concurrency(2)
            .flowControl(200, 10_000_000)
            .closeTimeout(Duration.ofSeconds(10))
            .onResult(
                r -> {
                  if (!r.acknowledged()) {
                    retries.incrementAndGet();
                  }
                })
            .build();
    consumer.start();
    return consumer;
  }

  /** The stream: mostly fresh versions per entity, with duplicates, stale versions and invalids. */
  private static List<Sent> stream(int total) {
    RecruitingEvents events = RecruitingEvents.withSeed(0);
    Random random = new Random(20_000);
    int entities = Math.max(50, total / 20);
    int[] versions = new int[entities];
    List<Sent> out = new ArrayList<>(total);
    while (out.size() < total) {
      int roll = random.nextInt(100);
      int e = random.nextInt(entities);
      String entity = "cand_crash_" + e;
      if (roll < 10 && !out.isEmpty()) {
        Sent original = out.get(random.nextInt(out.size()));
        out.add(
            new Sent(
                original.eventId(),
                original.entity(),
                original.version(),
                "duplicate",
                original.bytes()));
      } else if (roll < 15 && versions[e] >= 2) {
        // a new event with an older version of an entity that has newer ones already published
        ObjectNode stale = events.withNewEventId(events.profileUpdated(entity, versions[e] - 1));
        out.add(sent(stale, entity, versions[e] - 1, "stale"));
      } else if (roll < 17) {
        ObjectNode invalid =
            RecruitingEvents.withoutPayloadField(
                events.withNewEventId(events.profileUpdated(entity, 1)), "candidate_id");
        out.add(sent(invalid, entity, 0, "invalid"));
      } else {
        versions[e]++;
        out.add(sent(events.profileUpdated(entity, versions[e]), entity, versions[e], "valid"));
      }
    }
    return out;
  }

  private static Sent sent(ObjectNode event, String entity, int version, String kind) {
    return new Sent(
        event.path("event_id").asText(), entity, version, kind, RecruitingEvents.bytes(event));
  }

  /** What the stream must come to. */
  record Expected(
      Set<String> validIds,
      Set<String> mustApply,
      Set<String> invalid,
      Map<String, Integer> finalVersions) {}

  private static Expected expected(List<Sent> stream) {
    Set<String> valid = new HashSet<>();
    Set<String> invalid = new HashSet<>();
    Map<String, Integer> max = new HashMap<>();
    Map<String, String> maxEvent = new HashMap<>();
    for (Sent s : stream) {
      if (s.kind().equals("invalid")) {
        invalid.add(s.eventId());
      } else if (!s.kind().equals("duplicate")) {
        valid.add(s.eventId());
        if (s.version() > max.getOrDefault(s.entity(), 0)) {
          max.put(s.entity(), s.version());
          maxEvent.put(s.entity(), s.eventId());
        }
      }
    }
    return new Expected(valid, new HashSet<>(maxEvent.values()), invalid, max);
  }

  private static void publish(String topic, List<Sent> stream) throws Exception {
    Publisher publisher =
        Publisher.newBuilder(topic)
            .setChannelProvider(PubSubTestSupport.channels())
            .setCredentialsProvider(com.google.api.gax.core.NoCredentialsProvider.create())
            .setBatchingSettings(
                com.google.api.gax.batching.BatchingSettings.newBuilder()
                    .setElementCountThreshold(500L)
                    .setRequestByteThreshold(1_000_000L)
                    .setDelayThresholdDuration(Duration.ofMillis(20))
                    .build())
            .build();
    try {
      List<ApiFuture<String>> pending = new ArrayList<>();
      for (Sent s : stream) {
        pending.add(
            publisher.publish(
                PubsubMessage.newBuilder().setData(ByteString.copyFrom(s.bytes())).build()));
        if (pending.size() == 2_000) {
          for (ApiFuture<String> f : pending) {
            f.get(120, TimeUnit.SECONDS);
          }
          pending.clear();
        }
      }
      for (ApiFuture<String> f : pending) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      publisher.shutdown();
      publisher.awaitTermination(30, TimeUnit.SECONDS);
    }
  }

  private static Map<String, int[]> applied(DataSource dataSource, String schema) {
    Map<String, int[]> out = new HashMap<>();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT event_id, version FROM " + schema + ".applied")) {
      while (rs.next()) {
        out.put(rs.getString(1), new int[] {rs.getInt(2)});
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static Map<String, Integer> entityStates(DataSource dataSource, String schema) {
    Map<String, Integer> out = new HashMap<>();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT entity, version FROM " + schema + ".entity_state")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getInt(2));
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
