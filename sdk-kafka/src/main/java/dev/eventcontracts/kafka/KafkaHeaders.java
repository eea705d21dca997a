package dev.eventcontracts.kafka;

import dev.eventcontracts.pipeline.EventPipeline;
import java.util.List;

/**
 * Every Kafka header name the SDK reads or writes. Header values are UTF-8 strings. The {@code
 * ec-dlq-*} headers are written by {@link KafkaDeadLetterSink} on dead-letter records and removed
 * by {@link DeadLetterReplayer} when it sends a record back.
 */
public final class KafkaHeaders {
  /** Marks a replayed record when its value is {@code true}; set by the replay tooling. */
  public static final String REPLAY = EventPipeline.REPLAY_ATTRIBUTE;

  /** Prefix of CloudEvents binary-mode attributes ({@code ce_id}, {@code ce_type}...). */
  public static final String CLOUDEVENTS_PREFIX = "ce_";

  /** Prefix shared by every dead-letter header. */
  public static final String DLQ_PREFIX = "ec-dlq-";

  /** The reason code: the outcome's name, such as {@code INVALID} or {@code FAILED}. */
  public static final String DLQ_REASON = DLQ_PREFIX + "reason";

  /** Every error message, as a JSON array of strings. */
  public static final String DLQ_ERRORS = DLQ_PREFIX + "errors";

  /** Class name of the handler's exception; only on {@code FAILED} dead letters. */
  public static final String DLQ_EXCEPTION_CLASS = DLQ_PREFIX + "exception-class";

  /** The topic the record was consumed from. */
  public static final String DLQ_ORIGIN_TOPIC = DLQ_PREFIX + "origin-topic";

  /** The partition the record was consumed from. */
  public static final String DLQ_ORIGIN_PARTITION = DLQ_PREFIX + "origin-partition";

  /** The offset the record had in its partition. */
  public static final String DLQ_ORIGIN_OFFSET = DLQ_PREFIX + "origin-offset";

  /** The original record's timestamp, ISO-8601 UTC with milliseconds. */
  public static final String DLQ_ORIGIN_TIMESTAMP = DLQ_PREFIX + "origin-timestamp";

  /** The consumer group that rejected the record. */
  public static final String DLQ_CONSUMER_GROUP = DLQ_PREFIX + "consumer-group";

  /** How many times the handler ran (0 when the record never reached it). */
  public static final String DLQ_ATTEMPTS = DLQ_PREFIX + "attempts";

  /** When the record was dead-lettered, ISO-8601 UTC. */
  public static final String DLQ_DEAD_LETTERED_AT = DLQ_PREFIX + "dead-lettered-at";

  /** The event id, when the envelope could be read. */
  public static final String DLQ_EVENT_ID = DLQ_PREFIX + "event-id";

  /** The event name, when the envelope could be read. */
  public static final String DLQ_EVENT_NAME = DLQ_PREFIX + "event-name";

  /** The event version, when the envelope could be read. */
  public static final String DLQ_EVENT_VERSION = DLQ_PREFIX + "event-version";

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
    return name.startsWith(DLQ_PREFIX);
  }
}
