package dev.eventcontracts.kafka;

import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.ProcessingResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link KafkaEventConsumer}: the Kafka settings, what to subscribe to, how many workers,
 * batch size, timeouts, listeners and the factory of the Kafka consumer.
 */
public final class KafkaEventConsumerBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventConsumerBuilder.class);

  final EventPipeline pipeline;
  final Map<String, Object> config = new HashMap<>();
  @Nullable List<String> topics;
  @Nullable Pattern topicPattern;
  Duration pollTimeout = KafkaEventConsumer.DEFAULT_POLL_TIMEOUT;
  int maxBatch = KafkaEventConsumer.DEFAULT_MAX_BATCH;
  int concurrency = 1;
  Duration closeTimeout = KafkaEventConsumer.DEFAULT_CLOSE_TIMEOUT;
  @Nullable ConsumerRebalanceListener rebalanceListener;
  @Nullable Consumer<ProcessingResult> resultListener;
  KafkaConsumerFactory consumerFactory = KafkaConsumerFactory.standard();

  KafkaEventConsumerBuilder(EventPipeline pipeline) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
  }

  /**
   * Adds Kafka consumer settings ({@code bootstrap.servers} is required). {@code
   * enable.auto.commit} and the deserializers are always overridden.
   */
  public KafkaEventConsumerBuilder consumerProperties(Map<String, ?> properties) {
    properties.forEach((k, v) -> config.put(k, Objects.requireNonNull(v, k)));
    return this;
  }

  /** Adds Kafka consumer settings; see {@link #consumerProperties(Map)}. */
  public KafkaEventConsumerBuilder consumerProperties(Properties properties) {
    properties.forEach((k, v) -> config.put(String.valueOf(k), v));
    return this;
  }

  /** Sets the consumer group ({@code group.id}); required here or in the properties. */
  public KafkaEventConsumerBuilder groupId(String groupId) {
    config.put(ConsumerConfig.GROUP_ID_CONFIG, Objects.requireNonNull(groupId, "groupId"));
    return this;
  }

  /** Subscribes to these topics. */
  public KafkaEventConsumerBuilder topics(List<String> topics) {
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("no topics");
    }
    this.topics = List.copyOf(topics);
    return this;
  }

  /** Subscribes to these topics. */
  public KafkaEventConsumerBuilder topics(String... topics) {
    return topics(List.of(topics));
  }

  /** Subscribes to every topic whose name matches {@code pattern}, now and later. */
  public KafkaEventConsumerBuilder topicPattern(Pattern pattern) {
    this.topicPattern = Objects.requireNonNull(pattern, "pattern");
    return this;
  }

  /**
   * Sets the longest wait of one poll; {@link KafkaEventConsumer#DEFAULT_POLL_TIMEOUT} by default.
   * The loop waits less when a paused partition is due to resume sooner.
   */
  public KafkaEventConsumerBuilder pollTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("poll timeout must be positive");
    }
    this.pollTimeout = timeout;
    return this;
  }

  /**
   * Sets the largest number of records of one partition handed to the pipeline at once (one dedup
   * round trip); {@link KafkaEventConsumer#DEFAULT_MAX_BATCH} by default. Also the default {@code
   * max.poll.records}.
   */
  public KafkaEventConsumerBuilder maxBatch(int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1");
    }
    this.maxBatch = maxBatch;
    return this;
  }

  /**
   * Sets the number of worker threads that process records; 1 by default. Records of one partition
   * stay in order on one worker at a time; with more threads, different partitions are processed in
   * parallel, so handlers must then be thread-safe. Polling always runs on its own thread, beside
   * the workers.
   */
  public KafkaEventConsumerBuilder concurrency(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1");
    }
    this.concurrency = threads;
    return this;
  }

  /**
   * Sets how long {@link KafkaEventConsumer#close()} waits for the loop; {@link
   * KafkaEventConsumer#DEFAULT_CLOSE_TIMEOUT}.
   */
  public KafkaEventConsumerBuilder closeTimeout(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("close timeout must not be negative");
    }
    this.closeTimeout = timeout;
    return this;
  }

  /**
   * Also tells {@code listener} about rebalances, after the consumer has committed revoked
   * partitions. Its exceptions are logged, not propagated.
   */
  public KafkaEventConsumerBuilder rebalanceListener(ConsumerRebalanceListener listener) {
    this.rebalanceListener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Calls {@code listener} with every result, on the worker thread that processed it. Its
   * exceptions are logged, not propagated.
   */
  public KafkaEventConsumerBuilder onResult(Consumer<ProcessingResult> listener) {
    this.resultListener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Creates the Kafka consumer with {@code factory} instead of {@link
   * KafkaConsumerFactory#standard()}, so it can be wrapped or instrumented.
   */
  public KafkaEventConsumerBuilder consumerFactory(KafkaConsumerFactory factory) {
    this.consumerFactory = Objects.requireNonNull(factory, "factory");
    return this;
  }

  /**
   * Builds the consumer; it connects on {@link KafkaEventConsumer#start()} or {@link
   * KafkaEventConsumer#run()}.
   *
   * @throws IllegalStateException when the bootstrap servers, the group or the topics are missing
   */
  public KafkaEventConsumer build() {
    if (!config.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalStateException("bootstrap.servers is required");
    }
    Object group = config.get(ConsumerConfig.GROUP_ID_CONFIG);
    if (group == null || group.toString().isBlank()) {
      throw new IllegalStateException("a consumer group is required: groupId(..)");
    }
    if ((topics == null) == (topicPattern == null)) {
      throw new IllegalStateException("give either topics or a topic pattern");
    }
    Object autoCommit = config.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);
    if (autoCommit != null && Boolean.parseBoolean(autoCommit.toString())) {
      LOG.warn("enable.auto.commit=true is ignored: offsets are committed after processing");
    }
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxBatch);
    config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
    config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
    return new KafkaEventConsumer(this);
  }
}
