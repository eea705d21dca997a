package dev.eventcontracts.testing.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the pipeline on the seed-000 registry with the in-memory stores: every input class of
 * {@link HostileInputs}, one message at a time and in batches. {@code -Dfuzz.inputs=N} sets how
 * many inputs (20,000 by default; docs/reliability.md records a run of a million), {@code
 * -Dfuzz.seed=S} the seed.
 */
class PipelineFuzzTest {
  static final Path RECRUITING = Path.of("../examples/registries/recruiting");
  static final int INPUTS = Integer.getInteger("fuzz.inputs", 20_000);
  static final long SEED = Long.getLong("fuzz.seed", 20261204L);

  /** Valid samples of every seed-000 event. */
  static List<ObjectNode> samples() {
    RecruitingEvents events = RecruitingEvents.withSeed(SEED);
    List<ObjectNode> out = new ArrayList<>();
    for (String name : RecruitingEvents.EVENT_NAMES) {
      for (int n = 1; n <= 20; n++) {
        out.add(events.event(name, n));
      }
    }
    return out;
  }

  @Test
  void everyHostileInputEndsWithOneFinalOutcomeItsClassAllows() throws Exception {
    ContractRegistry registry = ContractRegistry.load(RECRUITING);
    FuzzCheck check = FuzzCheck.withoutFaults();
    FuzzDriver.CountingSink sink = new FuzzDriver.CountingSink();
    EventPipeline pipeline = FuzzDriver.pipeline(registry, check, sink).build();
    long usedBefore = usedHeapAfterGc();

    long deadLetters =
        FuzzDriver.run(pipeline, HostileInputs.of(SEED, samples()), INPUTS, SEED, check);

    long grown = usedHeapAfterGc() - usedBefore;
    System.out.println(
        "fuzz: "
            + INPUTS
            + " inputs, seed "
            + SEED
            + ", heap grew "
            + grown / 1024
            + " KiB\n"
            + check.table());
    assertThat(check.problems()).isEmpty();
    assertThat(sink.stored()).isEqualTo(deadLetters);
    // every class was exercised
    check
        .counts()
        .forEach(
            (kind, byOutcome) ->
                assertThat(byOutcome.values().stream().mapToInt(Integer::intValue).sum())
                    .as(kind.name())
                    .isPositive());
    // the pipeline keeps no per-message state but the bounded dedup and ordering tables
    assertThat(grown).as("heap growth in bytes").isLessThan(256L * 1024 * 1024);
  }

  @Test
  void tenantsNeverInterfere() throws Exception {
    ContractRegistry registry = ContractRegistry.load(RECRUITING);
    Map<String, Integer> handledPerTenantEvent = new HashMap<>();
    EventPipeline.Builder builder =
        EventPipeline.builder(registry).deadLetterSink(DeadLetterSink.inMemory());
    for (String name : RecruitingEvents.EVENT_NAMES) {
      builder.handler(
          HandlerBinding.ofJson(
              name,
              (payload, context) ->
                  handledPerTenantEvent.merge(
                      context.envelope().tenantId() + "|" + context.envelope().eventId(),
                      1,
                      Integer::sum)));
    }
    EventPipeline pipeline = builder.build();
    List<String> tenants = new ArrayList<>(HostileInputs.HOSTILE_TENANTS);
    tenants.add(null);
    // the same events (same keys, same entities, same versions) under every tenant, shuffled
    List<ObjectNode> deliveries = new ArrayList<>();
    for (ObjectNode sample : samples()) {
      for (String tenant : tenants) {
        ObjectNode copy = sample.deepCopy();
        if (tenant == null) {
          copy.remove("tenant_id");
        } else {
          copy.put("tenant_id", tenant);
        }
        deliveries.add(copy);
      }
    }
    Collections.shuffle(deliveries, new Random(SEED));
    Map<String, Outcome> first = new HashMap<>();
    for (ObjectNode event : deliveries) {
      ProcessingResult result =
          pipeline.process(InboundMessage.of(event.toString().getBytes(StandardCharsets.UTF_8)));
      String tenant =
          event.path("tenant_id").isMissingNode() ? null : event.get("tenant_id").asText();
      String identity = tenant + "|" + result.idempotencyKey();
      Outcome previous = first.putIfAbsent(identity, result.outcome());
      if (previous == null) {
        // samples share keys only when they are the same event (the same n); within a tenant the
        // repeat is a duplicate, across tenants never
        assertThat(result.outcome())
            .as(tenant + " " + event)
            .isIn(Outcome.PROCESSED, Outcome.STALE);
      } else {
        assertThat(result.outcome())
            .as(tenant + " " + event)
            .isIn(Outcome.DUPLICATE, Outcome.STALE);
      }
    }
    // each tenant got every distinct event of its own: the same count per tenant
    Map<String, Integer> perTenant = new HashMap<>();
    first.forEach(
        (identity, outcome) -> {
          if (outcome == Outcome.PROCESSED) {
            perTenant.merge(identity.substring(0, identity.indexOf('|')), 1, Integer::sum);
          }
        });
    assertThat(perTenant).hasSize(tenants.size());
    assertThat(perTenant).containsKey("null");
    assertThat(perTenant.values()).containsOnly(perTenant.get("null"));
    assertThat(handledPerTenantEvent.values()).containsOnly(1);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
