package dev.eventcontracts.spring.boot;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.RegistryException;
import java.nio.file.Path;

/** Loads the registry named by {@code eventcontracts.registry.location}. */
final class RegistryLocation {
  static final String PROPERTY = "eventcontracts.registry.location";
  private static final String CLASSPATH = "classpath:";
  private static final String FILE = "file:";

  private RegistryLocation() {}

  static ContractRegistry load(EventContractsProperties.Registry settings, ClassLoader loader) {
    String location = settings.getLocation();
    if (location == null || location.isBlank()) {
      throw new EventContractsConfigurationException(
          PROPERTY
              + " is not set: point it at the contract registry directory, such as"
              + " classpath:contracts/recruiting or /etc/contracts/recruiting");
    }
    ContractRegistry registry;
    try {
      if (location.startsWith(CLASSPATH)) {
        String resource = location.substring(CLASSPATH.length());
        while (resource.startsWith("/")) {
          resource = resource.substring(1);
        }
        registry = ContractRegistry.loadFromClasspath(resource, loader);
      } else {
        String path = location.startsWith(FILE) ? location.substring(FILE.length()) : location;
        registry = ContractRegistry.load(Path.of(path));
      }
    } catch (RegistryException | IllegalArgumentException e) {
      throw new EventContractsConfigurationException(
          PROPERTY + "=" + location + " cannot be loaded: " + e.getMessage(), e);
    }
    if (settings.getVersionPolicy() != null
        && settings.getVersionPolicy() != registry.versionPolicy()) {
      throw new EventContractsConfigurationException(
          "eventcontracts.registry.version-policy="
              + settings.getVersionPolicy()
              + " but the registry at "
              + location
              + " declares "
              + registry.versionPolicy()
              + " (the registry's registry.json owns the policy; change it there or drop the"
              + " property)");
    }
    return registry;
  }
}
