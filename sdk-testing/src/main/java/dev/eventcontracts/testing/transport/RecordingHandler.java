package dev.eventcontracts.testing.transport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.envelope.Origin;
import dev.eventcontracts.pipeline.EventContext;
import dev.eventcontracts.pipeline.EventHandler;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.ProcessingResult;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;

/**
 * A stand-in handler for tests of a transport adapter or of a consumer's wiring: bound as JSON to
 * every event of a registry, it records each call (what the {@link EventContext} said, when and on
 * which thread), throws on purpose for the events {@link #failWhen} chooses, and is the consumer's
 * result listener as well.
 *
 * <pre>{@code
 * RecordingHandler recorder = new RecordingHandler();
 * recorder.failWhen((payload, ctx) -> ctx.deliveryAttempt() == 1);
 * EventPipeline pipeline = recorder.pipeline(registry).deadLetterSink(sink).build();
 * KafkaEventConsumer consumer =
 *     KafkaEventConsumer.builder(pipeline)...onResult(recorder::recordResult).build();
 * ...
 * assertThat(recorder.failedCalls()).extracting(RecordingHandler.Call::attempt).containsExactly(1);
 * }</pre>
 *
 * <p>Safe for concurrent handler calls; the lists it returns are live, read-only views, so a test
 * can await a condition on them.
 */
public final class RecordingHandler implements EventHandler<JsonNode> {

  /**
   * One handler call.
   *
   * @param nanoTime {@link System#nanoTime()} when the handler was called
   * @param thread the name of the thread that called it
   */
  public record Call(
      String eventId,
      String eventName,
      boolean replay,
      int attempt,
      Origin origin,
      Map<String, String> attributes,
      JsonNode payload,
      long nanoTime,
      String thread) {}

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<Call> failedCalls = new CopyOnWriteArrayList<>();
  private final List<ProcessingResult> results = new CopyOnWriteArrayList<>();
  private volatile BiPredicate<JsonNode, EventContext> failure = (p, c) -> false;

  /** Makes the calls for which {@code failure} is true throw an {@link IllegalStateException}. */
  public void failWhen(BiPredicate<JsonNode, EventContext> failure) {
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /** Records the call; throws when {@link #failWhen} says so. */
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
    if (failure.test(payload, context)) {
      failedCalls.add(call);
      throw new IllegalStateException("handler failed on purpose for " + call.eventId());
    }
    calls.add(call);
  }

  /**
   * The result listener: give {@code recorder::recordResult} to the consumer's {@code onResult}.
   */
  public void recordResult(ProcessingResult result) {
    results.add(Objects.requireNonNull(result, "result"));
  }

  /**
   * A pipeline builder with this handler bound, as JSON, to every event name of {@code registry}.
   */
  public EventPipeline.Builder pipeline(ContractRegistry registry) {
    EventPipeline.Builder builder = EventPipeline.builder(registry);
    registry.contracts().stream()
        .map(EventContract::name)
        .distinct()
        .forEach(name -> builder.handler(HandlerBinding.ofJson(name, this)));
    return builder;
  }

  /** The calls that returned, in call order. */
  public List<Call> calls() {
    return Collections.unmodifiableList(calls);
  }

  /** The calls that threw on purpose, in call order. */
  public List<Call> failedCalls() {
    return Collections.unmodifiableList(failedCalls);
  }

  /** The results given to {@link #recordResult}, in order. */
  public List<ProcessingResult> results() {
    return Collections.unmodifiableList(results);
  }

  /** Forgets the results recorded so far; the calls stay. */
  public void clearResults() {
    results.clear();
  }

  /** The event ids of the calls that returned, in call order. */
  public List<String> eventIds() {
    return calls.stream().map(Call::eventId).collect(Collectors.toList());
  }

  /** The offsets of the calls that returned on {@code partition}, in call order. */
  public List<Long> offsets(int partition) {
    return calls.stream()
        .filter(c -> c.origin().partition() == partition)
        .map(c -> c.origin().offset())
        .collect(Collectors.toList());
  }
}
