package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.msg;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.ordering.EntityVersionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Two consumers (two pipelines with their own owner ids) sharing one dedup store and one entity
 * version store, racing on the same messages from 8 threads: every key is handled exactly once.
 */
class ConcurrentConsumersTest {
  private static final int THREADS = 8;
  private static final int KEYS = 300;
  private static final int COPIES = 4;

  @RepeatedTest(3)
  void handlerRunsOncePerKey() throws Exception {
    DedupStore dedup = DedupStore.inMemory();
    EntityVersionStore versions = EntityVersionStore.inMemory();
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    EventHandler<JsonNode> handler =
        (payload, ctx) -> {
          runs.computeIfAbsent(ctx.idempotencyKey(), k -> new AtomicInteger()).incrementAndGet();
          Thread.yield(); // widen the window in which the other consumer sees the claim
        };
    List<EventPipeline> consumers = new ArrayList<>();
    for (String owner : List.of("consumer-a", "consumer-b")) {
      consumers.add(
          EventPipeline.builder(Fixtures.recruiting())
              .owner(owner)
              .dedupStore(dedup)
              .entityVersionStore(versions)
              .deadLetterSink(DeadLetterSink.inMemory())
              .inProgressDelay(Duration.ofMillis(1))
              .handler(HandlerBinding.ofJson("invite.created", handler))
              .handler(HandlerBinding.ofJson("profile.updated", handler))
              .build());
    }
    List<InboundMessage> deliveries = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      JsonNode event =
          i % 2 == 0 ? Fixtures.invite("inv_" + i) : Fixtures.profile("cand_" + i, 1 + i % 7);
      for (int copy = 0; copy < COPIES; copy++) {
        deliveries.add(msg(event));
      }
    }
    Collections.shuffle(deliveries, new Random(42));
    ConcurrentLinkedQueue<InboundMessage> queue = new ConcurrentLinkedQueue<>(deliveries);
    Map<Outcome, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    AtomicInteger retries = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        EventPipeline consumer = consumers.get(t % 2);
        workers.add(
            pool.submit(
                () -> {
                  start.await();
                  InboundMessage m;
                  while ((m = queue.poll()) != null) {
                    ProcessingResult r = consumer.process(m);
                    int attempt = 1;
                    while (!r.acknowledged()) {
                      // the other consumer holds the key: redeliver, as the transport would
                      retries.incrementAndGet();
                      r = consumer.process(m, ++attempt);
                    }
                    outcomes
                        .computeIfAbsent(r.outcome(), k -> new AtomicInteger())
                        .incrementAndGet();
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> worker : workers) {
        worker.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(runs).hasSize(KEYS);
    assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    assertThat(outcomes.get(Outcome.PROCESSED)).hasValue(KEYS);
    assertThat(outcomes.get(Outcome.DUPLICATE)).hasValue(KEYS * (COPIES - 1));
    assertThat(outcomes).containsOnlyKeys(Outcome.PROCESSED, Outcome.DUPLICATE);
  }
}
