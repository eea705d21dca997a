package dev.eventcontracts.spring.boot;

import dev.eventcontracts.jdbc.JdbcDedupStore;
import dev.eventcontracts.jdbc.JdbcEntityVersionStore;
import javax.sql.DataSource;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;

/** JDBC stores on the application's {@link DataSource}; loaded only with sdk-jdbc present. */
final class JdbcStores {

  private JdbcStores() {}

  static JdbcDedupStore dedupStore(EventContractsProperties properties, ListableBeanFactory beans) {
    EventContractsProperties.Jdbc jdbc = properties.getStores().getJdbc();
    JdbcDedupStore.Builder builder =
        JdbcDedupStore.builder(dataSource(beans)).queryTimeout(jdbc.getQueryTimeout());
    if (jdbc.getDedupTable() != null) {
      builder.table(jdbc.getDedupTable());
    }
    return builder.build();
  }

  static JdbcEntityVersionStore entityVersionStore(
      EventContractsProperties properties, ListableBeanFactory beans) {
    EventContractsProperties.Jdbc jdbc = properties.getStores().getJdbc();
    JdbcEntityVersionStore.Builder builder =
        JdbcEntityVersionStore.builder(dataSource(beans)).queryTimeout(jdbc.getQueryTimeout());
    if (jdbc.getPositionTable() != null) {
      builder.table(jdbc.getPositionTable());
    }
    return builder.build();
  }

  private static DataSource dataSource(ListableBeanFactory beans) {
    try {
      return beans.getBean(DataSource.class);
    } catch (NoUniqueBeanDefinitionException e) {
      throw new EventContractsConfigurationException(
          StoreFactory.TYPE_PROPERTY
              + "=jdbc found several DataSource beans; mark the one for the stores @Primary",
          e);
    } catch (NoSuchBeanDefinitionException e) {
      throw new EventContractsConfigurationException(
          StoreFactory.TYPE_PROPERTY
              + "=jdbc needs a DataSource bean (spring.datasource.url, or a bean of your own)",
          e);
    }
  }
}
