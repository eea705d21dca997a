package dev.eventcontracts.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.ReplayPolicy;
import dev.eventcontracts.version.EventVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The annotation's versions, upcast target and replay policy reach the binding it makes. */
class EventHandlerMethodsTest {

  static class Handlers {
    @EventHandlerMethod(
        event = "profile.updated",
        minVersion = "v2",
        maxVersion = "v3",
        upcastTo = "v3",
        replayPolicy = ReplayPolicy.SKIP)
    void narrow(JsonNode payload) {}

    @EventHandlerMethod(event = "application.submitted")
    void everyVersion(JsonNode payload) {}
  }

  @Test
  void theAnnotationsSettingsReachTheBinding() {
    List<HandlerBinding<?>> bindings = EventHandlerMethods.of(new Handlers());

    HandlerBinding<?> narrow = byEvent(bindings, "profile.updated");
    assertThat(narrow.accepts(EventVersion.parse("v1"))).isFalse();
    assertThat(narrow.accepts(EventVersion.parse("v2"))).isTrue();
    assertThat(narrow.accepts(EventVersion.parse("v3"))).isTrue();
    assertThat(narrow.accepts(EventVersion.parse("v4"))).isFalse();
    assertThat(narrow.upcastTo()).isEqualTo(EventVersion.parse("v3"));
    assertThat(narrow.replayPolicy()).isEqualTo(ReplayPolicy.SKIP);

    HandlerBinding<?> every = byEvent(bindings, "application.submitted");
    assertThat(every.accepts(EventVersion.parse("v1"))).isTrue();
    assertThat(every.accepts(EventVersion.parse("v99"))).isTrue();
    assertThat(every.upcastTo()).isNull();
    assertThat(every.replayPolicy()).isEqualTo(ReplayPolicy.PROCESS);
  }

  private static HandlerBinding<?> byEvent(List<HandlerBinding<?>> bindings, String event) {
    return bindings.stream().filter(b -> b.eventName().equals(event)).findFirst().orElseThrow();
  }
}
