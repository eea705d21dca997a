package dev.eventcontracts.testing.harness;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.testing.fixtures.SampleEvent;
import dev.eventcontracts.version.EventVersion;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Which contracts (name and version) of the registry the team's bindings take, and with what. */
final class Claims {
  private final ContractRegistry registry;
  private final List<HandlerBinding<?>> bindings;

  Claims(ContractRegistry registry, List<HandlerBinding<?>> bindings) {
    this.registry = registry;
    this.bindings = List.copyOf(bindings);
  }

  ContractRegistry registry() {
    return registry;
  }

  /** The event names the bindings are for, in binding order. */
  Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    bindings.forEach(b -> names.add(b.eventName()));
    return names;
  }

  /** The first binding that takes this contract's version, as the pipeline chooses. */
  @Nullable HandlerBinding<?> bindingFor(EventContract c) {
    for (HandlerBinding<?> b : bindings) {
      if (b.eventName().equals(c.name()) && b.accepts(c.eventVersion())) {
        return b;
      }
    }
    return null;
  }

  /**
   * The contracts (name and version) some binding takes.
   *
   * @throws AssertionError when no binding takes any contract: there is nothing to check
   */
  List<EventContract> contracts() {
    List<EventContract> out = new ArrayList<>();
    for (EventContract c : registry.contracts()) {
      if (bindingFor(c) != null) {
        out.add(c);
      }
    }
    if (out.isEmpty()) {
      throw new AssertionError(
          "no binding takes any contract of registry '"
              + registry.name()
              + "' (bindings for "
              + names()
              + "), so there is nothing to check");
    }
    return out;
  }

  /** The versions of {@code name} the registry has, or only those a binding takes. */
  String versions(String name, boolean boundOnly) {
    List<String> out = new ArrayList<>();
    for (EventContract c : registry.contracts()) {
      if (c.name().equals(name) && (!boundOnly || bindingFor(c) != null)) {
        out.add(c.version());
      }
    }
    return out.isEmpty() ? "none" : String.join(", ", out);
  }

  /** The contract a generated sample was made from. */
  EventContract contractOf(SampleEvent s) {
    EventVersion v = EventVersion.tryParse(s.version());
    for (EventContract c : registry.contracts()) {
      if (c.name().equals(s.eventName()) && c.eventVersion().equals(v)) {
        return c;
      }
    }
    throw new IllegalStateException("no contract for sample " + Describe.sample(s, "generated"));
  }
}
