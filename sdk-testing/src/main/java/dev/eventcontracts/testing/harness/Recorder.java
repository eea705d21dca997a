package dev.eventcontracts.testing.harness;

import dev.eventcontracts.pipeline.EventHandler;
import dev.eventcontracts.pipeline.HandlerBinding;
import java.util.ArrayList;
import java.util.List;

/** Counts handler runs and keeps what they threw, so reports can say what the handler did. */
final class Recorder {
  private int runs;
  private final List<Throwable> thrown = new ArrayList<>();

  /** A copy of {@code original} for exactly one version that records every run. */
  <T> HandlerBinding<T> wrap(HandlerBinding<T> original, String version) {
    EventHandler<T> inner = original.handler();
    HandlerBinding<T> copy =
        HandlerBinding.<T>of(
                original.eventName(),
                original.payloadType(),
                (payload, context) -> {
                  synchronized (this) {
                    runs++;
                  }
                  try {
                    inner.handle(payload, context);
                  } catch (Exception | Error e) {
                    synchronized (this) {
                      thrown.add(e);
                    }
                    throw e;
                  }
                })
            .versions(version, version)
            .replayPolicy(original.replayPolicy());
    if (original.upcastTo() != null) {
      return copy.upcastTo(original.upcastTo().toString());
    }
    return copy;
  }

  synchronized Mark mark() {
    return new Mark(runs, thrown.size());
  }

  /** What the handler did since {@code mark}. */
  synchronized Activity since(Mark mark) {
    return new Activity(runs - mark.runs, List.copyOf(thrown.subList(mark.thrown, thrown.size())));
  }

  record Mark(int runs, int thrown) {}

  /** Handler runs between two marks and what they threw. */
  record Activity(int runs, List<Throwable> thrown) {
    String describe() {
      if (runs == 0) {
        return "the handler did not run";
      }
      String times = runs == 1 ? "once" : runs + " times";
      if (thrown.isEmpty()) {
        return "the handler ran " + times + " and returned normally";
      }
      Throwable t = thrown.get(0);
      return "the handler ran "
          + times
          + " and threw "
          + t.getClass().getName()
          + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
  }
}
