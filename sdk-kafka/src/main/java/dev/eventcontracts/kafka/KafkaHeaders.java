package dev.eventcontracts.kafka;

import dev.eventcontracts.dlq.DeadLetterAttributes;
import java.util.List;

/**
 * Every Kafka header name the SDK reads or writes. Header values are UTF-8 strings. The {@code
 * ec-dlq-*} names are shared with the Pub/Sub adapter and defined in {@link DeadLetterAttributes};
 * they are written by {@link KafkaDeadLetterSink} on dead-letter records and removed by {@link
 * DeadLetterReplayer} when it sends a record back.
 */
public final class KafkaHeaders {
  /** Marks a replayed record when its value is {@code true}; set by the replay tooling. */
  public static final String REPLAY = DeadLetterAttributes.REPLAY;

  /** Prefix of CloudEvents binary-mode attributes ({@code ce_id}, {@code ce_type}...). */
  public static final String CLOUDEVENTS_PREFIX = "ce_";

  /** Prefix shared by every dead-letter header. */
  public static final String DLQ_PREFIX = DeadLetterAttributes.PREFIX;

  /** The reason code: the outcome's name, such as {@code INVALID} or {@code FAILED}. */
  public static final String DLQ_REASON = DeadLetterAttributes.REASON;

  /** Every error message, as a JSON array of strings. */
  public static final String DLQ_ERRORS = DeadLetterAttributes.ERRORS;

  /** Class name of the handler's exception; only on {@code FAILED} dead letters. */
  public static final String DLQ_EXCEPTION_CLASS = DeadLetterAttributes.EXCEPTION_CLASS;

  /** The topic the record was consumed from. */
  public static final String DLQ_ORIGIN_TOPIC = DeadLetterAttributes.ORIGIN_TOPIC;

  /** The partition the record was consumed from. */
  public static final String DLQ_ORIGIN_PARTITION = DeadLetterAttributes.ORIGIN_PARTITION;

  /** The offset the record had in its partition. */
  public static final String DLQ_ORIGIN_OFFSET = DeadLetterAttributes.ORIGIN_OFFSET;

  /** The original record's timestamp, ISO-8601 UTC with milliseconds. */
  public static final String DLQ_ORIGIN_TIMESTAMP = DeadLetterAttributes.ORIGIN_TIMESTAMP;

  /** The consumer group that rejected the record. */
  public static final String DLQ_CONSUMER_GROUP = DeadLetterAttributes.CONSUMER_GROUP;

  /** How many times the handler ran (0 when the record never reached it). */
  public static final String DLQ_ATTEMPTS = DeadLetterAttributes.ATTEMPTS;

  /** When the record was dead-lettered, ISO-8601 UTC. */
  public static final String DLQ_DEAD_LETTERED_AT = DeadLetterAttributes.DEAD_LETTERED_AT;

  /** The event id, when the envelope could be read. */
  public static final String DLQ_EVENT_ID = DeadLetterAttributes.EVENT_ID;

  /** The event name, when the envelope could be read. */
  public static final String DLQ_EVENT_NAME = DeadLetterAttributes.EVENT_NAME;

  /** The event version, when the envelope could be read. */
  public static final String DLQ_EVENT_VERSION = DeadLetterAttributes.EVENT_VERSION;

  /** Every dead-letter header, in the order the sink writes them. */
  public static final List<String> DLQ_HEADERS =
      List.of(
          DLQ_REASON,
          DLQ_ERRORS,
          DLQ_EXCEPTION_CLASS,
          DLQ_ORIGIN_TOPIC,
          DLQ_ORIGIN_PARTITION,
          DLQ_ORIGIN_OFFSET,
          DLQ_ORIGIN_TIMESTAMP,
          DLQ_CONSUMER_GROUP,
          DLQ_ATTEMPTS,
          DLQ_DEAD_LETTERED_AT,
          DLQ_EVENT_ID,
          DLQ_EVENT_NAME,
          DLQ_EVENT_VERSION);

  private KafkaHeaders() {}

  /** True for the headers the dead-letter sink writes (every name starting {@code ec-dlq-}). */
  public static boolean isDeadLetterHeader(String name) {
    return DeadLetterAttributes.isDeadLetterAttribute(name);
  }
}
