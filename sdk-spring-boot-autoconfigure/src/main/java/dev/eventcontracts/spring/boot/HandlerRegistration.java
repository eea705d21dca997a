package dev.eventcontracts.spring.boot;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.pipeline.HandlerBinding;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks the application's handlers against the registry before they reach the pipeline: every
 * handler's event must be in the registry with a version it accepts, and no registry version may
 * have two handlers.
 */
final class HandlerRegistration {

  private HandlerRegistration() {}

  /**
   * The bindings to register, each run in an observation when {@code observations} is not null.
   *
   * @throws EventContractsConfigurationException naming the handlers at fault
   */
  static List<HandlerBinding<?>> check(
      ContractRegistry registry,
      List<AnnotatedHandlers.NamedBinding> handlers,
      ObservationRegistry observations) {
    List<HandlerBinding<?>> result = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (AnnotatedHandlers.NamedBinding handler : handlers) {
      HandlerBinding<?> binding = handler.binding();
      List<EventContract> named =
          registry.contracts().stream().filter(c -> c.name().equals(binding.eventName())).toList();
      if (named.isEmpty()) {
        problems.add(
            handler.source()
                + " handles '"
                + binding.eventName()
                + "', which registry '"
                + registry.name()
                + "' has no contract for (its events: "
                + registry.contracts().stream()
                    .map(EventContract::name)
                    .distinct()
                    .sorted()
                    .collect(Collectors.joining(", "))
                + ")");
        continue;
      }
      List<EventContract> accepted =
          named.stream().filter(c -> binding.accepts(c.eventVersion())).toList();
      if (accepted.isEmpty()) {
        problems.add(
            handler.source()
                + " handles '"
                + binding.eventName()
                + "' but accepts none of the registry's versions ("
                + named.stream().map(EventContract::version).collect(Collectors.joining(", "))
                + ")");
        continue;
      }
      for (EventContract contract : accepted) {
        for (AnnotatedHandlers.NamedBinding other : handlers) {
          if (other == handler) {
            break;
          }
          if (other.binding().eventName().equals(binding.eventName())
              && other.binding().accepts(contract.eventVersion())) {
            problems.add(
                "two handlers for "
                    + binding.eventName()
                    + " "
                    + contract.version()
                    + ": "
                    + other.source()
                    + " and "
                    + handler.source()
                    + " (narrow their version ranges so that one handles each version)");
          }
        }
      }
      result.add(
          observations == null ? binding : HandlerObservation.observe(binding, observations));
    }
    if (!problems.isEmpty()) {
      throw new EventContractsConfigurationException(
          "event handlers do not match the registry:\n  - " + String.join("\n  - ", problems));
    }
    return result;
  }
}
