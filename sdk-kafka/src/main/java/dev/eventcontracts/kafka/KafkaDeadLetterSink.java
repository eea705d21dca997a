package dev.eventcontracts.kafka;

import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterAttributes;
import dev.eventcontracts.dlq.DeadLetterDecorator;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.Origin;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

/**
 * Publishes dead letters to Kafka topics, {@code <origin topic>.dlq} by default. A dead-letter
 * record carries the original key, value and headers byte for byte, plus the {@code ec-dlq-*}
 * headers of {@link KafkaHeaders} (reason, errors, exception, origin, group, attempts, time, event
 * id). {@link #publish} returns only once the broker has acknowledged the record ({@code acks=all},
 * idempotent producer); when it throws, the pipeline retries the message and the consumer does not
 * commit it, so a DLQ topic that is missing or unreachable loses nothing.
 *
 * <p>Everything comes from the {@link DeadLetter} it is handed (the original key and headers travel
 * in its {@link dev.eventcontracts.envelope.InboundMessage}), so the sink works on any thread and
 * with any transport: a Pub/Sub message's ordering key becomes the record key, its attributes the
 * headers. A tombstone (a record without a value) is dead-lettered with an empty value.
 *
 * <pre>{@code
 * KafkaDeadLetterSink sink =
 *     KafkaDeadLetterSink.builder(Map.of("bootstrap.servers", "localhost:9092")).build();
 * EventPipeline pipeline = EventPipeline.builder(registry).deadLetterSink(sink)...build();
 * }</pre>
 */
public final class KafkaDeadLetterSink implements DeadLetterSink, AutoCloseable {

  /** Suffix of the default dead-letter topic name. */
  public static final String DEFAULT_TOPIC_SUFFIX = ".dlq";

  /** Default longest wait for the broker's acknowledgement. */
  public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(30);

  private final Producer<byte[], byte[]> producer;
  private final boolean ownsProducer;
  private final Function<Origin, String> topicNaming;
  private final String consumerGroup;
  private final Duration sendTimeout;
  private final DeadLetterDecorator decorator;

  private KafkaDeadLetterSink(Builder b, Producer<byte[], byte[]> producer, boolean owns) {
    this.producer = producer;
    this.ownsProducer = owns;
    this.topicNaming = b.topicNaming;
    this.consumerGroup = b.consumerGroup;
    this.sendTimeout = b.sendTimeout;
    this.decorator = b.decorator;
  }

  /**
   * Starts a sink with its own producer made from these settings ({@code bootstrap.servers}
   * required); {@code acks=all}, idempotence and byte-array serializers are always set, and {@code
   * max.block.ms} defaults to the send timeout.
   */
  public static Builder builder(Map<String, ?> producerProperties) {
    Map<String, Object> config = new HashMap<>();
    producerProperties.forEach((k, v) -> config.put(k, Objects.requireNonNull(v, k)));
    return new Builder(config, null);
  }

  /** Starts a sink with its own producer; see {@link #builder(Map)}. */
  public static Builder builder(Properties producerProperties) {
    Map<String, Object> config = new HashMap<>();
    producerProperties.forEach((k, v) -> config.put(String.valueOf(k), v));
    return new Builder(config, null);
  }

  /**
   * Starts a sink on a producer the caller owns (and closes). Configure it with {@code acks=all}
   * and idempotence, or a dead letter may be lost or doubled when a broker fails.
   */
  public static Builder builder(Producer<byte[], byte[]> producer) {
    return new Builder(null, Objects.requireNonNull(producer, "producer"));
  }

  /** The default naming: the origin's topic followed by {@link #DEFAULT_TOPIC_SUFFIX}. */
  public static Function<Origin, String> defaultTopicNaming() {
    return origin -> origin.source() + DEFAULT_TOPIC_SUFFIX;
  }

  /**
   * Publishes one dead letter and waits for the broker.
   *
   * @throws Exception when the record is not acknowledged within the send timeout; it may still
   *     arrive later, so a retried message can appear twice in the DLQ topic
   */
  @Override
  public void publish(DeadLetter deadLetter) throws Exception {
    ProducerRecord<byte[], byte[]> record = toRecord(deadLetter);
    await(record, producer.send(record));
  }

  /** Sends every dead letter, then waits for all acknowledgements. */
  @Override
  public void publishAll(List<DeadLetter> deadLetters) throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(deadLetters.size());
    List<Future<RecordMetadata>> futures = new ArrayList<>(deadLetters.size());
    for (DeadLetter deadLetter : deadLetters) {
      ProducerRecord<byte[], byte[]> record = toRecord(deadLetter);
      records.add(record);
      futures.add(producer.send(record));
    }
    for (int i = 0; i < futures.size(); i++) {
      await(records.get(i), futures.get(i));
    }
  }

  private void await(ProducerRecord<byte[], byte[]> record, Future<RecordMetadata> future)
      throws Exception {
    try {
      future.get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new DeadLetterNotStoredException(
          "dead letter not stored in " + record.topic() + ": " + cause, cause);
    } catch (TimeoutException e) {
      throw new DeadLetterNotStoredException(
          "no acknowledgement from " + record.topic() + " within " + sendTimeout, e);
    }
  }

  /** The dead-letter record; package-private for tests. */
  ProducerRecord<byte[], byte[]> toRecord(DeadLetter deadLetter) {
    Origin origin = deadLetter.origin();
    String topic = topicNaming.apply(origin);
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("topic naming gave no topic for " + origin);
    }
    RecordHeaders headers =
        HeaderMapping.withoutDeadLetterHeaders(HeaderMapping.headers(deadLetter.message()));
    Map<String, String> added = DeadLetterAttributes.of(deadLetter);
    if (origin.consumerGroup() == null && consumerGroup != null) {
      added.put(KafkaHeaders.DLQ_CONSUMER_GROUP, consumerGroup);
    }
    added.forEach((name, v) -> headers.add(name, v.getBytes(StandardCharsets.UTF_8)));
    DeadLetterAttributes.extra(deadLetter, decorator)
        .forEach(
            (name, v) -> {
              if (headers.lastHeader(name) == null) { // not even a raw header without a value
                headers.add(name, v.getBytes(StandardCharsets.UTF_8));
              }
            });
    return new ProducerRecord<>(topic, null, null, deadLetter.key(), deadLetter.value(), headers);
  }

  /** Closes the producer when the sink made it; a producer passed in is left open. */
  @Override
  public void close() {
    if (ownsProducer) {
      producer.close(Duration.ofSeconds(10));
    }
  }

  /** Thrown by {@link #publish} when the broker did not acknowledge a dead letter. */
  public static final class DeadLetterNotStoredException extends Exception {
    private static final long serialVersionUID = 1L;

    DeadLetterNotStoredException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Builds a {@link KafkaDeadLetterSink}. */
  public static final class Builder {
    private final Map<String, Object> config;
    private final Producer<byte[], byte[]> producer;
    private Function<Origin, String> topicNaming = defaultTopicNaming();
    private @Nullable String consumerGroup;
    private Duration sendTimeout = DEFAULT_SEND_TIMEOUT;
    private DeadLetterDecorator decorator = DeadLetterDecorator.none();

    private Builder(Map<String, Object> config, Producer<byte[], byte[]> producer) {
      this.config = config;
      this.producer = producer;
    }

    /** Names the dead-letter topic for a record's origin; {@code <topic>.dlq} by default. */
    public Builder topicNaming(Function<Origin, String> naming) {
      this.topicNaming = Objects.requireNonNull(naming, "naming");
      return this;
    }

    /**
     * Sets the {@code ec-dlq-consumer-group} value for dead letters whose origin names no group
     * ({@link KafkaEventConsumer} puts its group in every message's origin).
     */
    public Builder consumerGroup(String group) {
      this.consumerGroup = Objects.requireNonNull(group, "group");
      return this;
    }

    /**
     * Adds the headers {@code decorator} returns to every dead-letter record, after the {@code
     * ec-dlq-*} headers; names the SDK reserves or the original record carries are left out (see
     * {@link DeadLetterDecorator}). None by default.
     */
    public Builder decorator(DeadLetterDecorator decorator) {
      this.decorator = Objects.requireNonNull(decorator, "decorator");
      return this;
    }

    /** Sets the longest wait for the broker's acknowledgement; {@link #DEFAULT_SEND_TIMEOUT}. */
    public Builder sendTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("send timeout must be positive");
      }
      this.sendTimeout = timeout;
      return this;
    }

    /**
     * Builds the sink, creating its producer when it was given settings.
     *
     * @throws IllegalStateException when the settings lack {@code bootstrap.servers}
     */
    public KafkaDeadLetterSink build() {
      if (producer != null) {
        return new KafkaDeadLetterSink(this, producer, false);
      }
      if (!config.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
        throw new IllegalStateException("bootstrap.servers is required");
      }
      Map<String, Object> c = new HashMap<>(config);
      c.put(ProducerConfig.ACKS_CONFIG, "all");
      c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      c.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, sendTimeout.toMillis());
      c.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
      c.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
      return new KafkaDeadLetterSink(
          this, new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer()), true);
    }
  }
}
