package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.metrics.MetricNames;
import dev.eventcontracts.pipeline.Fixtures.Flaky;
import dev.eventcontracts.pipeline.Fixtures.Recorder;
import dev.eventcontracts.pipeline.Fixtures.SwitchableSink;
import dev.eventcontracts.testing.stores.MutableClock;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A dead letter is never lost: a failing sink turns the message into a retry. */
class DeadLetterSinkFailureTest {
  private final MutableClock clock = MutableClock.startingAt(NOW);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final SwitchableSink sink = new SwitchableSink();
  private final Recorder handled = new Recorder();

  private double failures(String outcome) {
    var counter =
        meters
            .find(MetricNames.DEAD_LETTER_FAILURES)
            .tag(MetricNames.TAG_OUTCOME, outcome)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void failingSinkMeansRetryAndTheRetryDeadLettersOnceTheSinkWorks() {
    EventPipeline pipeline =
        Fixtures.pipeline(sink, clock)
            .meterRegistry(meters)
            .sinkRetryDelay(Duration.ofSeconds(7))
            .handler(HandlerBinding.ofJson("profile.updated", handled))
            .build();
    ObjectNode invalid = profile("cand_1", 3);
    ((ObjectNode) invalid.get("payload")).remove("changed_fields");
    InboundMessage message = msg(invalid);
    sink.down = true;

    ProcessingResult refused = pipeline.process(message, 1);

    assertThat(refused.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(refused.disposition()).isEqualTo(Disposition.RETRY);
    assertThat(refused.acknowledged()).isFalse();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    assertThat(refused.deadLetter()).isNull();
    assertThat(refused.error()).hasMessageContaining("dead-letter topic unavailable");
    assertThat(failures("INVALID")).isEqualTo(1.0);
    assertThat(
            meters
                .get(MetricNames.RETRIES)
                .tag(MetricNames.TAG_OUTCOME, "INVALID")
                .counter()
                .count())
        .isEqualTo(1.0);
    // a retry is not a final outcome: the outcome counter waits for the final one
    assertThat(meters.find(MetricNames.EVENTS).counter()).isNull();

    assertThat(pipeline.process(message, 2).disposition()).isEqualTo(Disposition.RETRY);
    assertThat(failures("INVALID")).isEqualTo(2.0);

    sink.down = false;
    ProcessingResult stored = pipeline.process(message, 3);

    assertThat(stored.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(stored.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
    assertThat(sink.stored).singleElement().isSameAs(stored.deadLetter());
    assertThat(stored.deadLetter().value()).isEqualTo(message.value());
    assertThat(handled.count()).isZero();
  }

  @Test
  void failedHandlerWhoseDeadLetterCannotBeStoredIsRetried() {
    Flaky broken = new Flaky(Integer.MAX_VALUE, new IllegalStateException("down"));
    EventPipeline pipeline =
        Fixtures.pipeline(sink, clock)
            .meterRegistry(meters)
            .retry(RetryConfig.custom().maxAttempts(1).build())
            .handler(HandlerBinding.ofJson("profile.updated", broken))
            .build();
    InboundMessage message = msg(profile("cand_1", 3));
    sink.down = true;

    ProcessingResult refused = pipeline.process(message, 1);

    assertThat(refused.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(refused.disposition()).isEqualTo(Disposition.RETRY);
    assertThat(failures("FAILED")).isEqualTo(1.0);

    sink.down = false;
    ProcessingResult stored = pipeline.process(message, 2);

    assertThat(stored.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
    assertThat(sink.stored).singleElement().satisfies(dl -> assertThat(dl.attempts()).isEqualTo(2));
  }

  @Test
  void malformedMessageWithAFailingSinkIsRetriedToo() {
    EventPipeline pipeline =
        Fixtures.pipeline(sink, clock)
            .meterRegistry(meters)
            .handler(HandlerBinding.ofJson("profile.updated", handled))
            .build();
    sink.down = true;

    ProcessingResult result = pipeline.process(msg("not json at all"));

    assertThat(result.outcome()).isEqualTo(Outcome.MALFORMED);
    assertThat(result.disposition()).isEqualTo(Disposition.RETRY);
    assertThat(failures("MALFORMED")).isEqualTo(1.0);
  }
}
