package dev.eventcontracts.testing.fuzz;

import dev.eventcontracts.pipeline.Disposition;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.fuzz.HostileInputs.Input;
import dev.eventcontracts.testing.fuzz.HostileInputs.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks the invariants of a fuzz run, one result at a time: every message gets exactly one final
 * outcome that its input class allows; a rejected message is dead-lettered with its bytes intact;
 * the handler runs once per processed event and never twice for one key. Collects problems instead
 * of throwing, so a run reports all of them, and counts outcomes per input class for the docs.
 */
public final class FuzzCheck {
  private static final Set<Outcome> ACCEPTED =
      EnumSet.of(Outcome.PROCESSED, Outcome.DUPLICATE, Outcome.STALE);

  private final Map<Kind, Map<Outcome, AtomicInteger>> counts = new EnumMap<>(Kind.class);
  private final Set<String> processedKeys = ConcurrentHashMap.newKeySet();
  private final AtomicInteger handled = new AtomicInteger();
  private final AtomicInteger processed = new AtomicInteger();
  private final List<String> problems = new ArrayList<>();
  private final boolean faultsInjected;

  private FuzzCheck(boolean faultsInjected) {
    this.faultsInjected = faultsInjected;
    for (Kind kind : Kind.values()) {
      Map<Outcome, AtomicInteger> byOutcome = new EnumMap<>(Outcome.class);
      for (Outcome o : Outcome.values()) {
        byOutcome.put(o, new AtomicInteger());
      }
      counts.put(kind, byOutcome);
    }
  }

  /** A check for a run without injected faults: every result must be final. */
  public static FuzzCheck withoutFaults() {
    return new FuzzCheck(false);
  }

  /** A check for a run with injected faults: {@code RETRY} is allowed, and not counted. */
  public static FuzzCheck withFaults() {
    return new FuzzCheck(true);
  }

  /** The outcomes an input of {@code kind} may end with. */
  public static Set<Outcome> allowed(Kind kind) {
    return switch (kind) {
      case RANDOM_BYTES, TRUNCATED, INVALID_UTF8, DUPLICATE_NAME, HUGE_VALUE, DEEP_NESTING ->
          EnumSet.of(Outcome.MALFORMED);
      case VALID -> ACCEPTED;
      case HOSTILE_TENANT ->
          EnumSet.of(Outcome.PROCESSED, Outcome.DUPLICATE, Outcome.STALE, Outcome.INVALID);
      case UNKNOWN_VERSION ->
          EnumSet.of(Outcome.UNSUPPORTED_VERSION, Outcome.INVALID, Outcome.MALFORMED);
      case UNKNOWN_EVENT -> EnumSet.of(Outcome.UNKNOWN_EVENT);
      default -> EnumSet.complementOf(EnumSet.of(Outcome.FAILED));
    };
  }

  /** Tells the check that a handler ran for an event with {@code idempotencyKey}. */
  public void handled(String idempotencyKey) {
    handled.incrementAndGet();
    if (idempotencyKey == null) {
      problem("a handler ran for an event without an idempotency key");
    }
  }

  /** Checks one message's result; {@code result} is null when processing threw. */
  public void record(Input input, ProcessingResult result, Throwable thrown) {
    if (thrown != null || result == null) {
      problem(input + ": processing threw " + thrown);
      return;
    }
    if (result.disposition() == Disposition.RETRY) {
      if (!faultsInjected) {
        problem(input + ": RETRY (" + result.outcome() + ") without an injected fault");
      }
      return;
    }
    counts.get(input.kind()).get(result.outcome()).incrementAndGet();
    if (!allowed(input.kind()).contains(result.outcome())) {
      problem(input + ": " + result.outcome() + " " + result.violations());
    }
    if (!ACCEPTED.contains(result.outcome())) {
      if (result.deadLetter() == null) {
        problem(input + ": " + result.outcome() + " without a dead letter");
      } else if (!Arrays.equals(result.deadLetter().value(), input.value())) {
        problem(input + ": the dead letter does not carry the message's bytes");
      }
    }
    if (result.outcome() == Outcome.PROCESSED) {
      processed.incrementAndGet();
      if (!processedKeys.add(result.idempotencyKey())) {
        problem(input + ": key processed twice");
      }
    }
  }

  private synchronized void problem(String text) {
    if (problems.size() < 50) {
      problems.add(text);
    }
  }

  /** The problems found, at most 50; empty when every invariant held. */
  public synchronized List<String> problems() {
    List<String> out = new ArrayList<>(problems);
    if (handled.get() != processed.get()) {
      out.add("handler ran " + handled.get() + " times for " + processed.get() + " PROCESSED");
    }
    return out;
  }

  /** How many results each input class ended with, per outcome. */
  public Map<Kind, Map<Outcome, Integer>> counts() {
    Map<Kind, Map<Outcome, Integer>> out = new EnumMap<>(Kind.class);
    counts.forEach(
        (kind, byOutcome) -> {
          Map<Outcome, Integer> m = new EnumMap<>(Outcome.class);
          byOutcome.forEach((o, n) -> m.put(o, n.get()));
          out.put(kind, m);
        });
    return out;
  }

  /** The counts as a Markdown table, one row per input class. */
  public String table() {
    StringBuilder out = new StringBuilder("| input class |");
    for (Outcome o : Outcome.values()) {
      out.append(' ').append(o).append(" |");
    }
    out.append("\n|---|").append("---|".repeat(Outcome.values().length)).append('\n');
    counts()
        .forEach(
            (kind, byOutcome) -> {
              out.append("| ").append(kind).append(" |");
              byOutcome.values().forEach(n -> out.append(' ').append(n).append(" |"));
              out.append('\n');
            });
    return out.toString();
  }
}
