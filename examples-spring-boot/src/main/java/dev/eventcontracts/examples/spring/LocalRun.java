package dev.eventcontracts.examples.spring;

import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.testing.server.EmbeddedKafkaBroker;
import dev.eventcontracts.testing.server.PostgresServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Runs the service against a Kafka broker and a PostgreSQL started in this JVM, publishes the
 * demo's stream, prints what happened, and stops:
 *
 * <pre>./mvnw -B -q -pl examples-spring-boot -am verify -DskipTests -Dlocal-run</pre>
 */
public final class LocalRun {

  private LocalRun() {}

  /** The local run. */
  public static void main(String[] args) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        PostgresServer postgres = PostgresServer.start()) {
      broker.createTopic("recruiting", 1);
      broker.createTopic("recruiting.dlq", 1);
      List<RecruitingStream.StreamRecord> stream = RecruitingStream.build();
      RecruitingStream.publish(broker.bootstrapServers(), "recruiting", stream);
      try (ConfigurableApplicationContext app =
          new SpringApplicationBuilder(RecruitingConsumerApplication.class)
              .properties(properties(broker, postgres))
              .run(args)) {
        MeterRegistry meters = app.getBean(MeterRegistry.class);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (finalOutcomes(meters) < stream.size() && Instant.now().isBefore(deadline)) {
          Thread.sleep(200);
        }
        System.out.println();
        System.out.println("outcome               expected  counted");
        for (Map.Entry<Outcome, Integer> e : RecruitingStream.expectedCounts(stream).entrySet()) {
          System.out.printf(
              "%-21s %8d  %7.0f%n", e.getKey(), e.getValue(), count(meters, e.getKey()));
        }
        JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
        System.out.println();
        System.out.println(
            "candidate_profiles: "
                + jdbc.queryForList(
                    "SELECT candidate_id, profile_version FROM candidate_profiles"));
        System.out.println("jobs: " + jdbc.queryForList("SELECT job_id, job_version FROM jobs"));
        System.out.println(
            "applied events: "
                + jdbc.queryForObject("SELECT count(*) FROM applied_events", Long.class));
        HealthIndicator health =
            app.getBean("eventContractsHealthIndicator", HealthIndicator.class);
        System.out.println("health: " + health.health());
      }
    }
  }

  static Map<String, Object> properties(EmbeddedKafkaBroker broker, PostgresServer postgres) {
    return Map.of(
        "spring.datasource.url", postgres.jdbcUrl(),
        "spring.datasource.username", postgres.user(),
        "spring.datasource.password", postgres.password(),
        "spring.kafka.bootstrap-servers", broker.bootstrapServers(),
        "recruiting.notifications-down", "true");
  }

  static double count(MeterRegistry meters, Outcome outcome) {
    return meters.find("eventcontracts.events").tag("outcome", outcome.name()).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  static double finalOutcomes(MeterRegistry meters) {
    return meters.find("eventcontracts.events").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }
}
