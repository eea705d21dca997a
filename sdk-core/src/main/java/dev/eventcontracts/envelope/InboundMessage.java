package dev.eventcontracts.envelope;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A message as a transport delivers it: the raw value bytes, the transport attributes (Kafka
 * headers or Pub/Sub attributes, decoded as UTF-8 strings), where it came from, and what a
 * dead-letter sink needs to republish it as it was: the transport's key and the headers byte for
 * byte. Adapters build one per record with {@link #builder(byte[])}, which applies the one mapping
 * rule every transport shares; the SDK never changes a message, so a dead letter carries it
 * unchanged to any sink, on any thread.
 *
 * @param value the raw bytes; never modified (callers must not modify them either)
 * @param attributes transport attributes as UTF-8 strings, the last one winning for a repeated
 *     name; the pipeline reads the replay flag and CloudEvents binary-mode attributes only here
 * @param origin where the message came from
 * @param key the transport's message key: a Kafka record key, a Pub/Sub ordering key in UTF-8;
 *     {@code null} when the message has none
 * @param headers the transport headers as delivered, in order, repeated names and binary or {@code
 *     null} values kept; empty when the transport's attributes are already plain strings ({@link
 *     #headersOrAttributes()} gives the ones to republish either way)
 */
public record InboundMessage(
    byte[] value,
    Map<String, String> attributes,
    Origin origin,
    byte @Nullable [] key,
    List<Header> headers) {

  /** Checks the components and copies the attributes and headers. */
  public InboundMessage {
    Objects.requireNonNull(value, "value");
    attributes = Map.copyOf(attributes);
    Objects.requireNonNull(origin, "origin");
    headers = List.copyOf(headers);
  }

  /** A message without a key, whose headers are its attributes. */
  public InboundMessage(byte[] value, Map<String, String> attributes, Origin origin) {
    this(value, attributes, origin, null, List.of());
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

  /** Starts a message with this value (a transport's null value is passed as an empty array). */
  public static Builder builder(byte[] value) {
    return new Builder(value);
  }

  /** The attribute's value, or {@code null}. */
  public @Nullable String attribute(String name) {
    return attributes.get(name);
  }

  /**
   * The headers to republish this message with: {@link #headers()} when the transport delivered raw
   * headers, otherwise the attributes as UTF-8 headers.
   */
  public List<Header> headersOrAttributes() {
    if (!headers.isEmpty() || attributes.isEmpty()) {
      return headers;
    }
    List<Header> out = new ArrayList<>(attributes.size());
    attributes.forEach((name, v) -> out.add(new Header(name, v.getBytes(StandardCharsets.UTF_8))));
    return out;
  }

  /** The key as UTF-8 text, or {@code null} when there is no key or it is not valid UTF-8. */
  public @Nullable String keyAsText() {
    return key == null
        ? null
        : Utf8Check.firstMalformed(key) < 0 ? new String(key, StandardCharsets.UTF_8) : null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InboundMessage m
        && Arrays.equals(value, m.value)
        && attributes.equals(m.attributes)
        && origin.equals(m.origin)
        && Arrays.equals(key, m.key)
        && headers.equals(m.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(value), attributes, origin, Arrays.hashCode(key), headers);
  }

  @Override
  public String toString() {
    return "InboundMessage["
        + value.length
        + " bytes, "
        + attributes.size()
        + " attributes, "
        + origin
        + "]";
  }

  /**
   * One transport header as delivered.
   *
   * @param name the header name
   * @param value the raw value, or {@code null} (Kafka allows headers without a value)
   */
  public record Header(String name, byte @Nullable [] value) {
    /** Checks the name. */
    public Header {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Header h && name.equals(h.name) && Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode() {
      return 31 * name.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Header[" + name + ", " + (value == null ? "null" : value.length + " bytes") + "]";
    }
  }

  /**
   * Builds an {@link InboundMessage} with the mapping rule every adapter shares: binary headers are
   * kept as they are for republishing and decoded as UTF-8 into the attributes, where the last
   * value wins for a repeated name and a header without a value is left out.
   */
  public static final class Builder {
    private final byte[] value;
    private Origin origin = Origin.unknown();
    private byte @Nullable [] key;
    private @Nullable List<Header> headers;
    private @Nullable Map<String, String> attributes;

    private Builder(byte[] value) {
      this.value = Objects.requireNonNull(value, "value");
    }

    /** Where the message came from; {@link Origin#unknown()} by default. */
    public Builder origin(Origin origin) {
      this.origin = Objects.requireNonNull(origin, "origin");
      return this;
    }

    /** The transport's key (Kafka record key, Pub/Sub ordering key), or {@code null}. */
    public Builder key(byte @Nullable [] key) {
      this.key = key;
      return this;
    }

    /** The transport's key as UTF-8 text; {@code null} or empty means no key. */
    public Builder key(String key) {
      this.key = key == null || key.isEmpty() ? null : key.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /** A raw header, kept for republishing and decoded into the attributes when it has a value. */
    public Builder header(String name, byte[] value) {
      if (headers == null) {
        headers = new ArrayList<>(4);
      }
      headers.add(new Header(name, value));
      if (value != null) {
        attributes().put(name, new String(value, StandardCharsets.UTF_8));
      }
      return this;
    }

    /** A string attribute (Pub/Sub); the last value wins for a repeated name. */
    public Builder attribute(String name, String value) {
      attributes().put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, name));
      return this;
    }

    /** String attributes (Pub/Sub); the last value wins for a repeated name. */
    public Builder attributes(Map<String, String> values) {
      if (!values.isEmpty()) {
        attributes().putAll(values);
      }
      return this;
    }

    private Map<String, String> attributes() {
      if (attributes == null) {
        attributes = new HashMap<>();
      }
      return attributes;
    }

    /** The message. */
    public InboundMessage build() {
      return new InboundMessage(
          value,
          attributes == null ? Map.of() : attributes,
          origin,
          key,
          headers == null ? List.of() : headers);
    }
  }
}
