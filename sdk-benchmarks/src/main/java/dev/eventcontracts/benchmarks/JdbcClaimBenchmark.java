package dev.eventcontracts.benchmarks;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.jdbc.JdbcDedupStore;
import dev.eventcontracts.testing.server.PostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The pipeline issue benchmark (b): JDBC dedup claims on a real PostgreSQL, batched ({@code
 * claimAll} of 500 keys, one statement) against one statement per event, interleaved in one run.
 * Every key is new, so every claim is won. Targets: batched at least 10x per-event, and at least
 * 50,000 claims/s.
 *
 * <pre>
 * java -cp sdk-benchmarks/target/benchmarks.jar dev.eventcontracts.benchmarks.JdbcClaimBenchmark [rounds]
 * </pre>
 */
public final class JdbcClaimBenchmark {
  private static final int BATCHED_KEYS = 200_000;
  private static final int SINGLE_KEYS = 10_000;
  private static final int BATCH = 500;
  private static final Duration LEASE = Duration.ofMinutes(5);

  private JdbcClaimBenchmark() {}

  /** Runs the interleaved rounds and prints a table. */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    try (PostgresServer postgres = PostgresServer.start()) {
      JdbcDedupStore store = JdbcDedupStore.builder(postgres.dataSource()).build();
      store.createSchema();
      // warm-up: JIT, connection, statement plans
      batched(store, 20_000);
      single(store, 1_000);
      double[] batchedRates = new double[rounds];
      double[] singleRates = new double[rounds];
      System.out.printf(
          "%-6s %18s %18s %8s%n", "round", "batched claims/s", "single claims/s", "ratio");
      for (int r = 0; r < rounds; r++) {
        batchedRates[r] = batched(store, BATCHED_KEYS);
        singleRates[r] = single(store, SINGLE_KEYS);
        System.out.printf(
            "%-6d %18.0f %18.0f %8.1f%n",
            r + 1, batchedRates[r], singleRates[r], batchedRates[r] / singleRates[r]);
      }
      double b = median(batchedRates);
      double s = median(singleRates);
      System.out.printf("%-6s %18.0f %18.0f %8.1f%n", "median", b, s, b / s);
      System.out.println(
          "load average: "
              + java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim());
    }
  }

  private static double batched(JdbcDedupStore store, int keys) {
    String owner = "bench-" + UUID.randomUUID();
    List<String> all = keys(keys);
    long start = System.nanoTime();
    for (int i = 0; i < all.size(); i += BATCH) {
      Map<String, ClaimState> states =
          store.claimAll(all.subList(i, Math.min(all.size(), i + BATCH)), owner, LEASE);
      check(states.values().iterator().next());
    }
    return keys / ((System.nanoTime() - start) / 1e9);
  }

  private static double single(JdbcDedupStore store, int keys) {
    String owner = "bench-" + UUID.randomUUID();
    List<String> all = keys(keys);
    long start = System.nanoTime();
    for (String key : all) {
      check(store.claim(key, owner, LEASE));
    }
    return keys / ((System.nanoTime() - start) / 1e9);
  }

  private static void check(ClaimState state) {
    if (state != ClaimState.CLAIMED) {
      throw new IllegalStateException("a new key must be claimed, got " + state);
    }
  }

  private static List<String> keys(int n) {
    String prefix = "profile.updated:" + UUID.randomUUID() + ":";
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  private static double median(double[] values) {
    double[] copy = values.clone();
    Arrays.sort(copy);
    return copy[copy.length / 2];
  }
}
