package dev.eventcontracts.pubsub;

import dev.eventcontracts.dlq.DeadLetterAttributes;

/**
 * Pub/Sub attribute names the adapter reads or writes. The dead-letter names are shared with Kafka
 * and live in {@link DeadLetterAttributes}; this class adds the Pub/Sub-only ones.
 */
public final class PubSubAttributes {
  /** Transport name in a message's {@code Origin}. */
  public static final String TRANSPORT = "pubsub";

  /** Marks a replayed message when its value is {@code true}; set by the replay tooling. */
  public static final String REPLAY = DeadLetterAttributes.REPLAY;

  /** Prefix of CloudEvents binary-mode attributes ({@code ce-id}, {@code ce-type}...). */
  public static final String CLOUDEVENTS_PREFIX = "ce-";

  /**
   * Attribute the Java client adds to a received message when the subscription has a dead-letter
   * policy; the adapter reads it as the delivery attempt and leaves it out of the message.
   */
  public static final String CLIENT_DELIVERY_ATTEMPT = "googclient_deliveryattempt";

  /** Prefix of the attributes the service adds when its own dead-letter policy forwards. */
  public static final String SERVICE_DEAD_LETTER_PREFIX = "CloudPubSubDeadLetterSource";

  /** The largest attribute value the service accepts, in bytes. */
  public static final int MAX_ATTRIBUTE_VALUE_BYTES = 1024;

  /** The service's limit on an ordering key, in UTF-8 bytes. */
  public static final int MAX_ORDERING_KEY_BYTES = 1024;

  private PubSubAttributes() {}
}
