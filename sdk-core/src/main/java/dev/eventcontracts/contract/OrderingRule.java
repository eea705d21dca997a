package dev.eventcontracts.contract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.envelope.Envelope;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How events of one contract are ordered: per entity (a {@link KeyTemplate}), by an entity version
 * field ({@code process latest profile_version; ignore stale}) or by a timestamp field (seed 004:
 * within a correlation id, by timestamp). An event applies only when its position is newer than the
 * last applied one for its entity.
 *
 * <p>Entities are scoped: two events are of the same entity only when their contracts share an
 * ordering scope. The scope defaults to the contract's name; contracts that name one scope, such as
 * every {@code com.todo.task.*} contract with scope {@code task}, order against one entity, so an
 * older {@code task.updated} after a {@code task.deleted} of the same task is stale.
 *
 * @param entity the template that names the entity
 * @param position the field that orders events of one entity
 * @param kind whether the position is a version number or a timestamp
 * @param scope the ordering scope shared by several contracts, or {@code null} for the contract's
 *     own name
 */
public record OrderingRule(
    KeyTemplate entity, FieldRef position, Kind kind, @Nullable String scope) {

  /** What the position field holds. */
  public enum Kind {
    /** An integer version; a higher number is newer. */
    VERSION,
    /** A timestamp (ISO-8601 text or epoch milliseconds); a later instant is newer. */
    TIMESTAMP
  }

  /** Checks that every component but the scope is present, and that a scope is not blank. */
  public OrderingRule {
    Objects.requireNonNull(entity, "entity");
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(kind, "kind");
    if (scope != null && scope.isBlank()) {
      throw new IllegalArgumentException("an ordering scope must not be blank");
    }
  }

  /** A rule scoped by its contract's own name. */
  public OrderingRule(KeyTemplate entity, FieldRef position, Kind kind) {
    this(entity, position, kind, null);
  }

  /**
   * The same rule, ordering against the entities of every contract that names this scope: {@code
   * byTimestamp("{task_id}", "envelope.occurred_at").inScope("task")}.
   */
  public OrderingRule inScope(String scope) {
    return new OrderingRule(entity, position, kind, Objects.requireNonNull(scope, "scope"));
  }

  /** Orders by an integer version field: {@code byVersion("{candidate_id}", "profile_version")}. */
  public static OrderingRule byVersion(String entityTemplate, String versionField) {
    return new OrderingRule(
        KeyTemplate.parse(entityTemplate), FieldRef.parse(versionField), Kind.VERSION);
  }

  /**
   * Orders by a timestamp field: {@code byTimestamp("{envelope.correlation_id}",
   * "envelope.occurred_at")}.
   */
  public static OrderingRule byTimestamp(String entityTemplate, String timestampField) {
    return new OrderingRule(
        KeyTemplate.parse(entityTemplate), FieldRef.parse(timestampField), Kind.TIMESTAMP);
  }

  /** The entity this event belongs to, or {@code null} when a template field is absent. */
  public @Nullable String entityOf(Envelope event) {
    return entity.render(event);
  }

  /**
   * This event's position: the version, or the timestamp in epoch milliseconds.
   *
   * @return the position, or {@code null} when the field is absent or not a version or timestamp
   */
  public @Nullable Long positionOf(Envelope event) {
    JsonNode node = position.resolve(event);
    if (node == null) {
      return null;
    }
    if (kind == Kind.VERSION) {
      if (node.isIntegralNumber() && node.canConvertToLong()) {
        return node.longValue();
      }
      if (node.isTextual()) {
        try {
          return Long.parseLong(node.textValue());
        } catch (NumberFormatException e) {
          return null;
        }
      }
      return null;
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.longValue();
    }
    Instant instant = node.isTextual() ? Envelope.parseTimestamp(node.textValue()) : null;
    return instant == null ? null : instant.toEpochMilli();
  }
}
