package dev.eventcontracts.resilience;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

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
    return guard.call("claim", false, () -> delegate.claim(key, owner, lease));
  }

  @Override
  public Map<String, ClaimState> claimAll(List<String> keys, String owner, Duration lease) {
    return guard.call("claimAll", false, () -> delegate.claimAll(keys, owner, lease));
  }

  @Override
  public void complete(String key, String owner, Duration retention) {
    guard.run(
        "complete",
        true,
        () -> {
          delegate.complete(key, owner, retention);
        });
  }

  @Override
  public void completeAll(Collection<String> keys, String owner, Duration retention) {
    guard.run(
        "completeAll",
        true,
        () -> {
          delegate.completeAll(keys, owner, retention);
        });
  }

  @Override
  public void complete(String key, String owner, Duration retention, long fingerprint) {
    guard.run("complete", true, () -> delegate.complete(key, owner, retention, fingerprint));
  }

  @Override
  public void completeAllWithFingerprints(
      Map<String, Long> fingerprints, String owner, Duration retention) {
    guard.run(
        "completeAll",
        true,
        () -> delegate.completeAllWithFingerprints(fingerprints, owner, retention));
  }

  @Override
  public OptionalLong fingerprint(String key) {
    return guard.call("fingerprint", false, () -> delegate.fingerprint(key));
  }

  @Override
  public Map<String, Long> fingerprintAll(Collection<String> keys) {
    return guard.call("fingerprintAll", false, () -> delegate.fingerprintAll(keys));
  }

  @Override
  public void release(String key, String owner) {
    guard.run(
        "release",
        true,
        () -> {
          delegate.release(key, owner);
        });
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
