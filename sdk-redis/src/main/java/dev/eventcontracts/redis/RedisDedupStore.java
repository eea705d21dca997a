package dev.eventcontracts.redis;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.StoreKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A {@link DedupStore} on Redis, shared by every consumer instance that talks to the same server.
 *
 * <p>Each key is one Redis string, {@code <prefix><key>}, holding {@code P|<owner>} while claimed
 * and {@code C|<owner>} once completed. Claim, complete and release are Lua scripts, so each is
 * atomic on the server: two consumers racing on one key cannot both get {@link ClaimState#CLAIMED}.
 * The scripts run by SHA ({@code EVALSHA}); they are loaded when the store is built and sent again
 * with {@code EVAL} whenever the server answers {@code NOSCRIPT}.
 *
 * <p>Leases and retention are Redis expiries ({@code PX}), counted by the Redis server's clock: the
 * store takes no {@link java.time.Clock}, and a fake clock in a test cannot expire a record. Clock
 * skew between consumer hosts does not matter, since only the server's clock counts.
 *
 * <p>{@link #claimAll} claims up to {@link Builder#batchSize batchSize} keys per script call and
 * sends all the calls of a batch at once (pipelined), then waits for the replies.
 *
 * <p>Needs a standalone Redis (or a Sentinel-managed primary); tested with Redis 7.0. Redis Cluster
 * is not supported, because one script call's keys would span hash slots.
 */
public final class RedisDedupStore implements DedupStore {
  /**
   * How long one store call waits for Redis by default: a hung or paused server fails the call
   * after this instead of after Lettuce's 60 s command timeout.
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** The key prefix used when none is set. */
  public static final String DEFAULT_KEY_PREFIX = "ec:dedup:";

  /** The number of keys claimed per script call when none is set. */
  public static final int DEFAULT_BATCH_SIZE = 500;

  /** The largest batch size accepted: one script call blocks the server while it runs. */
  public static final int MAX_BATCH_SIZE = 10_000;

  private final RedisAccess redis;
  private final String keyPrefix;
  private final int batchSize;

  private RedisDedupStore(Builder builder) {
    this.keyPrefix = builder.keyPrefix;
    this.batchSize = builder.batchSize;
    this.redis =
        RedisAccess.open(
            builder.client,
            builder.connection,
            builder.timeout,
            List.of(
                DedupScripts.CLAIM,
                DedupScripts.COMPLETE,
                DedupScripts.COMPLETE_ALL,
                DedupScripts.RELEASE));
  }

  /**
   * Starts a builder for a store that opens its own connection on {@code client} and closes it on
   * {@link #close()}; the client itself stays open.
   */
  public static Builder builder(RedisClient client) {
    return new Builder(Objects.requireNonNull(client, "client"), null);
  }

  /**
   * Starts a builder for a store that uses {@code connection} and leaves it open on {@link
   * #close()}; the connection may be shared with other code.
   */
  public static Builder builder(StatefulRedisConnection<String, String> connection) {
    return new Builder(null, Objects.requireNonNull(connection, "connection"));
  }

  /** The prefix put before every idempotency key to make its Redis key. */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** The number of keys claimed per script call by {@link #claimAll}. */
  public int batchSize() {
    return batchSize;
  }

  /** Claims a key with one script call; the lease expires on the Redis server's clock. */
  @Override
  public ClaimState claim(String key, String owner, Duration lease) {
    StoreKeys.check("key", key);
    String[] args = {checkOwner(owner), Long.toString(RedisAccess.positiveMillis(lease, "lease"))};
    CompletableFuture<String> reply =
        DedupScripts.CLAIM.run(redis.commands(), new String[] {keyPrefix + key}, args);
    return decode(redis.await("claim", reply), 1, 0);
  }

  /**
   * Claims many keys with one script call per {@link #batchSize()} keys, all calls pipelined; when
   * any call fails or times out, the error is thrown and the keys that the other calls claimed are
   * released in the background as their replies arrive.
   *
   * @return the state for each distinct key, in the order given
   */
  @Override
  public Map<String, ClaimState> claimAll(List<String> keys, String owner, Duration lease) {
    Objects.requireNonNull(keys, "keys");
    String[] args = {checkOwner(owner), Long.toString(RedisAccess.positiveMillis(lease, "lease"))};
    List<String> distinct = RedisAccess.distinct(keys, "keys");
    for (String key : distinct) {
      StoreKeys.check("key", key); // all or nothing: no key is claimed when one is refused
    }
    if (distinct.isEmpty()) {
      return Map.of();
    }
    List<String[]> chunks = new ArrayList<>();
    List<CompletableFuture<String>> replies = new ArrayList<>();
    for (int from = 0; from < distinct.size(); from += batchSize) {
      List<String> slice = distinct.subList(from, Math.min(distinct.size(), from + batchSize));
      String[] redisKeys = new String[slice.size()];
      for (int i = 0; i < redisKeys.length; i++) {
        redisKeys[i] = keyPrefix + slice.get(i);
      }
      chunks.add(redisKeys);
      replies.add(DedupScripts.CLAIM.run(redis.commands(), redisKeys, args));
    }
    List<String> states;
    try {
      states = redis.awaitAll("claimAll", replies);
    } catch (RuntimeException e) {
      releaseWhatWasClaimed(chunks, replies, owner);
      throw e;
    }
    Map<String, ClaimState> out = new LinkedHashMap<>(distinct.size() * 4 / 3 + 1);
    int index = 0;
    for (int c = 0; c < chunks.size(); c++) {
      String chunkStates = states.get(c);
      int size = chunks.get(c).length;
      for (int i = 0; i < size; i++) {
        out.put(distinct.get(index++), decode(chunkStates, size, i));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Marks a key completed and keeps it for {@code retention} on the server's clock, when {@code
   * owner} holds the claim or nobody does; a key that another owner claimed meanwhile is left
   * alone.
   */
  @Override
  public void complete(String key, String owner, Duration retention) {
    Objects.requireNonNull(key, "key");
    String[] args = {
      checkOwner(owner), Long.toString(RedisAccess.positiveMillis(retention, "retention"))
    };
    redis.await(
        "complete",
        DedupScripts.COMPLETE.<Long>run(redis.commands(), new String[] {keyPrefix + key}, args));
  }

  /**
   * Completes many keys as {@link #complete} does, with one script call per {@link #batchSize()}
   * keys, all calls pipelined: one round trip for a batch instead of one per key.
   */
  @Override
  public void completeAll(Collection<String> keys, String owner, Duration retention) {
    Objects.requireNonNull(keys, "keys");
    String[] args = {
      checkOwner(owner), Long.toString(RedisAccess.positiveMillis(retention, "retention"))
    };
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(keys));
    for (String key : distinct) {
      Objects.requireNonNull(key, "keys must not contain null");
    }
    List<CompletableFuture<Long>> replies = new ArrayList<>();
    for (int from = 0; from < distinct.size(); from += batchSize) {
      List<String> slice = distinct.subList(from, Math.min(distinct.size(), from + batchSize));
      String[] redisKeys = new String[slice.size()];
      for (int i = 0; i < redisKeys.length; i++) {
        redisKeys[i] = keyPrefix + slice.get(i);
      }
      replies.add(DedupScripts.COMPLETE_ALL.run(redis.commands(), redisKeys, args));
    }
    if (!replies.isEmpty()) {
      redis.awaitAll("completeAll", replies);
    }
  }

  /**
   * Completes many keys as {@link #completeAll} does, one pipelined script call per {@link
   * #batchSize()} keys, keeping each key's fingerprint as {@link #complete(String, String,
   * Duration, long)} does.
   */
  @Override
  public void completeAllWithFingerprints(
      Map<String, Long> fingerprints, String owner, Duration retention) {
    Objects.requireNonNull(fingerprints, "fingerprints");
    String checkedOwner = checkOwner(owner);
    String millis = Long.toString(RedisAccess.positiveMillis(retention, "retention"));
    List<Map.Entry<String, Long>> entries = new ArrayList<>(fingerprints.entrySet());
    List<CompletableFuture<Long>> replies = new ArrayList<>();
    for (int from = 0; from < entries.size(); from += batchSize) {
      List<Map.Entry<String, Long>> slice =
          entries.subList(from, Math.min(entries.size(), from + batchSize));
      String[] redisKeys = new String[slice.size()];
      String[] args = new String[slice.size() + 2];
      args[0] = checkedOwner;
      args[1] = millis;
      for (int i = 0; i < redisKeys.length; i++) {
        Map.Entry<String, Long> entry = slice.get(i);
        redisKeys[i] =
            keyPrefix + Objects.requireNonNull(entry.getKey(), "keys must not contain null");
        args[i + 2] =
            String.format(
                "%016x", Objects.requireNonNull(entry.getValue(), "fingerprints must not be null"));
      }
      replies.add(DedupScripts.COMPLETE_ALL.run(redis.commands(), redisKeys, args));
    }
    if (!replies.isEmpty()) {
      redis.awaitAll("completeAll", replies);
    }
  }

  /**
   * Completes like {@link #complete(String, String, Duration)} and keeps {@code fingerprint} in the
   * record's value ({@code C|owner#<16 hex digits>}).
   */
  @Override
  public void complete(String key, String owner, Duration retention, long fingerprint) {
    Objects.requireNonNull(key, "key");
    String[] args = {
      checkOwner(owner),
      Long.toString(RedisAccess.positiveMillis(retention, "retention")),
      String.format("%016x", fingerprint)
    };
    redis.await(
        "complete",
        DedupScripts.COMPLETE.<Long>run(redis.commands(), new String[] {keyPrefix + key}, args));
  }

  /** The fingerprint in a completed record's value, when it has one; one {@code GET}. */
  @Override
  public OptionalLong fingerprint(String key) {
    Objects.requireNonNull(key, "key");
    return fingerprintOf(
        redis.await("fingerprint", redis.commands().get(keyPrefix + key).toCompletableFuture()));
  }

  /** The fingerprints of many keys: one {@code MGET} per {@code batchSize} keys, pipelined. */
  @Override
  public Map<String, Long> fingerprintAll(Collection<String> keys) {
    List<String> distinct = RedisAccess.distinct(keys, "keys");
    if (distinct.isEmpty()) {
      return Map.of();
    }
    List<String> values = redis.mget("fingerprintAll", distinct, keyPrefix, batchSize);
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < distinct.size(); i++) {
      OptionalLong fingerprint = fingerprintOf(values.get(i));
      if (fingerprint.isPresent()) {
        out.put(distinct.get(i), fingerprint.getAsLong());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** The fingerprint in a record's value ({@code C|owner#<16 hex>}), when it has one. */
  private static OptionalLong fingerprintOf(@Nullable String value) {
    if (value == null || !value.startsWith("C|") || value.length() < 19) {
      return OptionalLong.empty();
    }
    int hash = value.length() - 17;
    if (value.charAt(hash) != '#') {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseUnsignedLong(value.substring(hash + 1), 16));
    } catch (NumberFormatException e) {
      return OptionalLong.empty(); // an owner that happens to end in '#' and 16 chars
    }
  }

  /** Deletes the key when {@code owner} holds it in progress; otherwise does nothing. */
  @Override
  public void release(String key, String owner) {
    Objects.requireNonNull(key, "key");
    redis.await(
        "release",
        DedupScripts.RELEASE.<Long>run(
            redis.commands(), new String[] {keyPrefix + key}, checkOwner(owner)));
  }

  /** Closes the connection if the store opened it (built from a {@link RedisClient}). */
  @Override
  public void close() {
    redis.close();
  }

  /** Names the key prefix and batch size, for logs. */
  @Override
  public String toString() {
    return "RedisDedupStore[keyPrefix=" + keyPrefix + ", batchSize=" + batchSize + "]";
  }

  /**
   * A failed batch must not leave the keys that the other script calls claimed locked until their
   * lease ends, so each of them is released as soon as its call answers, even after the wait gave
   * up. Best effort: the release's own errors are dropped, and a key whose claim outlives the
   * connection stays locked until its lease expires.
   */
  private void releaseWhatWasClaimed(
      List<String[]> chunks, List<CompletableFuture<String>> replies, String owner) {
    for (int c = 0; c < chunks.size(); c++) {
      String[] redisKeys = chunks.get(c);
      replies
          .get(c)
          .thenAccept(
              states -> {
                List<String> won = new ArrayList<>();
                for (int i = 0; i < redisKeys.length && i < states.length(); i++) {
                  if (states.charAt(i) == DedupScripts.CLAIMED) {
                    won.add(redisKeys[i]);
                  }
                }
                if (!won.isEmpty()) {
                  DedupScripts.RELEASE.run(redis.commands(), won.toArray(String[]::new), owner);
                }
              });
    }
  }

  private static ClaimState decode(String states, int expected, int index) {
    if (states == null || states.length() != expected) {
      throw new IllegalStateException(
          "the claim script answered " + states + " for " + expected + " keys");
    }
    return switch (states.charAt(index)) {
      case DedupScripts.CLAIMED -> ClaimState.CLAIMED;
      case DedupScripts.COMPLETED -> ClaimState.COMPLETED;
      case DedupScripts.IN_PROGRESS -> ClaimState.IN_PROGRESS;
      default -> throw new IllegalStateException("the claim script answered " + states);
    };
  }

  private static String checkOwner(String owner) {
    return Objects.requireNonNull(owner, "owner");
  }

  /** Builds a {@link RedisDedupStore}; every setting has a default. */
  public static final class Builder {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder(RedisClient client, StatefulRedisConnection<String, String> connection) {
      this.client = client;
      this.connection = connection;
    }

    /**
     * Sets the prefix of every Redis key ({@value RedisDedupStore#DEFAULT_KEY_PREFIX} by default):
     * not empty, no whitespace or control characters.
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = RedisAccess.checkPrefix(keyPrefix);
      return this;
    }

    /**
     * Sets how many keys one script call of {@link RedisDedupStore#claimAll} claims, from 1 to
     * {@value RedisDedupStore#MAX_BATCH_SIZE} ({@value RedisDedupStore#DEFAULT_BATCH_SIZE} by
     * default).
     */
    public Builder batchSize(int batchSize) {
      this.batchSize = RedisAccess.checkBatchSize(batchSize, MAX_BATCH_SIZE);
      return this;
    }

    /**
     * Sets how long one store call waits for Redis, all script calls of a batch together; {@link
     * #DEFAULT_TIMEOUT} (5 s) by default, whatever the connection's own command timeout.
     */
    public Builder timeout(Duration timeout) {
      this.timeout = RedisAccess.checkTimeout(timeout);
      return this;
    }

    /** Builds the store, connecting (when given a client) and loading its scripts on the server. */
    public RedisDedupStore build() {
      return new RedisDedupStore(this);
    }
  }
}
