package dev.eventcontracts.dedup;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.eventcontracts.ordering.EntityVersionStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A near cache in front of shared stores (Caffeine): completed keys and known entity positions only
 * move forward, so a duplicate or a stale event whose answer is cached costs no round trip. It
 * caches only facts that stay true: keys this instance completed (for no longer than their
 * retention) and positions an entity is known to have reached. Claims, leases and releases are
 * never cached. See docs/stores.md for why a cached answer is never wrong.
 *
 * <pre>{@code
 * EventPipeline.builder(registry)
 *     .dedupStore(jdbcDedup)
 *     .entityVersionStore(jdbcPositions)
 *     .nearCache(NearCache.builder().maximumKeys(200_000).build())
 * }</pre>
 */
public final class NearCache {
  /** Completed keys held by default. */
  public static final long DEFAULT_MAXIMUM_KEYS = 100_000;

  /** Entity positions held by default. */
  public static final long DEFAULT_MAXIMUM_ENTITIES = 100_000;

  /** How long an entry is kept at most by default (a completed key never past its retention). */
  public static final Duration DEFAULT_EXPIRY = Duration.ofMinutes(10);

  private final long maximumKeys;
  private final long maximumEntities;
  private final Duration expiry;
  private final Ticker ticker;
  private final @Nullable MeterRegistry meterRegistry;

  private NearCache(Builder b) {
    this.maximumKeys = b.maximumKeys;
    this.maximumEntities = b.maximumEntities;
    this.expiry = b.expiry;
    this.ticker = b.clock == null ? Ticker.systemTicker() : clockTicker(b.clock);
    this.meterRegistry = b.meterRegistry;
  }

  /** Starts a builder; every setting has a default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A near cache with the defaults. */
  public static NearCache ofDefaults() {
    return builder().build();
  }

  /**
   * Puts the cache in front of {@code store}; its completed keys are kept for at most {@code
   * retention} (what the caller passes to {@code complete}) and the cache's expiry, whichever is
   * shorter. Returns {@code store} itself when {@link Builder#maximumKeys} is 0.
   *
   * @param meterRegistry where the lookups are counted, or null for the builder's (or none)
   */
  public DedupStore dedupStore(DedupStore store, @Nullable MeterRegistry meterRegistry) {
    Objects.requireNonNull(store, "store");
    if (maximumKeys == 0) {
      return store;
    }
    return new CachingDedupStore(store, maximumKeys, expiry, ticker, meters(meterRegistry));
  }

  /**
   * Puts the cache in front of {@code store}. Returns {@code store} itself when {@link
   * Builder#maximumEntities} is 0: turn the position cache off for a store that forgets positions
   * (Redis with {@code expireAfterAdvance}), since a forgotten position is no longer a lower bound.
   *
   * @param meterRegistry where the lookups are counted, or null for the builder's (or none)
   */
  public EntityVersionStore entityVersionStore(
      EntityVersionStore store, @Nullable MeterRegistry meterRegistry) {
    Objects.requireNonNull(store, "store");
    if (maximumEntities == 0) {
      return store;
    }
    return new CachingEntityVersionStore(
        store, maximumEntities, expiry, ticker, meters(meterRegistry));
  }

  private @Nullable MeterRegistry meters(@Nullable MeterRegistry given) {
    return meterRegistry != null ? meterRegistry : given;
  }

  private static Ticker clockTicker(Clock clock) {
    return () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
  }

  /** Configures a {@link NearCache}. */
  public static final class Builder {
    private long maximumKeys = DEFAULT_MAXIMUM_KEYS;
    private long maximumEntities = DEFAULT_MAXIMUM_ENTITIES;
    private Duration expiry = DEFAULT_EXPIRY;
    private @Nullable Clock clock;
    private @Nullable MeterRegistry meterRegistry;

    private Builder() {}

    /** The most completed keys held ({@link #DEFAULT_MAXIMUM_KEYS}); 0 turns the key cache off. */
    public Builder maximumKeys(long maximumKeys) {
      this.maximumKeys = notNegative(maximumKeys, "maximumKeys");
      return this;
    }

    /**
     * The most entity positions held ({@link #DEFAULT_MAXIMUM_ENTITIES}); 0 turns the position
     * cache off.
     */
    public Builder maximumEntities(long maximumEntities) {
      this.maximumEntities = notNegative(maximumEntities, "maximumEntities");
      return this;
    }

    /**
     * How long an entry is kept at most after it was learned ({@link #DEFAULT_EXPIRY}); a completed
     * key never longer than its retention.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder expireAfter(Duration expiry) {
      if (expiry.isNegative() || expiry.isZero()) {
        throw new IllegalArgumentException("expiry must be positive");
      }
      this.expiry = expiry;
      return this;
    }

    /**
     * Measures expiry on {@code clock} (tests); by default on the monotonic system ticker, which a
     * wall-clock step cannot make an entry outlive its expiry.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Counts lookups on this registry; by default on the pipeline's. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Builds the configuration. */
    public NearCache build() {
      return new NearCache(this);
    }

    private static long notNegative(long value, String what) {
      if (value < 0) {
        throw new IllegalArgumentException(what + " must not be negative");
      }
      return value;
    }
  }
}
