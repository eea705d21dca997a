package dev.eventcontracts.pipeline;

import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.validation.Violation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs payloads that passed their schema but do not bind to the handler's payload type: a bug in
 * the consumer that can hit every event of a contract, so it is an error, logged at once and then
 * at most once a minute per contract and payload type with the count of failures since (the outcome
 * {@code BINDING_FAILED} counts each one in the metrics). Never logs the payload.
 */
final class BindingFailureLog {
  private static final Logger LOG = LoggerFactory.getLogger(BindingFailureLog.class);
  private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    long lastLogNanos;
    long suppressed;
    boolean logged;
  }

  void report(EventContract contract, HandlerBinding<?> binding, Violation violation) {
    String what = contract.name() + " " + contract.version() + " -> " + binding.payloadType();
    Window w = windows.computeIfAbsent(what, k -> new Window());
    long now = System.nanoTime();
    long suppressed;
    synchronized (w) {
      if (w.logged && now - w.lastLogNanos < INTERVAL_NANOS) {
        w.suppressed++;
        return;
      }
      suppressed = w.suppressed;
      w.suppressed = 0;
      w.logged = true;
      w.lastLogNanos = now;
    }
    LOG.error(
        "events of {} {} pass their contract but do not bind to {}: {} at {}; they are"
            + " dead-lettered as BINDING_FAILED until the payload type (or the payload mapper) is"
            + " fixed{}",
        contract.name(),
        contract.version(),
        binding.payloadType().getName(),
        violation.message(),
        violation.path(),
        suppressed == 0 ? "" : " (" + suppressed + " more since the last report)");
  }
}
