package dev.eventcontracts.version;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Turns the payload of one version of an event into the payload of the next, so a handler that asks
 * for the newer version sees one shape. Chains of upcasters are applied in order.
 *
 * @param eventName the event whose payload is converted
 * @param from the version the upcaster reads
 * @param to the version the upcaster writes; must be newer than {@code from}
 * @param transform the conversion; receives a private copy of the payload and may modify it
 */
public record Upcaster(
    String eventName, EventVersion from, EventVersion to, UnaryOperator<JsonNode> transform) {

  /** Checks the components and that the upcaster goes forward. */
  public Upcaster {
    Objects.requireNonNull(eventName, "eventName");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(transform, "transform");
    if (to.compareTo(from) <= 0) {
      throw new IllegalArgumentException(
          "an upcaster must go to a newer version: " + from + " -> " + to);
    }
  }

  /** Creates an upcaster from version strings such as {@code "v1"} and {@code "v2"}. */
  public static Upcaster of(
      String eventName, String from, String to, UnaryOperator<JsonNode> transform) {
    return new Upcaster(eventName, EventVersion.parse(from), EventVersion.parse(to), transform);
  }
}
