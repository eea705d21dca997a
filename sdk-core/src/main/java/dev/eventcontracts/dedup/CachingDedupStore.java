package dev.eventcontracts.dedup;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.eventcontracts.metrics.MetricNames;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A dedup store behind a near cache of the keys this instance completed: a claim of such a key is
 * answered {@link ClaimState#COMPLETED} without a round trip. Each entry expires after the cache's
 * expiry or the retention passed to {@code complete}, whichever is shorter, counted from before the
 * completion was sent, so it never outlives the store's record of it. Nothing else is cached:
 * claims, leases and releases always reach the store. Made by {@link NearCache}.
 */
final class CachingDedupStore implements DedupStore {
  private final DedupStore delegate;
  private final Ticker ticker;
  private final long maximumNanos;

  /** Completed key to the ticker time its entry expires at, and its fingerprint (0: none). */
  private final Cache<String, Completed> completed;

  private record Completed(long expiresAt, long fingerprint) {}

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  CachingDedupStore(
      DedupStore delegate,
      long maximumKeys,
      Duration expiry,
      Ticker ticker,
      @Nullable MeterRegistry meterRegistry) {
    this.delegate = delegate;
    this.ticker = ticker;
    this.maximumNanos = saturatedNanos(expiry);
    this.completed =
        Caffeine.newBuilder()
            .maximumSize(maximumKeys)
            .ticker(ticker)
            .executor(Runnable::run)
            .expireAfter(
                new Expiry<String, Completed>() {
                  @Override
                  public long expireAfterCreate(String key, Completed c, long now) {
                    return Math.max(0, c.expiresAt() - now);
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, Completed c, long now, long currentDuration) {
                    return Math.max(0, c.expiresAt() - now);
                  }

                  @Override
                  public long expireAfterRead(
                      String key, Completed c, long now, long currentDuration) {
                    return currentDuration;
                  }
                })
            .build();
    if (meterRegistry != null) {
      register(meterRegistry, "dedup", hits, misses);
    }
  }

  /** Counts hits and misses on {@code registry} under {@link MetricNames#NEAR_CACHE_LOOKUPS}. */
  static void register(MeterRegistry registry, String cache, LongAdder hits, LongAdder misses) {
    FunctionCounter.builder(MetricNames.NEAR_CACHE_LOOKUPS, hits, LongAdder::doubleValue)
        .tag(MetricNames.TAG_CACHE, cache)
        .tag(MetricNames.TAG_RESULT, "hit")
        .description("near-cache lookups answered without a store round trip")
        .register(registry);
    FunctionCounter.builder(MetricNames.NEAR_CACHE_LOOKUPS, misses, LongAdder::doubleValue)
        .tag(MetricNames.TAG_CACHE, cache)
        .tag(MetricNames.TAG_RESULT, "miss")
        .description("near-cache lookups that asked the store")
        .register(registry);
  }

  @Override
  public ClaimState claim(String key, String owner, Duration lease) {
    if (completed.getIfPresent(key) != null) {
      hits.increment();
      return ClaimState.COMPLETED;
    }
    misses.increment();
    return delegate.claim(key, owner, lease);
  }

  @Override
  public Map<String, ClaimState> claimAll(List<String> keys, String owner, Duration lease) {
    Map<String, ClaimState> out = new LinkedHashMap<>();
    List<String> rest = new ArrayList<>(keys.size());
    for (String key : keys) {
      if (out.containsKey(key)) {
        continue;
      }
      if (completed.getIfPresent(key) != null) {
        hits.increment();
        out.put(key, ClaimState.COMPLETED);
      } else {
        misses.increment();
        out.put(key, null); // keeps the order given
        rest.add(key);
      }
    }
    if (!rest.isEmpty()) {
      Map<String, ClaimState> claimed = delegate.claimAll(rest, owner, lease);
      for (String key : rest) {
        ClaimState state = claimed.get(key);
        if (state == null) {
          throw new IllegalStateException("the dedup store answered no state for a key");
        }
        out.put(key, state);
      }
    }
    return out;
  }

  @Override
  public void complete(String key, String owner, Duration retention) {
    long expiresAt = expiresAt(retention);
    delegate.complete(key, owner, retention);
    completed.put(key, new Completed(expiresAt, 0));
  }

  @Override
  public void complete(String key, String owner, Duration retention, long fingerprint) {
    long expiresAt = expiresAt(retention);
    delegate.complete(key, owner, retention, fingerprint);
    completed.put(key, new Completed(expiresAt, fingerprint));
  }

  @Override
  public void completeAllWithFingerprints(
      Map<String, Long> fingerprints, String owner, Duration retention) {
    long expiresAt = expiresAt(retention);
    delegate.completeAllWithFingerprints(fingerprints, owner, retention);
    fingerprints.forEach(
        (key, fingerprint) -> completed.put(key, new Completed(expiresAt, fingerprint)));
  }

  /** The cached fingerprint of a key this instance completed, else the store's. */
  @Override
  public OptionalLong fingerprint(String key) {
    Completed c = completed.getIfPresent(key);
    if (c != null && c.fingerprint() != 0) {
      return OptionalLong.of(c.fingerprint());
    }
    return delegate.fingerprint(key);
  }

  /** The cached fingerprints of keys this instance completed; the store's for the others. */
  @Override
  public Map<String, Long> fingerprintAll(Collection<String> keys) {
    Map<String, Long> out = new LinkedHashMap<>();
    List<String> ask = new ArrayList<>();
    for (String key : keys) {
      Completed c = completed.getIfPresent(key);
      if (c != null && c.fingerprint() != 0) {
        out.put(key, c.fingerprint());
      } else {
        ask.add(key);
      }
    }
    if (!ask.isEmpty()) {
      out.putAll(delegate.fingerprintAll(ask));
    }
    return out;
  }

  @Override
  public void completeAll(Collection<String> keys, String owner, Duration retention) {
    long expiresAt = expiresAt(retention);
    delegate.completeAll(keys, owner, retention);
    for (String key : keys) {
      completed.put(key, new Completed(expiresAt, 0));
    }
  }

  @Override
  public void release(String key, String owner) {
    delegate.release(key, owner); // never cached: a release only drops an unfinished claim
  }

  @Override
  public void close() {
    completed.invalidateAll();
    delegate.close();
  }

  /** Lookups answered from the cache. */
  long hits() {
    return hits.sum();
  }

  /** Lookups that asked the store. */
  long misses() {
    return misses.sum();
  }

  @Override
  public String toString() {
    return "NearCache[" + delegate + "]";
  }

  /** Measured before the completion is sent: the store's record lives at least this long. */
  private long expiresAt(Duration retention) {
    long now = ticker.read();
    long ttl = Math.min(maximumNanos, saturatedNanos(retention));
    return ttl >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + ttl;
  }

  static long saturatedNanos(Duration d) {
    if (d.isNegative()) {
      return 0;
    }
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
