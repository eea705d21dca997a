package dev.eventcontracts.resilience;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** A dedup store behind a circuit breaker; completions and releases are follow-up calls. */
final class ResilientDedupStore implements DedupStore {
  private final DedupStore delegate;
  private final Guard guard;

  ResilientDedupStore(DedupStore delegate, Guard guard) {
    this.delegate = delegate;
    this.guard = guard;
  }

  @Override
  public ClaimState claim(String key, String owner, Duration lease) {
    boolean recorded = guard.acquire(false);
    long start = guard.now();
    try {
      ClaimState state = delegate.claim(key, owner, lease);
      guard.succeeded(recorded, start);
      return state;
    } catch (RuntimeException | Error e) {
      guard.failed(recorded, "claim", start, e);
      throw e;
    }
  }

  @Override
  public Map<String, ClaimState> claimAll(List<String> keys, String owner, Duration lease) {
    boolean recorded = guard.acquire(false);
    long start = guard.now();
    try {
      Map<String, ClaimState> states = delegate.claimAll(keys, owner, lease);
      guard.succeeded(recorded, start);
      return states;
    } catch (RuntimeException | Error e) {
      guard.failed(recorded, "claimAll", start, e);
      throw e;
    }
  }

  @Override
  public void complete(String key, String owner, Duration retention) {
    boolean recorded = guard.acquire(true);
    long start = guard.now();
    try {
      delegate.complete(key, owner, retention);
      guard.succeeded(recorded, start);
    } catch (RuntimeException | Error e) {
      guard.failed(recorded, "complete", start, e);
      throw e;
    }
  }

  @Override
  public void completeAll(Collection<String> keys, String owner, Duration retention) {
    boolean recorded = guard.acquire(true);
    long start = guard.now();
    try {
      delegate.completeAll(keys, owner, retention);
      guard.succeeded(recorded, start);
    } catch (RuntimeException | Error e) {
      guard.failed(recorded, "completeAll", start, e);
      throw e;
    }
  }

  @Override
  public void release(String key, String owner) {
    boolean recorded = guard.acquire(true);
    long start = guard.now();
    try {
      delegate.release(key, owner);
      guard.succeeded(recorded, start);
    } catch (RuntimeException | Error e) {
      guard.failed(recorded, "release", start, e);
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
