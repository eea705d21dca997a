package dev.eventcontracts.testing.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a contract test class: the registry named by {@link #registry()} is loaded once for the
 * class and injected into any constructor, lifecycle or test method parameter of type {@code
 * ContractRegistry}; a parameter of type {@code ContractFixtures} gets the fixtures of that
 * registry for {@link #seed()}.
 *
 * <pre>{@code
 * @ContractTest(registry = "contracts/recruiting")
 * class ProfileConsumerContractTest {
 *   @Test
 *   void handlesEveryProfileEvent(ContractRegistry registry) { ... }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(ContractTestExtension.class)
public @interface ContractTest {

  /**
   * The registry: a directory path (relative paths resolve against the working directory, which is
   * the module directory under Maven), or {@code classpath:} followed by a resource directory,
   * exploded or inside a jar (as {@code ContractRegistry.loadFromClasspath} loads it).
   */
  String registry();

  /** The seed of the injected {@code ContractFixtures}; the same seed gives the same events. */
  long seed() default 0;
}
