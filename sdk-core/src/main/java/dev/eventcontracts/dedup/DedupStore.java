package dev.eventcontracts.dedup;

import dev.eventcontracts.memory.InMemoryStores;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Remembers which idempotency keys were handled, so a redelivered event runs its handler once.
 *
 * <p>Protocol: {@link #claim} a key with a lease; on {@link ClaimState#CLAIMED} run the handler,
 * then {@link #complete} the key (kept for a retention time, the TTL) or, when the handler failed,
 * {@link #release} it so a redelivery can claim it again. A consumer that dies while holding a
 * claim loses it when the lease expires. Only the owner of a claim can complete or release it.
 *
 * <p>Claims are not re-entrant: a second claim by the same owner on a live claim answers {@link
 * ClaimState#IN_PROGRESS}. {@link #complete} and {@link #release} do nothing unless the caller is
 * still the key's owner on record.
 *
 * <p>Implementations must be thread-safe and atomic across processes that share the store: two
 * consumers racing on one key must not both get {@link ClaimState#CLAIMED}.
 */
public interface DedupStore extends AutoCloseable {

  /**
   * Claims a key.
   *
   * @param key the idempotency key
   * @param owner who claims (a consumer instance id); only the owner can complete or release
   * @param lease how long the claim holds before another consumer may take it over
   */
  ClaimState claim(String key, String owner, Duration lease);

  /**
   * Claims many keys in one round trip; transports that deliver batches use this. The default
   * claims one by one; shared stores override it.
   *
   * @return the state for each distinct key, in the order given
   */
  default Map<String, ClaimState> claimAll(List<String> keys, String owner, Duration lease) {
    Map<String, ClaimState> out = new LinkedHashMap<>();
    for (String key : keys) {
      out.computeIfAbsent(key, k -> claim(k, owner, lease));
    }
    return out;
  }

  /**
   * Marks a claimed key as handled; the record is kept for {@code retention}, after which the key
   * can be claimed again.
   */
  void complete(String key, String owner, Duration retention);

  /**
   * Completes many keys in one round trip; transports that deliver batches use this at the end of a
   * batch. The default completes one by one; shared stores override it.
   */
  default void completeAll(Collection<String> keys, String owner, Duration retention) {
    for (String key : keys) {
      complete(key, owner, retention);
    }
  }

  /**
   * Marks a claimed key as handled like {@link #complete(String, String, Duration)}, and keeps
   * {@code fingerprint} (a hash of the payload handled under the key, never the payload; never 0)
   * with its record, for {@link #fingerprint}. The pipeline calls this instead of the
   * three-argument method when key-reuse detection is on. The default ignores the fingerprint:
   * stores that keep none still work, and key reuse then goes undetected.
   */
  default void complete(String key, String owner, Duration retention, long fingerprint) {
    complete(key, owner, retention);
  }

  /**
   * Completes many keys with their fingerprints ({@link #complete(String, String, Duration, long)})
   * in one round trip, in the map's order. The default completes one by one; shared stores override
   * it.
   */
  default void completeAllWithFingerprints(
      Map<String, Long> fingerprints, String owner, Duration retention) {
    for (Map.Entry<String, Long> e : fingerprints.entrySet()) {
      complete(e.getKey(), owner, retention, e.getValue());
    }
  }

  /**
   * The fingerprint kept when {@code key} was completed, while its record lives; empty when the key
   * is not completed, was completed without a fingerprint, or the store keeps none (the default).
   * The pipeline asks only about duplicates, so a separate round trip is acceptable.
   */
  default OptionalLong fingerprint(String key) {
    return OptionalLong.empty();
  }

  /**
   * The fingerprints of many keys in one round trip, each as {@link #fingerprint} answers it; a key
   * without one is absent from the map. The pipeline asks once per batch for the keys its claims
   * found completed. The default asks key by key; shared stores override it.
   */
  default Map<String, Long> fingerprintAll(Collection<String> keys) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String key : keys) {
      OptionalLong fingerprint = fingerprint(key);
      if (fingerprint.isPresent()) {
        out.put(key, fingerprint.getAsLong());
      }
    }
    return out;
  }

  /** Drops a claim after a failed handler, so a redelivery can claim the key again. */
  void release(String key, String owner);

  /** Releases resources; the default does nothing. */
  @Override
  default void close() {}

  /**
   * A bounded, expiring in-memory store for one process: right for tests, the demo and
   * single-instance consumers; use a shared store when several instances consume one stream. Keys
   * are compared exactly and held in flat primitive tables (about 100 bytes per key of 60 ASCII
   * chars, no object per key).
   *
   * @param maximumKeys the most keys held (at least two); records go in generations, and beyond
   *     this many keys the oldest generation is forgotten, so the store keeps at least about the
   *     {@code maximumKeys / 2} most recently claimed or completed keys
   * @param clock the time source for leases and retention
   * @throws IllegalArgumentException if {@code maximumKeys} is not positive
   */
  static DedupStore inMemory(long maximumKeys, Clock clock) {
    return InMemoryStores.dedupStore(maximumKeys, clock);
  }

  /** An in-memory store holding at most one million keys, on the system clock. */
  static DedupStore inMemory() {
    return inMemory(1_000_000, Clock.systemUTC());
  }
}
