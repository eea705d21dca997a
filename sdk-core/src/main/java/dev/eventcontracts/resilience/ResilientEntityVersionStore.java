package dev.eventcontracts.resilience;

import dev.eventcontracts.ordering.EntityVersionStore;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;

/** An entity-version store behind a circuit breaker; {@code advance} is a follow-up call. */
final class ResilientEntityVersionStore implements EntityVersionStore {
  private final EntityVersionStore delegate;
  private final Guard guard;

  ResilientEntityVersionStore(EntityVersionStore delegate, Guard guard) {
    this.delegate = delegate;
    this.guard = guard;
  }

  @Override
  public OptionalLong current(String entity) {
    boolean recorded = guard.acquire(false);
    long start = guard.now();
    try {
      OptionalLong position = delegate.current(entity);
      guard.succeeded(recorded, start);
      return position;
    } catch (RuntimeException | Error e) {
      guard.failed(recorded, "current", start, e);
      throw e;
    }
  }

  @Override
  public Map<String, OptionalLong> currentAll(Collection<String> entities) {
    boolean recorded = guard.acquire(false);
    long start = guard.now();
    try {
      Map<String, OptionalLong> positions = delegate.currentAll(entities);
      guard.succeeded(recorded, start);
      return positions;
    } catch (RuntimeException | Error e) {
      guard.failed(recorded, "currentAll", start, e);
      throw e;
    }
  }

  @Override
  public boolean advance(String entity, long position) {
    // the handler has run: a half-open breaker must not turn its success into a second run
    boolean recorded = guard.acquire(true);
    long start = guard.now();
    try {
      boolean advanced = delegate.advance(entity, position);
      guard.succeeded(recorded, start);
      return advanced;
    } catch (RuntimeException | Error e) {
      guard.failed(recorded, "advance", start, e);
      throw e;
    }
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "Resilient[" + delegate + "]";
  }
}
