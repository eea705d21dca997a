package dev.eventcontracts.testing.harness;

import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.fixtures.SampleEvent;
import dev.eventcontracts.validation.Violation;

/** How the checks' problem reports name events, deliveries, outcomes and states. */
final class Describe {
  private Describe() {}

  /** The event and which variant of it: {@code account.updated v2 (a valid sample)}. */
  static String sample(SampleEvent s, String what) {
    return s.eventName() + " " + s.version() + " (" + what + ")";
  }

  /** What the handler did and the pipeline's outcome, with its violations. */
  static String delivery(Delivery d) {
    return d.activity().describe() + "; outcome " + outcome(d.result());
  }

  /** The outcome, then one line per violation. */
  static String outcome(ProcessingResult r) {
    StringBuilder out = new StringBuilder(r.outcome().name());
    for (Violation v : r.violations()) {
      out.append("\n    ")
          .append(v.path().isEmpty() ? "(event)" : v.path())
          .append("  [")
          .append(v.code())
          .append("]  ")
          .append(v.message());
    }
    return out.toString();
  }

  /** A line on the likely cause of an outcome that is the team's to fix, or nothing. */
  static String hint(ProcessingResult r) {
    if (r.outcome() == Outcome.INVALID
        && r.violations().stream().anyMatch(v -> v.message().startsWith("payload does not bind"))) {
      return "\n  the payload type cannot hold a value the contract allows";
    }
    if (r.outcome() == Outcome.UNKNOWN_EVENT) {
      return "\n  no binding takes this version (see assertEveryVersionBound)";
    }
    return "";
  }

  /** A state as its {@code toString}, cut after 500 characters. */
  static String state(Object state) {
    String text = String.valueOf(state);
    return text.length() <= 500
        ? text
        : text.substring(0, 500) + "... (" + text.length() + " chars)";
  }
}
