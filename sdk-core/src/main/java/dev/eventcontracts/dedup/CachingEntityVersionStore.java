package dev.eventcontracts.dedup;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.eventcontracts.metrics.MetricNames;
import dev.eventcontracts.ordering.EntityVersionStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * An entity-version store behind a near cache of positions the entities are known to have reached
 * (read from the store, or advanced to by this instance). Positions only move forward, so a cached
 * position is a lower bound of the stored one for as long as the store keeps it: {@link
 * #knownPosition} answers from the cache, and an event at or below it is stale without a round
 * trip. {@link #current} and {@link #currentAll} still ask the store, since the cache knows no
 * upper bound. Made by {@link NearCache}; do not use it with a store that forgets positions.
 */
final class CachingEntityVersionStore implements EntityVersionStore {
  private final EntityVersionStore delegate;
  private final Cache<String, Long> known;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  /**
   * Wraps {@code delegate}.
   *
   * @param meterRegistry where lookups are counted, or null
   */
  CachingEntityVersionStore(
      EntityVersionStore delegate,
      long maximumEntities,
      Duration expiry,
      Ticker ticker,
      @Nullable MeterRegistry meterRegistry) {
    this.delegate = delegate;
    this.known =
        Caffeine.newBuilder()
            .maximumSize(maximumEntities)
            .expireAfterWrite(expiry)
            .ticker(ticker)
            .executor(Runnable::run)
            .build();
    if (meterRegistry != null) {
      for (String result : new String[] {"hit", "miss"}) {
        LongAdder counter = result.equals("hit") ? hits : misses;
        FunctionCounter.builder(MetricNames.NEAR_CACHE_LOOKUPS, counter, LongAdder::doubleValue)
            .tag(MetricNames.TAG_CACHE, "ordering")
            .tag(MetricNames.TAG_RESULT, result)
            .register(meterRegistry);
      }
    }
  }

  @Override
  public OptionalLong current(String entity) {
    OptionalLong position = delegate.current(entity);
    learn(entity, position);
    return position;
  }

  @Override
  public Map<String, OptionalLong> currentAll(Collection<String> entities) {
    Map<String, OptionalLong> positions = delegate.currentAll(entities);
    positions.forEach(this::learn);
    return positions;
  }

  @Override
  public boolean advance(String entity, long position) {
    boolean advanced = delegate.advance(entity, position);
    // moved or not, the store now holds at least this position
    learn(entity, position);
    return advanced;
  }

  @Override
  public Set<String> advanceAll(Map<String, Long> positions) {
    Set<String> advanced = delegate.advanceAll(positions);
    positions.forEach(this::learn);
    return advanced;
  }

  /**
   * The cached lower bound of the entity's stored position; counted as a hit when one is cached.
   */
  @Override
  public OptionalLong knownPosition(String entity) {
    Long position = known.getIfPresent(entity);
    if (position == null) {
      misses.increment();
      return delegate.knownPosition(entity);
    }
    hits.increment();
    return OptionalLong.of(position);
  }

  @Override
  public void close() {
    known.invalidateAll();
    delegate.close();
  }

  @Override
  public String toString() {
    return "NearCache[" + delegate + "]";
  }

  private void learn(String entity, OptionalLong position) {
    if (position.isPresent()) {
      learn(entity, position.getAsLong());
    }
  }

  private void learn(String entity, long position) {
    // only ever upwards; a concurrent learner of a lower position cannot move it back
    known.asMap().merge(entity, position, Math::max);
  }
}
