package dev.eventcontracts.redis;

import dev.eventcontracts.dedup.StoreKeys;
import dev.eventcontracts.ordering.EntityVersionStore;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * An {@link EntityVersionStore} on Redis, shared by every consumer instance that talks to the same
 * server.
 *
 * <p>Each entity is one Redis string, {@code <prefix><entity>}, holding the last applied position
 * in decimal. {@link #advance} is a Lua compare-and-set, atomic on the server; it runs by SHA
 * ({@code EVALSHA}), loaded when the store is built and sent again with {@code EVAL} whenever the
 * server answers {@code NOSCRIPT}. {@link #current} is a {@code GET} and {@link #currentAll} a
 * pipelined {@code MGET} per {@link Builder#batchSize batchSize} entities.
 *
 * <p>Positions are kept forever unless {@link Builder#expireAfterAdvance} is set, in which case an
 * entity that has not advanced for that long is forgotten (on the Redis server's clock) and its
 * next event is applied whatever its position.
 *
 * <p>Needs a standalone Redis (or a Sentinel-managed primary); Redis Cluster is not supported.
 */
public final class RedisEntityVersionStore implements EntityVersionStore {
  /**
   * How long one store call waits for Redis by default: a hung or paused server fails the call
   * after this instead of after Lettuce's 60 s command timeout.
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** The key prefix used when none is set. */
  public static final String DEFAULT_KEY_PREFIX = "ec:entity:";

  /** The number of entities read per {@code MGET} when none is set. */
  public static final int DEFAULT_BATCH_SIZE = 500;

  /** The largest batch size accepted. */
  public static final int MAX_BATCH_SIZE = 10_000;

  private final RedisAccess redis;
  private final String keyPrefix;
  private final int batchSize;
  private final String expiryMillis;

  private RedisEntityVersionStore(Builder builder) {
    this.keyPrefix = builder.keyPrefix;
    this.batchSize = builder.batchSize;
    this.expiryMillis =
        builder.expireAfterAdvance == null
            ? "0"
            : Long.toString(
                RedisAccess.positiveMillis(builder.expireAfterAdvance, "expireAfterAdvance"));
    this.redis =
        RedisAccess.open(
            builder.client,
            builder.connection,
            builder.timeout,
            List.of(EntityScripts.ADVANCE, EntityScripts.ADVANCE_ALL));
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

  /** The prefix put before every entity key to make its Redis key. */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** The last applied position of an entity ({@code GET}), or empty when none was applied. */
  @Override
  public OptionalLong current(String entity) {
    String redisKey = keyPrefix + StoreKeys.check("entity", entity);
    String value = redis.await("current", redis.commands().get(redisKey).toCompletableFuture());
    return parse(redisKey, value);
  }

  /**
   * The last applied positions of many entities, one pipelined {@code MGET} per {@link
   * Builder#batchSize batchSize} entities.
   *
   * @return a map holding every entity asked for, in the order given
   */
  @Override
  public Map<String, OptionalLong> currentAll(Collection<String> entities) {
    List<String> distinct = RedisAccess.distinct(entities, "entities");
    for (String entity : distinct) {
      StoreKeys.check("entity", entity);
    }
    if (distinct.isEmpty()) {
      return Map.of();
    }
    List<String> values = redis.mget("currentAll", distinct, keyPrefix, batchSize);
    Map<String, OptionalLong> out = new LinkedHashMap<>(distinct.size() * 4 / 3 + 1);
    for (int i = 0; i < distinct.size(); i++) {
      String entity = distinct.get(i);
      out.put(entity, parse(keyPrefix + entity, values.get(i)));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Stores {@code position} when it is greater than the stored one, atomically on the server.
   *
   * @return true when the position advanced; false when the stored one is equal or greater
   */
  @Override
  public boolean advance(String entity, long position) {
    String redisKey = keyPrefix + StoreKeys.check("entity", entity);
    CompletableFuture<Long> reply =
        EntityScripts.ADVANCE.run(
            redis.commands(), new String[] {redisKey}, Long.toString(position), expiryMillis);
    return redis.await("advance", reply) == 1L;
  }

  /**
   * Advances many entities, each with the compare-and-set of {@link #advance}, in one script call
   * per {@link Builder#batchSize batchSize} entities, all calls pipelined: one round trip for the
   * whole batch.
   *
   * @return the entities whose position this call moved
   */
  @Override
  public Set<String> advanceAll(Map<String, Long> positions) {
    Objects.requireNonNull(positions, "positions");
    List<String> entities = new ArrayList<>(positions.size());
    for (Map.Entry<String, Long> e : positions.entrySet()) {
      // every entity is checked before anything is sent: a refused one advances none
      entities.add(StoreKeys.check("entity", e.getKey()));
      Objects.requireNonNull(e.getValue(), "position");
    }
    Set<String> advanced = new LinkedHashSet<>();
    if (entities.isEmpty()) {
      return advanced;
    }
    List<CompletableFuture<String>> replies = new ArrayList<>();
    for (int from = 0; from < entities.size(); from += batchSize) {
      int size = Math.min(entities.size(), from + batchSize) - from;
      String[] redisKeys = new String[size];
      String[] args = new String[size + 1];
      for (int i = 0; i < size; i++) {
        String entity = entities.get(from + i);
        redisKeys[i] = keyPrefix + entity;
        args[i] = Long.toString(positions.get(entity));
      }
      args[size] = expiryMillis;
      replies.add(EntityScripts.ADVANCE_ALL.run(redis.commands(), redisKeys, args));
    }
    List<String> answers = redis.awaitAll("advanceAll", replies);
    int index = 0;
    for (String chunk : answers) {
      int size = Math.min(batchSize, entities.size() - index);
      if (chunk == null || chunk.length() != size) {
        throw new IllegalStateException(
            "the advance script answered " + chunk + " for " + size + " entities");
      }
      for (int i = 0; i < size; i++, index++) {
        if (chunk.charAt(i) == '1') {
          advanced.add(entities.get(index));
        }
      }
    }
    return advanced;
  }

  /** Closes the connection if the store opened it (built from a {@link RedisClient}). */
  @Override
  public void close() {
    redis.close();
  }

  /** Names the key prefix, for logs. */
  @Override
  public String toString() {
    return "RedisEntityVersionStore[keyPrefix=" + keyPrefix + "]";
  }

  private static OptionalLong parse(String redisKey, String value) {
    if (value == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "Redis key " + redisKey + " does not hold a position: \"" + value + "\"", e);
    }
  }

  /** Builds a {@link RedisEntityVersionStore}; every setting has a default. */
  public static final class Builder {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Duration timeout = DEFAULT_TIMEOUT;
    private @Nullable Duration expireAfterAdvance;

    private Builder(RedisClient client, StatefulRedisConnection<String, String> connection) {
      this.client = client;
      this.connection = connection;
    }

    /**
     * Sets the prefix of every Redis key ({@value RedisEntityVersionStore#DEFAULT_KEY_PREFIX} by
     * default): not empty, no whitespace or control characters.
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = RedisAccess.checkPrefix(keyPrefix);
      return this;
    }

    /**
     * Sets how many entities one {@code MGET} of {@link RedisEntityVersionStore#currentAll} reads
     * and one script call of {@link RedisEntityVersionStore#advanceAll} writes, from 1 to {@value
     * RedisEntityVersionStore#MAX_BATCH_SIZE} ({@value RedisEntityVersionStore#DEFAULT_BATCH_SIZE}
     * by default).
     */
    public Builder batchSize(int batchSize) {
      this.batchSize = RedisAccess.checkBatchSize(batchSize, MAX_BATCH_SIZE);
      return this;
    }

    /**
     * Sets how long one store call waits for Redis; {@link #DEFAULT_TIMEOUT} (5 s) by default,
     * whatever the connection's own command timeout.
     */
    public Builder timeout(Duration timeout) {
      this.timeout = RedisAccess.checkTimeout(timeout);
      return this;
    }

    /**
     * Makes Redis forget an entity's position when it has not advanced for {@code expiry} (on the
     * server's clock), bounding memory at the price of accepting any position afterwards; by
     * default positions never expire.
     */
    public Builder expireAfterAdvance(Duration expiry) {
      RedisAccess.positiveMillis(expiry, "expireAfterAdvance");
      this.expireAfterAdvance = expiry;
      return this;
    }

    /** Builds the store, connecting (when given a client) and loading its script on the server. */
    public RedisEntityVersionStore build() {
      return new RedisEntityVersionStore(this);
    }
  }
}
