package dev.eventcontracts.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The connection a store talks through, whether the store owns it (made from a {@link RedisClient}
 * and closed with the store) or borrows it (passed in, left open), plus the blocking wait on
 * asynchronous replies with one deadline per store call.
 */
final class RedisAccess implements AutoCloseable {
  private final StatefulRedisConnection<String, String> connection;
  private final RedisAsyncCommands<String, String> commands;
  private final boolean owned;
  private final Duration timeout;

  private RedisAccess(
      StatefulRedisConnection<String, String> connection, boolean owned, Duration timeout) {
    this.connection = connection;
    this.commands = connection.async();
    this.owned = owned;
    this.timeout = timeout == null ? connection.getTimeout() : timeout;
  }

  /** Opens a connection of its own on {@code client}, or uses {@code borrowed}; one is null. */
  static RedisAccess open(
      RedisClient client,
      StatefulRedisConnection<String, String> borrowed,
      Duration timeout,
      List<LuaScript> scripts) {
    RedisAccess access =
        client != null
            ? new RedisAccess(client.connect(StringCodec.UTF8), true, timeout)
            : new RedisAccess(borrowed, false, timeout);
    try {
      List<CompletableFuture<Void>> loads = new ArrayList<>();
      for (LuaScript script : scripts) {
        loads.add(script.load(access.commands));
      }
      access.awaitAll("SCRIPT LOAD", loads);
      return access;
    } catch (RuntimeException e) {
      access.close();
      throw e;
    }
  }

  RedisAsyncCommands<String, String> commands() {
    return commands;
  }

  /**
   * The distinct {@code values} in their first order; a null value is refused with "{@code what}
   * must not contain null".
   */
  static List<String> distinct(Collection<String> values, String what) {
    Objects.requireNonNull(values, what);
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(values));
    if (distinct.contains(null)) {
      throw new NullPointerException(what + " must not contain null");
    }
    return distinct;
  }

  /**
   * The values of {@code keys}, each read under {@code prefix}, in their order (null where a key
   * has none): one {@code MGET} per {@code batchSize} keys, pipelined, under one deadline.
   */
  List<@Nullable String> mget(String what, List<String> keys, String prefix, int batchSize) {
    List<CompletableFuture<List<KeyValue<String, String>>>> replies = new ArrayList<>();
    for (int from = 0; from < keys.size(); from += batchSize) {
      List<String> slice = keys.subList(from, Math.min(keys.size(), from + batchSize));
      String[] redisKeys = new String[slice.size()];
      for (int i = 0; i < redisKeys.length; i++) {
        redisKeys[i] = prefix + slice.get(i);
      }
      replies.add(commands.mget(redisKeys).toCompletableFuture());
    }
    List<@Nullable String> values = new ArrayList<>(keys.size());
    for (List<KeyValue<String, String>> reply : awaitAll(what, replies)) {
      for (KeyValue<String, String> value : reply) {
        values.add(value.getValueOrElse(null));
      }
    }
    if (values.size() != keys.size()) {
      throw new IllegalStateException(
          "MGET answered " + values.size() + " values for " + keys.size() + " keys");
    }
    return values;
  }

  /** Waits for one reply, failing after the store's timeout. */
  <T> T await(String what, CompletableFuture<T> reply) {
    return awaitAll(what, List.of(reply)).get(0);
  }

  /**
   * Waits for all replies under one deadline; on failure the first error is thrown with the others
   * suppressed, after every reply has arrived or the deadline has passed.
   */
  <T> List<T> awaitAll(String what, List<CompletableFuture<T>> replies) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<T> results = new ArrayList<>(replies.size());
    RuntimeException failure = null;
    for (CompletableFuture<T> reply : replies) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        results.add(reply.get(left, TimeUnit.NANOSECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        RuntimeException interrupted = new RedisCommandInterruptedException(e);
        if (failure != null) {
          interrupted.addSuppressed(failure);
        }
        throw interrupted;
      } catch (ExecutionException e) {
        failure = merge(failure, asRuntime(what, LuaScript.unwrap(e)));
        results.add(null);
      } catch (TimeoutException e) {
        failure =
            merge(
                failure,
                new RedisCommandTimeoutException(
                    what + " got no reply from Redis within " + timeout));
        results.add(null);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return results;
  }

  /** Closes the connection when the store opened it; a borrowed connection stays open. */
  @Override
  public void close() {
    if (owned) {
      connection.close();
    }
  }

  private static RuntimeException merge(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    if (first != next) {
      first.addSuppressed(next);
    }
    return first;
  }

  private static RuntimeException asRuntime(String what, Throwable cause) {
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    return new RedisException(what + " failed: " + cause, cause);
  }

  /** Checks a key prefix: not empty, no whitespace or control characters. */
  static String checkPrefix(String prefix) {
    Objects.requireNonNull(prefix, "keyPrefix");
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("keyPrefix must not be empty");
    }
    for (int i = 0; i < prefix.length(); ) {
      int c = prefix.codePointAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            String.format(
                "keyPrefix must not contain whitespace or control characters: U+%04X at index %d",
                c, i));
      }
      i += Character.charCount(c);
    }
    return prefix;
  }

  /** Checks that a timeout is positive. */
  static Duration checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    return timeout;
  }

  /** A positive duration as whole milliseconds, rounded up so that 1 ns does not become 0 ms. */
  static long positiveMillis(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + duration);
    }
    try {
      long millis = duration.toMillis();
      return duration.equals(Duration.ofMillis(millis)) ? millis : Math.addExact(millis, 1);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(name + " is too long: " + duration, e);
    }
  }

  /** Checks a batch size: from 1 to {@code max}. */
  static int checkBatchSize(int batchSize, int max) {
    if (batchSize < 1 || batchSize > max) {
      throw new IllegalArgumentException(
          "batchSize must be between 1 and " + max + ": " + batchSize);
    }
    return batchSize;
  }
}
