package dev.eventcontracts.contract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.envelope.Envelope;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A reference to a value of an event: a payload field ({@code candidate_id}, or {@code a.b} for a
 * nested one) or, with the {@code envelope.} prefix, an envelope field ({@code
 * envelope.correlation_id}, {@code envelope.occurred_at}, or a raw top-level field such as {@code
 * envelope.jobId}).
 */
public final class FieldRef {
  /** The prefix that makes a reference point into the envelope instead of the payload. */
  public static final String ENVELOPE_PREFIX = "envelope.";

  private final String text;
  private final boolean envelope;
  private final String[] path;

  private FieldRef(String text) {
    this.text = text;
    this.envelope = text.startsWith(ENVELOPE_PREFIX);
    String rest = envelope ? text.substring(ENVELOPE_PREFIX.length()) : text;
    if (rest.isEmpty()) {
      throw new IllegalArgumentException("empty field reference '" + text + "'");
    }
    this.path = envelope ? new String[] {rest} : rest.split("\\.", -1);
    for (String part : path) {
      if (part.isEmpty()) {
        throw new IllegalArgumentException("empty segment in field reference '" + text + "'");
      }
    }
  }

  /**
   * Parses a reference.
   *
   * @throws IllegalArgumentException for an empty reference or an empty segment
   */
  public static FieldRef parse(String text) {
    return new FieldRef(Objects.requireNonNull(text, "text").strip());
  }

  /** True when the reference points into the envelope. */
  public boolean isEnvelope() {
    return envelope;
  }

  /** The payload field path, or the envelope field name. */
  public String path() {
    return String.join(".", path);
  }

  /**
   * The referenced value.
   *
   * @return the node, or {@code null} when absent or JSON null
   */
  public @Nullable JsonNode resolve(Envelope event) {
    JsonNode node = envelope ? event.value(path[0]) : event.payload();
    if (!envelope) {
      for (String part : path) {
        node = node.get(part);
        if (node == null) {
          return null;
        }
      }
    }
    return node == null || node.isMissingNode() || node.isNull() ? null : node;
  }

  /**
   * The referenced value as text: strings as they are, numbers and booleans in their JSON form,
   * objects and arrays as compact JSON.
   *
   * @return the text, or {@code null} when absent
   */
  public @Nullable String text(Envelope event) {
    JsonNode node = resolve(event);
    if (node == null) {
      return null;
    }
    return node.isValueNode() ? node.asText() : node.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldRef other && other.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
