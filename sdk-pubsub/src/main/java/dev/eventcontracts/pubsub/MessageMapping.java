package dev.eventcontracts.pubsub;

import com.google.pubsub.v1.PubsubMessage;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.Origin;
import java.util.HashMap;
import java.util.Map;

/** Turns Pub/Sub messages into pipeline messages. */
final class MessageMapping {
  private MessageMapping() {}

  /**
   * The pipeline's view of a message, by the rule {@link InboundMessage.Builder} applies to every
   * transport: the data bytes as they are, the ordering key as the message key, the attributes
   * without the client's own {@value PubSubAttributes#CLIENT_DELIVERY_ATTEMPT}, and the origin
   * (subscription, message id, publish time).
   */
  static InboundMessage message(PubsubMessage message, String subscription) {
    return InboundMessage.builder(message.getData().toByteArray())
        .key(message.getOrderingKey())
        .attributes(attributes(message))
        .origin(origin(message, subscription))
        .build();
  }

  static Map<String, String> attributes(PubsubMessage message) {
    Map<String, String> raw = message.getAttributesMap();
    if (!raw.containsKey(PubSubAttributes.CLIENT_DELIVERY_ATTEMPT)) {
      return raw;
    }
    Map<String, String> copy = new HashMap<>(raw);
    copy.remove(PubSubAttributes.CLIENT_DELIVERY_ATTEMPT);
    return copy;
  }

  static Origin origin(PubsubMessage message, String subscription) {
    long publishMillis =
        message.hasPublishTime()
            ? message.getPublishTime().getSeconds() * 1000
                + message.getPublishTime().getNanos() / 1_000_000
            : -1;
    return Origin.builder(PubSubAttributes.TRANSPORT, subscription)
        .messageId(message.getMessageId().isEmpty() ? null : message.getMessageId())
        .timestampMillis(publishMillis)
        .build();
  }
}
