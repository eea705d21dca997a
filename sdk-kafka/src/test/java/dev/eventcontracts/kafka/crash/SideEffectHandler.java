package dev.eventcontracts.kafka.crash;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.pipeline.EventContext;
import dev.eventcontracts.pipeline.EventHandler;
import dev.eventcontracts.pipeline.StatementBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The crash test's handler: applies an event as a side effect in the pipeline's transaction (the
 * connection of {@link EventContext#connection()}) and checks, in SQL, the two things that must
 * never happen:
 *
 * <ul>
 *   <li><b>a second application</b>: the {@code applied} row is inserted with {@code ON CONFLICT DO
 *       NOTHING}; no row inserted means the event's effect is already committed. For half of the
 *       keys ({@link #batched}) the row goes into the transaction's {@link StatementBatch} instead,
 *       without {@code ON CONFLICT}: a second application breaks the primary key when the batch is
 *       sent, and the event ends in the dead-letter topic, which the test's model forbids for a
 *       valid event;
 *   <li><b>an entity moving backwards</b>: {@code entity_state} only moves with {@code UPDATE ...
 *       WHERE version < ?}; no row updated and no row inserted means the entity already has this
 *       version or a newer one.
 * </ul>
 *
 * Either one is recorded in {@code anomalies} (in memory, so a rollback cannot hide it) and fails
 * the handler with an {@link AssertionError}, which rolls the transaction back and dead-letters the
 * event as {@code FAILED}: the state is never corrupted, and the test fails loudly.
 *
 * <p>Two faults can be injected, both after the writes, while the transaction is open:
 *
 * <ul>
 *   <li><b>a crash between the side effect and the commit</b>: on the first delivery of the events
 *       whose idempotency key hashes below {@code failurePerMille} (of 1000), the handler throws
 *       after writing. The transaction must roll the writes back, and the retry must find nothing
 *       applied;
 *   <li><b>a stall</b> ({@link #stallOnce}): the next call sleeps after writing, holding the key
 *       and the entity lock uncommitted. Longer than {@code max.poll.interval.ms}, it gets the
 *       consumer expelled from the group while it still works: a zombie that, once awake, finishes
 *       its poll batch at the same time as the partitions' new owner.
 * </ul>
 */
final class SideEffectHandler implements EventHandler<JsonNode> {
  private final String schema;
  private final String consumer;
  private final Queue<String> anomalies;
  private final AtomicLong calls;
  private final int failurePerMille;
  private final AtomicLong injectedFailures;
  private final AtomicLong batchedCalls;
  private final AtomicBoolean stallTaken = new AtomicBoolean(true);
  private volatile long stallMillis;
  private volatile boolean zombie;
  private volatile boolean stalling;

  SideEffectHandler(
      String schema,
      String consumer,
      Queue<String> anomalies,
      AtomicLong calls,
      int failurePerMille,
      AtomicLong injectedFailures,
      AtomicLong batchedCalls) {
    this.schema = schema;
    this.consumer = consumer;
    this.anomalies = anomalies;
    this.calls = calls;
    this.failurePerMille = failurePerMille;
    this.injectedFailures = injectedFailures;
    this.batchedCalls = batchedCalls;
  }

  /** Makes the next call sleep {@code millis} after its writes, once. */
  void stallOnce(long millis) {
    stallMillis = millis;
    stallTaken.set(false);
  }

  /** True from the end of a stall until the consumer's next rebalance callback. */
  boolean zombie() {
    return zombie;
  }

  /** True from the moment a stall is asked for until the consumer learns it was expelled. */
  boolean busy() {
    return stalling || zombie || !stallTaken.get();
  }

  /**
   * Called by the consumer's rebalance listener: the consumer knows where it stands again.
   *
   * @return true when this ended a zombie's time (the first callback after a stall)
   */
  boolean rebalanced(String callback) {
    if (zombie) {
      zombie = false;
      log("learns of the rebalance (" + callback + ")");
      return true;
    }
    return false;
  }

  private void log(String what) {
    System.out.printf(
        java.util.Locale.ROOT, "%tT.%<tL %s %s%n", System.currentTimeMillis(), consumer, what);
  }

  /** Whether this event fails once after its writes: a fixed share of keys, by hash. */
  static boolean failsOnce(String key, int perMille) {
    return Math.floorMod(key.hashCode() * 0x9E3779B1, 1000) < perMille;
  }

  /**
   * Whether this event's {@code applied} row goes into the transaction's {@link StatementBatch}
   * rather than being inserted at once: half of the keys, by hash, so one run covers both.
   */
  static boolean batched(String key) {
    return Math.floorMod(key.hashCode() * 0x85EBCA6B, 2) == 0;
  }

  @Override
  public void handle(JsonNode payload, EventContext context) throws Exception {
    calls.incrementAndGet();
    Connection connection = context.connection();
    if (connection == null) {
      throw new AssertionError("no transaction: not in transactional mode");
    }
    String event = context.envelope().eventName();
    String entity =
        payload.has("candidate_id")
            ? payload.get("candidate_id").asText()
            : payload.get("job_id").asText();
    Long version = context.entityVersion();
    if (version == null) {
      throw new AssertionError("no entity version for " + event);
    }
    String key = context.idempotencyKey();

    String insertApplied =
        "INSERT INTO "
            + schema
            + ".applied (event_key, event_name, entity, version, event_id, source_partition,"
            + " source_offset, consumer, delivery_attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    StatementBatch.Row applied =
        row -> {
          row.setString(1, key);
          row.setString(2, event);
          row.setString(3, entity);
          row.setLong(4, version);
          row.setString(5, context.envelope().eventId());
          row.setInt(6, context.origin().partition());
          row.setLong(7, context.origin().offset());
          row.setString(8, consumer);
          row.setInt(9, context.deliveryAttempt());
        };
    if (batched(key)) {
      // sent before the commit; no ON CONFLICT: a second application breaks the primary key, and
      // the event is retried, then dead-lettered, which the expected model does not allow
      context.batch(insertApplied).add(applied);
      batchedCalls.incrementAndGet();
    } else {
      try (PreparedStatement insert =
          connection.prepareStatement(insertApplied + " ON CONFLICT (event_key) DO NOTHING")) {
        applied.set(insert);
        if (insert.executeUpdate() != 1) {
          throw anomaly("applied twice: " + key + " (event " + context.envelope().eventId() + ")");
        }
      }
    }

    String stateKey = event + "/" + entity;
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE "
                + schema
                + ".entity_state SET version = ? WHERE entity = ? AND version < ?")) {
      update.setLong(1, version);
      update.setString(2, stateKey);
      update.setLong(3, version);
      if (update.executeUpdate() == 1) {
        afterWrites(context, key);
        return;
      }
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO "
                + schema
                + ".entity_state (entity, version) VALUES (?, ?) ON CONFLICT (entity) DO NOTHING")) {
      insert.setString(1, stateKey);
      insert.setLong(2, version);
      if (insert.executeUpdate() != 1) {
        throw anomaly(
            "entity moved backwards: "
                + stateKey
                + " to version "
                + version
                + " (key "
                + key
                + ")");
      }
    }
    afterWrites(context, key);
  }

  /** The injected faults, while the writes are uncommitted. */
  private void afterWrites(EventContext context, String key) throws InterruptedException {
    if (!stallTaken.getAndSet(true)) {
      stalling = true;
      log(
          "stalls in "
              + key
              + " at "
              + context.origin().partition()
              + "@"
              + context.origin().offset());
      Thread.sleep(stallMillis);
      zombie = true;
      stalling = false;
      log("wakes up and commits " + key);
    }
    if (context.deliveryAttempt() == 1 && failsOnce(key, failurePerMille)) {
      injectedFailures.incrementAndGet();
      throw new IllegalStateException("injected crash after the side effects of " + key);
    }
  }

  private AssertionError anomaly(String what) {
    String line = consumer + ": " + what;
    anomalies.add(line);
    return new AssertionError(line);
  }
}
