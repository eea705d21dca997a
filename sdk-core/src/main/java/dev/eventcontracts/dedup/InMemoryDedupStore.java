package dev.eventcontracts.dedup;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;

/**
 * Caffeine-backed {@link DedupStore}, bounded in size; an entry counts until its lease or retention
 * ends, checked on every claim.
 */
final class InMemoryDedupStore implements DedupStore {

  /** One key's record: who holds it, whether it is done, and until when it counts. */
  private record Entry(String owner, boolean completed, long untilMillis) {}

  private final Clock clock;
  private final ConcurrentMap<String, Entry> entries;

  InMemoryDedupStore(long maximumKeys, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    // Size-bounded only: every read checks an entry's own deadline, so expired entries are never
    // trusted; Caffeine's per-entry expiry (a timer wheel) cost more than the whole claim here.
    Cache<String, Entry> cache =
        Caffeine.newBuilder()
            .initialCapacity((int) Math.min(maximumKeys, 1 << 16))
            .maximumSize(maximumKeys)
            .executor(Runnable::run)
            .build();
    this.entries = cache.asMap();
  }

  @Override
  public ClaimState claim(String key, String owner, Duration lease) {
    long now = clock.millis();
    Entry mine = new Entry(owner, false, now + lease.toMillis());
    ClaimState[] result = new ClaimState[1];
    entries.compute(
        key,
        (k, existing) -> {
          if (existing == null || existing.untilMillis <= now) {
            result[0] = ClaimState.CLAIMED;
            return mine;
          }
          result[0] = existing.completed ? ClaimState.COMPLETED : ClaimState.IN_PROGRESS;
          return existing;
        });
    return result[0];
  }

  @Override
  public void complete(String key, String owner, Duration retention) {
    long until = clock.millis() + retention.toMillis();
    entries.compute(
        key,
        // like the shared stores: only the owner still on record may complete a claim
        (k, existing) ->
            existing != null && existing.owner.equals(owner)
                ? new Entry(owner, true, until)
                : existing);
  }

  @Override
  public void release(String key, String owner) {
    entries.computeIfPresent(
        key,
        (k, existing) -> !existing.completed && existing.owner.equals(owner) ? null : existing);
  }
}
