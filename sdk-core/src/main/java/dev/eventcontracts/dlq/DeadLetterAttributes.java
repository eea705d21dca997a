package dev.eventcontracts.dlq;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventcontracts.envelope.Origin;
import dev.eventcontracts.pipeline.EventPipeline;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ec-dlq-*} attribute names that every dead-letter sink writes (Kafka headers, Pub/Sub
 * attributes), the transport-neutral part of their values, and the replay rule: a replayed message
 * keeps its value and attributes but loses every {@code ec-dlq-*} attribute and gains {@code
 * replay=true}. Values are UTF-8 strings.
 */
public final class DeadLetterAttributes {
  /** Marks a replayed message when its value is {@code true}; read only from attributes. */
  public static final String REPLAY = EventPipeline.REPLAY_ATTRIBUTE;

  /** Prefix shared by every dead-letter attribute. */
  public static final String PREFIX = "ec-dlq-";

  /** The reason code: the outcome's name, such as {@code INVALID} or {@code FAILED}. */
  public static final String REASON = PREFIX + "reason";

  /** Every error message (one per violation, or the exception's), as a JSON array of strings. */
  public static final String ERRORS = PREFIX + "errors";

  /** Class name of the handler's exception; only on {@code FAILED} dead letters. */
  public static final String EXCEPTION_CLASS = PREFIX + "exception-class";

  /** Kafka: the topic the record was consumed from. */
  public static final String ORIGIN_TOPIC = PREFIX + "origin-topic";

  /** Kafka: the partition the record was consumed from. */
  public static final String ORIGIN_PARTITION = PREFIX + "origin-partition";

  /** Kafka: the offset the record had in its partition. */
  public static final String ORIGIN_OFFSET = PREFIX + "origin-offset";

  /** Pub/Sub: the subscription the message was received from. */
  public static final String ORIGIN_SUBSCRIPTION = PREFIX + "origin-subscription";

  /** Pub/Sub: the original message id. */
  public static final String ORIGIN_MESSAGE_ID = PREFIX + "origin-message-id";

  /** The original timestamp (Kafka record time, Pub/Sub publish time), ISO-8601 UTC. */
  public static final String ORIGIN_TIMESTAMP = PREFIX + "origin-timestamp";

  /** Kafka: the consumer group that rejected the record. */
  public static final String CONSUMER_GROUP = PREFIX + "consumer-group";

  /** How many times the handler ran (0 when the message never reached it). */
  public static final String ATTEMPTS = PREFIX + "attempts";

  /** When the message was dead-lettered, ISO-8601 UTC. */
  public static final String DEAD_LETTERED_AT = PREFIX + "dead-lettered-at";

  /** The event id, when the envelope could be read. */
  public static final String EVENT_ID = PREFIX + "event-id";

  /** The event name, when the envelope could be read. */
  public static final String EVENT_NAME = PREFIX + "event-name";

  /** The event version, when the envelope could be read. */
  public static final String EVENT_VERSION = PREFIX + "event-version";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterAttributes.class);
  private static final Set<String> REFUSED_LOGGED = ConcurrentHashMap.newKeySet();
  private static final String PUBSUB = "pubsub"; // Origin.transport() of the Pub/Sub adapter

  private DeadLetterAttributes() {}

  /** True for the attributes a dead-letter sink writes (every name starting {@code ec-dlq-}). */
  public static boolean isDeadLetterAttribute(String name) {
    return name.startsWith(PREFIX);
  }

  /**
   * The dead-letter attributes of {@code deadLetter}, in the order every sink writes them: reason,
   * errors, exception class, origin (topic, partition and offset; or, for a Pub/Sub origin,
   * subscription and message id), origin timestamp, consumer group, attempts, time, event id, name
   * and version; absent values are left out.
   */
  public static Map<String, String> of(DeadLetter deadLetter) {
    Map<String, String> out = new LinkedHashMap<>();
    Origin origin = deadLetter.origin();
    put(out, REASON, deadLetter.reasonCode());
    put(out, ERRORS, errorsJson(deadLetter.errors()));
    put(out, EXCEPTION_CLASS, deadLetter.exceptionClass());
    if (PUBSUB.equals(origin.transport())) {
      put(out, ORIGIN_SUBSCRIPTION, origin.source());
    } else if (!origin.source().isEmpty()) {
      put(out, ORIGIN_TOPIC, origin.source());
    }
    if (origin.partition() >= 0) {
      put(out, ORIGIN_PARTITION, Integer.toString(origin.partition()));
    }
    if (origin.offset() >= 0) {
      put(out, ORIGIN_OFFSET, Long.toString(origin.offset()));
    }
    put(out, ORIGIN_MESSAGE_ID, origin.messageId());
    if (origin.timestampMillis() >= 0) {
      put(out, ORIGIN_TIMESTAMP, Instant.ofEpochMilli(origin.timestampMillis()).toString());
    }
    put(out, CONSUMER_GROUP, origin.consumerGroup());
    put(out, ATTEMPTS, Integer.toString(deadLetter.attempts()));
    put(out, DEAD_LETTERED_AT, deadLetter.deadLetteredAt().toString());
    put(out, EVENT_ID, deadLetter.eventId());
    put(out, EVENT_NAME, deadLetter.eventName());
    put(out, EVENT_VERSION, deadLetter.eventVersion());
    return out;
  }

  /**
   * The dead-letter attributes of {@code deadLetter} ({@link #of(DeadLetter)}), followed by the
   * attributes {@code decorator} adds that are allowed: not an {@code ec-dlq-*} name, not {@link
   * #REPLAY}, not a name of the original message, not blank, not a {@code null} value. Refused
   * names, and a decorator that throws, are logged (each refused name once) and left out.
   */
  public static Map<String, String> of(DeadLetter deadLetter, DeadLetterDecorator decorator) {
    Map<String, String> out = of(deadLetter);
    out.putAll(extra(deadLetter, decorator));
    return out;
  }

  /**
   * The attributes {@code decorator} adds to {@code deadLetter} that are allowed (see {@link
   * #of(DeadLetter, DeadLetterDecorator)}), in the decorator's order.
   */
  public static Map<String, String> extra(DeadLetter deadLetter, DeadLetterDecorator decorator) {
    Map<String, String> proposed;
    try {
      proposed = decorator.attributes(deadLetter);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      LOG.warn(
          "dead-letter decorator {} threw; the {} dead letter is stored without its attributes",
          decorator.getClass().getName(),
          deadLetter.reasonCode(),
          e);
      return Map.of();
    }
    if (proposed == null || proposed.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    Map<String, String> original = deadLetter.attributes();
    proposed.forEach(
        (name, value) -> {
          String refusal = refusal(name, value, original);
          if (refusal == null) {
            out.put(name, value);
          } else if (REFUSED_LOGGED.size() < 1_000 && REFUSED_LOGGED.add(String.valueOf(name))) {
            LOG.warn(
                "dead-letter decorator {} added '{}', which {}; left out (logged once per name)",
                decorator.getClass().getName(),
                loggable(name),
                refusal);
          }
        });
    return out;
  }

  /** A name for a log line: the decorator may copy it from the message, so cut and escaped. */
  private static @Nullable String loggable(@Nullable String name) {
    if (name == null) {
      return null;
    }
    String cut = name.length() > 80 ? name.substring(0, 80) + "..." : name;
    StringBuilder b = new StringBuilder(cut.length());
    cut.codePoints()
        .forEach(
            c ->
                b.append(
                    Character.isISOControl(c)
                        ? "\\u" + String.format("%04x", c)
                        : Character.toString(c)));
    return b.toString();
  }

  private static @Nullable String refusal(
      @Nullable String name, @Nullable String value, Map<String, String> original) {
    if (name == null || name.isBlank()) {
      return "is blank";
    }
    if (value == null) {
      return "has no value";
    }
    if (isDeadLetterAttribute(name)) {
      return "is a name the SDK reserves for its own dead-letter attributes";
    }
    if (name.equals(REPLAY)) {
      return "is the replay flag";
    }
    if (original.containsKey(name)) {
      return "the original message carries (it is kept unchanged)";
    }
    return null;
  }

  /** A copy of {@code attributes} without any {@code ec-dlq-*} attribute, in the same order. */
  public static Map<String, String> withoutDeadLetterAttributes(Map<String, String> attributes) {
    Map<String, String> out = new LinkedHashMap<>();
    attributes.forEach(
        (k, v) -> {
          if (!isDeadLetterAttribute(k)) {
            out.put(k, v);
          }
        });
    return out;
  }

  /**
   * The attributes of a replayed message: the dead letter's attributes without any {@code ec-dlq-*}
   * attribute and without an earlier replay flag, plus {@code replay=true}.
   */
  public static Map<String, String> forReplay(Map<String, String> deadLetterAttributes) {
    Map<String, String> out = withoutDeadLetterAttributes(deadLetterAttributes);
    out.remove(REPLAY);
    out.put(REPLAY, "true");
    return out;
  }

  /** The errors as a JSON array of strings. */
  public static String errorsJson(List<String> errors) {
    try {
      return JSON.writeValueAsString(errors);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a list of strings as JSON", e);
    }
  }

  private static void put(Map<String, String> out, String name, @Nullable String value) {
    if (value != null) {
      out.put(name, value);
    }
  }
}
