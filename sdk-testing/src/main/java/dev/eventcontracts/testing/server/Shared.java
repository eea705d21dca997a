package dev.eventcontracts.testing.server;

import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A JVM-wide server that starts on first use, so that many test classes pay its start-up once.
 * Stopping at JVM exit is the server's own job; a start-up failure is remembered and rethrown
 * instead of being retried by every test class.
 */
final class Shared<T> {
  private final String name;
  private final Supplier<T> starter;
  private @Nullable T instance;
  private @Nullable RuntimeException failure;

  Shared(String name, Supplier<T> starter) {
    this.name = name;
    this.starter = starter;
  }

  synchronized T get() {
    if (instance == null) {
      if (failure != null) {
        throw new IllegalStateException("the shared " + name + " failed to start", failure);
      }
      try {
        instance = starter.get();
      } catch (RuntimeException e) {
        failure = e;
        throw e;
      }
    }
    return instance;
  }
}
