package dev.eventcontracts.pubsub;

import com.google.api.core.ApiFuture;
import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.TopicName;
import dev.eventcontracts.dlq.DeadLetterAttributes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends dead letters back to be consumed again: pulls a dead-letter subscription until it has no
 * more messages to give, and for each message that passes the filters publishes the data unchanged,
 * with the original attributes minus every {@code ec-dlq-*} attribute plus {@code replay=true}
 * ({@link DeadLetterAttributes#forReplay}), to the target topic: the one given, or the topic of the
 * {@code ec-dlq-origin-subscription}. The dead letter is acked only after the service confirmed the
 * replayed message, so a failed publish leaves it for the next run. Messages that do not match are
 * held while the run lasts, then released (nacked) for later runs. A dry run publishes and acks
 * nothing.
 */
public final class PubSubDeadLetterReplayer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PubSubDeadLetterReplayer.class);

  /** Default longest time a run spends. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final int PULL_MAX = 100;
  private static final int HOLD_SECONDS = 600;
  private static final Map<String, String> ALIASES =
      Map.of("reason", DeadLetterAttributes.REASON, "event", DeadLetterAttributes.EVENT_NAME);

  private final String from;
  private final String to;
  private final Map<String, Set<String>> filters;
  private final boolean dryRun;
  private final long maxMessages;
  private final Duration timeout;
  private final Connection connection;
  private final SubscriptionAdminClient admin;
  private final OrderedPublishers publishers;
  private final Map<String, String> topicOfSubscription = new HashMap<>();

  private PubSubDeadLetterReplayer(Builder b) {
    this.from = b.from;
    this.to = b.to == null ? null : topicName(b.project, b.to);
    Map<String, Set<String>> f = new TreeMap<>();
    b.filters.forEach((k, v) -> f.put(k, new TreeSet<>(v)));
    this.filters = f;
    this.dryRun = b.dryRun;
    this.maxMessages = b.maxMessages;
    this.timeout = b.timeout;
    this.connection =
        b.emulatorHost != null
            ? Connection.emulator(b.emulatorHost)
            : Connection.of(b.channels, b.credentials);
    this.publishers = new OrderedPublishers(connection);
    SubscriptionAdminSettings.Builder settings = SubscriptionAdminSettings.newBuilder();
    if (connection.channels() != null) {
      settings.setTransportChannelProvider(connection.channels());
    }
    if (connection.credentials() != null) {
      settings.setCredentialsProvider(connection.credentials());
    }
    try {
      this.admin = SubscriptionAdminClient.create(settings.build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a subscription admin client", e);
    }
  }

  /** Starts a replayer for subscriptions and topics of {@code project}. */
  public static Builder builder(String project) {
    return new Builder(project);
  }

  /**
   * Replays what the dead-letter subscription holds now and returns a summary.
   *
   * @throws NotFoundException when the subscription does not exist
   */
  public PubSubReplaySummary run() {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> held = new ArrayList<>();
    long read = 0;
    long matched = 0;
    long replayed = 0;
    long skipped = 0;
    long failed = 0;
    Map<String, Long> reasons = new TreeMap<>();
    Map<String, Long> targets = new TreeMap<>();
    boolean limited = false;
    boolean drained = false;
    try {
      while (!limited && System.nanoTime() - deadline < 0) {
        PullResponse response =
            admin.pull(
                PullRequest.newBuilder().setSubscription(from).setMaxMessages(PULL_MAX).build());
        if (response.getReceivedMessagesCount() == 0) {
          drained = true;
          break;
        }
        List<String> hold = new ArrayList<>();
        List<String> acks = new ArrayList<>();
        for (ReceivedMessage received : response.getReceivedMessagesList()) {
          PubsubMessage m = received.getMessage();
          if (limited) {
            hold.add(received.getAckId());
            continue;
          }
          read++;
          reasons.merge(
              m.getAttributesOrDefault(DeadLetterAttributes.REASON, "none"), 1L, Long::sum);
          if (!matches(m)) {
            skipped++;
            hold.add(received.getAckId());
            continue;
          }
          matched++;
          limited = maxMessages >= 0 && matched >= maxMessages;
          String target = target(m);
          if (target == null) {
            failed++;
            hold.add(received.getAckId());
            continue;
          }
          targets.merge(target, 1L, Long::sum);
          if (dryRun) {
            hold.add(received.getAckId());
            continue;
          }
          if (republish(target, m)) {
            replayed++;
            acks.add(received.getAckId());
          } else {
            failed++;
            hold.add(received.getAckId());
          }
        }
        if (!acks.isEmpty()) {
          admin.acknowledge(from, acks);
        }
        if (!hold.isEmpty()) {
          // keep them leased while this run lasts, so the next pull gives other messages
          admin.modifyAckDeadline(from, hold, HOLD_SECONDS);
          held.addAll(hold);
        }
      }
    } finally {
      if (!held.isEmpty()) {
        admin.modifyAckDeadline(from, held, 0); // released for later runs
      }
    }
    boolean complete = drained && !limited && failed == 0;
    if (!drained && !limited) {
      LOG.warn("replay of {} timed out after {}", from, timeout);
    }
    return new PubSubReplaySummary(
        from, dryRun, read, matched, replayed, skipped, failed, reasons, targets, complete);
  }

  private boolean matches(PubsubMessage m) {
    for (Map.Entry<String, Set<String>> f : filters.entrySet()) {
      String name = attributeName(f.getKey());
      String value = m.getAttributesOrDefault(name, null);
      if (value == null || !f.getValue().contains(value)) {
        return false;
      }
    }
    return true;
  }

  /** {@code reason} and {@code event} as aliases; other names with or without {@code ec-dlq-}. */
  static String attributeName(String filterName) {
    String alias = ALIASES.get(filterName);
    if (alias != null) {
      return alias;
    }
    return DeadLetterAttributes.isDeadLetterAttribute(filterName)
        ? filterName
        : DeadLetterAttributes.PREFIX + filterName;
  }

  private @Nullable String target(PubsubMessage m) {
    if (to != null) {
      return to;
    }
    String origin = m.getAttributesOrDefault(DeadLetterAttributes.ORIGIN_SUBSCRIPTION, null);
    if (origin == null) {
      return null;
    }
    return topicOfSubscription.computeIfAbsent(
        origin,
        s -> {
          try {
            return admin.getSubscription(s).getTopic();
          } catch (RuntimeException e) {
            LOG.warn("cannot find the topic of origin subscription {}: {}", s, e.toString());
            return null;
          }
        });
  }

  private boolean republish(String topic, PubsubMessage deadLetter) {
    PubsubMessage replay =
        PubsubMessage.newBuilder()
            .setData(deadLetter.getData())
            .putAllAttributes(DeadLetterAttributes.forReplay(deadLetter.getAttributesMap()))
            .setOrderingKey(deadLetter.getOrderingKey())
            .build();
    try {
      ApiFuture<String> id = publishers.get(topic).publish(replay);
      id.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      LOG.warn("replay to {} failed: {}", topic, e.toString());
      publishers.resume(topic, replay); // the key is paused after a failure
      return false;
    }
  }

  private static String topicName(String project, String topic) {
    return TopicName.isParsableFrom(topic) ? topic : TopicName.format(project, topic);
  }

  /** Shuts down the publishers and clients. */
  @Override
  public void close() {
    publishers.close();
    admin.close();
    connection.close();
  }

  /** Builds a {@link PubSubDeadLetterReplayer}. */
  public static final class Builder {
    private final String project;
    private @Nullable String from;
    private @Nullable String to;
    private final Map<String, Set<String>> filters = new HashMap<>();
    private boolean dryRun;
    private long maxMessages = -1;
    private Duration timeout = DEFAULT_TIMEOUT;
    private @Nullable String emulatorHost;
    private @Nullable TransportChannelProvider channels;
    private @Nullable CredentialsProvider credentials;

    private Builder(String project) {
      this.project = Objects.requireNonNull(project, "project");
    }

    /** The dead-letter subscription to read (an id in the project, or a full name). */
    public Builder from(String subscription) {
      this.from =
          ProjectSubscriptionName.isParsableFrom(subscription)
              ? subscription
              : ProjectSubscriptionName.format(project, subscription);
      return this;
    }

    /** Publishes every replay to this topic instead of the origin subscription's topic. */
    public Builder to(String topic) {
      this.to = Objects.requireNonNull(topic, "topic");
      return this;
    }

    /**
     * Replays only dead letters whose {@code ec-dlq-*} attribute {@code name} (with or without the
     * prefix; {@code reason} and {@code event} are short for {@code ec-dlq-reason} and {@code
     * ec-dlq-event-name}) is {@code value}; values of one name are alternatives, different names
     * must all match.
     */
    public Builder filter(String name, String value) {
      filters.computeIfAbsent(name, k -> new TreeSet<>()).add(value);
      return this;
    }

    /** Counts what would be replayed, publishing and acking nothing. */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /** Replays at most {@code max} dead letters. */
    public Builder maxMessages(long max) {
      if (max < 0) {
        throw new IllegalArgumentException("max must not be negative");
      }
      this.maxMessages = max;
      return this;
    }

    /** Sets the longest time a run spends; {@link #DEFAULT_TIMEOUT}. */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /** Connects to an emulator or test server at {@code host:port} over plaintext. */
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
     * Builds the replayer.
     *
     * @throws IllegalStateException when no subscription was named
     */
    public PubSubDeadLetterReplayer build() {
      if (from == null) {
        throw new IllegalStateException("from (the dead-letter subscription) is required");
      }
      return new PubSubDeadLetterReplayer(this);
    }
  }
}
