package dev.eventcontracts.benchmarks.kafka;

import dev.eventcontracts.pipeline.PipelineListener;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * Where a durable run's wall time goes: the pipeline's store calls as the worker sees them (count
 * and mean milliseconds per operation, from {@link PipelineListener#onStoreCall}), and the CPU time
 * the store's server spent (PostgreSQL's processes, or Redis's own {@code INFO cpu}). A store call
 * that takes much longer than the server's CPU for it is waiting, not working.
 */
final class StoreTimings implements PipelineListener {
  private final Map<String, LongAdder[]> calls = new ConcurrentHashMap<>();

  @Override
  public void onStoreCall(String store, String operation, long nanos) {
    LongAdder[] c =
        calls.computeIfAbsent(
            store + "." + operation, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
    c[0].increment();
    c[1].add(nanos);
  }

  /** {@code operation=calls/1k@ms} for each operation, in name order. */
  String summary(long messages) {
    StringJoiner out = new StringJoiner(" ");
    for (Map.Entry<String, LongAdder[]> e : new TreeMap<>(calls).entrySet()) {
      long n = e.getValue()[0].sum();
      out.add(
          String.format(
              Locale.ROOT,
              "%s=%.1f/1k@%.2fms",
              e.getKey(),
              n * 1000.0 / messages,
              e.getValue()[1].sum() / 1e6 / n));
    }
    return out.toString();
  }

  /**
   * CPU time of the PostgreSQL server so far: the postmaster and every live process under it (the
   * pool's backends live as long as the pool), or -1 when the processes cannot be read.
   */
  static long postgresCpuNanos(DataSource dataSource) {
    if (dataSource == null) {
      return -1;
    }
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
      r.next();
      ProcessHandle backend = ProcessHandle.of(r.getLong(1)).orElse(null);
      ProcessHandle postmaster = backend == null ? null : backend.parent().orElse(null);
      if (postmaster == null) {
        return -1;
      }
      long total = cpu(postmaster);
      for (ProcessHandle child : (Iterable<ProcessHandle>) postmaster.descendants()::iterator) {
        total += cpu(child);
      }
      return total;
    } catch (SQLException e) {
      return -1;
    }
  }

  private static long cpu(ProcessHandle process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  /** CPU time of the Redis server so far ({@code used_cpu_sys + used_cpu_user}), or -1. */
  static long redisCpuNanos(RedisClient client) {
    if (client == null) {
      return -1;
    }
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      double seconds = 0;
      for (String line : connection.sync().info("cpu").split("\r?\n")) {
        if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
          seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      return (long) (seconds * 1e9);
    }
  }

  /** Empties {@code pg_stat_statements} (creating the extension first), before a run. */
  static void resetPostgresStatements(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      s.execute("SELECT pg_stat_statements_reset()");
    }
  }

  /**
   * The statements PostgreSQL ran since {@link #resetPostgresStatements}, the costliest first: per
   * 1,000 messages their calls and milliseconds, and per call the mean milliseconds, rows, buffers
   * touched and WAL bytes written; one line each, for a benchmark's report.
   */
  static List<String> postgresStatements(DataSource dataSource, long messages) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT calls, total_exec_time, rows, shared_blks_hit + shared_blks_read,"
                    + " wal_bytes, regexp_replace(query, '\\s+', ' ', 'g')"
                    + " FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'"
                    + " ORDER BY total_exec_time DESC LIMIT 8")) {
      while (r.next()) {
        long calls = r.getLong(1);
        String query = r.getString(6);
        lines.add(
            String.format(
                Locale.ROOT,
                "%8.2f calls/1k %8.2f ms/1k | per call %7.3f ms %7.1f rows %8.1f buffers %9.0f"
                    + " WAL bytes | %s",
                calls * 1000.0 / messages,
                r.getDouble(2) * 1000.0 / messages,
                r.getDouble(2) / calls,
                r.getDouble(3) / calls,
                r.getDouble(4) / calls,
                r.getDouble(5) / calls,
                query.length() > 140 ? query.substring(0, 140) + "..." : query));
      }
    }
    return lines;
  }
}
