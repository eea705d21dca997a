package dev.eventcontracts.pipeline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.UnknownEventAction;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.NearCache;
import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.metrics.MicrometerPipelineListener;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.resilience.StoreResilience;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The consumer pipeline. For every message, in this order: read the envelope (refusing oversized,
 * garbage or hostile input), find the contract under the version policy, validate the payload
 * (every violation at once), find the handler, bind the payload, derive the idempotency key and the
 * ordering position, apply the replay policy, claim the key, check the entity position, run the
 * handler, advance the position, complete the key. Exactly one {@link Outcome} per message;
 * rejected messages go to the {@link DeadLetterSink} before the message is acknowledged.
 *
 * <p>Transports call {@link #process} for per-message delivery (Pub/Sub) or {@link #processBatch}
 * for poll batches (Kafka), which claims the whole batch's keys in one round trip. Thread-safe; a
 * transport keeps the messages of one partition (or ordering key) on one thread at a time.
 *
 * <p>The work is split by concept: {@code MessagePreparation} (reading, validation, binding, keys),
 * {@code StoreProtocol} (claims, positions, transactions around the handler), {@code
 * HandlerInvocation} (running the handler, retry decisions) and {@code DeadLettering}.
 */
public final class EventPipeline {
  /** Transport attribute that marks a replayed message. */
  public static final String REPLAY_ATTRIBUTE = "replay";

  /** Default claim lease: how long a claim holds before another consumer may take over. */
  public static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);

  /** Default retention of completed keys (the dedup TTL). */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

  /** Default delay before retrying an event that another consumer is handling. */
  public static final Duration DEFAULT_IN_PROGRESS_DELAY = Duration.ofSeconds(1);

  /** Default number of consecutive messages of a batch processed in one transaction. */
  public static final int DEFAULT_TRANSACTION_BATCH_SIZE = 100;

  /** Default delay before retrying a message whose dead letter could not be stored. */
  public static final Duration DEFAULT_SINK_RETRY_DELAY = Duration.ofSeconds(5);

  private final ContractRegistry registry;
  private final String owner;
  private final MessagePreparation preparation;
  private final DeadLettering deadLettering;
  private final StoreProtocol stores;

  private EventPipeline(Builder b) {
    this.registry = b.registry;
    this.owner = b.owner;
    List<PipelineListener> listeners = new ArrayList<>(b.listeners);
    if (b.meterRegistry != null) {
      listeners.add(MicrometerPipelineListener.of(b.meterRegistry, b.registry, b.clock));
    }
    PipelineEvents metrics = new PipelineEvents(PipelineListener.composite(listeners));
    Results results = new Results(metrics, b.clock);
    // a transactional store keeps no fingerprints: key reuse is not detected there
    KeyReuse keyReuse = b.transactionalStore == null ? b.keyReuse : KeyReuse.IGNORE;
    this.preparation =
        new MessagePreparation(
            b.registry,
            b.bindings,
            Objects.requireNonNull(b.payloadMapper, "payloadMapper"), // set by build()
            keyReuse != KeyReuse.IGNORE,
            metrics);
    this.deadLettering =
        new DeadLettering(
            Objects.requireNonNull(b.sink, "a dead-letter sink is required"),
            results,
            metrics,
            b.onUnknownEvent == null ? registry.onUnknownEvent() : b.onUnknownEvent,
            b.sinkRetryDelay,
            b.logPayloads);
    HandlerInvocation handlers =
        new HandlerInvocation(b.retry, metrics, results, deadLettering, b.logPayloads);
    this.stores =
        new StoreProtocol(
            b.dedupStore,
            b.versionStore,
            b.transactionalStore,
            b.owner,
            b.lease,
            b.retention,
            b.inProgressDelay,
            metrics,
            results,
            handlers,
            deadLettering,
            b.transactionBatchSize,
            keyReuse,
            b.logPayloads);
  }

  /**
   * A new mapper for payload binding: Jackson's defaults plus the Java time module ({@code
   * Instant}, {@code OffsetDateTime}, {@code LocalDate}... from ISO-8601 strings) and the JDK 8
   * module ({@code Optional}); unknown properties ignored. Copy it to add your own modules.
   */
  public static ObjectMapper defaultPayloadMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(new Jdk8Module())
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
  }

  /** Starts a pipeline over the contracts of {@code registry}. */
  public static Builder builder(ContractRegistry registry) {
    return new Builder(registry);
  }

  /** The registry the pipeline validates against. */
  public ContractRegistry registry() {
    return registry;
  }

  /** The id this pipeline claims idempotency keys under. */
  public String owner() {
    return owner;
  }

  /** Processes one message, first delivery. */
  public ProcessingResult process(InboundMessage message) {
    return process(message, 1);
  }

  /**
   * Processes one message.
   *
   * @param deliveryAttempt which delivery this is, from 1; decides whether a failing handler is
   *     retried or dead-lettered
   */
  public ProcessingResult process(InboundMessage message, int deliveryAttempt) {
    PreparedMessage p = preparation.prepare(message, deliveryAttempt);
    return p.rejection != null
        ? deadLettering.reject(p)
        : stores.execute(p, null, null, null, null);
  }

  /**
   * Processes messages of one partition in order, claiming all their idempotency keys in one round
   * trip. Stops after the first message whose disposition is {@link Disposition#RETRY} (order is
   * kept: the transport redelivers it and everything after it) and releases the claims taken for
   * the messages after it.
   *
   * @return one result per processed message, in order; shorter than the input after a retry
   */
  public List<ProcessingResult> processBatch(List<InboundMessage> messages) {
    return processBatch(messages, () -> false);
  }

  /**
   * Like {@link #processBatch(List)}, but asks {@code stopRequested} before each message after the
   * first and stops when it answers true, releasing the claims taken for the messages not
   * processed. Lets a transport shut down after the message in progress instead of after the whole
   * batch.
   *
   * @return one result per processed message, in order; shorter than the input after a retry or a
   *     stop
   */
  public List<ProcessingResult> processBatch(
      List<InboundMessage> messages, BooleanSupplier stopRequested) {
    Objects.requireNonNull(stopRequested, "stopRequested");
    List<PreparedMessage> prepared = new ArrayList<>(messages.size());
    for (InboundMessage message : messages) {
      prepared.add(preparation.prepare(message, 1));
    }
    if (stores.transactional()) {
      return stores.processInTransactions(prepared, stopRequested);
    }
    StoreProtocol.Batch batch = stores.open(prepared);
    if (batch.failure != null) {
      return List.of(batch.failure); // nothing claimed; the whole batch is retried
    }
    List<ProcessingResult> results = new ArrayList<>(prepared.size());
    for (int i = 0; i < prepared.size(); i++) {
      if (i > 0 && stopRequested.getAsBoolean()) {
        stores.releaseFrom(batch, prepared, i);
        break;
      }
      PreparedMessage p = prepared.get(i);
      ProcessingResult result =
          p.rejection != null ? deadLettering.reject(p) : stores.execute(p, batch);
      results.add(result);
      if (result.disposition() == Disposition.RETRY) {
        stores.releaseFrom(batch, prepared, i + 1);
        break;
      }
    }
    return stores.close(batch, prepared, results);
  }

  /** Builds an {@link EventPipeline}. */
  public static final class Builder {
    private final ContractRegistry registry;
    private final List<HandlerBinding<?>> bindings = new ArrayList<>();
    private @Nullable DedupStore dedupStore;
    private @Nullable EntityVersionStore versionStore;
    private @Nullable TransactionalStore transactionalStore;
    private @Nullable DeadLetterSink sink;
    private RetryConfig retry =
        RetryConfig.custom()
            .maxAttempts(3)
            .intervalFunction(
                io.github.resilience4j.core.IntervalFunction.ofExponentialBackoff(200, 2.0))
            .build();
    private Duration lease = DEFAULT_LEASE;
    private Duration retention = DEFAULT_RETENTION;
    private Duration inProgressDelay = DEFAULT_IN_PROGRESS_DELAY;
    private Duration sinkRetryDelay = DEFAULT_SINK_RETRY_DELAY;
    private String owner = "consumer-" + UUID.randomUUID();
    private Clock clock = Clock.systemUTC();
    private @Nullable MeterRegistry meterRegistry;
    private final List<PipelineListener> listeners = new ArrayList<>();
    private @Nullable UnknownEventAction onUnknownEvent;
    private boolean logPayloads;
    private @Nullable StoreResilience storeResilience;
    private @Nullable ObjectMapper
        payloadMapper; // the default one is made in build(), when none was set
    private int transactionBatchSize = DEFAULT_TRANSACTION_BATCH_SIZE;
    private @Nullable NearCache nearCache;
    private KeyReuse keyReuse = KeyReuse.LOG;

    private Builder(ContractRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Binds a handler. */
    public Builder handler(HandlerBinding<?> binding) {
      bindings.add(Objects.requireNonNull(binding, "binding"));
      return this;
    }

    /** Binds a handler that receives the payload as {@code type}, for every version. */
    public <T> Builder handler(String eventName, Class<T> type, EventHandler<T> handler) {
      return handler(HandlerBinding.of(eventName, type, handler));
    }

    /**
     * Sets the Jackson mapper that binds payloads to the handlers' payload types, with the modules
     * and settings your types need; {@link EventPipeline#defaultPayloadMapper()} by default.
     * Unknown properties are always ignored (a producer may add an optional field without breaking
     * consumers). Only binding uses it: parsing and validation keep their own strict reader.
     */
    public Builder payloadMapper(ObjectMapper mapper) {
      this.payloadMapper = Objects.requireNonNull(mapper, "mapper");
      return this;
    }

    /** Sets the dedup store; an in-memory store when none is set. */
    public Builder dedupStore(DedupStore store) {
      this.dedupStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Sets the entity version store; an in-memory store when none is set. */
    public Builder entityVersionStore(EntityVersionStore store) {
      this.versionStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Uses a transactional store instead of the dedup and entity version stores: the key, the
     * position and the handler's writes (through {@link EventContext#connection()}) commit in one
     * transaction.
     */
    public Builder transactionalStore(TransactionalStore store) {
      this.transactionalStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Sets the dead-letter sink (required). */
    public Builder deadLetterSink(DeadLetterSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * Sets the handler retry policy (Resilience4j): {@code maxAttempts} counts deliveries, the
     * interval function gives the back-off, and exceptions the config does not retry are
     * dead-lettered at once. Default: 3 attempts, exponential back-off from 200 ms.
     */
    public Builder retry(RetryConfig config) {
      this.retry = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Sets the claim lease; {@link #DEFAULT_LEASE} by default. */
    public Builder lease(Duration lease) {
      this.lease = positive(lease, "lease");
      return this;
    }

    /** Sets how long completed keys are remembered; {@link #DEFAULT_RETENTION} by default. */
    public Builder retention(Duration retention) {
      this.retention = positive(retention, "retention");
      return this;
    }

    /** Sets the delay before retrying an event another consumer is handling. */
    public Builder inProgressDelay(Duration delay) {
      this.inProgressDelay = positive(delay, "delay");
      return this;
    }

    /** Sets the delay before retrying a message whose dead letter could not be stored. */
    public Builder sinkRetryDelay(Duration delay) {
      this.sinkRetryDelay = positive(delay, "delay");
      return this;
    }

    /** Sets the owner id claims are taken under; a random id by default. */
    public Builder owner(String owner) {
      this.owner = Objects.requireNonNull(owner, "owner");
      return this;
    }

    /** Sets the clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Records the pipeline's meters on this registry (a {@link MicrometerPipelineListener}, added
     * after the {@link #listener listeners}), and the circuit breakers' and near cache's; none are
     * recorded by default.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Adds a listener for the pipeline's events (outcomes, retries, handler runs, store calls and
     * failures, dead letters); listeners hear events in the order they were added. A listener that
     * throws is logged once and ignored: it cannot change what happens to a message.
     */
    public Builder listener(PipelineListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Overrides the registry's action for unknown events. */
    public Builder onUnknownEvent(UnknownEventAction action) {
      this.onUnknownEvent = Objects.requireNonNull(action, "action");
      return this;
    }

    /** Logs payloads at debug level; off by default, since payloads may hold personal data. */
    public Builder logPayloads(boolean logPayloads) {
      this.logPayloads = logPayloads;
      return this;
    }

    /**
     * Sets the circuit breakers around the stores and the dead-letter sink given to this builder
     * (the in-memory defaults are not wrapped). By default {@link StoreResilience#ofDefaults()},
     * with its meters on {@link #meterRegistry}; {@link StoreResilience#disabled()} turns them off.
     */
    public Builder storeResilience(StoreResilience resilience) {
      this.storeResilience = Objects.requireNonNull(resilience, "resilience");
      return this;
    }

    /**
     * Sets how many consecutive messages of a batch ({@link EventPipeline#processBatch}) share one
     * transaction in transactional mode; {@link #DEFAULT_TRANSACTION_BATCH_SIZE} by default, 1 for
     * a transaction per message. Larger batches cost fewer round trips per message and hold their
     * entities' row locks longer.
     *
     * @throws IllegalArgumentException when {@code size} is not between 1 and 1,000
     */
    public Builder transactionBatchSize(int size) {
      if (size < 1 || size > 1_000) {
        throw new IllegalArgumentException("transaction batch size must be between 1 and 1000");
      }
      this.transactionBatchSize = size;
      return this;
    }

    /**
     * Puts a near cache (Caffeine) in front of the dedup and entity version stores given to this
     * builder: a duplicate of a key this instance completed, or an event at or below a position the
     * entity is known to have reached, is answered without a round trip. Completed keys are cached
     * for at most the {@link #retention}. Not for the in-memory defaults (nothing to save) nor with
     * a transactional store (refused by {@link #build()}). None by default.
     */
    public Builder nearCache(NearCache cache) {
      this.nearCache = Objects.requireNonNull(cache, "cache");
      return this;
    }

    /**
     * Sets what happens to a duplicate whose payload differs from the payload first processed under
     * its idempotency key (a producer reusing a key for a different event): {@link KeyReuse#LOG} by
     * default (acknowledged as a duplicate, counted and logged without the payload), {@link
     * KeyReuse#DEAD_LETTER} or {@link KeyReuse#IGNORE}. Needs a dedup store that keeps fingerprints
     * (the SDK's in-memory, JDBC and Redis stores, and the near cache); not available with a
     * transactional store, where it is ignored.
     */
    public Builder onKeyReuse(KeyReuse action) {
      this.keyReuse = Objects.requireNonNull(action, "action");
      return this;
    }

    private static Duration positive(Duration d, String what) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
      return d;
    }

    /**
     * Builds the pipeline.
     *
     * @throws IllegalStateException when a handler's payload type can be seen not to bind its
     *     contract (no way to create it, a {@code java.time} type without its module, a property
     *     whose JSON type can never read as its Java type); the message lists every such problem
     */
    public EventPipeline build() {
      if (payloadMapper == null) {
        payloadMapper = defaultPayloadMapper();
      }
      List<String> bindingProblems = PayloadTypeCheck.problems(registry, bindings, payloadMapper);
      if (!bindingProblems.isEmpty()) {
        throw new IllegalStateException(PayloadTypeCheck.message(bindingProblems));
      }
      StoreResilience resilience = storeResilience;
      if (resilience == null) {
        resilience =
            meterRegistry == null
                ? StoreResilience.ofDefaults()
                : StoreResilience.builder().meterRegistry(meterRegistry).build();
      }
      if (sink != null) {
        sink = resilience.deadLetterSink(sink);
      }
      if (dedupStore != null) {
        dedupStore = resilience.dedupStore(dedupStore);
      }
      if (versionStore != null) {
        versionStore = resilience.entityVersionStore(versionStore);
      }
      if (transactionalStore != null) {
        transactionalStore = resilience.transactionalStore(transactionalStore);
        if (nearCache != null) {
          throw new IllegalStateException(
              "a near cache sits in front of the dedup and entity version stores; a transactional"
                  + " store records keys in the handler's own transaction");
        }
      }
      if (nearCache != null) {
        // outside the breakers: a cached answer needs no store, up or down
        if (dedupStore != null) {
          dedupStore = nearCache.dedupStore(dedupStore, meterRegistry);
        }
        if (versionStore != null) {
          versionStore = nearCache.entityVersionStore(versionStore, meterRegistry);
        }
      }
      if (transactionalStore == null) {
        if (dedupStore == null) {
          dedupStore = DedupStore.inMemory(1_000_000, clock);
        }
        if (versionStore == null) {
          versionStore = EntityVersionStore.inMemory();
        }
      } else if (dedupStore != null || versionStore != null) {
        throw new IllegalStateException(
            "a transactional store replaces the dedup and entity version stores");
      }
      return new EventPipeline(this);
    }
  }
}
