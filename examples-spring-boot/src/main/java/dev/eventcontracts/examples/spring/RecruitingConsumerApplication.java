package dev.eventcontracts.examples.spring;

import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.jdbc.JdbcDedupStore;
import dev.eventcontracts.jdbc.JdbcEntityVersionStore;
import dev.eventcontracts.ordering.EntityVersionStore;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The recruiting consumer: {@code application.properties} points the starter at seed 000's
 * registry, JDBC stores on the application's DataSource and the {@code recruiting} topic; {@link
 * RecruitingProjections} holds the handlers.
 */
@SpringBootApplication
public class RecruitingConsumerApplication {

  /** Runs the service; {@link LocalRun} runs it against an in-JVM broker and PostgreSQL. */
  public static void main(String[] args) {
    SpringApplication.run(RecruitingConsumerApplication.class, args);
  }

  /**
   * Creates the projection tables and the SDK's store tables once every bean exists, before the
   * consumer starts. A real service would use its migration tool with the DDL of docs/stores.md.
   */
  @Bean
  SmartInitializingSingleton recruitingSchema(
      JdbcTemplate jdbc, DedupStore dedupStore, EntityVersionStore entityVersionStore) {
    return () -> {
      RecruitingProjections.SCHEMA.forEach(jdbc::execute);
      if (dedupStore instanceof JdbcDedupStore jdbcDedup) {
        jdbcDedup.createSchema();
      }
      if (entityVersionStore instanceof JdbcEntityVersionStore jdbcPositions) {
        jdbcPositions.createSchema();
      }
    };
  }
}
