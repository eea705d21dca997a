package dev.eventcontracts.benchmarks.kafka;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Counts the stores' calls to their servers during a run: connections borrowed from the JDBC pool
 * (every JDBC store call and every transaction borrows one, so this is the number of store calls),
 * and the script calls and {@code MGET}s Redis executed ({@code INFO commandstats}, every client's,
 * which during a run are the stores': one per store round trip of the batch path).
 */
final class StoreCalls {
  private final AtomicLong borrows = new AtomicLong();

  /** {@code dataSource} with every {@code getConnection} counted. */
  DataSource counting(DataSource dataSource) {
    return (DataSource)
        Proxy.newProxyInstance(
            StoreCalls.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getConnection")) {
                borrows.incrementAndGet();
              }
              try {
                return method.invoke(dataSource, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  /** Connections borrowed so far. */
  long borrows() {
    return borrows.get();
  }

  /** Script calls and MGETs Redis has executed since it started, or -1 without Redis. */
  static long redisCommands(RedisClient client) {
    if (client == null) {
      return -1;
    }
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      long total = 0;
      for (String line : connection.sync().info("commandstats").split("\r?\n")) {
        int calls = line.indexOf("calls=");
        // the calls a client sends; the GETs and SETs inside scripts are counted by Redis too
        boolean sent =
            line.startsWith("cmdstat_evalsha:")
                || line.startsWith("cmdstat_eval:")
                || line.startsWith("cmdstat_mget:");
        if (sent && calls > 0) {
          int end = line.indexOf(',', calls);
          total += Long.parseLong(line.substring(calls + 6, end < 0 ? line.length() : end));
        }
      }
      return total;
    }
  }
}
