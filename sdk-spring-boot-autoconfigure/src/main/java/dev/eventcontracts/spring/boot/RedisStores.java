package dev.eventcontracts.spring.boot;

import dev.eventcontracts.redis.RedisDedupStore;
import dev.eventcontracts.redis.RedisEntityVersionStore;
import io.lettuce.core.RedisClient;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Redis stores on the application's Lettuce {@link RedisClient} bean, or on the client {@link
 * EventContractsRedisAutoConfiguration} makes from {@code eventcontracts.stores.redis.uri}; loaded
 * only with sdk-redis present.
 */
final class RedisStores {

  private RedisStores() {}

  static RedisDedupStore dedupStore(
      EventContractsProperties properties, ListableBeanFactory beans) {
    EventContractsProperties.Redis redis = properties.getStores().getRedis();
    return RedisDedupStore.builder(client(beans))
        .keyPrefix(redis.getDedupKeyPrefix())
        .timeout(redis.getTimeout())
        .build();
  }

  static RedisEntityVersionStore entityVersionStore(
      EventContractsProperties properties, ListableBeanFactory beans) {
    EventContractsProperties.Redis redis = properties.getStores().getRedis();
    return RedisEntityVersionStore.builder(client(beans))
        .keyPrefix(redis.getEntityKeyPrefix())
        .timeout(redis.getTimeout())
        .build();
  }

  private static RedisClient client(ListableBeanFactory beans) {
    RedisClient client = beans.getBeanProvider(RedisClient.class).getIfUnique();
    if (client == null) {
      throw new EventContractsConfigurationException(
          StoreFactory.TYPE_PROPERTY
              + "=redis needs eventcontracts.stores.redis.uri (redis://host:6379) or one Lettuce"
              + " RedisClient bean");
    }
    return client;
  }
}
