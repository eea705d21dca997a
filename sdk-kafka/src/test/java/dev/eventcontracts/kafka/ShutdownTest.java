package dev.eventcontracts.kafka;

import static dev.eventcontracts.kafka.KafkaTestSupport.await;
import static dev.eventcontracts.kafka.KafkaTestSupport.awaitEquals;
import static dev.eventcontracts.kafka.KafkaTestSupport.committedOrZero;
import static dev.eventcontracts.kafka.KafkaTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.transport.RecordingHandler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Graceful shutdown commits exactly the finished records; the kill hook commits nothing. */
class ShutdownTest {
  private final RecruitingEvents events = RecruitingEvents.withSeed(31);

  @Test
  void closeFinishesTheRecordInProgressAndCommitsOnlyFinishedRecords() throws Exception {
    String topic = KafkaTestSupport.topics("close", 1);
    String group = KafkaTestSupport.group("close");
    for (int i = 0; i < 10; i++) {
      send(topic, 0, events.event("packet.ready", i));
    }
    RecordingHandler recorder = new RecordingHandler();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    recorder.failWhen(
        (payload, ctx) -> {
          if (ctx.origin().offset() == 3) {
            entered.countDown();
            block(release);
          }
          return false;
        });
    EventPipeline pipeline = pipeline(recorder);
    KafkaEventConsumer first = consumer(pipeline, group, topic, recorder);
    first.start();
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    Thread closer = new Thread(first::close, "closer");
    closer.start();
    await("close() waiting", () -> closer.getState() == Thread.State.TIMED_WAITING);
    release.countDown();
    closer.join(30_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(first.isRunning()).isFalse();
    assertThat(recorder.offsets(0)).containsExactly(0L, 1L, 2L, 3L);
    assertThat(committedOrZero(group, topic, 0)).isEqualTo(4);

    // the next member of the group continues exactly after the finished records
    try (KafkaEventConsumer second = consumer(pipeline, group, topic, recorder)) {
      second.start();
      awaitEquals("committed offset", 10L, () -> committedOrZero(group, topic, 0));
    }
    assertThat(recorder.offsets(0)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(recorder.results()).allMatch(r -> r.outcome() == Outcome.PROCESSED);
  }

  @Test
  void killCommitsNothingMoreAndTheRedeliveredRecordsAreDuplicates() throws Exception {
    String topic = KafkaTestSupport.topics("kill", 1);
    String group = KafkaTestSupport.group("kill");
    for (int i = 0; i < 10; i++) {
      send(topic, 0, events.event("packet.ready", 100 + i));
    }
    RecordingHandler recorder = new RecordingHandler();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    recorder.failWhen(
        (payload, ctx) -> {
          if (ctx.origin().offset() == 7) {
            entered.countDown();
            block(release);
          }
          return false;
        });
    EventPipeline pipeline = pipeline(recorder); // one dedup store for both members
    // polls of 5: records 0-4 are finished and committed, then 5 and 6 finish and 7 blocks
    KafkaEventConsumer first =
        KafkaEventConsumer.builder(pipeline)
            .consumerProperties(KafkaTestSupport.consumerProperties())
            .groupId(group)
            .topics(List.of(topic))
            .maxBatch(5)
            .onResult(recorder::recordResult)
            .build();
    first.start();
    awaitEquals("committed offset", 5L, () -> committedOrZero(group, topic, 0));
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    Thread killer = new Thread(first::kill, "killer");
    killer.start();
    await("kill() waiting", () -> killer.getState() == Thread.State.TIMED_WAITING);
    release.countDown();
    killer.join(30_000);
    assertThat(first.isRunning()).isFalse();
    assertThat(recorder.offsets(0)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(committedOrZero(group, topic, 0)).as("nothing committed by kill").isEqualTo(5);

    recorder.clearResults();
    try (KafkaEventConsumer second = consumer(pipeline, group, topic, recorder)) {
      second.start();
      awaitEquals("committed offset", 10L, () -> committedOrZero(group, topic, 0));
    }
    // 5, 6, 7 come again and are recognised; every handler ran once per event
    assertThat(recorder.offsets(0)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(recorder.results())
        .extracting(ProcessingResult::outcome)
        .containsExactly(
            Outcome.DUPLICATE,
            Outcome.DUPLICATE,
            Outcome.DUPLICATE,
            Outcome.PROCESSED,
            Outcome.PROCESSED);
  }

  @Test
  void closeFromAHandlerOnAWorkerThreadStopsAfterThatRecord() {
    String topic = KafkaTestSupport.topics("selfclose", 2);
    String group = KafkaTestSupport.group("selfclose");
    for (int i = 0; i < 12; i++) { // both partitions in the first poll: processed on workers
      send(topic, i % 2, events.event("packet.ready", 200 + i));
    }
    RecordingHandler recorder = new RecordingHandler();
    AtomicReference<KafkaEventConsumer> self = new AtomicReference<>();
    recorder.failWhen(
        (payload, ctx) -> {
          if (ctx.origin().partition() == 0 && ctx.origin().offset() == 2) {
            long start = System.nanoTime();
            self.get().close(); // returns at once instead of waiting for its own thread
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
          }
          return false;
        });
    KafkaEventConsumer consumer =
        KafkaEventConsumer.builder(pipeline(recorder))
            .consumerProperties(KafkaTestSupport.consumerProperties())
            .groupId(group)
            .topics(List.of(topic))
            .concurrency(2)
            .build();
    self.set(consumer);
    consumer.start();
    await("the consumer stopping itself", () -> !consumer.isRunning());
    assertThat(recorder.offsets(0)).containsExactly(0L, 1L, 2L);
    assertThat(committedOrZero(group, topic, 0)).isEqualTo(3);
    assertThat(consumer.failure()).isEmpty();
  }

  @Test
  void membersOfOneGroupInOneJvmShareThePartitionsAndTheSurvivorTakesOverAfterAKill() {
    String topic = KafkaTestSupport.topics("members", 2);
    String group = KafkaTestSupport.group("members");
    RecordingHandler recorder = new RecordingHandler();
    EventPipeline pipeline = pipeline(recorder); // stands for a shared dedup store
    Map<String, Set<TopicPartition>> owned = new ConcurrentHashMap<>();
    KafkaEventConsumer a = member(pipeline, group, topic, recorder, "a", owned);
    KafkaEventConsumer b = member(pipeline, group, topic, recorder, "b", owned);
    try {
      a.start();
      await("a owning both partitions", () -> owned.getOrDefault("a", Set.of()).size() == 2);
      b.start();
      await(
          "one partition each",
          () ->
              owned.getOrDefault("a", Set.of()).size() == 1
                  && owned.getOrDefault("b", Set.of()).size() == 1);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        if (i == 10) {
          await("both members handling", () -> recorder.calls().size() == 10);
          a.kill();
          await("b owning both partitions", () -> owned.get("b").size() == 2);
        }
        var event = events.event("qa.submitted", 500 + i);
        ids.add(event.path("event_id").asText());
        send(topic, i % 2, event);
      }
      awaitEquals("committed on partition 0", 10L, () -> committedOrZero(group, topic, 0));
      awaitEquals("committed on partition 1", 10L, () -> committedOrZero(group, topic, 1));
      assertThat(recorder.eventIds()).containsExactlyInAnyOrderElementsOf(ids);
      // before the kill each member handled one partition; after it, b handled both
      assertThat(
              recorder.calls().subList(0, 10).stream()
                  .map(RecordingHandler.Call::thread)
                  .distinct())
          .hasSize(2);
      assertThat(
              recorder.calls().subList(10, 20).stream()
                  .map(RecordingHandler.Call::thread)
                  .distinct())
          .hasSize(1);
    } finally {
      a.close();
      b.close();
    }
  }

  private static KafkaEventConsumer member(
      EventPipeline pipeline,
      String group,
      String topic,
      RecordingHandler recorder,
      String name,
      Map<String, Set<TopicPartition>> owned) {
    owned.put(name, ConcurrentHashMap.newKeySet());
    return KafkaEventConsumer.builder(pipeline)
        .consumerProperties(KafkaTestSupport.consumerProperties())
        .groupId(group)
        .topics(List.of(topic))
        .onResult(recorder::recordResult)
        .rebalanceListener(
            new ConsumerRebalanceListener() {
              @Override
              public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                owned.get(name).removeAll(partitions);
              }

              @Override
              public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                owned.get(name).addAll(partitions);
              }
            })
        .build();
  }

  private static EventPipeline pipeline(RecordingHandler recorder) {
    return recorder
        .pipeline(KafkaTestSupport.recruiting())
        .deadLetterSink(dev.eventcontracts.dlq.DeadLetterSink.inMemory())
        .build();
  }

  private static KafkaEventConsumer consumer(
      EventPipeline pipeline, String group, String topic, RecordingHandler recorder) {
    return KafkaEventConsumer.builder(pipeline)
        .consumerProperties(KafkaTestSupport.consumerProperties())
        .groupId(group)
        .topics(List.of(topic))
        .onResult(recorder::recordResult)
        .build();
  }

  private static void block(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
