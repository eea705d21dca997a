package dev.eventcontracts.resilience;

import dev.eventcontracts.ordering.EntityVersionStore;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

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
    return guard.call("current", false, () -> delegate.current(entity));
  }

  @Override
  public Map<String, OptionalLong> currentAll(Collection<String> entities) {
    return guard.call("currentAll", false, () -> delegate.currentAll(entities));
  }

  @Override
  public boolean advance(String entity, long position) {
    // the handler has run: a half-open breaker must not turn its success into a second run
    return guard.call("advance", true, () -> delegate.advance(entity, position));
  }

  @Override
  public Set<String> advanceAll(Map<String, Long> positions) {
    // like advance: the handlers have run
    return guard.call("advanceAll", true, () -> delegate.advanceAll(positions));
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
