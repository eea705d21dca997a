package dev.eventcontracts.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.version.EventVersion;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A handler bound to an event name, with the payload type it wants, the versions it accepts, the
 * version it wants payloads upcast to, and its replay policy. Immutable: {@link #versions}, {@link
 * #upcastTo(String)} and {@link #replayPolicy(ReplayPolicy)} return a changed copy, so a binding
 * can be shared between pipelines and nothing changes it after the pipeline is built.
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
  private final @Nullable EventVersion minVersion;
  private final @Nullable EventVersion maxVersion;
  private final @Nullable EventVersion upcastTo;
  private final ReplayPolicy replayPolicy;

  private HandlerBinding(
      String eventName,
      Class<T> payloadType,
      EventHandler<T> handler,
      @Nullable EventVersion minVersion,
      @Nullable EventVersion maxVersion,
      @Nullable EventVersion upcastTo,
      ReplayPolicy replayPolicy) {
    this.eventName = Objects.requireNonNull(eventName, "eventName");
    this.payloadType = Objects.requireNonNull(payloadType, "payloadType");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.minVersion = minVersion;
    this.maxVersion = maxVersion;
    this.upcastTo = upcastTo;
    this.replayPolicy = Objects.requireNonNull(replayPolicy, "replayPolicy");
  }

  /** Binds a handler that receives the payload bound to {@code payloadType} by Jackson. */
  public static <T> HandlerBinding<T> of(
      String eventName, Class<T> payloadType, EventHandler<T> handler) {
    return new HandlerBinding<>(
        eventName, payloadType, handler, null, null, null, ReplayPolicy.PROCESS);
  }

  /** Binds a handler that receives the payload as a JSON tree. */
  public static HandlerBinding<JsonNode> ofJson(String eventName, EventHandler<JsonNode> handler) {
    return of(eventName, JsonNode.class, handler);
  }

  /**
   * A copy that accepts only versions from {@code min} to {@code max}, inclusive; all versions by
   * default.
   */
  public HandlerBinding<T> versions(String min, String max) {
    EventVersion lowest = EventVersion.parse(min);
    EventVersion highest = EventVersion.parse(max);
    if (lowest.compareTo(highest) > 0) {
      throw new IllegalArgumentException("min version above max version");
    }
    return new HandlerBinding<>(
        eventName, payloadType, handler, lowest, highest, upcastTo, replayPolicy);
  }

  /**
   * A copy that upcasts payloads of older versions to {@code version} with the registry's upcasters
   * before the handler sees them, so the handler sees one shape.
   */
  public HandlerBinding<T> upcastTo(String version) {
    return new HandlerBinding<>(
        eventName,
        payloadType,
        handler,
        minVersion,
        maxVersion,
        EventVersion.parse(version),
        replayPolicy);
  }

  /**
   * A copy with what the handler does with replayed events; {@link ReplayPolicy#PROCESS} by
   * default.
   */
  public HandlerBinding<T> replayPolicy(ReplayPolicy policy) {
    return new HandlerBinding<>(
        eventName,
        payloadType,
        handler,
        minVersion,
        maxVersion,
        upcastTo,
        Objects.requireNonNull(policy, "policy"));
  }

  /**
   * A copy with {@code handler} in place of this binding's handler and everything else kept
   * (versions, upcast target, replay policy): for wrapping a handler, for instance in a trace span.
   */
  public HandlerBinding<T> withHandler(EventHandler<T> handler) {
    return new HandlerBinding<>(
        eventName,
        payloadType,
        Objects.requireNonNull(handler, "handler"),
        minVersion,
        maxVersion,
        upcastTo,
        replayPolicy);
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
