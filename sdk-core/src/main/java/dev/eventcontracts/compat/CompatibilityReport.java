package dev.eventcontracts.compat;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Every finding of one comparison of two registries, sorted by event, version and path.
 *
 * @param oldName the old registry's name
 * @param newName the new registry's name
 * @param findings every finding
 */
public record CompatibilityReport(String oldName, String newName, List<Finding> findings) {

  /** Copies the findings. */
  public CompatibilityReport {
    Objects.requireNonNull(oldName, "oldName");
    Objects.requireNonNull(newName, "newName");
    findings = List.copyOf(findings);
  }

  /** The findings of one severity. */
  public List<Finding> findings(Severity severity) {
    return findings.stream().filter(f -> f.severity() == severity).toList();
  }

  /** How many findings have this severity. */
  public int count(Severity severity) {
    return (int) findings.stream().filter(f -> f.severity() == severity).count();
  }

  /** Whether no finding is an error or unproven: no reader is known or suspected to break. */
  public boolean compatible() {
    return count(Severity.ERROR) == 0 && count(Severity.UNPROVEN) == 0;
  }

  /**
   * Whether the check passes under a gate's settings.
   *
   * @param failOnWarning whether warnings fail it too
   * @param allowUnproven whether unproven findings pass
   */
  public boolean passes(boolean failOnWarning, boolean allowUnproven) {
    Set<Severity> failing = EnumSet.of(Severity.ERROR);
    if (!allowUnproven) {
      failing.add(Severity.UNPROVEN);
    }
    if (failOnWarning) {
      failing.add(Severity.WARNING);
    }
    return findings.stream().noneMatch(f -> failing.contains(f.severity()));
  }

  /**
   * The report for people: one line per finding, what the directions mean when one is named, and a
   * summary line.
   */
  public String toText() {
    StringBuilder out = new StringBuilder();
    for (Finding f : findings) {
      out.append(f).append('\n');
    }
    Set<Direction> named = EnumSet.noneOf(Direction.class);
    findings.forEach(f -> named.add(f.direction()));
    named.remove(Direction.NONE);
    if (!named.isEmpty()) {
      out.append('\n');
      for (Direction d : named) {
        out.append(d.label()).append(": ").append(d.explanation()).append('\n');
      }
      out.append('\n');
    }
    out.append(summary()).append('\n');
    return out.toString();
  }

  /** One line: the verdict and the counts. */
  public String summary() {
    String verdict;
    if (findings.isEmpty()) {
      verdict = "compatible, no findings";
    } else {
      verdict =
          (compatible() ? "compatible" : "not compatible")
              + ": "
              + plural(count(Severity.ERROR), "error")
              + ", "
              + count(Severity.UNPROVEN)
              + " unproven, "
              + plural(count(Severity.WARNING), "warning");
    }
    return newName + " against " + oldName + ": " + verdict;
  }

  private static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }
}
