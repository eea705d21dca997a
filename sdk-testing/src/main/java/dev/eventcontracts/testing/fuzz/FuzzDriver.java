package dev.eventcontracts.testing.fuzz;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.fuzz.HostileInputs.Input;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs hostile inputs through a pipeline the way the transports do, single messages (Pub/Sub) and
 * batches of 2 to 50 (Kafka) in turn, and hands each result to a {@link FuzzCheck}.
 */
public final class FuzzDriver {
  private FuzzDriver() {}

  /** A dead-letter sink that counts without keeping the letters (their bytes may be 10 MB). */
  public static final class CountingSink implements DeadLetterSink {
    private final AtomicLong stored = new AtomicLong();

    @Override
    public void publish(DeadLetter deadLetter) {
      stored.incrementAndGet();
    }

    /** How many dead letters were published. */
    public long stored() {
      return stored.get();
    }
  }

  /**
   * A pipeline builder with a handler for every contract name of {@code registry} that reports to
   * {@code check}, and {@code sink} as the dead-letter sink.
   */
  public static EventPipeline.Builder pipeline(
      ContractRegistry registry, FuzzCheck check, DeadLetterSink sink) {
    EventPipeline.Builder builder = EventPipeline.builder(registry).deadLetterSink(sink);
    registry.contracts().stream()
        .map(c -> c.name())
        .distinct()
        .forEach(
            name ->
                builder.handler(
                    HandlerBinding.ofJson(
                        name, (payload, context) -> check.handled(context.idempotencyKey()))));
    return builder;
  }

  /**
   * Runs {@code count} inputs through {@code pipeline}.
   *
   * @return how many results carried a dead letter
   */
  public static long run(
      EventPipeline pipeline, HostileInputs inputs, int count, long seed, FuzzCheck check) {
    Random random = new Random(seed);
    long deadLetters = 0;
    int done = 0;
    while (done < count) {
      int size = random.nextBoolean() ? 1 : 2 + random.nextInt(49);
      List<Input> batch = new ArrayList<>(size);
      List<InboundMessage> messages = new ArrayList<>(size);
      for (int i = 0; i < size && done + i < count; i++) {
        Input input = inputs.next();
        batch.add(input);
        messages.add(InboundMessage.of(input.value()));
      }
      done += batch.size();
      List<ProcessingResult> results;
      try {
        results =
            batch.size() == 1
                ? List.of(pipeline.process(messages.get(0)))
                : pipeline.processBatch(messages);
      } catch (RuntimeException | Error e) {
        batch.forEach(input -> check.record(input, null, e));
        continue;
      }
      for (int i = 0; i < batch.size(); i++) {
        ProcessingResult result = i < results.size() ? results.get(i) : null;
        if (result == null) {
          check.record(batch.get(i), null, new IllegalStateException("no result (batch cut)"));
          continue;
        }
        check.record(batch.get(i), result, null);
        if (result.deadLetter() != null) {
          deadLetters++;
        }
      }
    }
    return deadLetters;
  }
}
