package dev.eventcontracts.testing.stores;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Helpers shared by the kits: racing threads from one start signal, and the bounds of a wait. */
final class Concurrently {
  /** How long a race, or a wait for a condition, may take before the test fails. */
  static final Duration BOUND = Duration.ofSeconds(60);

  /** The pause between two polls of a condition. */
  static final Duration POLL = Duration.ofMillis(20);

  private Concurrently() {}

  /** A task run by one racing thread; {@code thread} is its index from 0. */
  @FunctionalInterface
  interface Task<T> {
    T run(int thread) throws Exception;
  }

  /**
   * Runs {@code task} on {@code threads} threads that all start on one latch, so they really race,
   * and returns their results in thread order; rethrows the first failure.
   */
  static <T> List<T> race(int threads, Task<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int thread = i;
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  if (!start.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new TimeoutException("the race did not start");
                  }
                  return task.run(thread);
                }));
      }
      if (!ready.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new TimeoutException("racing threads did not start within " + BOUND);
      }
      start.countDown();
      long deadline = System.nanoTime() + BOUND.toNanos();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        long left = Math.max(1, deadline - System.nanoTime());
        try {
          results.add(future.get(left, TimeUnit.NANOSECONDS));
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
