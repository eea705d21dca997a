package dev.eventcontracts.redis;

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
import org.junit.jupiter.api.Test;

/**
 * Hostile input through the pipeline on the Redis stores: every input ends with a final outcome
 * (keys no store holds are refused up front, never retried). {@code -Dfuzz.storeInputs=N} sets the
 * count (3,000).
 */
class RedisStoresFuzzTest {
  private static final Path RECRUITING = Path.of("../examples/registries/recruiting");
  private static final int INPUTS = Integer.getInteger("fuzz.storeInputs", 3_000);
  private static final long SEED = 20261204L;

  @Test
  void everyHostileInputEndsWithAFinalOutcome() throws Exception {
    RecruitingEvents events = RecruitingEvents.withSeed(SEED);
    List<ObjectNode> samples = new ArrayList<>();
    for (String name : RecruitingEvents.EVENT_NAMES) {
      for (int n = 1; n <= 10; n++) {
        samples.add(events.event(name, n));
      }
    }
    FuzzCheck check = FuzzCheck.withoutFaults();
    FuzzDriver.CountingSink sink = new FuzzDriver.CountingSink();
    EventPipeline pipeline =
        FuzzDriver.pipeline(ContractRegistry.load(RECRUITING), check, sink)
            .dedupStore(
                RedisDedupStore.builder(TestRedis.client())
                    .keyPrefix(TestRedis.freshPrefix("fuzz-dedup"))
                    .build())
            .entityVersionStore(
                RedisEntityVersionStore.builder(TestRedis.client())
                    .keyPrefix(TestRedis.freshPrefix("fuzz-pos"))
                    .build())
            .build();

    long deadLetters =
        FuzzDriver.run(pipeline, HostileInputs.of(SEED, samples, 0), INPUTS, SEED, check);

    System.out.println("fuzz on redis: " + INPUTS + " inputs\n" + check.table());
    assertThat(check.problems()).isEmpty();
    assertThat(sink.stored()).isEqualTo(deadLetters);
  }
}
