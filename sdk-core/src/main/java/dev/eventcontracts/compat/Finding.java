package dev.eventcontracts.compat;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One result of a compatibility check.
 *
 * @param severity how serious it is
 * @param rule the rule it is about
 * @param direction which readers break
 * @param event the event name, or {@code null} for a registry-wide finding
 * @param version the version of the events concerned (the written one), or {@code null} for a
 *     registry-wide finding
 * @param path where: a JSON pointer into the payload ({@code ""} is the payload itself, {@code
 *     /items/*} every item of an array, {@code /tags/*} every undeclared property), or the contract
 *     keyword ({@code x-event-name}, {@code x-event-version}, {@code x-idempotency-key}, {@code
 *     x-ordering}, {@code x-migration}, {@code x-sunset}) or registry setting ({@code
 *     versionPolicy}, {@code envelopeFormats}) concerned
 * @param message what changed and why it breaks, naming the old and the new side
 */
public record Finding(
    Severity severity,
    Rule rule,
    Direction direction,
    @Nullable String event,
    @Nullable String version,
    String path,
    String message) {

  /** Checks that every component but the event and version is present. */
  public Finding {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  /** {@code event version} or {@code registry} for a registry-wide finding. */
  public String subject() {
    return event == null ? "registry" : event + " " + version;
  }

  /** One line: severity, subject, path, rule, direction and message. */
  @Override
  public String toString() {
    return severity
        + " "
        + subject()
        + " "
        + (path.isEmpty() ? "(payload)" : path)
        + ": "
        + rule.code()
        + (direction == Direction.NONE ? "" : ", breaks " + direction.label())
        + ": "
        + message;
  }
}
