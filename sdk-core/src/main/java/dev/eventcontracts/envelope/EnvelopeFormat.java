package dev.eventcontracts.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Maps one envelope shape onto {@link Envelope}. Built-in formats live in {@link EnvelopeFormats};
 * users describe further shapes with {@link JsonEnvelopeFormat} (from Java or from a registry file)
 * or implement this interface.
 */
public interface EnvelopeFormat {

  /** A short unique name, such as {@code jobarium} or {@code cloudevents}. */
  String name();

  /**
   * Whether this format recognises the message; must be cheap, since formats are tried in order.
   *
   * @param document the parsed message value (an object node)
   * @param attributes the transport attributes
   */
  boolean matches(JsonNode document, Map<String, String> attributes);

  /**
   * Maps a recognised message. Broken envelope fields are reported as violations, not thrown.
   *
   * @param document the parsed message value
   * @param message the message, for its attributes
   */
  EnvelopeResult map(JsonNode document, InboundMessage message);

  /**
   * Where a normalized field of this envelope sits in the message value, as a JSON pointer, so that
   * a violation about it (an ordering timestamp that is absent, say) points where the producer can
   * find it: the place it was read from, or, when absent, the first place it would be read from.
   *
   * @param field the field
   * @param envelope an envelope this format read
   * @return the pointer, such as {@code /time} or {@code /data/version}; {@code ""} when the field
   *     is not in the value (a transport attribute) or the format does not say
   */
  default String pointerOf(EnvelopeField field, Envelope envelope) {
    return field == EnvelopeField.PAYLOAD ? envelope.payloadPointer() : "";
  }
}
