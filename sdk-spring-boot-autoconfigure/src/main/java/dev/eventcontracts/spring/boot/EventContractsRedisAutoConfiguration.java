package dev.eventcontracts.spring.boot;

import dev.eventcontracts.redis.RedisDedupStore;
import io.lettuce.core.RedisClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The Lettuce {@link RedisClient} of the Redis stores, made from {@code
 * eventcontracts.stores.redis.uri} when the application has no client of its own; shut down with
 * the context.
 */
@AutoConfiguration(before = EventContractsAutoConfiguration.class)
@ConditionalOnClass({RedisDedupStore.class, RedisClient.class})
@ConditionalOnProperty(name = "eventcontracts.stores.redis.uri")
@EnableConfigurationProperties(EventContractsProperties.class)
public class EventContractsRedisAutoConfiguration {

  /** A client for {@code eventcontracts.stores.redis.uri}. */
  @Bean(destroyMethod = "shutdown")
  @ConditionalOnMissingBean
  public RedisClient eventContractsRedisClient(EventContractsProperties properties) {
    return RedisClient.create(properties.getStores().getRedis().getUri());
  }
}
