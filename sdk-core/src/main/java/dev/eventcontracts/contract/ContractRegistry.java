package dev.eventcontracts.contract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.envelope.EnvelopeFormat;
import dev.eventcontracts.envelope.EnvelopeFormats;
import dev.eventcontracts.validation.Limits;
import dev.eventcontracts.version.EventVersion;
import dev.eventcontracts.version.Upcaster;
import dev.eventcontracts.version.VersionPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every contract a consumer knows, with the policies that apply to them: the version policy, the
 * envelope formats to try, the parser limits, what to do with unknown events, and the upcasters
 * between versions. Immutable and thread-safe.
 */
public final class ContractRegistry {
  private final String name;
  private final Map<String, NavigableMap<EventVersion, EventContract>> contracts;
  private final VersionPolicy versionPolicy;
  private final List<EnvelopeFormat> envelopeFormats;
  private final UnknownEventAction onUnknownEvent;
  private final Limits limits;
  private final Map<String, NavigableMap<EventVersion, Upcaster>> upcasters;

  private ContractRegistry(Builder b) {
    this.name = b.name;
    this.versionPolicy = b.versionPolicy;
    this.envelopeFormats =
        List.copyOf(b.envelopeFormats.isEmpty() ? EnvelopeFormats.all() : b.envelopeFormats);
    this.onUnknownEvent = b.onUnknownEvent;
    this.limits = b.limits;
    Map<String, NavigableMap<EventVersion, EventContract>> byName = new HashMap<>();
    for (EventContract c : b.contracts) {
      EventContract previous =
          byName.computeIfAbsent(c.name(), k -> new TreeMap<>()).putIfAbsent(c.eventVersion(), c);
      if (previous != null) {
        throw new IllegalArgumentException(
            "two contracts for "
                + c.name()
                + " version "
                + c.eventVersion()
                + ": "
                + previous.source()
                + " and "
                + c.source());
      }
    }
    this.contracts = Map.copyOf(byName);
    checkOrderingScopes(b.contracts);
    Map<String, NavigableMap<EventVersion, Upcaster>> ups = new HashMap<>();
    for (Upcaster u : b.upcasters) {
      if (ups.computeIfAbsent(u.eventName(), k -> new TreeMap<>()).putIfAbsent(u.from(), u)
          != null) {
        throw new IllegalArgumentException("two upcasters from " + u.eventName() + " " + u.from());
      }
    }
    this.upcasters = Map.copyOf(ups);
  }

  /**
   * Contracts that share an ordering scope compare positions of one entity, so they must order by
   * the same kind of position: a version number and a timestamp in milliseconds do not compare.
   */
  private static void checkOrderingScopes(List<EventContract> all) {
    Map<String, EventContract> first = new HashMap<>();
    for (EventContract c : all) {
      OrderingRule rule = c.ordering();
      if (rule == null || rule.scope() == null) {
        continue;
      }
      EventContract other = first.putIfAbsent(rule.scope(), c);
      // only contracts with a scoped rule are in first
      if (other != null && Objects.requireNonNull(other.ordering()).kind() != rule.kind()) {
        throw new IllegalArgumentException(
            "ordering scope '"
                + rule.scope()
                + "' mixes a "
                + other.ordering().kind().name().toLowerCase(java.util.Locale.ROOT)
                + " position ("
                + other.name()
                + " "
                + other.version()
                + ") with a "
                + rule.kind().name().toLowerCase(java.util.Locale.ROOT)
                + " position ("
                + c.name()
                + " "
                + c.version()
                + ")");
      }
    }
  }

  /** Starts a registry built in code. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads a registry directory: {@code registry.json} (optional settings) and every {@code
   * *.schema.json} contract file below it. See {@code docs/contracts.md} for the format.
   *
   * @throws RegistryException naming the file and the problem when anything is wrong
   */
  public static ContractRegistry load(Path directory) {
    return RegistryLoader.load(directory);
  }

  /**
   * Loads a registry directory from the classpath, such as a contracts jar that producers and
   * consumers both test against: {@code loadFromClasspath("contracts/recruiting")}. The directory
   * may be exploded ({@code target/classes}) or inside a jar; files are checked exactly as {@link
   * #load(Path)} checks them. Uses the thread's context class loader, else this class's.
   *
   * @throws RegistryException naming the file and the problem, or the resource directory when it is
   *     missing or found in more than one place
   */
  public static ContractRegistry loadFromClasspath(String resourceDir) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return loadFromClasspath(
        resourceDir, loader != null ? loader : ContractRegistry.class.getClassLoader());
  }

  /**
   * Loads a registry directory from a class loader's resources; see {@link
   * #loadFromClasspath(String)}.
   *
   * @throws RegistryException naming the file and the problem
   */
  public static ContractRegistry loadFromClasspath(String resourceDir, ClassLoader classLoader) {
    Objects.requireNonNull(resourceDir, "resourceDir");
    Objects.requireNonNull(classLoader, "classLoader");
    return RegistryLoader.loadFromClasspath(resourceDir, classLoader);
  }

  /** The registry's name. */
  public String name() {
    return name;
  }

  /** How unknown versions are treated. */
  public VersionPolicy versionPolicy() {
    return versionPolicy;
  }

  /** The envelope formats to try, in order. */
  public List<EnvelopeFormat> envelopeFormats() {
    return envelopeFormats;
  }

  /** What to do with events no contract names. */
  public UnknownEventAction onUnknownEvent() {
    return onUnknownEvent;
  }

  /** The parser limits. */
  public Limits limits() {
    return limits;
  }

  /** Every contract, ordered by name and version. */
  public List<EventContract> contracts() {
    List<EventContract> out = new ArrayList<>();
    new TreeMap<>(contracts).values().forEach(m -> out.addAll(m.values()));
    return out;
  }

  /** The contract with exactly this name and version. */
  public Optional<EventContract> contract(String eventName, String version) {
    EventVersion v = EventVersion.tryParse(version);
    NavigableMap<EventVersion, EventContract> versions = contracts.get(eventName);
    return v == null || versions == null ? Optional.empty() : Optional.ofNullable(versions.get(v));
  }

  /**
   * Finds the contract that governs an event. Under {@link VersionPolicy#STRICT} only an exact
   * version matches; under {@link VersionPolicy#COMPATIBLE} any minor of a known major matches, and
   * is validated against the highest known minor not above it (or the lowest above it).
   */
  public Resolution resolve(String eventName, String version) {
    NavigableMap<EventVersion, EventContract> versions =
        eventName == null ? null : contracts.get(eventName);
    if (versions == null) {
      return Resolution.unknown("no contract for event '" + eventName + "'");
    }
    EventVersion v = EventVersion.tryParse(version);
    if (v == null) {
      return Resolution.unsupported("'" + version + "' is not a version");
    }
    EventContract exact = versions.get(v);
    if (exact != null) {
      return Resolution.found(exact);
    }
    if (versionPolicy == VersionPolicy.COMPATIBLE) {
      Map.Entry<EventVersion, EventContract> below = versions.floorEntry(v);
      if (below != null && below.getKey().sameMajor(v)) {
        return Resolution.found(below.getValue());
      }
      Map.Entry<EventVersion, EventContract> above = versions.ceilingEntry(v);
      if (above != null && above.getKey().sameMajor(v)) {
        return Resolution.found(above.getValue());
      }
    }
    return Resolution.unsupported(
        "version "
            + version
            + " of '"
            + eventName
            + "' is not supported ("
            + versionPolicy.name().toLowerCase(java.util.Locale.ROOT)
            + " policy; known versions: "
            + versions.values().stream().map(EventContract::version).toList()
            + ")");
  }

  /**
   * Converts a payload from one version of an event to a newer one through the registered chain of
   * upcasters. The input is not modified.
   *
   * @return the converted payload, or empty when no chain of upcasters leads from {@code from} to
   *     {@code to}; the payload itself (copied) when the versions are equal
   */
  public Optional<JsonNode> upcast(
      String eventName, EventVersion from, EventVersion to, JsonNode payload) {
    JsonNode current = payload.deepCopy();
    EventVersion at = from;
    NavigableMap<EventVersion, Upcaster> chain = upcasters.getOrDefault(eventName, new TreeMap<>());
    while (at.compareTo(to) < 0) {
      Upcaster step = chain.get(at);
      if (step == null || step.to().compareTo(to) > 0) {
        return Optional.empty();
      }
      current = Objects.requireNonNull(step.transform().apply(current), "upcaster returned null");
      at = step.to();
    }
    return at.equals(to) ? Optional.of(current) : Optional.empty();
  }

  /** Builds a {@link ContractRegistry}. */
  public static final class Builder {
    private String name = "registry";
    private final List<EventContract> contracts = new ArrayList<>();
    private VersionPolicy versionPolicy = VersionPolicy.STRICT;
    private final List<EnvelopeFormat> envelopeFormats = new ArrayList<>();
    private UnknownEventAction onUnknownEvent = UnknownEventAction.DEAD_LETTER;
    private Limits limits = Limits.defaults();
    private final List<Upcaster> upcasters = new ArrayList<>();

    private Builder() {}

    /** Names the registry. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Adds a contract. */
    public Builder add(EventContract contract) {
      contracts.add(Objects.requireNonNull(contract, "contract"));
      return this;
    }

    /** Adds contracts. */
    public Builder addAll(Collection<EventContract> contracts) {
      contracts.forEach(this::add);
      return this;
    }

    /** Sets the version policy; {@link VersionPolicy#STRICT} by default. */
    public Builder versionPolicy(VersionPolicy policy) {
      this.versionPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Adds an envelope format to try; all built-in formats when none is added. */
    public Builder envelopeFormat(EnvelopeFormat format) {
      envelopeFormats.add(Objects.requireNonNull(format, "format"));
      return this;
    }

    /** Sets what to do with unknown events; {@link UnknownEventAction#DEAD_LETTER} by default. */
    public Builder onUnknownEvent(UnknownEventAction action) {
      this.onUnknownEvent = Objects.requireNonNull(action, "action");
      return this;
    }

    /** Sets the parser limits; {@link Limits#defaults()} by default. */
    public Builder limits(Limits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** Adds an upcaster. */
    public Builder upcaster(Upcaster upcaster) {
      upcasters.add(Objects.requireNonNull(upcaster, "upcaster"));
      return this;
    }

    /**
     * Builds the registry.
     *
     * @throws IllegalArgumentException when two contracts share a name and version, or contracts of
     *     one ordering scope order by different kinds of position
     */
    public ContractRegistry build() {
      return new ContractRegistry(this);
    }
  }
}
