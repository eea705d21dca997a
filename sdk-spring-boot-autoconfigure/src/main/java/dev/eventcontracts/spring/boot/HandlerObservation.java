package dev.eventcontracts.spring.boot;

import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.pipeline.EventContext;
import dev.eventcontracts.pipeline.EventHandler;
import dev.eventcontracts.pipeline.HandlerBinding;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import java.util.Map;

/**
 * Runs a handler in a Micrometer {@link Observation} named {@value #NAME}: a receiver context whose
 * carrier is the message's attributes (Kafka headers, Pub/Sub attributes), so a tracer bridge
 * continues the producer's trace from a W3C {@code traceparent} attribute and puts the trace id in
 * the logging MDC while the handler runs.
 *
 * <p>Low-cardinality tags, bounded by the registry: {@code event}, {@code version}, {@code result}
 * ({@code success}, {@code failure}). High-cardinality: {@code event.id} and {@code correlation.id}
 * when the envelope has them. Idempotency keys and message keys are left out: they are built from
 * payload fields, which the SDK never writes to logs or traces.
 */
public final class HandlerObservation {

  /** The observation's name. */
  public static final String NAME = "eventcontracts.handle";

  private HandlerObservation() {}

  /**
   * The binding with its handler run in an observation; the versions, upcast target and replay
   * policy are the original's.
   */
  public static <T> HandlerBinding<T> observe(
      HandlerBinding<T> binding, ObservationRegistry registry) {
    EventHandler<T> handler = binding.handler();
    EventHandler<T> observed =
        (payload, context) -> {
          Observation observation = observation(context, registry);
          observation.start();
          Observation.Scope scope = observation.openScope();
          try {
            handler.handle(payload, context);
            observation.lowCardinalityKeyValue("result", "success");
          } catch (Exception | Error e) {
            observation.lowCardinalityKeyValue("result", "failure");
            observation.error(e);
            throw e;
          } finally {
            scope.close();
            observation.stop();
          }
        };
    return binding.withHandler(observed);
  }

  private static Observation observation(EventContext context, ObservationRegistry registry) {
    ReceiverContext<Map<String, String>> receiver =
        new ReceiverContext<>((carrier, key) -> carrier == null ? null : carrier.get(key));
    receiver.setCarrier(context.attributes());
    receiver.setRemoteServiceName(context.origin().transport());
    Envelope envelope = context.envelope();
    Observation observation =
        Observation.createNotStarted(NAME, () -> receiver, registry)
            .contextualName(context.contract().name() + " process")
            .lowCardinalityKeyValue("event", context.contract().name())
            .lowCardinalityKeyValue("version", context.contract().version())
            .lowCardinalityKeyValue("replay", Boolean.toString(context.replay()));
    if (envelope.eventId() != null) {
      observation.highCardinalityKeyValue("event.id", envelope.eventId());
    }
    if (envelope.correlationId() != null) {
      observation.highCardinalityKeyValue("correlation.id", envelope.correlationId());
    }
    return observation;
  }
}
