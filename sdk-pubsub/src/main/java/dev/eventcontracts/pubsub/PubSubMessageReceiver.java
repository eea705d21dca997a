package dev.eventcontracts.pubsub;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.AckReplyConsumerWithResponse;
import com.google.cloud.pubsub.v1.AckResponse;
import com.google.cloud.pubsub.v1.MessageReceiver;
import com.google.cloud.pubsub.v1.MessageReceiverWithAckResponse;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.pubsub.v1.PubsubMessage;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.ProcessingResult;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Pub/Sub messages through an {@link EventPipeline} and acknowledges each one only once its
 * outcome is final. Use it with a Subscriber you build yourself; {@link PubSubEventConsumer} builds
 * one around it.
 *
 * <pre>{@code
 * PubSubMessageReceiver receiver =
 *     PubSubMessageReceiver.builder(pipeline).subscription(subscriptionName).build();
 * Subscriber subscriber = Subscriber.newBuilder(subscriptionName, receiver).build();
 * }</pre>
 *
 * <ul>
 *   <li>{@code ACKNOWLEDGE} (handled, skipped, or dead letter confirmed by the sink): ack, with the
 *       ack-with-response API, so failed acks on exactly-once subscriptions are counted ({@link
 *       #failedAcks()}); the dedup store covers their redelivery.
 *   <li>{@code RETRY}: never acked. The receiver holds the message (the client keeps extending its
 *       lease) for the result's {@code retryAfter}, then nacks it, so the service redelivers it; a
 *       subscription retry policy adds its own back-off on top. A message with an ordering key is
 *       instead retried in place after {@code retryAfter}, holding its lease, so the key's later
 *       messages wait behind it and order holds across retries.
 *   <li>The delivery attempt is the message's own when the subscription has a dead-letter policy;
 *       otherwise the receiver counts deliveries per message id in a bounded Caffeine cache.
 *   <li>After {@link #stopAccepting()} new messages are nacked unprocessed and waiting retries are
 *       nacked at once; after a (test-only) kill nothing is acked or nacked any more.
 * </ul>
 */
public final class PubSubMessageReceiver implements MessageReceiverWithAckResponse {
  private static final Logger LOG = LoggerFactory.getLogger(PubSubMessageReceiver.class);

  /** Default size bound of the delivery-attempt cache (message ids). */
  public static final long DEFAULT_ATTEMPT_CACHE_SIZE = 100_000;

  /** Default time a delivery count is kept after the message's last delivery. */
  public static final Duration DEFAULT_ATTEMPT_CACHE_EXPIRY = Duration.ofHours(1);

  /** Back-off after the pipeline itself threw, which it should never do. */
  static final Duration UNEXPECTED_FAILURE_DELAY = Duration.ofSeconds(1);

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final EventPipeline pipeline;
  private final String subscription;
  private final Consumer<ProcessingResult> resultListener;
  private final Cache<String, Integer> attempts;
  private final ScheduledExecutorService nackTimer;
  private final Map<String, PendingNack> pendingNacks = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object idle = new Object();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong acks = new AtomicLong();
  private final AtomicLong nacks = new AtomicLong();
  private final AtomicLong failedAcks = new AtomicLong();
  private volatile boolean accepting = true;
  private volatile boolean killed;

  private PubSubMessageReceiver(Builder b) {
    this.pipeline = b.pipeline;
    this.subscription = b.subscription;
    this.resultListener = b.resultListener;
    this.attempts =
        Caffeine.newBuilder()
            .maximumSize(b.attemptCacheSize)
            .expireAfterAccess(b.attemptCacheExpiry)
            .build();
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "event-contracts-pubsub-nack-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    this.nackTimer = timer;
  }

  /** Starts a receiver that feeds {@code pipeline}. */
  public static Builder builder(EventPipeline pipeline) {
    return new Builder(pipeline);
  }

  /** The subscription name that goes into every message's origin. */
  public String subscription() {
    return subscription;
  }

  @Override
  public void receiveMessage(PubsubMessage message, AckReplyConsumerWithResponse consumer) {
    receive(message, new WithResponse(consumer));
  }

  /**
   * This receiver as a plain {@link MessageReceiver}, for Subscribers built with one; acks then go
   * out without a response, so {@link #failedAcks()} stays 0.
   */
  public MessageReceiver plain() {
    return (message, consumer) -> receive(message, new Plain(consumer));
  }

  private void receive(PubsubMessage message, Reply reply) {
    if (!accepting) {
      if (!killed) {
        nack(reply); // stopping: not started, so redelivered to whoever keeps running
      }
      return;
    }
    inFlight.incrementAndGet();
    try {
      handle(message, reply);
    } finally {
      if (inFlight.decrementAndGet() == 0) {
        synchronized (idle) {
          idle.notifyAll();
        }
      }
    }
  }

  private void handle(PubsubMessage message, Reply reply) {
    InboundMessage inbound = MessageMapping.message(message, subscription);
    String id = message.getMessageId();
    int attempt = deliveryAttempt(message);
    boolean ordered = !message.getOrderingKey().isEmpty();
    while (true) {
      ProcessingResult result = null;
      try {
        result = pipeline.process(inbound, attempt);
      } catch (RuntimeException e) {
        LOG.error("pipeline failed on Pub/Sub message {}; retrying", id, e);
      }
      if (result != null) {
        notify(result);
      }
      if (killed) {
        return; // a crash: nothing is acked or nacked, the lease runs out
      }
      if (result != null && result.acknowledged()) {
        attempts.invalidate(id);
        ack(reply);
        return;
      }
      Duration delay = result == null ? UNEXPECTED_FAILURE_DELAY : result.retryAfter();
      if (!ordered) {
        nackAfter(id, reply, delay);
        return;
      }
      // an ordering key: retry here, holding the lease, so the key's later messages wait
      if (!pause(delay)) {
        if (!killed) {
          nack(reply);
        }
        return;
      }
      attempt++;
      attempts.put(id, attempt);
    }
  }

  private int deliveryAttempt(PubsubMessage message) {
    Integer fromService = Subscriber.getDeliveryAttempt(message);
    if (fromService != null && fromService > 0) {
      return fromService; // the subscription has a dead-letter policy: the service counts
    }
    return attempts.asMap().merge(message.getMessageId(), 1, Integer::sum);
  }

  /** Waits {@code delay} unless the receiver stops first; true when the full delay passed. */
  private boolean pause(Duration delay) {
    if (!accepting) {
      return false;
    }
    try {
      return !stopped.await(Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void nackAfter(String id, Reply reply, Duration delay) {
    if (delay.isZero() || delay.isNegative() || !accepting) {
      nack(reply);
      return;
    }
    PendingNack pending = new PendingNack(reply);
    pendingNacks.put(id, pending);
    pending.timer =
        nackTimer.schedule(
            () -> {
              if (pendingNacks.remove(id, pending)) {
                pending.fire(this);
              }
            },
            delay.toMillis(),
            TimeUnit.MILLISECONDS);
    if (!accepting && pendingNacks.remove(id, pending)) {
      pending.fire(this); // stopAccepting() ran between the check and the put
    }
  }

  private void ack(Reply reply) {
    acks.incrementAndGet();
    ApiFuture<AckResponse> future = reply.ack();
    if (future != null) {
      ApiFutures.addCallback(
          future,
          new ApiFutureCallback<AckResponse>() {
            @Override
            public void onSuccess(AckResponse r) {
              if (r != AckResponse.SUCCESSFUL) {
                failedAcks.incrementAndGet();
                LOG.warn("ack not confirmed ({}); the message will be redelivered", r);
              }
            }

            @Override
            public void onFailure(Throwable t) {
              failedAcks.incrementAndGet();
              LOG.warn("ack failed; the message will be redelivered", t);
            }
          },
          MoreExecutors.directExecutor());
    }
  }

  private void nack(Reply reply) {
    nacks.incrementAndGet();
    reply.nack();
  }

  private void notify(ProcessingResult result) {
    if (resultListener == null) {
      return;
    }
    try {
      resultListener.accept(result);
    } catch (RuntimeException e) {
      LOG.warn("result listener failed", e);
    }
  }

  /**
   * Stops taking messages: later deliveries are nacked unprocessed, retries that wait are nacked
   * now, and an ordered message waiting to be retried is nacked. Handlers that run go on.
   */
  public void stopAccepting() {
    accepting = false;
    stopped.countDown();
    for (String id : pendingNacks.keySet()) {
      PendingNack pending = pendingNacks.remove(id);
      if (pending != null) {
        pending.timer.cancel(false);
        if (!killed) {
          pending.fire(this);
        }
      }
    }
  }

  /** Waits until no handler runs, up to {@code timeout}; true when none runs. */
  public boolean awaitIdle(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (inFlight.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(idle, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Test hook that simulates a crash: from now on nothing is acked or nacked, not even messages
   * whose handler finishes, so they come back when their lease runs out. Package-private: not API
   * (the consumer's own crash hook uses it).
   */
  void kill() {
    killed = true;
    stopAccepting();
  }

  /** Stops the retry timer; call after the Subscriber has stopped. */
  void shutdownTimer() {
    nackTimer.shutdownNow();
  }

  /** Messages whose handler runs now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Messages acked so far (the ack was sent; see {@link #failedAcks()}). */
  public long acks() {
    return acks.get();
  }

  /** Messages nacked so far. */
  public long nacks() {
    return nacks.get();
  }

  /** Acks the service refused or did not confirm (exactly-once subscriptions). */
  public long failedAcks() {
    return failedAcks.get();
  }

  /** The two ways the client takes an ack or a nack. */
  private interface Reply {
    /** Acks; the future of the service's answer, or {@code null} when there is none. */
    ApiFuture<AckResponse> ack();

    void nack();
  }

  private record WithResponse(AckReplyConsumerWithResponse consumer) implements Reply {
    @Override
    public ApiFuture<AckResponse> ack() {
      return consumer.ack();
    }

    @Override
    public void nack() {
      consumer.nack();
    }
  }

  private record Plain(AckReplyConsumer consumer) implements Reply {
    @Override
    public @Nullable ApiFuture<AckResponse> ack() {
      consumer.ack();
      return null;
    }

    @Override
    public void nack() {
      consumer.nack();
    }
  }

  /** A nack that waits for its message's retry delay. */
  private static final class PendingNack {
    private final Reply reply;
    private @Nullable ScheduledFuture<?> timer;

    PendingNack(Reply reply) {
      this.reply = reply;
    }

    void fire(PubSubMessageReceiver receiver) {
      receiver.nack(reply);
    }
  }

  /** Builds a {@link PubSubMessageReceiver}. */
  public static final class Builder {
    private final EventPipeline pipeline;
    private @Nullable String subscription;
    private @Nullable Consumer<ProcessingResult> resultListener;
    private long attemptCacheSize = DEFAULT_ATTEMPT_CACHE_SIZE;
    private Duration attemptCacheExpiry = DEFAULT_ATTEMPT_CACHE_EXPIRY;

    private Builder(EventPipeline pipeline) {
      this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    }

    /** Names the subscription ({@code projects/p/subscriptions/s}) for the messages' origin. */
    public Builder subscription(String subscription) {
      this.subscription = Objects.requireNonNull(subscription, "subscription");
      return this;
    }

    /** Called with every result, on the thread that processed the message. */
    public Builder onResult(Consumer<ProcessingResult> listener) {
      this.resultListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Bounds the delivery-attempt cache used when the subscription has no dead-letter policy: at
     * most {@code maxSize} message ids, each kept {@code expiry} after its last delivery.
     */
    public Builder attemptCache(long maxSize, Duration expiry) {
      if (maxSize <= 0 || expiry.isNegative() || expiry.isZero()) {
        throw new IllegalArgumentException("attempt cache size and expiry must be positive");
      }
      this.attemptCacheSize = maxSize;
      this.attemptCacheExpiry = expiry;
      return this;
    }

    /**
     * Builds the receiver.
     *
     * @throws IllegalStateException when no subscription was named
     */
    public PubSubMessageReceiver build() {
      if (subscription == null) {
        throw new IllegalStateException("subscription is required");
      }
      return new PubSubMessageReceiver(this);
    }
  }
}
