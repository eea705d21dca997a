package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.metrics.MetricNames;
import dev.eventcontracts.pipeline.Fixtures.Recorder;
import dev.eventcontracts.pipeline.Fixtures.SwitchableSink;
import dev.eventcontracts.resilience.StoreResilience;
import dev.eventcontracts.testing.stores.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pipeline wraps the stores it is given in circuit breakers, by default. */
class StoreResilienceInPipelineTest {
  private final MutableClock clock = MutableClock.startingAt(NOW);
  private final SwitchableSink sink = new SwitchableSink();
  private final Recorder handled = new Recorder();

  /** A dedup store that is down: every call throws. */
  static final class DownStore implements DedupStore {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public ClaimState claim(String key, String owner, Duration lease) {
      calls.incrementAndGet();
      throw new IllegalStateException("connection refused");
    }

    @Override
    public void complete(String key, String owner, Duration retention) {
      calls.incrementAndGet();
      throw new IllegalStateException("connection refused");
    }

    @Override
    public void release(String key, String owner) {
      calls.incrementAndGet();
      throw new IllegalStateException("connection refused");
    }
  }

  @Test
  void aStoreThatIsDownIsLeftAloneOnceItsBreakerOpens() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    DownStore store = new DownStore();
    EventPipeline pipeline =
        Fixtures.pipeline(sink, clock)
            .dedupStore(store)
            .meterRegistry(meters)
            .handler(HandlerBinding.ofJson("profile.updated", handled))
            .build();

    for (int i = 0; i < 20; i++) {
      ProcessingResult result = pipeline.process(msg(profile("cand_" + i, 1)));
      assertThat(result.disposition()).isEqualTo(Disposition.RETRY);
    }

    assertThat(store.calls).hasValue(StoreResilience.DEFAULT_MINIMUM_NUMBER_OF_CALLS);
    assertThat(handled.count()).isZero();
    assertThat(
            meters
                .get(MetricNames.STORE_BREAKER_STATE)
                .tag(MetricNames.TAG_STORE, "dedup")
                .gauge()
                .value())
        .isEqualTo(2.0);
    assertThat(
            meters
                .get(MetricNames.STORE_BREAKER_NOT_PERMITTED)
                .tag(MetricNames.TAG_STORE, "dedup")
                .counter()
                .count())
        .isEqualTo(15.0);
  }

  @Test
  void disabledLeavesTheStoreToEveryCall() {
    DownStore store = new DownStore();
    EventPipeline pipeline =
        Fixtures.pipeline(sink, clock)
            .dedupStore(store)
            .storeResilience(StoreResilience.disabled())
            .handler(HandlerBinding.ofJson("profile.updated", handled))
            .build();

    for (int i = 0; i < 20; i++) {
      pipeline.process(msg(profile("cand_" + i, 1)));
    }

    assertThat(store.calls).hasValue(20);
  }
}
