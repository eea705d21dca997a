package dev.eventcontracts.envelope;

import dev.eventcontracts.validation.Violation;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What reading an envelope produced: the envelope (absent when the message could not be read at
 * all) and every envelope-level violation found.
 *
 * @param envelope the envelope, or {@code null} when the message is not a readable event
 * @param violations envelope violations, copied; empty when the envelope is sound
 */
public record EnvelopeResult(@Nullable Envelope envelope, List<Violation> violations) {

  /** Copies the violations. */
  public EnvelopeResult {
    violations = List.copyOf(violations);
  }

  /** A sound envelope. */
  public static EnvelopeResult of(Envelope envelope) {
    return new EnvelopeResult(envelope, List.of());
  }

  /** A message that could not be read as an event at all. */
  public static EnvelopeResult unreadable(List<Violation> violations) {
    return new EnvelopeResult(null, violations);
  }

  /** True when no envelope could be read. */
  public boolean unreadable() {
    return envelope == null;
  }
}
