package dev.eventcontracts.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.version.EventVersion;
import org.junit.jupiter.api.Test;

class HandlerBindingTest {
  private static final EventHandler<JsonNode> NO_OP = (payload, context) -> {};

  @Test
  void eachSetterReturnsAChangedCopyAndLeavesTheOriginalAlone() {
    HandlerBinding<JsonNode> base = HandlerBinding.ofJson("profile.updated", NO_OP);

    HandlerBinding<JsonNode> narrowed = base.versions("v2", "v3");
    HandlerBinding<JsonNode> upcast = narrowed.upcastTo("v3");
    HandlerBinding<JsonNode> skipping = upcast.replayPolicy(ReplayPolicy.SKIP);

    assertThat(base.accepts(EventVersion.parse("v1"))).isTrue();
    assertThat(base.upcastTo()).isNull();
    assertThat(base.replayPolicy()).isEqualTo(ReplayPolicy.PROCESS);

    assertThat(narrowed).isNotSameAs(base);
    assertThat(narrowed.accepts(EventVersion.parse("v1"))).isFalse();
    assertThat(narrowed.accepts(EventVersion.parse("v2"))).isTrue();
    assertThat(narrowed.accepts(EventVersion.parse("v4"))).isFalse();
    assertThat(narrowed.upcastTo()).isNull();

    assertThat(upcast.upcastTo()).isEqualTo(EventVersion.parse("v3"));
    assertThat(upcast.accepts(EventVersion.parse("v1"))).isFalse();
    assertThat(upcast.replayPolicy()).isEqualTo(ReplayPolicy.PROCESS);

    assertThat(skipping.replayPolicy()).isEqualTo(ReplayPolicy.SKIP);
    assertThat(skipping.upcastTo()).isEqualTo(EventVersion.parse("v3"));
    assertThat(skipping.eventName()).isEqualTo("profile.updated");
    assertThat(skipping.payloadType()).isEqualTo(JsonNode.class);
    assertThat(skipping.handler()).isSameAs(NO_OP);
  }

  @Test
  void withHandlerKeepsVersionsUpcastAndReplayPolicy() {
    EventHandler<JsonNode> wrapped = (payload, context) -> {};
    HandlerBinding<JsonNode> base =
        HandlerBinding.ofJson("profile.updated", NO_OP)
            .versions("v2", "v3")
            .upcastTo("v3")
            .replayPolicy(ReplayPolicy.SKIP);

    HandlerBinding<JsonNode> copy = base.withHandler(wrapped);

    assertThat(copy.handler()).isSameAs(wrapped);
    assertThat(base.handler()).isSameAs(NO_OP);
    assertThat(copy.eventName()).isEqualTo("profile.updated");
    assertThat(copy.accepts(EventVersion.parse("v1"))).isFalse();
    assertThat(copy.accepts(EventVersion.parse("v2"))).isTrue();
    assertThat(copy.accepts(EventVersion.parse("v3"))).isTrue();
    assertThat(copy.accepts(EventVersion.parse("v4"))).isFalse();
    assertThat(copy.upcastTo()).isEqualTo(EventVersion.parse("v3"));
    assertThat(copy.replayPolicy()).isEqualTo(ReplayPolicy.SKIP);
    assertThatThrownBy(() -> base.withHandler(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("handler");
  }

  @Test
  void badArgumentsFailAtOnceWithoutChangingAnything() {
    HandlerBinding<JsonNode> base = HandlerBinding.ofJson("profile.updated", NO_OP);

    assertThatThrownBy(() -> base.versions("v3", "v2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("min version above max version");
    assertThatThrownBy(() -> base.replayPolicy(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("policy");
    assertThatThrownBy(() -> HandlerBinding.of(null, String.class, (p, c) -> {}))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("eventName");
    assertThat(base.accepts(EventVersion.parse("v9"))).isTrue();
  }
}
