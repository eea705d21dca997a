package dev.eventcontracts.spring.boot;

import dev.eventcontracts.contract.UnknownEventAction;
import dev.eventcontracts.version.VersionPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Every {@code eventcontracts.*} property. The table in {@code docs/spring-boot.md} lists them with
 * their defaults.
 */
@ConfigurationProperties(prefix = "eventcontracts")
public class EventContractsProperties {

  /** The contract registry. */
  private final Registry registry = new Registry();

  /** The dedup and entity-version stores. */
  private final Stores stores = new Stores();

  /** Where rejected messages go. */
  private final DeadLetter deadLetter = new DeadLetter();

  /** Handler retries, counted in deliveries. */
  private final Retry retry = new Retry();

  /** The Kafka consumer the starter runs. */
  private final Kafka kafka = new Kafka();

  /** The Pub/Sub consumer the starter runs. */
  private final PubSub pubsub = new PubSub();

  /** The handler observation (tracing). */
  private final Observation observation = new Observation();

  /** How long a claim on an idempotency key lasts; choose it longer than the slowest handler. */
  private Duration lease = Duration.ofMinutes(5);

  /** How long completed idempotency keys are remembered. */
  private Duration retention = Duration.ofDays(7);

  /** Retry delay for a key another consumer holds and for failed store calls. */
  private Duration inProgressDelay = Duration.ofSeconds(1);

  /** Retry delay after the dead-letter destination failed to store a message. */
  private Duration sinkRetryDelay = Duration.ofSeconds(5);

  /** What to do with events no contract or handler knows; the registry's setting when unset. */
  private UnknownEventAction onUnknownEvent;

  public Registry getRegistry() {
    return registry;
  }

  public Stores getStores() {
    return stores;
  }

  public DeadLetter getDeadLetter() {
    return deadLetter;
  }

  public Retry getRetry() {
    return retry;
  }

  public Kafka getKafka() {
    return kafka;
  }

  public PubSub getPubsub() {
    return pubsub;
  }

  public Observation getObservation() {
    return observation;
  }

  public Duration getLease() {
    return lease;
  }

  public void setLease(Duration lease) {
    this.lease = lease;
  }

  public Duration getRetention() {
    return retention;
  }

  public void setRetention(Duration retention) {
    this.retention = retention;
  }

  public Duration getInProgressDelay() {
    return inProgressDelay;
  }

  public void setInProgressDelay(Duration inProgressDelay) {
    this.inProgressDelay = inProgressDelay;
  }

  public Duration getSinkRetryDelay() {
    return sinkRetryDelay;
  }

  public void setSinkRetryDelay(Duration sinkRetryDelay) {
    this.sinkRetryDelay = sinkRetryDelay;
  }

  public UnknownEventAction getOnUnknownEvent() {
    return onUnknownEvent;
  }

  public void setOnUnknownEvent(UnknownEventAction onUnknownEvent) {
    this.onUnknownEvent = onUnknownEvent;
  }

  /** {@code eventcontracts.registry.*}. */
  public static class Registry {

    /**
     * The registry directory: {@code classpath:contracts/recruiting} for a directory on the class
     * path (also inside a jar), or a file-system path ({@code file:} prefix optional). Required.
     */
    private String location;

    /**
     * The version policy the registry must declare in its registry.json; startup fails when it
     * declares another one. Unset: whatever the registry declares.
     */
    private VersionPolicy versionPolicy;

    public String getLocation() {
      return location;
    }

    public void setLocation(String location) {
      this.location = location;
    }

    public VersionPolicy getVersionPolicy() {
      return versionPolicy;
    }

    public void setVersionPolicy(VersionPolicy versionPolicy) {
      this.versionPolicy = versionPolicy;
    }
  }

  /** {@code eventcontracts.stores.*}. */
  public static class Stores {

    /**
     * The store type: {@code memory} (one process only), {@code jdbc} (the application's
     * DataSource; needs sdk-jdbc) or {@code redis} (Lettuce; needs sdk-redis).
     */
    private String type = "memory";

    /** Most keys the in-memory dedup store keeps. */
    private long memoryMaximumKeys = 1_000_000;

    /** JDBC stores. */
    private final Jdbc jdbc = new Jdbc();

    /** Redis stores. */
    private final Redis redis = new Redis();

    public String getType() {
      return type;
    }

    public void setType(String type) {
      this.type = type;
    }

    public long getMemoryMaximumKeys() {
      return memoryMaximumKeys;
    }

    public void setMemoryMaximumKeys(long memoryMaximumKeys) {
      this.memoryMaximumKeys = memoryMaximumKeys;
    }

    public Jdbc getJdbc() {
      return jdbc;
    }

    public Redis getRedis() {
      return redis;
    }
  }

  /** {@code eventcontracts.stores.jdbc.*}. */
  public static class Jdbc {

    /** The dedup table; the store's default when unset. */
    private String dedupTable;

    /** The entity-position table; the store's default when unset. */
    private String positionTable;

    /** Longest time one store statement may take. */
    private Duration queryTimeout = Duration.ofSeconds(5);

    public String getDedupTable() {
      return dedupTable;
    }

    public void setDedupTable(String dedupTable) {
      this.dedupTable = dedupTable;
    }

    public String getPositionTable() {
      return positionTable;
    }

    public void setPositionTable(String positionTable) {
      this.positionTable = positionTable;
    }

    public Duration getQueryTimeout() {
      return queryTimeout;
    }

    public void setQueryTimeout(Duration queryTimeout) {
      this.queryTimeout = queryTimeout;
    }
  }

  /** {@code eventcontracts.stores.redis.*}. */
  public static class Redis {

    /**
     * The Redis URI ({@code redis://host:6379}) for the client the starter creates when the
     * application has no Lettuce {@code RedisClient} bean.
     */
    private String uri;

    /** Prefix of the dedup keys. */
    private String dedupKeyPrefix = "ec:dedup:";

    /** Prefix of the entity-position keys. */
    private String entityKeyPrefix = "ec:entity:";

    /** Longest time one store command may take. */
    private Duration timeout = Duration.ofSeconds(5);

    public String getUri() {
      return uri;
    }

    public void setUri(String uri) {
      this.uri = uri;
    }

    public String getDedupKeyPrefix() {
      return dedupKeyPrefix;
    }

    public void setDedupKeyPrefix(String dedupKeyPrefix) {
      this.dedupKeyPrefix = dedupKeyPrefix;
    }

    public String getEntityKeyPrefix() {
      return entityKeyPrefix;
    }

    public void setEntityKeyPrefix(String entityKeyPrefix) {
      this.entityKeyPrefix = entityKeyPrefix;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }

  /** {@code eventcontracts.dead-letter.*}. */
  public static class DeadLetter {

    /**
     * Where dead letters go: {@code kafka} (a Kafka dead-letter topic; needs sdk-kafka), {@code
     * pubsub} (a Pub/Sub dead-letter topic in {@code eventcontracts.pubsub.project-id}; needs
     * sdk-pubsub) or {@code memory} (kept in the process, for tests and demos only). Unset: {@code
     * pubsub} when {@code eventcontracts.pubsub.subscription} is set, else {@code kafka}.
     */
    private String destination;

    /**
     * The dead-letter topic for every message; unset: the record's topic plus {@code .dlq} on
     * Kafka, the subscription's id plus {@code -dlq} on Pub/Sub.
     */
    private String topic;

    /** Longest wait for the broker or service to acknowledge a dead letter. */
    private Duration sendTimeout = Duration.ofSeconds(30);

    /** Extra Kafka producer settings for the dead-letter producer. */
    private Map<String, String> producerProperties = new LinkedHashMap<>();

    public String getDestination() {
      return destination;
    }

    public void setDestination(String destination) {
      this.destination = destination;
    }

    public String getTopic() {
      return topic;
    }

    public void setTopic(String topic) {
      this.topic = topic;
    }

    public Duration getSendTimeout() {
      return sendTimeout;
    }

    public void setSendTimeout(Duration sendTimeout) {
      this.sendTimeout = sendTimeout;
    }

    public Map<String, String> getProducerProperties() {
      return producerProperties;
    }

    public void setProducerProperties(Map<String, String> producerProperties) {
      this.producerProperties = producerProperties;
    }
  }

  /** {@code eventcontracts.retry.*}. */
  public static class Retry {

    /** Deliveries of a message whose handler throws, the last one dead-letters it. */
    private int maxAttempts = 3;

    /** Delay before the second delivery. */
    private Duration initialInterval = Duration.ofMillis(200);

    /** Factor by which the delay grows with every delivery. */
    private double multiplier = 2.0;

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getInitialInterval() {
      return initialInterval;
    }

    public void setInitialInterval(Duration initialInterval) {
      this.initialInterval = initialInterval;
    }

    public double getMultiplier() {
      return multiplier;
    }

    public void setMultiplier(double multiplier) {
      this.multiplier = multiplier;
    }
  }

  /** {@code eventcontracts.kafka.*}. */
  public static class Kafka {

    /**
     * The topics the starter's consumer reads. Unset: no consumer is started (use the pipeline from
     * your own Spring Kafka listener instead).
     */
    private List<String> topics = new ArrayList<>();

    /** The consumer group. Required with topics. */
    private String groupId;

    /**
     * Bootstrap servers of the consumer and the dead-letter producer; {@code
     * spring.kafka.bootstrap-servers} when unset.
     */
    private String bootstrapServers;

    /** Worker threads; one partition is never on two threads. */
    private int concurrency = 1;

    /** Most records of one partition processed as one batch. */
    private int maxBatch = 500;

    /** How long one poll waits for records. */
    private Duration pollTimeout = Duration.ofSeconds(1);

    /**
     * How long a graceful stop waits for the record in progress to finish and its offsets to be
     * committed. Keep it below {@code spring.lifecycle.timeout-per-shutdown-phase}.
     */
    private Duration closeTimeout = Duration.ofSeconds(30);

    /** Extra Kafka consumer settings ({@code auto.offset.reset}, security...). */
    private Map<String, String> consumerProperties = new LinkedHashMap<>();

    public List<String> getTopics() {
      return topics;
    }

    public void setTopics(List<String> topics) {
      this.topics = topics;
    }

    public String getGroupId() {
      return groupId;
    }

    public void setGroupId(String groupId) {
      this.groupId = groupId;
    }

    public String getBootstrapServers() {
      return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }

    public int getConcurrency() {
      return concurrency;
    }

    public void setConcurrency(int concurrency) {
      this.concurrency = concurrency;
    }

    public int getMaxBatch() {
      return maxBatch;
    }

    public void setMaxBatch(int maxBatch) {
      this.maxBatch = maxBatch;
    }

    public Duration getPollTimeout() {
      return pollTimeout;
    }

    public void setPollTimeout(Duration pollTimeout) {
      this.pollTimeout = pollTimeout;
    }

    public Duration getCloseTimeout() {
      return closeTimeout;
    }

    public void setCloseTimeout(Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
    }

    public Map<String, String> getConsumerProperties() {
      return consumerProperties;
    }

    public void setConsumerProperties(Map<String, String> consumerProperties) {
      this.consumerProperties = consumerProperties;
    }
  }

  /** {@code eventcontracts.pubsub.*}. */
  public static class PubSub {

    /**
     * The Google Cloud project of the subscription and of the dead-letter topics; {@code
     * spring.cloud.gcp.project-id} when unset. Required with a subscription given by its id.
     */
    private String projectId;

    /**
     * The subscription the starter's consumer reads: its id in the project, or its full name {@code
     * projects/<project>/subscriptions/<id>}. Unset: no Pub/Sub consumer is started.
     */
    private String subscription;

    /**
     * {@code host:port} of a Pub/Sub emulator or test server, reached over plaintext without
     * credentials (consumer and dead-letter topic); {@code spring.cloud.gcp.pubsub.emulator-host}
     * when unset. Unset both: the real service with application default credentials.
     */
    private String emulatorHost;

    /** Executor threads that run handlers. */
    private int concurrency = 4;

    /** StreamingPull streams the subscriber opens. */
    private int parallelPullCount = 1;

    /**
     * Flow control: most messages held at once, delivered and not yet acked or nacked (running or
     * waiting for a retry).
     */
    private long maxOutstandingMessages = 1_000;

    /** Flow control: most bytes of messages held at once. */
    private DataSize maxOutstandingBytes = DataSize.ofMegabytes(100);

    /**
     * How long a graceful stop waits for running handlers (whose messages are then acked or
     * nacked), and then again at most for the subscriber to stop. Keep twice this below {@code
     * spring.lifecycle.timeout-per-shutdown-phase}.
     */
    private Duration closeTimeout = Duration.ofSeconds(30);

    public String getProjectId() {
      return projectId;
    }

    public void setProjectId(String projectId) {
      this.projectId = projectId;
    }

    public String getSubscription() {
      return subscription;
    }

    public void setSubscription(String subscription) {
      this.subscription = subscription;
    }

    public String getEmulatorHost() {
      return emulatorHost;
    }

    public void setEmulatorHost(String emulatorHost) {
      this.emulatorHost = emulatorHost;
    }

    public int getConcurrency() {
      return concurrency;
    }

    public void setConcurrency(int concurrency) {
      this.concurrency = concurrency;
    }

    public int getParallelPullCount() {
      return parallelPullCount;
    }

    public void setParallelPullCount(int parallelPullCount) {
      this.parallelPullCount = parallelPullCount;
    }

    public long getMaxOutstandingMessages() {
      return maxOutstandingMessages;
    }

    public void setMaxOutstandingMessages(long maxOutstandingMessages) {
      this.maxOutstandingMessages = maxOutstandingMessages;
    }

    public DataSize getMaxOutstandingBytes() {
      return maxOutstandingBytes;
    }

    public void setMaxOutstandingBytes(DataSize maxOutstandingBytes) {
      this.maxOutstandingBytes = maxOutstandingBytes;
    }

    public Duration getCloseTimeout() {
      return closeTimeout;
    }

    public void setCloseTimeout(Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
    }
  }

  /** {@code eventcontracts.observation.*}. */
  public static class Observation {

    /**
     * Run every handler in a Micrometer observation when the application has an ObservationRegistry
     * (continues the producer's W3C trace).
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }
}
