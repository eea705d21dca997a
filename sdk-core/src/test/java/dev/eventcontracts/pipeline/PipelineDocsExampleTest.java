package dev.eventcontracts.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.Origin;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The example of {@code docs/pipeline.md}, compiled and run so that it cannot go stale. */
class PipelineDocsExampleTest {

  // --8<-- [start:example]
  /** The payload fields this consumer needs; the others are ignored. */
  record ProfileUpdated(
      @JsonProperty("candidate_id") String candidateId,
      @JsonProperty("profile_version") long profileVersion,
      @JsonProperty("changed_fields") List<String> changedFields) {}

  /** A projection of candidate profiles: candidate id to the last applied profile version. */
  static final Map<String, Long> PROFILES = new ConcurrentHashMap<>();

  static EventPipeline matchingService(MeterRegistry meters, DeadLetterSink deadLetters) {
    ContractRegistry registry = ContractRegistry.load(Path.of("../examples/registries/recruiting"));
    return EventPipeline.builder(registry)
        .handler(
            HandlerBinding.of(
                    "profile.updated",
                    ProfileUpdated.class,
                    (profile, context) ->
                        PROFILES.put(profile.candidateId(), profile.profileVersion()))
                .versions("v1", "v1")
                .replayPolicy(ReplayPolicy.REPROCESS)) // replays rebuild the projection
        .deadLetterSink(deadLetters) // required: where rejected messages go
        .retry(
            RetryConfig.custom()
                .maxAttempts(5) // deliveries, counted by the transport
                .intervalFunction(
                    IntervalFunction.ofExponentialBackoff(Duration.ofMillis(500), 2.0))
                .ignoreExceptions(IllegalArgumentException.class) // never retried
                .build())
        .meterRegistry(meters)
        .build(); // in-memory dedup and entity version stores by default
  }

  /** What a transport does with each message it receives. */
  static void onMessage(
      EventPipeline pipeline, byte[] value, Map<String, String> attributes, int deliveryAttempt) {
    ProcessingResult result =
        pipeline.process(new InboundMessage(value, attributes, Origin.unknown()), deliveryAttempt);
    switch (result.disposition()) {
      case ACKNOWLEDGE -> acknowledge(); // handled, skipped, or stored as a dead letter
      case RETRY -> redeliverAfter(result.retryAfter()); // nack / seek back; attempt + 1
    }
  }

  // --8<-- [end:example]

  static int acks;
  static Duration lastRetry;

  static void acknowledge() {
    acks++;
  }

  static void redeliverAfter(Duration delay) {
    lastRetry = delay;
  }

  @Test
  void exampleRunsAsWritten() throws Exception {
    InMemoryDeadLetterSink deadLetters = DeadLetterSink.inMemory();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    EventPipeline pipeline = matchingService(meters, deadLetters);
    byte[] v3 =
        Files.readAllLines(Path.of("../examples/events/recruiting-valid.ndjson"))
            .get(2)
            .getBytes(StandardCharsets.UTF_8);

    onMessage(pipeline, v3, Map.of(), 1);
    onMessage(pipeline, v3, Map.of(), 2); // redelivered: a duplicate
    onMessage(pipeline, v3, Map.of("replay", "true"), 1); // replayed: handled again
    onMessage(pipeline, "garbage".getBytes(StandardCharsets.UTF_8), Map.of(), 1);

    assertThat(PROFILES).containsEntry("cand_7f3a9c21", 3L);
    assertThat(acks).isEqualTo(4);
    assertThat(lastRetry).isNull();
    assertThat(deadLetters.deadLetters())
        .singleElement()
        .satisfies(dl -> assertThat(dl.reasonCode()).isEqualTo("MALFORMED"));
    assertThat(meters.get("eventcontracts.events").tag("outcome", "PROCESSED").counters())
        .hasSize(2);
  }
}
