package dev.eventcontracts.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.version.EventVersion;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A handler bound to an event name, with the payload type it wants, the versions it accepts, the
 * version it wants payloads upcast to, and its replay policy.
 *
 * <pre>{@code
 * HandlerBinding.of("profile.updated", ProfileUpdated.class, (p, ctx) -> apply(p))
 *     .versions("v1", "v1")
 *     .replayPolicy(ReplayPolicy.REPROCESS);
 * }</pre>
 *
 * @param <T> the payload type
 */
public final class HandlerBinding<T> {
  private final String eventName;
  private final Class<T> payloadType;
  private final EventHandler<T> handler;
  private @Nullable EventVersion minVersion;
  private @Nullable EventVersion maxVersion;
  private @Nullable EventVersion upcastTo;
  private ReplayPolicy replayPolicy = ReplayPolicy.PROCESS;

  private HandlerBinding(String eventName, Class<T> payloadType, EventHandler<T> handler) {
    this.eventName = Objects.requireNonNull(eventName, "eventName");
    this.payloadType = Objects.requireNonNull(payloadType, "payloadType");
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  /** Binds a handler that receives the payload bound to {@code payloadType} by Jackson. */
  public static <T> HandlerBinding<T> of(
      String eventName, Class<T> payloadType, EventHandler<T> handler) {
    return new HandlerBinding<>(eventName, payloadType, handler);
  }

  /** Binds a handler that receives the payload as a JSON tree. */
  public static HandlerBinding<JsonNode> ofJson(String eventName, EventHandler<JsonNode> handler) {
    return new HandlerBinding<>(eventName, JsonNode.class, handler);
  }

  /** Accepts only versions from {@code min} to {@code max}, inclusive; all versions by default. */
  public HandlerBinding<T> versions(String min, String max) {
    this.minVersion = EventVersion.parse(min);
    this.maxVersion = EventVersion.parse(max);
    if (minVersion.compareTo(maxVersion) > 0) {
      throw new IllegalArgumentException("min version above max version");
    }
    return this;
  }

  /**
   * Upcasts payloads of older versions to {@code version} with the registry's upcasters before the
   * handler sees them, so the handler sees one shape.
   */
  public HandlerBinding<T> upcastTo(String version) {
    this.upcastTo = EventVersion.parse(version);
    return this;
  }

  /** Sets what the handler does with replayed events; {@link ReplayPolicy#PROCESS} by default. */
  public HandlerBinding<T> replayPolicy(ReplayPolicy policy) {
    this.replayPolicy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /** The event name. */
  public String eventName() {
    return eventName;
  }

  /** The payload type. */
  public Class<T> payloadType() {
    return payloadType;
  }

  /** The handler. */
  public EventHandler<T> handler() {
    return handler;
  }

  /** The replay policy. */
  public ReplayPolicy replayPolicy() {
    return replayPolicy;
  }

  /** The version payloads are upcast to, or {@code null}. */
  public @Nullable EventVersion upcastTo() {
    return upcastTo;
  }

  /** True when the binding accepts this version. */
  public boolean accepts(EventVersion version) {
    return (minVersion == null || version.compareTo(minVersion) >= 0)
        && (maxVersion == null || version.compareTo(maxVersion) <= 0);
  }
}
