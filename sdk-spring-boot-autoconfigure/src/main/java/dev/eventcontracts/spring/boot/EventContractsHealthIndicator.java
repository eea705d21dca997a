package dev.eventcontracts.spring.boot;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the event consumer: {@code DOWN} when the consumer ended on its own (its failure is in
 * the details) or a store's circuit breaker is open; otherwise {@code UP}. Details: {@code
 * consumer} ({@code running}, {@code stopped}, {@code failed} or {@code none} when the starter runs
 * no consumer), {@code lastFailure} (when, outcome, exception class), {@code breakers} (store role
 * to {@code closed}, {@code half_open} or {@code open}, read from the pipeline's meters).
 */
public class EventContractsHealthIndicator extends AbstractHealthIndicator {
  static final String BREAKER_GAUGE = "eventcontracts.store.breaker.state";

  private final ConsumerLifecycle lifecycle;
  private final ConsumerStatus status;
  private final MeterRegistry meters;

  /**
   * @param lifecycle the consumer (Kafka or Pub/Sub), or {@code null} when the starter runs none
   * @param status the results' status, or {@code null}
   * @param meters the pipeline's meters, or {@code null}
   */
  public EventContractsHealthIndicator(
      ConsumerLifecycle lifecycle, ConsumerStatus status, MeterRegistry meters) {
    super("event consumer health check failed");
    this.lifecycle = lifecycle;
    this.status = status;
    this.meters = meters;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    boolean down = false;
    if (lifecycle == null) {
      builder.withDetail("consumer", "none");
    } else if (lifecycle.failure().isPresent()) {
      Throwable failure = lifecycle.failure().get();
      builder.withDetail("consumer", "failed").withDetail("failure", failure.toString());
      down = true;
    } else {
      builder.withDetail("consumer", lifecycle.isConsuming() ? "running" : "stopped");
      down = lifecycle.isRunning() && !lifecycle.isConsuming();
    }
    if (status != null) {
      status
          .lastFailure()
          .ifPresent(
              f -> {
                Map<String, Object> last = new TreeMap<>();
                last.put("at", f.at().toString());
                last.put("outcome", f.outcome());
                last.put("disposition", f.disposition());
                if (f.exception() != null) {
                  last.put("exception", f.exception());
                }
                builder.withDetail("lastFailure", last);
              });
    }
    if (meters != null) {
      Map<String, String> breakers = new TreeMap<>();
      for (Gauge gauge : meters.find(BREAKER_GAUGE).gauges()) {
        String store = gauge.getId().getTag("store");
        double state = gauge.value();
        String name = state >= 2 ? "open" : state >= 1 ? "half_open" : "closed";
        breakers.put(store == null ? "unknown" : store, name);
        down |= state >= 2;
      }
      if (!breakers.isEmpty()) {
        builder.withDetail("breakers", breakers);
      }
    }
    if (down) {
      builder.down();
    } else {
      builder.up();
    }
  }
}
