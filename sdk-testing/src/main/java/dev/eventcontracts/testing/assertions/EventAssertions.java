package dev.eventcontracts.testing.assertions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.testing.fixtures.SampleEvent;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Entry points of the event assertions; import them statically. */
public final class EventAssertions {
  private EventAssertions() {}

  /** Assertions on an event given as JSON text. */
  public static EventAssert assertThatEvent(String json) {
    Objects.requireNonNull(json, "json");
    return new EventAssert(InboundMessage.of(json.getBytes(StandardCharsets.UTF_8)));
  }

  /** Assertions on an event given as the bytes a transport delivers. */
  public static EventAssert assertThatEvent(byte[] value) {
    Objects.requireNonNull(value, "value");
    return new EventAssert(InboundMessage.of(value.clone()));
  }

  /** Assertions on an event given as a JSON tree. */
  public static EventAssert assertThatEvent(JsonNode event) {
    Objects.requireNonNull(event, "event");
    return assertThatEvent(event.toString());
  }

  /** Assertions on a generated sample, for example one varied with {@code with(path, value)}. */
  public static EventAssert assertThatEvent(SampleEvent sample) {
    return new EventAssert(Objects.requireNonNull(sample, "sample").message());
  }

  /** Assertions on a message with its transport attributes. */
  public static EventAssert assertThatEvent(InboundMessage message) {
    return new EventAssert(Objects.requireNonNull(message, "message"));
  }
}
