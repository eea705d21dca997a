package dev.eventcontracts.envelope;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * A message as a transport delivers it: the raw value bytes and the transport attributes (Kafka
 * headers or Pub/Sub attributes, decoded as UTF-8 strings). Adapters build one per record; the SDK
 * never changes it, so a dead letter can carry it unchanged.
 *
 * @param value the raw bytes; never modified (callers must not modify them either)
 * @param attributes transport attributes, copied
 * @param origin where the message came from
 */
public record InboundMessage(byte[] value, Map<String, String> attributes, Origin origin) {

  /** Checks the components and copies the attributes. */
  public InboundMessage {
    Objects.requireNonNull(value, "value");
    attributes = Map.copyOf(attributes);
    Objects.requireNonNull(origin, "origin");
  }

  /** A message with no attributes and an unknown origin. */
  public static InboundMessage of(byte[] value) {
    return new InboundMessage(value, Map.of(), Origin.unknown());
  }

  /** A message whose value is the UTF-8 encoding of {@code json}. */
  public static InboundMessage of(String json) {
    return of(json.getBytes(StandardCharsets.UTF_8));
  }

  /** A message whose value is the UTF-8 encoding of {@code json}, with attributes. */
  public static InboundMessage of(String json, Map<String, String> attributes) {
    return new InboundMessage(json.getBytes(StandardCharsets.UTF_8), attributes, Origin.unknown());
  }

  /** The attribute's value, or {@code null}. */
  public String attribute(String name) {
    return attributes.get(name);
  }
}
