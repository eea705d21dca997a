package dev.eventcontracts.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends dead-letter records back to be consumed again: reads a DLQ topic up to the end offsets it
 * finds at the start, and for each record that passes the filters publishes the original key and
 * value unchanged to the target topic (the {@code ec-dlq-origin-topic} header unless one is given),
 * with the original headers minus every {@code ec-dlq-*} header, plus {@code replay=true}. The
 * event itself, with its id and time, is untouched, so consumers deduplicate it as usual and
 * handlers see {@code context.replay()}.
 *
 * <p>The replayer commits its own consumer group's offsets after the broker has acknowledged the
 * sends, so running it again replays only dead letters that arrived since. The default group is
 * derived from the DLQ topic and the filters; a send that fails stops its partition there so that
 * the next run starts with it. A dry run sends and commits nothing.
 */
public final class DeadLetterReplayer {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplayer.class);

  /** Default longest time a run spends reading. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration MAX_BLOCK = Duration.ofSeconds(15);
  private static final Duration CLOSE = Duration.ofSeconds(5);
  private static final Map<String, String> ALIASES =
      Map.of("reason", KafkaHeaders.DLQ_REASON, "event", KafkaHeaders.DLQ_EVENT_NAME);

  private final Map<String, Object> clientConfig;
  private final String from;
  private final String to;
  private final Map<String, Set<String>> filters;
  private final boolean dryRun;
  private final String groupId;
  private final long maxRecords;
  private final Duration timeout;

  private DeadLetterReplayer(Builder b) {
    this.clientConfig = Map.copyOf(b.config);
    this.from = b.from;
    this.to = b.to;
    Map<String, Set<String>> f = new TreeMap<>();
    b.filters.forEach((k, v) -> f.put(k, Collections.unmodifiableSet(new TreeSet<>(v))));
    this.filters = Collections.unmodifiableMap(f);
    this.dryRun = b.dryRun;
    this.groupId = b.groupId != null ? b.groupId : defaultGroup(b.from, filters);
    this.maxRecords = b.maxRecords;
    this.timeout = b.timeout;
  }

  /**
   * Starts a replayer; {@code clientProperties} ({@code bootstrap.servers} and any security
   * settings) are used for both its consumer and its producer.
   */
  public static Builder builder(Map<String, ?> clientProperties) {
    return new Builder(clientProperties);
  }

  /** The consumer group whose offsets record what was replayed. */
  public String groupId() {
    return groupId;
  }

  private static String defaultGroup(String from, Map<String, Set<String>> filters) {
    StringJoiner name = new StringJoiner("&", "event-contracts-replay." + from + "?", "");
    name.setEmptyValue("event-contracts-replay." + from);
    filters.forEach((k, values) -> values.forEach(v -> name.add(k + "=" + v)));
    return name.toString();
  }

  /**
   * Replays what the DLQ topic holds now and returns a summary.
   *
   * @throws IllegalArgumentException when the DLQ topic does not exist
   * @throws org.apache.kafka.common.KafkaException when Kafka cannot be reached
   */
  public ReplaySummary run() {
    Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerConfig.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    consumerConfig.putIfAbsent(
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 60_000));
    Run run = new Run();
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    KafkaProducer<byte[], byte[]> producer = null;
    try {
      List<PartitionInfo> infos = consumer.partitionsFor(from, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalArgumentException("topic " + from + " does not exist");
      }
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : infos) {
        partitions.add(new TopicPartition(info.topic(), info.partition()));
      }
      producer = dryRun ? null : producer();
      run.exists =
          t -> {
            List<PartitionInfo> found = consumer.partitionsFor(t, timeout);
            return found != null && !found.isEmpty();
          };
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      Set<TopicPartition> active = new HashSet<>();
      for (TopicPartition tp : partitions) {
        if (consumer.position(tp, timeout) < end.get(tp)) {
          active.add(tp);
        }
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      boolean limited = false;
      while (!active.isEmpty() && !limited && System.nanoTime() - deadline < 0) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        Map<TopicPartition, List<Step>> steps = new LinkedHashMap<>();
        Set<TopicPartition> unfinished = new HashSet<>();
        for (TopicPartition tp : records.partitions()) {
          if (!active.contains(tp)) {
            continue;
          }
          List<Step> list = new ArrayList<>();
          steps.put(tp, list);
          for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
            if (record.offset() >= end.get(tp)) {
              break;
            }
            if (maxRecords >= 0 && run.matched >= maxRecords) {
              limited = true;
              unfinished.add(tp);
              break;
            }
            Step step = step(record, run, producer);
            list.add(step);
            if (step.failed) {
              unfinished.add(tp);
              break;
            }
          }
        }
        if (producer != null) {
          producer.flush();
        }
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (Map.Entry<TopicPartition, List<Step>> e : steps.entrySet()) {
          TopicPartition tp = e.getKey();
          for (Step step : e.getValue()) {
            if (!settle(step, run)) {
              active.remove(tp); // stop this partition at the failure; a later run resumes here
              consumer.pause(List.of(tp));
              break;
            }
            commits.put(tp, new OffsetAndMetadata(step.offset + 1));
          }
        }
        for (TopicPartition tp : new ArrayList<>(active)) {
          if (!unfinished.contains(tp) && consumer.position(tp, timeout) >= end.get(tp)) {
            active.remove(tp);
          }
        }
        if (!dryRun && !commits.isEmpty()) {
          consumer.commitSync(commits, timeout);
        }
      }
      run.complete = active.isEmpty() && !limited && run.failed == 0;
      if (!active.isEmpty() && !limited) {
        LOG.warn(
            "replay of {} timed out after {} with partitions unread: {}", from, timeout, active);
      }
    } finally {
      if (producer != null) {
        producer.close(CLOSE);
      }
      consumer.close(CloseOptions.timeout(CLOSE));
    }
    return new ReplaySummary(
        from,
        groupId,
        dryRun,
        run.read,
        run.matched,
        run.replayed,
        run.skipped,
        run.failed,
        run.reasons,
        run.targets,
        run.complete);
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.putIfAbsent(
        ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(timeout.toMillis(), MAX_BLOCK.toMillis()));
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private Step step(
      ConsumerRecord<byte[], byte[]> record, Run run, KafkaProducer<byte[], byte[]> producer) {
    run.read++;
    String reason = HeaderMapping.lastValue(record.headers(), KafkaHeaders.DLQ_REASON);
    run.reasons.merge(reason == null ? "none" : reason, 1L, Long::sum);
    Step step = new Step(record.offset());
    if (!matches(record)) {
      step.skipped = true;
      return step;
    }
    run.matched++;
    String target =
        to != null ? to : HeaderMapping.lastValue(record.headers(), KafkaHeaders.DLQ_ORIGIN_TOPIC);
    step.target = target;
    if (target == null || target.isBlank()) {
      LOG.warn(
          "dead letter at {}-{} offset {} has no {} header and no target topic was given",
          record.topic(),
          record.partition(),
          record.offset(),
          KafkaHeaders.DLQ_ORIGIN_TOPIC);
      step.failed = true;
      return step;
    }
    if (!run.topicExists(target)) {
      LOG.warn("target topic {} does not exist; not replaying offset {}", target, record.offset());
      step.failed = true;
      return step;
    }
    if (producer != null) {
      try {
        step.send =
            producer.send(
                new ProducerRecord<>(
                    target,
                    null,
                    null,
                    record.key(),
                    record.value(),
                    HeaderMapping.replayHeaders(record.headers())));
      } catch (RuntimeException e) {
        LOG.warn("cannot send the dead letter at offset {} to {}", record.offset(), target, e);
        step.failed = true;
      }
    }
    return step;
  }

  /** Counts a step once its send is done; false when it failed. */
  private boolean settle(Step step, Run run) {
    if (step.skipped) {
      run.skipped++;
      return true;
    }
    if (!step.failed && step.send != null) {
      try {
        step.send.get();
      } catch (ExecutionException e) {
        LOG.warn("replay of offset {} to {} failed", step.offset, step.target, e.getCause());
        step.failed = true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        step.failed = true;
      }
    }
    if (step.failed) {
      run.failed++;
      return false;
    }
    if (!dryRun) {
      run.replayed++;
    }
    run.targets.merge(step.target, 1L, Long::sum);
    return true;
  }

  private boolean matches(ConsumerRecord<byte[], byte[]> record) {
    for (Map.Entry<String, Set<String>> filter : filters.entrySet()) {
      String value = HeaderMapping.lastValue(record.headers(), filter.getKey());
      if (value == null || !filter.getValue().contains(value)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Resolves a filter name: {@code reason}, {@code event}, or a header name with or without {@code
   * ec-dlq-}.
   */
  static String filterHeader(String name) {
    String alias = ALIASES.get(name);
    if (alias != null) {
      return alias;
    }
    return KafkaHeaders.isDeadLetterHeader(name) ? name : KafkaHeaders.DLQ_PREFIX + name;
  }

  /** One record's part in a run. */
  private static final class Step {
    final long offset;
    boolean skipped;
    boolean failed;
    @Nullable String target;
    @Nullable Future<RecordMetadata> send;

    Step(long offset) {
      this.offset = offset;
    }
  }

  /** Counters of one run. */
  private static final class Run {
    final Map<String, Boolean> topics = new HashMap<>();
    @Nullable Function<String, Boolean> exists;

    /** Asked once per topic, so that a mistyped target fails instead of auto-creating a topic. */
    boolean topicExists(String topic) {
      return topics.computeIfAbsent(topic, exists);
    }

    long read;
    long matched;
    long replayed;
    long skipped;
    long failed;
    boolean complete;
    final Map<String, Long> reasons = new HashMap<>();
    final Map<String, Long> targets = new HashMap<>();
  }

  /** Builds a {@link DeadLetterReplayer}. */
  public static final class Builder {
    private final Map<String, Object> config = new HashMap<>();
    private @Nullable String from;
    private @Nullable String to;
    private final Map<String, Set<String>> filters = new HashMap<>();
    private boolean dryRun;
    private @Nullable String groupId;
    private long maxRecords = -1;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder(Map<String, ?> clientProperties) {
      clientProperties.forEach((k, v) -> config.put(k, Objects.requireNonNull(v, k)));
    }

    /** Sets the dead-letter topic to read (required). */
    public Builder from(String topic) {
      this.from = requireText(topic, "topic");
      return this;
    }

    /** Sends every record to this topic instead of its {@code ec-dlq-origin-topic}. */
    public Builder to(String topic) {
      this.to = requireText(topic, "topic");
      return this;
    }

    /**
     * Replays only records whose header {@code name} has {@code value}. {@code name} is {@code
     * reason}, {@code event} (the event name), or any {@code ec-dlq-*} header name with or without
     * its prefix ({@code origin-topic}, {@code exception-class}...). Filters on different names
     * must all match; several values for one name are alternatives.
     */
    public Builder filter(String name, String value) {
      filters
          .computeIfAbsent(filterHeader(requireText(name, "name")), k -> new HashSet<>())
          .add(Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Reads and counts, but sends and commits nothing. */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /**
     * Sets the consumer group; by default {@code event-contracts-replay.<from>} followed by the
     * filters, so the same replay run twice sends each record once. Use a group of its own, never
     * the group of a running consumer.
     */
    public Builder groupId(String groupId) {
      this.groupId = requireText(groupId, "groupId");
      return this;
    }

    /** Replays at most this many records; the next run continues after them. */
    public Builder maxRecords(long max) {
      if (max < 0) {
        throw new IllegalArgumentException("max must not be negative");
      }
      this.maxRecords = max;
      return this;
    }

    /** Sets the longest time a run reads; {@link #DEFAULT_TIMEOUT} by default. */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Builds the replayer.
     *
     * @throws IllegalStateException when the bootstrap servers or the DLQ topic are missing
     */
    public DeadLetterReplayer build() {
      if (!config.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
        throw new IllegalStateException("bootstrap.servers is required");
      }
      if (from == null) {
        throw new IllegalStateException("the dead-letter topic is required: from(..)");
      }
      return new DeadLetterReplayer(this);
    }

    private static String requireText(String value, String what) {
      if (Objects.requireNonNull(value, what).isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return value;
    }
  }
}
