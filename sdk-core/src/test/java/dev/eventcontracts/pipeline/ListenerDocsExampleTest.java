package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterDecorator;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * The listener, dead-letter decorator and key-reuse examples of {@code docs/pipeline.md}, compiled
 * and run so that they cannot go stale.
 */
class ListenerDocsExampleTest {

  // --8<-- [start:listener]
  /** Counts dead letters per reason and store failures, for an alert of your own. */
  static final class AlertingListener implements PipelineListener {
    final Map<String, LongAdder> deadLetters = new java.util.concurrent.ConcurrentHashMap<>();
    final LongAdder storeFailures = new LongAdder();

    @Override
    public void onDeadLetter(DeadLetter deadLetter) {
      deadLetters.computeIfAbsent(deadLetter.reasonCode(), r -> new LongAdder()).increment();
    }

    @Override
    public void onStoreFailure(String operation, Throwable error) {
      storeFailures.increment(); // the message is retried; a burst means an outage
    }
  }

  static EventPipeline observed(
      ContractRegistry registry, AlertingListener alerts, SimpleMeterRegistry meters) {
    DeadLetterDecorator owner = deadLetter -> Map.of("team", "matching", "service", "matcher-7");
    InMemoryDeadLetterSink sink = DeadLetterSink.inMemory(owner); // or a Kafka / Pub/Sub sink
    return EventPipeline.builder(registry)
        .handler(HandlerBinding.ofJson("profile.updated", (payload, context) -> {}))
        .deadLetterSink(sink)
        .listener(alerts) // hears every event; may not block, cannot break processing
        .meterRegistry(meters) // adds MicrometerPipelineListener after the listeners
        .onKeyReuse(KeyReuse.DEAD_LETTER) // same key, different payload: to the DLQ
        .build();
  }

  // --8<-- [end:listener]

  @Test
  void theExampleRuns() {
    AlertingListener alerts = new AlertingListener();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    EventPipeline pipeline = observed(Fixtures.recruiting(), alerts, meters);

    ObjectNode first = profile("cand_1", 1);
    assertThat(pipeline.process(msg(first)).outcome()).isEqualTo(Outcome.PROCESSED);
    ProcessingResult reused = pipeline.process(msg(KeyReuseTest.reused(first)));
    ProcessingResult garbage = pipeline.process(msg("not an event"));

    assertThat(reused.outcome()).isEqualTo(Outcome.KEY_REUSED);
    assertThat(garbage.outcome()).isEqualTo(Outcome.MALFORMED);
    assertThat(alerts.deadLetters.get("KEY_REUSED").sum()).isEqualTo(1);
    assertThat(alerts.deadLetters.get("MALFORMED").sum()).isEqualTo(1);
    assertThat(alerts.storeFailures.sum()).isZero();
    assertThat(reused.deadLetter()).isNotNull();
    assertThat(meters.get("eventcontracts.idempotency.key.reuses").counter().count())
        .isEqualTo(1.0);
  }
}
