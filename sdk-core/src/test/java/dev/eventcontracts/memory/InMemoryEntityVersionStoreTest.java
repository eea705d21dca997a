package dev.eventcontracts.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.ordering.EntityVersionStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/** The compare-and-set of the in-memory {@link EntityVersionStore}. */
class InMemoryEntityVersionStoreTest {
  private final EntityVersionStore store = EntityVersionStore.inMemory();

  @Test
  void advancesOnlyForward() {
    assertThat(store.current("e")).isEmpty();

    assertThat(store.advance("e", 3)).isTrue();
    assertThat(store.advance("e", 3)).isFalse();
    assertThat(store.advance("e", 2)).isFalse();
    assertThat(store.advance("e", 5)).isTrue();

    assertThat(store.current("e")).isEqualTo(OptionalLong.of(5));
  }

  @Test
  void negativeAndEpochMillisPositionsWork() {
    assertThat(store.advance("t", -5)).isTrue();
    assertThat(store.advance("t", 1_728_212_400_000L)).isTrue();
    assertThat(store.current("t")).isEqualTo(OptionalLong.of(1_728_212_400_000L));
  }

  @Test
  void currentAllAnswersEveryEntityAskedFor() {
    store.advance("a", 1);
    store.advance("c", 3);

    Map<String, OptionalLong> all = store.currentAll(List.of("a", "b", "c"));

    assertThat(all)
        .containsExactly(
            Map.entry("a", OptionalLong.of(1)),
            Map.entry("b", OptionalLong.empty()),
            Map.entry("c", OptionalLong.of(3)));
  }

  @Test
  void concurrentAdvancesEndAtTheMaximum() throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> workers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int offset = t;
        workers.add(
            pool.submit(
                () -> {
                  start.await();
                  int advanced = 0;
                  for (int v = offset; v < 10_000; v += 8) {
                    if (store.advance("e", v)) {
                      advanced++;
                    }
                  }
                  return advanced;
                }));
      }
      start.countDown();
      int advanced = 0;
      for (Future<Integer> f : workers) {
        advanced += f.get(30, TimeUnit.SECONDS);
      }
      assertThat(store.current("e")).isEqualTo(OptionalLong.of(9_999));
      assertThat(advanced).isBetween(1, 10_000);
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- the compact tables

  @Test
  void growsAcrossManyResizesAndKeepsEveryEntity() {
    InMemoryEntityVersionStore big = new InMemoryEntityVersionStore();
    assertThat(big.allocatedBytes()).isLessThan(200_000);
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      assertThat(big.advance("customer-" + i, i)).isTrue();
    }

    assertThat(big.size()).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      assertThat(big.current("customer-" + i)).hasValue(i);
      assertThat(big.advance("customer-" + i, i)).isFalse();
    }
    assertThat(big.current("customer-" + n)).isEmpty();
    assertThat(big.allocatedBytes()).isLessThan(n * 100L);
  }

  @Test
  void entitiesWithEqualHashesAreKeptApart() {
    EntityVersionStore collided = new InMemoryEntityVersionStore(k -> -1L);
    List<String> entities = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      entities.add("entity-" + i);
    }
    entities.addAll(List.of("", "\u00e9", "e\u0301", "?", "x".repeat(512)));
    for (int i = 0; i < entities.size(); i++) {
      assertThat(collided.advance(entities.get(i), i)).isTrue();
    }
    for (int i = 0; i < entities.size(); i++) {
      assertThat(collided.current(entities.get(i))).as(entities.get(i)).hasValue(i);
    }
    assertThat(collided.current("x".repeat(511) + "y")).isEmpty();
    assertThat(collided.current("entity-1000")).isEmpty();
  }

  @Test
  void behavesLikeAMapOnRandomOperations() {
    List<ToLongFunction<String>> hashes =
        List.of(KeyTable.seededHash(), k -> 3L, k -> (long) k.length() << 58);
    Random random = new Random(4_711);
    for (ToLongFunction<String> hash : hashes) {
      EntityVersionStore s = new InMemoryEntityVersionStore(hash);
      Map<String, Long> model = new HashMap<>();
      List<String> pool = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        pool.add("entity-" + i);
      }
      pool.addAll(List.of("", "\u00fc", "\ud83c\udf89", "y".repeat(512)));
      long[] extremes = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1};
      for (int op = 0; op < 30_000; op++) {
        String entity = pool.get(random.nextInt(pool.size()));
        int kind = random.nextInt(10);
        if (kind < 7) {
          long position =
              random.nextInt(50) == 0
                  ? extremes[random.nextInt(extremes.length)]
                  : random.nextInt(200) - 50;
          Long stored = model.get(entity);
          boolean expected = stored == null || position > stored;
          if (expected) {
            model.put(entity, position);
          }
          assertThat(s.advance(entity, position))
              .as("op %d: %s to %d", op, entity, position)
              .isEqualTo(expected);
        } else if (kind < 9) {
          Long stored = model.get(entity);
          assertThat(s.current(entity))
              .isEqualTo(stored == null ? OptionalLong.empty() : OptionalLong.of(stored));
        } else {
          List<String> asked = new ArrayList<>();
          for (int i = random.nextInt(10); i >= 0; i--) {
            asked.add(pool.get(random.nextInt(pool.size())));
          }
          Map<String, OptionalLong> all = s.currentAll(asked);
          assertThat(new ArrayList<>(all.keySet()))
              .isEqualTo(new ArrayList<>(new LinkedHashSet<>(asked)));
          all.forEach(
              (k, v) -> {
                Long stored = model.get(k);
                assertThat(v)
                    .isEqualTo(stored == null ? OptionalLong.empty() : OptionalLong.of(stored));
              });
        }
      }
    }
  }

  @Test
  void racingAdvancesOnManyCollidingEntitiesEndAtTheMaximum() throws Exception {
    EntityVersionStore shared = new InMemoryEntityVersionStore(k -> k.hashCode() & 3);
    List<String> entities = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      entities.add("race-" + i);
    }
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Map<String, Integer>>> workers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        workers.add(
            pool.submit(
                () -> {
                  start.await();
                  Random random = new Random(thread);
                  Map<String, Integer> accepted = new HashMap<>();
                  for (int round = 0; round < 20; round++) {
                    List<String> mine = new ArrayList<>(entities);
                    Collections.shuffle(mine, random);
                    for (String entity : mine) {
                      if (shared.advance(entity, round * 8L + thread)) {
                        accepted.merge(entity, 1, Integer::sum);
                      }
                    }
                  }
                  return accepted;
                }));
      }
      start.countDown();
      Map<String, Integer> accepted = new HashMap<>();
      for (Future<Map<String, Integer>> f : workers) {
        f.get(60, TimeUnit.SECONDS).forEach((k, v) -> accepted.merge(k, v, Integer::sum));
      }
      for (String entity : entities) {
        assertThat(shared.current(entity)).as(entity).hasValue(19 * 8L + 7);
        // positions only grow, so at most one accepted advance per position offered
        assertThat(accepted.get(entity)).isBetween(1, 160);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
