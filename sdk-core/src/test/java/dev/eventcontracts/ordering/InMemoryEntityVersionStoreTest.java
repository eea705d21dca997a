package dev.eventcontracts.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
}
