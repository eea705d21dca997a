package dev.eventcontracts.compat;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.KeyTemplate;
import dev.eventcontracts.contract.OrderingRule;
import dev.eventcontracts.contract.Resolution;
import dev.eventcontracts.envelope.EnvelopeField;
import dev.eventcontracts.envelope.EnvelopeFormat;
import dev.eventcontracts.envelope.JsonEnvelopeFormat;
import dev.eventcontracts.version.VersionPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Compares two contract registries per event and version, in both directions, as a gate for
 * contract changes:
 *
 * <ul>
 *   <li><b>backward</b>: every event valid under the old registry must stay valid under the new one
 *       (consumers on the new registry read replays, retained dead letters and events in flight);
 *   <li><b>forward</b>: every event valid under the new registry must be valid under the old one
 *       (consumers still on the old registry read what upgraded producers write).
 * </ul>
 *
 * <p>Each event is checked against the contract the other registry would validate it with ({@link
 * ContractRegistry#resolve}), so under the {@code compatible} version policy a new minor version is
 * checked against the older minor that old consumers read it as. Payload schemas are compared by a
 * structural subset check; contract facts (idempotency key, ordering rule) and registry settings
 * (version policy, envelope formats) are compared as well. A new major version should carry an
 * {@code x-migration} note and the version it supersedes an {@code x-sunset} date (seeds 000 and
 * 004); without them the report warns.
 *
 * <pre>{@code
 * CompatibilityReport report =
 *     CompatibilityChecker.check(ContractRegistry.load(oldDir), ContractRegistry.load(newDir));
 * if (!report.compatible()) {
 *   System.err.print(report.toText());
 * }
 * }</pre>
 */
public final class CompatibilityChecker {
  private static final Comparator<Finding> ORDER =
      Comparator.comparing((Finding f) -> f.event() == null ? "" : f.event())
          .thenComparing(f -> f.version() == null ? "" : f.version())
          .thenComparing(Finding::path)
          .thenComparing(Finding::direction)
          .thenComparing(Finding::rule)
          .thenComparing(Finding::message);

  private CompatibilityChecker() {}

  /**
   * Loads both registry directories and compares them; see {@link #check(ContractRegistry,
   * ContractRegistry)}.
   */
  public static CompatibilityReport check(Path oldDirectory, Path newDirectory) {
    return check(ContractRegistry.load(oldDirectory), ContractRegistry.load(newDirectory));
  }

  /**
   * Compares a new registry with the old one it replaces.
   *
   * @return every finding, sorted by event, version and path
   */
  public static CompatibilityReport check(
      ContractRegistry oldRegistry, ContractRegistry newRegistry) {
    Objects.requireNonNull(oldRegistry, "oldRegistry");
    Objects.requireNonNull(newRegistry, "newRegistry");
    List<Finding> out = new ArrayList<>();
    registrySettings(oldRegistry, newRegistry, out);
    for (EventContract old : oldRegistry.contracts()) {
      backward(old, newRegistry, out);
    }
    for (EventContract now : newRegistry.contracts()) {
      forward(now, oldRegistry, newRegistry, out);
    }
    out.sort(ORDER);
    return new CompatibilityReport(oldRegistry.name(), newRegistry.name(), out);
  }

  /** Events written under {@code old}, read by consumers on the new registry. */
  private static void backward(EventContract old, ContractRegistry newRegistry, List<Finding> out) {
    Resolution r = newRegistry.resolve(old.name(), old.version());
    if (!r.found()) {
      boolean eventGone =
          newRegistry.contracts().stream().noneMatch(c -> c.name().equals(old.name()));
      boolean retired = old.sunset() != null;
      out.add(
          new Finding(
              retired ? Severity.WARNING : Severity.ERROR,
              eventGone ? Rule.EVENT_REMOVED : Rule.VERSION_REMOVED,
              Direction.BACKWARD,
              old.name(),
              old.version(),
              eventGone ? "x-event-name" : "x-event-version",
              (eventGone ? "the event" : "the version")
                  + " is gone from new: events written under old (replays, retained dead letters,"
                  + " events in flight) are refused"
                  + (retired ? "; old deprecated it with sunset " + old.sunset() : "")));
      return;
    }
    EventContract now = Objects.requireNonNull(r.contract()); // found
    SchemaSubset.compare(
        old.schema().node(),
        now.schema().node(),
        Direction.BACKWARD,
        old.name(),
        old.version(),
        readAs(old, now),
        out);
    if (old.version().equals(now.version())) {
      contractFacts(old, now, out);
    }
  }

  /** Events written under {@code now}, read by consumers still on the old registry. */
  private static void forward(
      EventContract now,
      ContractRegistry oldRegistry,
      ContractRegistry newRegistry,
      List<Finding> out) {
    Resolution r = oldRegistry.resolve(now.name(), now.version());
    if (r.found()) {
      EventContract old = Objects.requireNonNull(r.contract()); // found
      SchemaSubset.compare(
          now.schema().node(),
          old.schema().node(),
          Direction.FORWARD,
          now.name(),
          now.version(),
          readAs(now, old),
          out);
      return;
    }
    // a new version (or a new event): consumers on old refuse it by design
    EventContract previous = null;
    for (EventContract c : oldRegistry.contracts()) {
      if (c.name().equals(now.name()) && c.eventVersion().major() < now.eventVersion().major()) {
        previous = c;
      }
    }
    if (previous == null) {
      return; // a new event, or a version of a major the old registry does not know below it
    }
    if (now.migration() == null) {
      out.add(
          new Finding(
              Severity.WARNING,
              Rule.MIGRATION_NOTE_MISSING,
              Direction.NONE,
              now.name(),
              now.version(),
              "x-migration",
              "new major version without a migration note from "
                  + previous.version()
                  + " (seed 000: every new major version needs a migration plan and a deprecation"
                  + " timeline for the old one)"));
    }
    // the version it supersedes, as the new registry keeps it
    EventContract superseded = null;
    for (EventContract c : newRegistry.contracts()) {
      if (c.name().equals(now.name()) && c.eventVersion().major() < now.eventVersion().major()) {
        superseded = c;
      }
    }
    if (superseded != null && superseded.sunset() == null) {
      out.add(
          new Finding(
              Severity.WARNING,
              Rule.SUNSET_MISSING,
              Direction.NONE,
              superseded.name(),
              superseded.version(),
              "x-sunset",
              "superseded by "
                  + now.version()
                  + " but has no deprecation date (seed 000: a deprecation timeline; seed 004: keep"
                  + " it for one major version)"));
    }
  }

  private static String readAs(EventContract written, EventContract readWith) {
    return written.version().equals(readWith.version())
        ? ""
        : " (version " + written.version() + " is read as " + readWith.version() + ")";
  }

  /** The idempotency key and the ordering rule of one version must not change. */
  private static void contractFacts(EventContract old, EventContract now, List<Finding> out) {
    KeyTemplate oldKey = old.idempotencyKey();
    KeyTemplate newKey = now.idempotencyKey();
    if (!Objects.equals(oldKey, newKey)) {
      out.add(
          new Finding(
              Severity.ERROR,
              Rule.IDEMPOTENCY_KEY,
              Direction.BOTH,
              old.name(),
              old.version(),
              "x-idempotency-key",
              "the key template changed from "
                  + (oldKey == null ? "none" : oldKey)
                  + " to "
                  + (newKey == null ? "none" : newKey)
                  + ": one event gets different keys on old and new consumers, so duplicates and"
                  + " replays are no longer recognised"));
    }
    OrderingRule oldOrder = old.ordering();
    OrderingRule newOrder = now.ordering();
    if (!sameOrdering(oldOrder, newOrder)) {
      out.add(
          new Finding(
              Severity.ERROR,
              Rule.ORDERING,
              Direction.BOTH,
              old.name(),
              old.version(),
              "x-ordering",
              "the ordering rule changed from "
                  + describe(oldOrder)
                  + " to "
                  + describe(newOrder)
                  + ": entity positions stored by old consumers no longer compare with new ones"));
    }
  }

  private static boolean sameOrdering(@Nullable OrderingRule a, @Nullable OrderingRule b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.entity().equals(b.entity())
        && a.position().toString().equals(b.position().toString())
        && a.kind() == b.kind()
        && Objects.equals(a.scope(), b.scope());
  }

  private static String describe(@Nullable OrderingRule rule) {
    if (rule == null) {
      return "none";
    }
    return "{entity "
        + rule.entity()
        + ", "
        + rule.kind().name().toLowerCase(java.util.Locale.ROOT)
        + " "
        + rule.position()
        + (rule.scope() == null ? "" : ", scope " + rule.scope())
        + "}";
  }

  /** The version policy and the envelope formats. */
  private static void registrySettings(
      ContractRegistry old, ContractRegistry now, List<Finding> out) {
    if (old.versionPolicy() == VersionPolicy.COMPATIBLE
        && now.versionPolicy() == VersionPolicy.STRICT) {
      out.add(
          registryFinding(
              Severity.ERROR,
              Rule.VERSION_POLICY,
              Direction.BACKWARD,
              "versionPolicy",
              "old is compatible, new is strict: events of a minor version without its own contract,"
                  + " read under old, are refused under new"));
    }
    Map<String, EnvelopeFormat> oldFormats = byName(old.envelopeFormats());
    Map<String, EnvelopeFormat> newFormats = byName(now.envelopeFormats());
    for (String name : oldFormats.keySet()) {
      if (!newFormats.containsKey(name)) {
        out.add(
            registryFinding(
                Severity.ERROR,
                Rule.ENVELOPE_FORMAT,
                Direction.BACKWARD,
                "envelopeFormats",
                "envelope format '"
                    + name
                    + "' is gone from new: events written in it are refused"));
      }
    }
    for (Map.Entry<String, EnvelopeFormat> e : newFormats.entrySet()) {
      EnvelopeFormat before = oldFormats.get(e.getKey());
      if (before == null) {
        out.add(
            registryFinding(
                Severity.ERROR,
                Rule.ENVELOPE_FORMAT,
                Direction.FORWARD,
                "envelopeFormats",
                "envelope format '"
                    + e.getKey()
                    + "' is new: consumers on old do not recognise events written in it"));
      } else {
        compareFormats(e.getKey(), before, e.getValue(), out);
      }
    }
  }

  private static void compareFormats(
      String name, EnvelopeFormat before, EnvelopeFormat after, List<Finding> out) {
    if (before instanceof JsonEnvelopeFormat b && after instanceof JsonEnvelopeFormat a) {
      Set<EnvelopeField> added = new TreeSet<>(a.required());
      added.removeAll(b.required());
      Set<EnvelopeField> dropped = new TreeSet<>(b.required());
      dropped.removeAll(a.required());
      if (!added.isEmpty()) {
        out.add(
            registryFinding(
                Severity.ERROR,
                Rule.ENVELOPE_FORMAT,
                Direction.BACKWARD,
                "envelopeFormats",
                "envelope format '"
                    + name
                    + "' requires "
                    + fields(added)
                    + " in new: events written under old without them are refused"));
      }
      if (!dropped.isEmpty()) {
        out.add(
            registryFinding(
                Severity.ERROR,
                Rule.ENVELOPE_FORMAT,
                Direction.FORWARD,
                "envelopeFormats",
                "envelope format '"
                    + name
                    + "' no longer requires "
                    + fields(dropped)
                    + " in new: consumers on old refuse events written without them"));
      }
      if (!a.checks().equals(b.checks())
          || a.numericVersions() != b.numericVersions()
          || !a.schemas().equals(b.schemas())) {
        out.add(
            registryFinding(
                Severity.UNPROVEN,
                Rule.ENVELOPE_FORMAT,
                Direction.BOTH,
                "envelopeFormats",
                "cannot prove compatible: envelope format '"
                    + name
                    + "' changed its field checks, version reading or envelope schemas"));
      }
    } else if (!before.toString().equals(after.toString())
        || before.getClass() != after.getClass()) {
      out.add(
          registryFinding(
              Severity.UNPROVEN,
              Rule.ENVELOPE_FORMAT,
              Direction.BOTH,
              "envelopeFormats",
              "cannot prove compatible: envelope format '" + name + "' changed"));
    }
  }

  private static String fields(Set<EnvelopeField> fields) {
    return fields.stream()
        .map(f -> f.name().toLowerCase(java.util.Locale.ROOT))
        .toList()
        .toString();
  }

  private static Map<String, EnvelopeFormat> byName(List<EnvelopeFormat> formats) {
    Map<String, EnvelopeFormat> out = new LinkedHashMap<>();
    formats.forEach(f -> out.putIfAbsent(f.name(), f));
    return out;
  }

  private static Finding registryFinding(
      Severity severity, Rule rule, Direction direction, String path, String message) {
    return new Finding(severity, rule, direction, null, null, path, message);
  }
}
