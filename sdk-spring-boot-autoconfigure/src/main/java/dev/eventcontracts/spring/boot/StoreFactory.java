package dev.eventcontracts.spring.boot;

import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.ordering.EntityVersionStore;
import java.time.Clock;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.util.ClassUtils;

/** Makes the stores that {@code eventcontracts.stores.type} names. */
final class StoreFactory {
  static final String TYPE_PROPERTY = "eventcontracts.stores.type";

  private StoreFactory() {}

  /** The store types. */
  enum StoreType {
    MEMORY,
    JDBC,
    REDIS
  }

  static StoreType type(EventContractsProperties properties) {
    String type = properties.getStores().getType();
    for (StoreType candidate : StoreType.values()) {
      if (candidate.name().equalsIgnoreCase(type == null ? "" : type.trim())) {
        return candidate;
      }
    }
    throw new EventContractsConfigurationException(
        TYPE_PROPERTY + "=" + type + " is not a store type: use memory, jdbc or redis");
  }

  static DedupStore dedupStore(EventContractsProperties properties, ListableBeanFactory beans) {
    return switch (type(properties)) {
      case MEMORY ->
          DedupStore.inMemory(properties.getStores().getMemoryMaximumKeys(), Clock.systemUTC());
      case JDBC -> {
        need(beans, "dev.eventcontracts.jdbc.JdbcDedupStore", "jdbc", "sdk-jdbc");
        yield JdbcStores.dedupStore(properties, beans);
      }
      case REDIS -> {
        need(beans, "dev.eventcontracts.redis.RedisDedupStore", "redis", "sdk-redis");
        yield RedisStores.dedupStore(properties, beans);
      }
    };
  }

  static EntityVersionStore entityVersionStore(
      EventContractsProperties properties, ListableBeanFactory beans) {
    return switch (type(properties)) {
      case MEMORY -> EntityVersionStore.inMemory();
      case JDBC -> {
        need(beans, "dev.eventcontracts.jdbc.JdbcEntityVersionStore", "jdbc", "sdk-jdbc");
        yield JdbcStores.entityVersionStore(properties, beans);
      }
      case REDIS -> {
        need(beans, "dev.eventcontracts.redis.RedisEntityVersionStore", "redis", "sdk-redis");
        yield RedisStores.entityVersionStore(properties, beans);
      }
    };
  }

  private static void need(
      ListableBeanFactory beans, String className, String type, String artifact) {
    ClassLoader loader =
        beans instanceof ConfigurableBeanFactory configurable
                && configurable.getBeanClassLoader() != null
            ? configurable.getBeanClassLoader()
            : StoreFactory.class.getClassLoader();
    if (!ClassUtils.isPresent(className, loader)) {
      throw new EventContractsConfigurationException(
          TYPE_PROPERTY
              + "="
              + type
              + " needs dev.eventcontracts:"
              + artifact
              + " on the class path (add it as a dependency)");
    }
  }
}
