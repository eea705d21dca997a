package dev.eventcontracts.pubsub;

import com.google.api.core.ApiService;
import com.google.api.gax.batching.FlowControlSettings;
import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.InstantiatingExecutorProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.pubsub.v1.ProjectSubscriptionName;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.ProcessingResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes a Pub/Sub subscription through an {@link EventPipeline}, at least once, acking a message
 * only once its outcome is final (see {@link PubSubMessageReceiver} for the ack rules).
 *
 * <pre>{@code
 * PubSubEventConsumer consumer =
 *     PubSubEventConsumer.builder(pipeline)
 *         .subscription("my-project", "matching-service")
 *         .build();
 * consumer.start(); // the client's Subscriber pulls on its own threads
 * ...
 * consumer.close(); // stops pulling, lets handlers finish, acks nothing unfinished
 * }</pre>
 *
 * <p>The client's Subscriber streams messages and calls the receiver on {@link Builder#concurrency}
 * executor threads; flow control ({@link Builder#flowControl}) bounds the messages and bytes held
 * at once, including messages that wait for a retry.
 *
 * <p>{@link #close()} first stops taking messages (later deliveries and waiting retries are nacked,
 * so another subscriber gets them at once), then waits up to the close timeout for running
 * handlers, whose messages are acked or nacked as their outcome says, and then stops the
 * Subscriber. A handler still running after the bound is not acked.
 */
public final class PubSubEventConsumer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PubSubEventConsumer.class);

  /** Default longest wait of {@link #close()} for running handlers. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** Default number of executor threads that run handlers. */
  public static final int DEFAULT_CONCURRENCY = 4;

  /** Default bound on messages held at once (the client's own default is 1,000). */
  public static final long DEFAULT_MAX_OUTSTANDING_MESSAGES = 1_000;

  /** Default bound on bytes held at once (the client's own default, 100 MiB). */
  public static final long DEFAULT_MAX_OUTSTANDING_BYTES = 100L * 1024 * 1024;

  private final String subscription;
  private final PubSubMessageReceiver receiver;
  private final Subscriber subscriber;
  private final Connection connection;
  private final Duration closeTimeout;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile @Nullable Throwable failure;

  private PubSubEventConsumer(Builder b) {
    this.subscription = b.subscription;
    this.closeTimeout = b.closeTimeout;
    PubSubMessageReceiver.Builder rb =
        PubSubMessageReceiver.builder(b.pipeline)
            .subscription(b.subscription)
            .attemptCache(b.attemptCacheSize, b.attemptCacheExpiry);
    if (b.resultListener != null) {
      rb.onResult(b.resultListener);
    }
    this.receiver = rb.build();
    this.connection =
        b.emulatorHost != null
            ? Connection.emulator(b.emulatorHost)
            : Connection.of(b.channels, b.credentials);
    Subscriber.Builder sb =
        Subscriber.newBuilder(b.subscription, receiver)
            .setFlowControlSettings(
                FlowControlSettings.newBuilder()
                    .setMaxOutstandingElementCount(b.maxOutstandingMessages)
                    .setMaxOutstandingRequestBytes(b.maxOutstandingBytes)
                    .build())
            .setParallelPullCount(b.parallelPullCount)
            .setExecutorProvider(
                InstantiatingExecutorProvider.newBuilder()
                    .setExecutorThreadCount(b.concurrency)
                    .build());
    if (connection.channels() != null) {
      sb.setChannelProvider(connection.channels());
    }
    if (connection.credentials() != null) {
      sb.setCredentialsProvider(connection.credentials());
    }
    if (b.customizer != null) {
      b.customizer.accept(sb);
    }
    this.subscriber = sb.build();
    this.subscriber.addListener(
        new ApiService.Listener() {
          @Override
          public void failed(ApiService.State from, Throwable cause) {
            failure = cause;
            LOG.error("Pub/Sub subscriber for {} failed in state {}", subscription, from, cause);
          }
        },
        MoreExecutors.directExecutor());
  }

  /** Starts a consumer that feeds {@code pipeline}. */
  public static Builder builder(EventPipeline pipeline) {
    return new Builder(pipeline);
  }

  /** The subscription, {@code projects/p/subscriptions/s}. */
  public String subscription() {
    return subscription;
  }

  /** The receiver, for its counters. */
  public PubSubMessageReceiver receiver() {
    return receiver;
  }

  /**
   * Starts pulling and returns once the stream is up.
   *
   * @throws IllegalStateException when the consumer was started before, or the Subscriber fails to
   *     start
   */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("consumer already started");
    }
    subscriber.startAsync().awaitRunning();
  }

  /** True while the Subscriber runs. */
  public boolean isRunning() {
    return subscriber.isRunning();
  }

  /** Why the Subscriber stopped on its own, if it did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /** Acks the service refused or did not confirm (exactly-once subscriptions). */
  public long failedAcks() {
    return receiver.failedAcks();
  }

  /**
   * Shuts down gracefully: stops taking messages (new deliveries and waiting retries are nacked),
   * waits up to the close timeout for running handlers, whose messages are acked or nacked by their
   * outcome, then stops the Subscriber. Idempotent.
   */
  @Override
  public void close() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    LOG.debug("closing the consumer of {}", subscription);
    receiver.stopAccepting();
    if (!receiver.awaitIdle(closeTimeout)) {
      LOG.warn(
          "{} handlers still running on {} after {}; their messages are not acked",
          receiver.inFlight(),
          subscription,
          closeTimeout);
    }
    stopSubscriber(closeTimeout);
  }

  /**
   * Test hook that simulates a crash: from now on nothing is acked or nacked, not even messages
   * whose handler finishes, and the Subscriber stops without waiting; the messages come back when
   * their ack deadline passes. Package-private: not API, only this package's tests call it.
   */
  void kill() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    receiver.kill();
    stopSubscriber(Duration.ofSeconds(5));
  }

  private void stopSubscriber(Duration timeout) {
    try {
      if (started.get()) {
        LOG.debug("stopping the subscriber of {}", subscription);
        subscriber.stopAsync().awaitTerminated(timeout.toMillis(), TimeUnit.MILLISECONDS);
        LOG.debug("stopped the subscriber of {}", subscription);
      }
    } catch (TimeoutException e) {
      LOG.warn("Pub/Sub subscriber for {} did not stop within {}", subscription, timeout);
    } catch (IllegalStateException e) {
      // the subscriber had failed; failure() tells why
    } finally {
      receiver.shutdownTimer();
      connection.close();
    }
  }

  /** Builds a {@link PubSubEventConsumer}. */
  public static final class Builder {
    private final EventPipeline pipeline;
    private @Nullable String subscription;
    private @Nullable String emulatorHost;
    private @Nullable TransportChannelProvider channels;
    private @Nullable CredentialsProvider credentials;
    private long maxOutstandingMessages = DEFAULT_MAX_OUTSTANDING_MESSAGES;
    private long maxOutstandingBytes = DEFAULT_MAX_OUTSTANDING_BYTES;
    private int concurrency = DEFAULT_CONCURRENCY;
    private int parallelPullCount = 1;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private long attemptCacheSize = PubSubMessageReceiver.DEFAULT_ATTEMPT_CACHE_SIZE;
    private Duration attemptCacheExpiry = PubSubMessageReceiver.DEFAULT_ATTEMPT_CACHE_EXPIRY;
    private @Nullable Consumer<ProcessingResult> resultListener;
    private @Nullable Consumer<Subscriber.Builder> customizer;

    private Builder(EventPipeline pipeline) {
      this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    }

    /** Consumes {@code projects/<project>/subscriptions/<subscription>}. */
    public Builder subscription(String project, String subscription) {
      this.subscription = ProjectSubscriptionName.format(project, subscription);
      return this;
    }

    /** Consumes this subscription, {@code projects/p/subscriptions/s}. */
    public Builder subscription(String subscriptionName) {
      this.subscription = ProjectSubscriptionName.parse(subscriptionName).toString();
      return this;
    }

    /**
     * Connects to an emulator or test server at {@code host:port} over plaintext, without
     * credentials (the Java client ignores {@code PUBSUB_EMULATOR_HOST}).
     */
    public Builder emulatorHost(String hostAndPort) {
      this.emulatorHost = Objects.requireNonNull(hostAndPort, "hostAndPort");
      return this;
    }

    /** Uses this channel provider instead of the client's default. */
    public Builder channelProvider(TransportChannelProvider provider) {
      this.channels = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /** Uses these credentials instead of application default credentials. */
    public Builder credentialsProvider(CredentialsProvider provider) {
      this.credentials = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * Bounds what the Subscriber holds at once: messages delivered and not yet acked or nacked
     * (running, or waiting for a retry) and their bytes; defaults {@link
     * #DEFAULT_MAX_OUTSTANDING_MESSAGES} and {@link #DEFAULT_MAX_OUTSTANDING_BYTES}.
     */
    public Builder flowControl(long maxOutstandingMessages, long maxOutstandingBytes) {
      if (maxOutstandingMessages <= 0 || maxOutstandingBytes <= 0) {
        throw new IllegalArgumentException("flow control bounds must be positive");
      }
      this.maxOutstandingMessages = maxOutstandingMessages;
      this.maxOutstandingBytes = maxOutstandingBytes;
      return this;
    }

    /** Sets the number of threads that run handlers; {@link #DEFAULT_CONCURRENCY}. */
    public Builder concurrency(int threads) {
      if (threads <= 0) {
        throw new IllegalArgumentException("concurrency must be positive");
      }
      this.concurrency = threads;
      return this;
    }

    /** Sets the number of StreamingPull streams; 1 by default. */
    public Builder parallelPullCount(int streams) {
      if (streams <= 0) {
        throw new IllegalArgumentException("parallel pull count must be positive");
      }
      this.parallelPullCount = streams;
      return this;
    }

    /**
     * Sets how long {@link #close()} waits for running handlers; {@link #DEFAULT_CLOSE_TIMEOUT}.
     */
    public Builder closeTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("close timeout must not be negative");
      }
      this.closeTimeout = timeout;
      return this;
    }

    /**
     * Bounds the delivery-attempt cache; see {@link PubSubMessageReceiver.Builder#attemptCache}.
     */
    public Builder attemptCache(long maxSize, Duration expiry) {
      if (maxSize <= 0 || expiry.isNegative() || expiry.isZero()) {
        throw new IllegalArgumentException("attempt cache size and expiry must be positive");
      }
      this.attemptCacheSize = maxSize;
      this.attemptCacheExpiry = expiry;
      return this;
    }

    /** Called with every result, on the thread that processed the message. */
    public Builder onResult(Consumer<ProcessingResult> listener) {
      this.resultListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Adjusts the Subscriber's builder last, for settings this builder does not cover. */
    public Builder subscriberSettings(Consumer<Subscriber.Builder> customizer) {
      this.customizer = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    /**
     * Builds the consumer; nothing is pulled before {@link PubSubEventConsumer#start()}.
     *
     * @throws IllegalStateException when no subscription was named
     */
    public PubSubEventConsumer build() {
      if (subscription == null) {
        throw new IllegalStateException("subscription is required");
      }
      return new PubSubEventConsumer(this);
    }
  }
}
