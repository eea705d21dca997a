package dev.eventcontracts.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** The health indicator reads the breakers from the pipeline's gauges. */
class EventContractsHealthIndicatorTest {

  @Test
  void anOpenBreakerIsDownAndAHalfOpenOneIsNot() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AtomicInteger dedup = new AtomicInteger(0);
    AtomicInteger sink = new AtomicInteger(1);
    Gauge.builder(EventContractsHealthIndicator.BREAKER_GAUGE, dedup, AtomicInteger::get)
        .tag("store", "dedup")
        .register(meters);
    Gauge.builder(EventContractsHealthIndicator.BREAKER_GAUGE, sink, AtomicInteger::get)
        .tag("store", "deadletter")
        .register(meters);
    EventContractsHealthIndicator indicator =
        new EventContractsHealthIndicator(null, new ConsumerStatus(), meters);

    Health health = indicator.health();
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails())
        .containsEntry("consumer", "none")
        .containsEntry("breakers", Map.of("dedup", "closed", "deadletter", "half_open"))
        .doesNotContainKey("lastFailure");

    dedup.set(2);
    health = indicator.health();
    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails())
        .containsEntry("breakers", Map.of("dedup", "open", "deadletter", "half_open"));
  }

  @Test
  void withoutMetersThereAreNoBreakerDetails() {
    Health health = new EventContractsHealthIndicator(null, null, null).health();
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsOnlyKeys("consumer");
  }
}
