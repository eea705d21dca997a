package dev.eventcontracts.testing.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems one check found, and the failure that reports them: a check fails once, listing all
 * of them, with what each handler threw as suppressed exceptions.
 */
final class Problems {
  private final String check;
  private final List<String> lines = new ArrayList<>();
  private final List<Throwable> causes = new ArrayList<>();
  private int checked;

  /**
   * @param check what the check asserts, as the report's heading says it
   */
  Problems(String check) {
    this.check = check;
  }

  /** Counts one more event checked, for the report's heading. */
  void eventChecked() {
    checked++;
  }

  /** Adds a problem; {@code cause}, when not null, is attached to the failure. */
  void add(String problem, Throwable cause) {
    lines.add(problem);
    if (cause != null) {
      causes.add(cause);
    }
  }

  /** Fails with every problem added, if there is any. */
  void throwIfAny() {
    if (lines.isEmpty()) {
      return;
    }
    AssertionError error =
        new AssertionError(
            "Handler harness, "
                + check
                + ": "
                + lines.size()
                + (lines.size() == 1 ? " problem" : " problems")
                + " ("
                + checked
                + (checked == 1 ? " event" : " events")
                + " checked)\n\n"
                + String.join("\n\n", lines));
    causes.forEach(error::addSuppressed);
    throw error;
  }

  /** Fails with the failures of several checks: one as it is, more in one failure. */
  static void throwAll(List<AssertionError> failures) {
    if (failures.size() == 1) {
      throw failures.get(0);
    }
    if (!failures.isEmpty()) {
      StringBuilder message = new StringBuilder(failures.size() + " checks failed");
      failures.forEach(f -> message.append("\n\n").append(f.getMessage()));
      AssertionError all = new AssertionError(message.toString());
      failures.forEach(all::addSuppressed);
      throw all;
    }
  }
}
