package dev.eventcontracts.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.fuzz.FuzzCheck;
import dev.eventcontracts.testing.fuzz.FuzzDriver;
import dev.eventcontracts.testing.fuzz.HostileInputs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input through the pipeline on real databases, in the default mode (dedup and
 * entity-version stores) and the transactional mode: keys with NUL characters, unpaired surrogates,
 * 500-char tenants, huge and nested values must each end with a final outcome, never with a store
 * error retried forever. {@code -Dfuzz.storeInputs=N} sets the count (3,000).
 */
class JdbcStoresFuzzTest {
  private static final Path RECRUITING = Path.of("../examples/registries/recruiting");
  private static final int INPUTS = Integer.getInteger("fuzz.storeInputs", 3_000);
  private static final long SEED = 20261204L;

  private static List<ObjectNode> samples() {
    RecruitingEvents events = RecruitingEvents.withSeed(SEED);
    List<ObjectNode> out = new ArrayList<>();
    for (String name : RecruitingEvents.EVENT_NAMES) {
      for (int n = 1; n <= 10; n++) {
        out.add(events.event(name, n));
      }
    }
    return out;
  }

  private static DataSource database(String name) {
    return name.startsWith("postgres") ? TestDatabases.postgres() : TestDatabases.mariaDb();
  }

  private static JdbcDialect dialect(String name) {
    return name.startsWith("postgres") ? JdbcDialect.POSTGRESQL : JdbcDialect.MARIADB;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"postgres-default", "postgres-transactional", "mariadb-default", "mariadb-tx"})
  void everyHostileInputEndsWithAFinalOutcome(String setUp) throws Exception {
    DataSource db = database(setUp);
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    FuzzCheck check = FuzzCheck.withoutFaults();
    FuzzDriver.CountingSink sink = new FuzzDriver.CountingSink();
    EventPipeline.Builder builder =
        FuzzDriver.pipeline(ContractRegistry.load(RECRUITING), check, sink);
    if (setUp.endsWith("default")) {
      JdbcDedupStore dedup =
          JdbcDedupStore.builder(db).dialect(dialect(setUp)).table("fz_keys_" + suffix).build();
      dedup.createSchema();
      JdbcEntityVersionStore versions =
          JdbcEntityVersionStore.builder(db)
              .dialect(dialect(setUp))
              .table("fz_pos_" + suffix)
              .build();
      versions.createSchema();
      builder.dedupStore(dedup).entityVersionStore(versions);
    } else {
      JdbcTransactionalStore store =
          JdbcTransactionalStore.builder(db)
              .dialect(dialect(setUp))
              .dedupTable("fz_tkeys_" + suffix)
              .positionTable("fz_tpos_" + suffix)
              .build();
      store.createSchema();
      builder.transactionalStore(store);
    }

    long deadLetters =
        FuzzDriver.run(builder.build(), HostileInputs.of(SEED, samples(), 0), INPUTS, SEED, check);

    System.out.println("fuzz on " + setUp + ": " + INPUTS + " inputs\n" + check.table());
    assertThat(check.problems()).isEmpty();
    assertThat(sink.stored()).isEqualTo(deadLetters);
  }
}
