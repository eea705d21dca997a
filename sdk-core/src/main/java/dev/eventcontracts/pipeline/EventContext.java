package dev.eventcontracts.pipeline;

import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.envelope.Origin;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a handler knows about the event it handles, besides the payload. Values that may be absent
 * are {@code null}, as in every value the SDK hands out.
 */
public final class EventContext {
  private final Envelope envelope;
  private final EventContract contract;
  private final Origin origin;
  private final boolean replay;
  private final int deliveryAttempt;
  private final String idempotencyKey;
  private final String entity;
  private final Long entityVersion;
  private final @Nullable TransactionWrites writes;

  EventContext(
      Envelope envelope,
      EventContract contract,
      Origin origin,
      boolean replay,
      int deliveryAttempt,
      String idempotencyKey,
      String entity,
      Long entityVersion,
      @Nullable TransactionWrites writes) {
    this.envelope = envelope;
    this.contract = contract;
    this.origin = origin;
    this.replay = replay;
    this.deliveryAttempt = deliveryAttempt;
    this.idempotencyKey = idempotencyKey;
    this.entity = entity;
    this.entityVersion = entityVersion;
    this.writes = writes;
  }

  /** The normalized envelope. */
  public Envelope envelope() {
    return envelope;
  }

  /** The contract the event was validated against. */
  public EventContract contract() {
    return contract;
  }

  /** Where the message came from. */
  public Origin origin() {
    return origin;
  }

  /** True when the transport marked the message {@code replay=true}. */
  public boolean replay() {
    return replay;
  }

  /** Which delivery this is, from 1. */
  public int deliveryAttempt() {
    return deliveryAttempt;
  }

  /** Transport attributes (Kafka headers, Pub/Sub attributes). */
  public Map<String, String> attributes() {
    return envelope.attributes();
  }

  /** The idempotency key the event was deduplicated by (tenant-scoped). */
  public String idempotencyKey() {
    return idempotencyKey;
  }

  /**
   * The entity the event orders against, or {@code null} when its contract has no ordering rule.
   */
  public String entity() {
    return entity;
  }

  /**
   * The event's entity version (or timestamp position), or {@code null} when its contract has no
   * ordering rule.
   */
  public Long entityVersion() {
    return entityVersion;
  }

  /**
   * The open transaction's connection in transactional mode, or {@code null} outside it: write side
   * effects through it so they commit together with the idempotency key and the entity version. Do
   * not commit or close it.
   */
  public @Nullable Connection connection() {
    return writes == null ? null : writes.connection();
  }

  /**
   * In transactional mode, the transaction's batch for {@code sql}, to add this event's rows to:
   * they are sent with the other handlers' rows in one {@code executeBatch} before the transaction
   * commits, instead of a round trip per event, and commit or roll back with the keys and positions
   * (see {@link StatementBatch}).
   *
   * <pre>{@code
   * context.batch("INSERT INTO shipment (event_key, weight) VALUES (?, ?)")
   *     .add(row -> {
   *       row.setString(1, context.idempotencyKey());
   *       row.setInt(2, payload.weight());
   *     });
   * }</pre>
   *
   * @throws IllegalStateException outside transactional mode
   * @throws SQLException when the statement cannot be prepared
   */
  public StatementBatch batch(String sql) throws SQLException {
    if (writes == null) {
      throw new IllegalStateException("batched writes need transactional mode");
    }
    return writes.batch(Objects.requireNonNull(sql, "sql"));
  }
}
