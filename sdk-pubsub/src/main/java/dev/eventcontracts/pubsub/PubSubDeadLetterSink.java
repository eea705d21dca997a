package dev.eventcontracts.pubsub;

import com.google.api.core.ApiFuture;
import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterAttributes;
import dev.eventcontracts.dlq.DeadLetterDecorator;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.Origin;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes dead letters to Pub/Sub topics, {@code <subscription id>-dlq} in the subscription's
 * project by default. A dead-letter message carries the original data and attributes unchanged,
 * plus the {@code ec-dlq-*} attributes of {@link DeadLetterAttributes} (reason, errors, exception,
 * origin subscription, message id, publish time, attempts, time, event id, name and version).
 * {@link #publish} returns only once the service has confirmed the publish (it returned a message
 * id); when it throws, the pipeline retries the message and the receiver does not ack it, so a
 * missing or unreachable topic loses nothing.
 *
 * <p>Everything comes from the {@link DeadLetter} it is handed, so the sink works on any thread and
 * with any transport. The original ordering key is kept (a Kafka record key becomes the ordering
 * key when it is UTF-8 text of at most 1,024 bytes), so a replay can keep the key's order.
 * Attribute values longer than the service's 1,024 bytes (a long error list) are cut to fit; the
 * errors stay a valid JSON array.
 *
 * <pre>{@code
 * PubSubDeadLetterSink sink = PubSubDeadLetterSink.builder("my-project").topic("recruiting-dlq").build();
 * EventPipeline pipeline = EventPipeline.builder(registry).deadLetterSink(sink)...build();
 * }</pre>
 */
public final class PubSubDeadLetterSink implements DeadLetterSink, AutoCloseable {

  /** Suffix of the default dead-letter topic name. */
  public static final String DEFAULT_TOPIC_SUFFIX = "-dlq";

  /** Default longest wait for the service's confirmation. */
  public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(30);

  /** Longest single error message kept in the errors attribute, in UTF-8 bytes. */
  static final int MAX_ERROR_BYTES = 300;

  /** Pub/Sub's limit on an attribute name, in UTF-8 bytes. */
  static final int MAX_ATTRIBUTE_KEY_BYTES = 256;

  /** Pub/Sub's limit on the number of attributes of a message. */
  static final int MAX_ATTRIBUTES = 100;

  private static final Logger LOG = LoggerFactory.getLogger(PubSubDeadLetterSink.class);

  private final String project;
  private final Function<Origin, String> topicNaming;
  private final Duration publishTimeout;
  private final Connection connection;
  private final OrderedPublishers publishers;
  private final DeadLetterDecorator decorator;

  private PubSubDeadLetterSink(Builder b) {
    this.project = b.project;
    this.topicNaming = b.topicNaming;
    this.publishTimeout = b.publishTimeout;
    this.decorator = b.decorator;
    this.connection =
        b.emulatorHost != null
            ? Connection.emulator(b.emulatorHost)
            : Connection.of(b.channels, b.credentials);
    this.publishers = new OrderedPublishers(connection);
  }

  /** Starts a sink that publishes to topics of {@code project}. */
  public static Builder builder(String project) {
    return new Builder(project);
  }

  /**
   * The default naming: the origin subscription's id followed by {@link #DEFAULT_TOPIC_SUFFIX} (for
   * origins that are not subscriptions, the source as it is plus the suffix).
   */
  public static Function<Origin, String> defaultTopicNaming() {
    return origin -> {
      String source = origin.source();
      if (ProjectSubscriptionName.isParsableFrom(source)) {
        source = ProjectSubscriptionName.parse(source).getSubscription();
      }
      return source + DEFAULT_TOPIC_SUFFIX;
    };
  }

  /**
   * Publishes one dead letter and waits for the service's confirmation.
   *
   * @throws Exception when the publish is not confirmed within the publish timeout; it may still
   *     arrive later, so a retried message can appear twice in the dead-letter topic
   */
  @Override
  public void publish(DeadLetter deadLetter) throws Exception {
    String topic = topic(deadLetter);
    PubsubMessage message = toMessage(deadLetter, decorator);
    await(topic, message, publishers.get(topic).publish(message));
  }

  /** Publishes every dead letter, then waits for all confirmations. */
  @Override
  public void publishAll(List<DeadLetter> deadLetters) throws Exception {
    List<String> topics = new ArrayList<>(deadLetters.size());
    List<PubsubMessage> messages = new ArrayList<>(deadLetters.size());
    List<ApiFuture<String>> futures = new ArrayList<>(deadLetters.size());
    for (DeadLetter deadLetter : deadLetters) {
      String topic = topic(deadLetter);
      PubsubMessage message = toMessage(deadLetter, decorator);
      topics.add(topic);
      messages.add(message);
      futures.add(publishers.get(topic).publish(message));
    }
    for (int i = 0; i < futures.size(); i++) {
      await(topics.get(i), messages.get(i), futures.get(i));
    }
  }

  private String topic(DeadLetter deadLetter) {
    String topic = topicNaming.apply(deadLetter.origin());
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("topic naming gave no topic for " + deadLetter.origin());
    }
    return TopicName.isParsableFrom(topic) ? topic : TopicName.format(project, topic);
  }

  private void await(String topic, PubsubMessage message, ApiFuture<String> future)
      throws Exception {
    try {
      future.get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      publishers.resume(topic, message);
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new DeadLetterNotStoredException(
          "dead letter not stored in " + topic + ": " + cause, cause);
    } catch (TimeoutException e) {
      future.cancel(false);
      publishers.resume(topic, message);
      throw new DeadLetterNotStoredException(
          "no confirmation from " + topic + " within " + publishTimeout, e);
    }
  }

  /** The dead-letter message without decorations; package-private for tests. */
  static PubsubMessage toMessage(DeadLetter deadLetter) {
    return toMessage(deadLetter, DeadLetterDecorator.none());
  }

  /** The dead-letter message; package-private for tests. */
  static PubsubMessage toMessage(DeadLetter deadLetter, DeadLetterDecorator decorator) {
    Map<String, String> attributes =
        DeadLetterAttributes.withoutDeadLetterAttributes(deadLetter.attributes());
    Map<String, String> added = DeadLetterAttributes.of(deadLetter);
    String errors = added.get(DeadLetterAttributes.ERRORS);
    if (errors != null) {
      added.put(DeadLetterAttributes.ERRORS, fitErrors(deadLetter.errors()));
    }
    added.forEach((k, v) -> attributes.put(k, fit(v)));
    DeadLetterAttributes.extra(deadLetter, decorator)
        .forEach(
            (k, v) -> {
              // the service refuses a message with an attribute beyond its limits: an added one
              // that does not fit is left out rather than cut, since it is the user's value
              if (bytes(k) <= MAX_ATTRIBUTE_KEY_BYTES
                  && bytes(v) <= PubSubAttributes.MAX_ATTRIBUTE_VALUE_BYTES
                  && attributes.size() < MAX_ATTRIBUTES) {
                attributes.put(k, v);
              } else {
                LOG.warn(
                    "dead-letter decorator attribute '{}' is beyond Pub/Sub's limits; left out",
                    k.length() > 80 ? k.substring(0, 80) + "..." : k);
              }
            });
    return PubsubMessage.newBuilder()
        .setData(ByteString.copyFrom(deadLetter.value()))
        .putAllAttributes(attributes)
        .setOrderingKey(orderingKey(deadLetter))
        .build();
  }

  /**
   * The original key as an ordering key (a Pub/Sub ordering key as it was, a Kafka key when it is
   * UTF-8 text within the service's limit), or the empty string for none.
   */
  static String orderingKey(DeadLetter deadLetter) {
    String key = deadLetter.message().keyAsText();
    return key == null || bytes(key) > PubSubAttributes.MAX_ORDERING_KEY_BYTES ? "" : key;
  }

  /**
   * The errors as a JSON array within the attribute size limit: each error cut to {@value
   * #MAX_ERROR_BYTES} bytes, then the tail replaced by a count of the errors left out.
   */
  static String fitErrors(List<String> errors) {
    List<String> cut = new ArrayList<>(errors.size());
    for (String error : errors) {
      cut.add(bytes(error) <= MAX_ERROR_BYTES ? error : cut(error, MAX_ERROR_BYTES) + "...");
    }
    String json = DeadLetterAttributes.errorsJson(cut);
    for (int keep = cut.size() - 1;
        keep >= 0 && bytes(json) > PubSubAttributes.MAX_ATTRIBUTE_VALUE_BYTES;
        keep--) {
      List<String> kept = new ArrayList<>(cut.subList(0, keep));
      kept.add("... " + (cut.size() - keep) + " more");
      json = DeadLetterAttributes.errorsJson(kept);
    }
    return json;
  }

  private static String fit(String value) {
    return bytes(value) <= PubSubAttributes.MAX_ATTRIBUTE_VALUE_BYTES
        ? value
        : cut(value, PubSubAttributes.MAX_ATTRIBUTE_VALUE_BYTES - 3) + "...";
  }

  private static int bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The longest prefix of {@code s} within {@code maxBytes} UTF-8 bytes, whole code points. */
  private static String cut(String s, int maxBytes) {
    int used = 0;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (used + len > maxBytes) {
        break;
      }
      used += len;
      i += Character.charCount(cp);
    }
    return s.substring(0, i);
  }

  /** Shuts the publishers down (flushing what they hold) and closes the connection. */
  @Override
  public void close() {
    publishers.close();
    connection.close();
  }

  /** Thrown by {@link #publish} when the service did not confirm a dead letter. */
  public static final class DeadLetterNotStoredException extends Exception {
    private static final long serialVersionUID = 1L;

    DeadLetterNotStoredException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Builds a {@link PubSubDeadLetterSink}. */
  public static final class Builder {
    private final String project;
    private Function<Origin, String> topicNaming = defaultTopicNaming();
    private Duration publishTimeout = DEFAULT_PUBLISH_TIMEOUT;
    private @Nullable String emulatorHost;
    private @Nullable TransportChannelProvider channels;
    private @Nullable CredentialsProvider credentials;
    private DeadLetterDecorator decorator = DeadLetterDecorator.none();

    private Builder(String project) {
      this.project = Objects.requireNonNull(project, "project");
    }

    /** Publishes every dead letter to this topic (an id in the project, or a full name). */
    public Builder topic(String topic) {
      Objects.requireNonNull(topic, "topic");
      this.topicNaming = origin -> topic;
      return this;
    }

    /** Names the dead-letter topic (id or full name) for a message's origin. */
    public Builder topicNaming(Function<Origin, String> naming) {
      this.topicNaming = Objects.requireNonNull(naming, "naming");
      return this;
    }

    /** Sets the longest wait for the service's confirmation; {@link #DEFAULT_PUBLISH_TIMEOUT}. */
    public Builder publishTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("publish timeout must be positive");
      }
      this.publishTimeout = timeout;
      return this;
    }

    /**
     * Adds the attributes {@code decorator} returns to every dead-letter message, after the {@code
     * ec-dlq-*} attributes; names the SDK reserves or the original message carries, and attributes
     * beyond Pub/Sub's size limits, are left out (see {@link DeadLetterDecorator}). None by
     * default.
     */
    public Builder decorator(DeadLetterDecorator decorator) {
      this.decorator = Objects.requireNonNull(decorator, "decorator");
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

    /** Builds the sink; publishers are created per topic on first use. */
    public PubSubDeadLetterSink build() {
      return new PubSubDeadLetterSink(this);
    }
  }
}
