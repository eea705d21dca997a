package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.NearCache;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.metrics.MetricNames;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.pipeline.Fixtures.Recorder;
import dev.eventcontracts.testing.stores.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The near cache answers only what stays true: a cached answer is never one the store would
 * contradict in a way that loses or reorders an event (docs/stores.md, "Near cache").
 */
class NearCacheTest {
  private static final Duration LEASE = Duration.ofMinutes(1);
  private static final Duration RETENTION = Duration.ofMinutes(5);

  private final MutableClock clock = MutableClock.startingAt(NOW);
  private final CountingDedup shared = new CountingDedup(DedupStore.inMemory(10_000, clock));
  private final CountingVersions positions = new CountingVersions(EntityVersionStore.inMemory());
  private final NearCache nearCache =
      NearCache.builder().clock(clock).expireAfter(Duration.ofMinutes(10)).build();

  /** Counts the calls that reach the store. */
  static final class CountingDedup implements DedupStore {
    final DedupStore delegate;
    final AtomicInteger claims = new AtomicInteger();

    CountingDedup(DedupStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public ClaimState claim(String key, String owner, Duration lease) {
      claims.incrementAndGet();
      return delegate.claim(key, owner, lease);
    }

    @Override
    public Map<String, ClaimState> claimAll(List<String> keys, String owner, Duration lease) {
      claims.addAndGet(keys.size());
      return delegate.claimAll(keys, owner, lease);
    }

    @Override
    public void complete(String key, String owner, Duration retention) {
      delegate.complete(key, owner, retention);
    }

    @Override
    public void release(String key, String owner) {
      delegate.release(key, owner);
    }
  }

  /** Counts the reads that reach the store. */
  static final class CountingVersions implements EntityVersionStore {
    final EntityVersionStore delegate;
    final AtomicInteger reads = new AtomicInteger();

    CountingVersions(EntityVersionStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public OptionalLong current(String entity) {
      reads.incrementAndGet();
      return delegate.current(entity);
    }

    @Override
    public Map<String, OptionalLong> currentAll(Collection<String> entities) {
      reads.addAndGet(entities.size());
      return delegate.currentAll(entities);
    }

    @Override
    public boolean advance(String entity, long position) {
      return delegate.advance(entity, position);
    }
  }

  private DedupStore cached(DedupStore store) {
    return nearCache.dedupStore(store, null);
  }

  @Test
  void aKeyThisInstanceCompletedIsADuplicateWithoutARoundTrip() {
    DedupStore store = cached(shared);
    assertThat(store.claim("-/k", "a", LEASE)).isEqualTo(ClaimState.CLAIMED);
    store.complete("-/k", "a", RETENTION);
    int before = shared.claims.get();

    assertThat(store.claim("-/k", "a", LEASE)).isEqualTo(ClaimState.COMPLETED);
    assertThat(store.claimAll(List.of("-/k", "-/new"), "a", LEASE))
        .containsExactly(
            Map.entry("-/k", ClaimState.COMPLETED), Map.entry("-/new", ClaimState.CLAIMED));
    assertThat(shared.claims.get() - before).isEqualTo(1); // only "-/new" reached the store
  }

  @Test
  void aReleasedKeyAndAClaimWhoseLeaseRanOutAreNeverCached() {
    DedupStore store = cached(shared);
    store.claim("-/released", "a", LEASE);
    store.release("-/released", "a");
    store.claim("-/abandoned", "a", LEASE);
    clock.advance(LEASE.plusSeconds(1));

    assertThat(store.claim("-/released", "a", LEASE)).isEqualTo(ClaimState.CLAIMED);
    assertThat(store.claim("-/abandoned", "b", LEASE)).isEqualTo(ClaimState.CLAIMED);
  }

  @Test
  void aCompletedKeyLeavesTheCacheNoLaterThanItsRetention() {
    DedupStore store = cached(shared);
    store.claim("-/k", "a", LEASE);
    store.complete("-/k", "a", RETENTION); // the cache's own expiry (10 min) is longer

    clock.advance(RETENTION.minusSeconds(1));
    assertThat(store.claim("-/k", "a", LEASE)).isEqualTo(ClaimState.COMPLETED);
    clock.advance(Duration.ofSeconds(1));
    // the store forgot the key: so did the cache, and the claim reaches the store
    assertThat(store.claim("-/k", "a", LEASE)).isEqualTo(ClaimState.CLAIMED);
  }

  @Test
  void twoInstancesShareOnlyTheStoreAndTenantsNeverShareAnEntry() {
    DedupStore a = cached(shared);
    DedupStore b = cached(shared);
    a.claim("t1:x/k", "a", LEASE);
    a.complete("t1:x/k", "a", RETENTION);

    // b learns it from the store; a's cache holds the tenant-scoped key only
    assertThat(b.claim("t1:x/k", "b", LEASE)).isEqualTo(ClaimState.COMPLETED);
    assertThat(a.claim("-/k", "a", LEASE)).isEqualTo(ClaimState.CLAIMED);
    assertThat(a.claim("t2:y/k", "a", LEASE)).isEqualTo(ClaimState.CLAIMED);
  }

  @Test
  void aKnownPositionIsALowerBoundThatStaysTrueWhenTheEntityMovesOnElsewhere() {
    EntityVersionStore here = nearCache.entityVersionStore(positions, null);
    EntityVersionStore elsewhere = positions.delegate;
    here.advance("-/e", 5);
    elsewhere.advance("-/e", 9); // another instance

    assertThat(here.knownPosition("-/e")).hasValue(5); // stale for events <= 5: still true
    assertThat(here.current("-/e")).hasValue(9); // the store is asked for anything above
    assertThat(here.knownPosition("-/e")).hasValue(9);
    here.advance("-/e", 7); // refused by the store: the cache does not move back
    assertThat(here.knownPosition("-/e")).hasValue(9);
    assertThat(here.knownPosition("-/other")).isEmpty();
  }

  @Test
  void aPipelineAnswersDuplicatesAndStaleEventsFromTheCacheAndCountsTheHitRate() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Recorder handled = new Recorder();
    EventPipeline pipeline =
        Fixtures.pipeline(DeadLetterSink.inMemory(), clock)
            .dedupStore(shared)
            .entityVersionStore(positions)
            .nearCache(nearCache)
            .meterRegistry(meters)
            .handler(HandlerBinding.ofJson("profile.updated", handled))
            .build();
    InboundMessage v3 = msg(profile("cand_1", 3));
    pipeline.processBatch(List.of(v3, msg(profile("cand_2", 2))));
    int claims = shared.claims.get();
    int reads = positions.reads.get();

    // a duplicate and a stale event (new key, old version), one by one and in a batch
    assertThat(pipeline.process(v3).outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(pipeline.process(msg(profile("cand_1", 2))).outcome()).isEqualTo(Outcome.STALE);
    assertThat(pipeline.processBatch(List.of(v3, msg(profile("cand_2", 1)))))
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.DUPLICATE, Outcome.STALE);

    assertThat(shared.claims.get() - claims).as("claims of new keys only").isEqualTo(2);
    assertThat(positions.reads.get() - reads).as("no position read").isZero();
    assertThat(handled.count()).isEqualTo(2);
    assertThat(
            meters
                .get(MetricNames.NEAR_CACHE_LOOKUPS)
                .tags(MetricNames.TAG_CACHE, "dedup", MetricNames.TAG_RESULT, "hit")
                .functionCounter()
                .count())
        .isEqualTo(2);
    assertThat(
            meters
                .get(MetricNames.NEAR_CACHE_LOOKUPS)
                .tags(MetricNames.TAG_CACHE, "ordering", MetricNames.TAG_RESULT, "hit")
                .functionCounter()
                .count())
        .isGreaterThanOrEqualTo(2);
    // a newer version is not answered from the cache: it is read and applied
    assertThat(pipeline.process(msg(profile("cand_1", 4))).outcome()).isEqualTo(Outcome.PROCESSED);
  }

  @Test
  void aNearCacheWithATransactionalStoreIsRefused() {
    assertThatThrownBy(
            () ->
                Fixtures.pipeline(DeadLetterSink.inMemory(), clock)
                    .transactionalStore(new TransactionalModeTest.FakeTransactionalStore())
                    .nearCache(nearCache)
                    .handler(HandlerBinding.ofJson("profile.updated", new Recorder()))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("near cache");
  }
}
