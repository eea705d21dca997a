package dev.eventcontracts.examples.spring;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.spring.boot.EventHandlerMethods;
import dev.eventcontracts.testing.harness.HandlerHarness;
import dev.eventcontracts.testing.junit.ContractTest;
import dev.eventcontracts.testing.server.PostgresServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The service's contract tests: the {@code @EventHandlerMethod} handlers, bound as the starter
 * binds them, against seed 000's registry and the real PostgreSQL projection tables.
 */
@ContractTest(registry = "classpath:contracts/recruiting")
class RecruitingProjectionsContractTest {
  private final JdbcTemplate jdbc = new JdbcTemplate(PostgresServer.shared().dataSource());
  private final HandlerHarness harness;

  RecruitingProjectionsContractTest(ContractRegistry registry) {
    RecruitingProjections.SCHEMA.forEach(jdbc::execute);
    harness =
        HandlerHarness.builder(registry)
            .handlers(EventHandlerMethods.of(new RecruitingProjections(jdbc, false, 0)))
            .state(this::snapshot)
            .reset(this::clear)
            .build();
  }

  private Map<String, List<Map<String, Object>>> snapshot() {
    return Map.of(
        "candidate_profiles",
        jdbc.queryForList("SELECT * FROM candidate_profiles ORDER BY candidate_id"),
        "jobs",
        jdbc.queryForList("SELECT * FROM jobs ORDER BY job_id"),
        "invites",
        jdbc.queryForList("SELECT * FROM invites ORDER BY invite_id"),
        "applied_events",
        jdbc.queryForList("SELECT event_name, event_id FROM applied_events ORDER BY id"));
  }

  private void clear() {
    jdbc.execute("TRUNCATE candidate_profiles, jobs, invites, applied_events");
  }

  @Test
  void everyValidSampleBindsAndIsHandled() {
    harness.assertValidSamplesHandled();
  }

  @Test
  void everyVersionTheRegistryAcceptsReachesAHandler() {
    harness.assertEveryVersionBound();
  }

  @Test
  void redeliveriesAndReplaysChangeNothing() {
    harness.assertRedeliveriesIdempotent();
    harness.assertReplaysIdempotent();
  }

  @Test
  void brokenEventsNeverReachTheHandlers() {
    harness.assertInvalidVariantsRejected();
  }
}
