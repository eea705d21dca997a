package dev.eventcontracts.testing.junit;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.testing.fixtures.ContractFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Loads the registry of a {@link ContractTest} class once per class (kept in the class's extension
 * store, so nested and per-method instances share it) and resolves {@link ContractRegistry} and
 * {@link ContractFixtures} parameters. Registered by {@link ContractTest}; a class that registers
 * it with {@code @ExtendWith} alone is told to add the annotation.
 */
public final class ContractTestExtension implements ParameterResolver {
  /** Prefix of a {@link ContractTest#registry()} that names a classpath resource directory. */
  public static final String CLASSPATH_PREFIX = "classpath:";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ContractTestExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == ContractRegistry.class || type == ContractFixtures.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ContractFixtures.class
        ? fixtures(context)
        : registry(context);
  }

  /**
   * The fixtures of the class's registry for {@link ContractTest#seed()}, generated once per class.
   */
  public static ContractFixtures fixtures(ExtensionContext context) {
    ContractRegistry registry = registry(context);
    ExtensionContext owner = classContext(context);
    long seed =
        owner.getTestClass().flatMap(ContractTestExtension::findAnnotation).orElseThrow().seed();
    return owner
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            ContractFixtures.class,
            k -> ContractFixtures.of(registry, seed),
            ContractFixtures.class);
  }

  /**
   * The registry of the test class that {@code context} belongs to, loaded on first use.
   *
   * @throws ExtensionConfigurationException when the class has no {@link ContractTest} annotation
   * @throws ParameterResolutionException when the registry cannot be found or loaded
   */
  public static ContractRegistry registry(ExtensionContext context) {
    ExtensionContext owner = classContext(context);
    ContractTest annotation =
        owner
            .getTestClass()
            .flatMap(c -> findAnnotation(c))
            .orElseThrow(
                () ->
                    new ExtensionConfigurationException(
                        owner.getDisplayName()
                            + ": annotate the class with @ContractTest(registry = \"...\") to name"
                            + " the registry"));
    return owner
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            ContractRegistry.class, k -> load(annotation.registry()), ContractRegistry.class);
  }

  /** The outermost class context that carries the annotation, so nested classes share one. */
  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext found = null;
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      if (c.getTestClass().flatMap(ContractTestExtension::findAnnotation).isPresent()
          && c.getTestMethod().isEmpty()) {
        found = c;
      }
    }
    return found != null ? found : context;
  }

  private static Optional<ContractTest> findAnnotation(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      Optional<ContractTest> a = AnnotationSupport.findAnnotation(c, ContractTest.class);
      if (a.isPresent()) {
        return a;
      }
    }
    return Optional.empty();
  }

  /**
   * Loads a registry named as in {@link ContractTest#registry()}.
   *
   * @throws ParameterResolutionException naming the location when it cannot be found or loaded
   */
  static ContractRegistry load(String location) {
    if (location.startsWith(CLASSPATH_PREFIX)) {
      String resource = location.substring(CLASSPATH_PREFIX.length()).replaceFirst("^/+", "");
      try {
        return ContractRegistry.loadFromClasspath(resource);
      } catch (RuntimeException e) {
        throw new ParameterResolutionException(
            "registry " + location + " does not load: " + e.getMessage(), e);
      }
    }
    Path directory = Path.of(location);
    if (!Files.isDirectory(directory)) {
      throw new ParameterResolutionException(
          "no registry directory at "
              + directory.toAbsolutePath().normalize()
              + " (from @ContractTest(registry = \""
              + location
              + "\"))");
    }
    try {
      return ContractRegistry.load(directory);
    } catch (RuntimeException e) {
      throw new ParameterResolutionException(
          "registry " + location + " does not load: " + e.getMessage(), e);
    }
  }
}
