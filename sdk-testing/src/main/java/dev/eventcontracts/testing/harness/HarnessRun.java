package dev.eventcontracts.testing.harness;

import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.resilience.StoreResilience;
import dev.eventcontracts.testing.stores.MutableClock;
import io.github.resilience4j.retry.RetryConfig;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One scenario's deliveries: a fresh pipeline with empty stores and sink, running the team's
 * bindings, each wrapped in a {@link Recorder}, and the state probe read around every delivery.
 */
final class HarnessRun {
  /**
   * What every run of one harness is built from.
   *
   * @param state the state probe, or null
   * @param reset what empties the handlers' state, or null
   * @param transactionalStores the transactional stores, one per run, or null for in-memory stores
   */
  record Setup(
      Claims claims,
      MutableClock clock,
      Supplier<?> state,
      Runnable reset,
      Supplier<? extends TransactionalStore> transactionalStores) {}

  private final Recorder recorder = new Recorder();
  final InMemoryDeadLetterSink sink = DeadLetterSink.inMemory();

  /**
   * Rolls the transaction back after the handler while armed; null without a transactional store.
   */
  final RollbackAfterHandler rollback;

  private final EventPipeline pipeline;
  private final Supplier<?> state;
  private final boolean probing;

  /**
   * @param probing whether deliveries read the state probe (a team's probe may query a database;
   *     checks that compare no state skip it)
   */
  HarnessRun(Setup setup, boolean probing) {
    this.state = setup.state();
    this.probing = probing;
    if (setup.reset() != null) {
      setup.reset().run();
    }
    EventPipeline.Builder b =
        EventPipeline.builder(setup.claims().registry())
            .clock(setup.clock())
            .owner("handler-harness")
            .deadLetterSink(sink)
            // one handler run per delivery: a failure is reported at once, not retried
            .retry(RetryConfig.custom().maxAttempts(1).build())
            .storeResilience(StoreResilience.disabled());
    if (setup.transactionalStores() != null) {
      rollback =
          new RollbackAfterHandler(
              Objects.requireNonNull(
                  setup.transactionalStores().get(),
                  "the transactional store supplier returned null"));
      b.transactionalStore(rollback);
    } else {
      rollback = null;
      b.dedupStore(DedupStore.inMemory(10_000, setup.clock()))
          .entityVersionStore(EntityVersionStore.inMemory());
    }
    for (EventContract c : setup.claims().registry().contracts()) {
      HandlerBinding<?> original = setup.claims().bindingFor(c);
      if (original != null) {
        b.handler(recorder.wrap(original, c.version()));
      }
    }
    pipeline = b.build();
  }

  /** Delivers {@code message} as delivery {@code attempt} and records what happened. */
  Delivery deliver(InboundMessage message, int attempt) {
    Object before = probing ? probe() : null;
    Recorder.Mark mark = recorder.mark();
    ProcessingResult result = pipeline.process(message, attempt);
    Recorder.Activity activity = recorder.since(mark);
    return new Delivery(result, activity, before, probing ? probe() : null);
  }

  private @Nullable Object probe() {
    if (state == null) {
      return null;
    }
    try {
      return state.get();
    } catch (RuntimeException e) {
      throw new IllegalStateException("the state probe threw " + e, e);
    }
  }
}
