/**
 * Redis stores on Lettuce: {@link dev.eventcontracts.redis.RedisDedupStore} claims idempotency keys
 * and {@link dev.eventcontracts.redis.RedisEntityVersionStore} keeps entity positions, both atomic
 * through Lua scripts, with leases and retention expiring on the Redis server's clock.
 */
@NullMarked
package dev.eventcontracts.redis;

import org.jspecify.annotations.NullMarked;
