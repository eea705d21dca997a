package dev.eventcontracts.pubsub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.envelope.Origin;
import dev.eventcontracts.pipeline.EventContext;
import dev.eventcontracts.pipeline.EventHandler;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.ProcessingResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A handler for every contract of a registry that records what it was called with, and a result
 * listener; {@link #failWhen} makes it throw for chosen events.
 */
final class Recorder implements EventHandler<JsonNode> {

  /** One handler call. */
  record Call(
      String eventId,
      String eventName,
      boolean replay,
      int attempt,
      Origin origin,
      Map<String, String> attributes,
      JsonNode payload,
      long nanoTime,
      String thread) {}

  /** Decides whether a call throws. */
  interface Failure {
    boolean fails(JsonNode payload, EventContext context);
  }

  final List<Call> calls = new CopyOnWriteArrayList<>();
  final List<Call> failedCalls = new CopyOnWriteArrayList<>();
  final List<ProcessingResult> results = new CopyOnWriteArrayList<>();
  private volatile Failure failure = (p, c) -> false;

  void failWhen(Failure failure) {
    this.failure = failure;
  }

  @Override
  public void handle(JsonNode payload, EventContext context) {
    Call call =
        new Call(
            context.envelope().eventId(),
            context.envelope().eventName(),
            context.replay(),
            context.deliveryAttempt(),
            context.origin(),
            Map.copyOf(context.attributes()),
            payload,
            System.nanoTime(),
            Thread.currentThread().getName());
    if (failure.fails(payload, context)) {
      failedCalls.add(call);
      throw new IllegalStateException("handler failed on purpose for " + call.eventId());
    }
    calls.add(call);
  }

  /** A pipeline builder with this recorder bound to every contract of {@code registry}. */
  EventPipeline.Builder pipeline(ContractRegistry registry) {
    EventPipeline.Builder builder = EventPipeline.builder(registry);
    registry.contracts().stream()
        .map(EventContract::name)
        .distinct()
        .forEach(name -> builder.handler(HandlerBinding.ofJson(name, this)));
    return builder;
  }

  List<String> eventIds() {
    return calls.stream().map(Call::eventId).collect(Collectors.toList());
  }

  /** Offsets of the calls that succeeded on {@code partition}, in call order. */
  List<Long> offsets(int partition) {
    return calls.stream()
        .filter(c -> c.origin().partition() == partition)
        .map(c -> c.origin().offset())
        .collect(Collectors.toList());
  }
}
