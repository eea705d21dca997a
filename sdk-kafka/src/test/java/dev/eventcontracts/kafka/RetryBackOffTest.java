package dev.eventcontracts.kafka;

import static dev.eventcontracts.kafka.KafkaTestSupport.await;
import static dev.eventcontracts.kafka.KafkaTestSupport.awaitEquals;
import static dev.eventcontracts.kafka.KafkaTestSupport.committedOrZero;
import static dev.eventcontracts.kafka.KafkaTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.transport.RecordingHandler;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A record whose handler fails is retried after its back-off by pausing its partition: the
 * partition keeps its order, other partitions keep flowing, and the consumer stays in its group.
 */
class RetryBackOffTest {
  private static final Duration BACK_OFF = Duration.ofMillis(1500);

  @Test
  void failingRecordIsRetriedInOrderWhileOtherPartitionsFlowAndTheGroupIsKept() {
    String topic = KafkaTestSupport.topics("retry", 2);
    String group = KafkaTestSupport.group("retry");
    RecruitingEvents events = RecruitingEvents.withSeed(21);
    for (int i = 0; i < 6; i++) {
      send(topic, 0, events.event("qa.submitted", i));
    }
    for (int i = 0; i < 3; i++) {
      send(topic, 1, events.event("qa.submitted", 100 + i));
    }
    RecordingHandler recorder = new RecordingHandler();
    // record 2 of partition 0 fails on its first two deliveries
    recorder.failWhen(
        (payload, ctx) ->
            ctx.origin().partition() == 0
                && ctx.origin().offset() == 2
                && ctx.deliveryAttempt() < 3);
    AtomicInteger assigned = new AtomicInteger();
    AtomicInteger revokedOrLost = new AtomicInteger();
    ConsumerRebalanceListener listener =
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
              assigned.incrementAndGet();
            }
          }

          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
              revokedOrLost.incrementAndGet();
            }
          }

          @Override
          public void onPartitionsLost(Collection<TopicPartition> partitions) {
            revokedOrLost.incrementAndGet();
          }
        };

    try (KafkaDeadLetterSink sink =
            KafkaDeadLetterSink.builder(KafkaTestSupport.producerProperties()).build();
        KafkaEventConsumer consumer =
            KafkaEventConsumer.builder(
                    recorder
                        .pipeline(KafkaTestSupport.recruiting())
                        .deadLetterSink(sink)
                        .retry(RetryConfig.custom().maxAttempts(5).waitDuration(BACK_OFF).build())
                        .build())
                .consumerProperties(KafkaTestSupport.consumerProperties())
                .groupId(group)
                .topics(List.of(topic))
                .rebalanceListener(listener)
                .onResult(recorder::recordResult)
                .build()) {
      consumer.start();
      await("the first failure", () -> recorder.failedCalls().size() == 1);
      // partition 0 is paused now; partition 1 must keep flowing while it is
      for (int i = 3; i < 6; i++) {
        send(topic, 1, events.event("qa.submitted", 100 + i));
      }
      awaitEquals("committed on partition 0", 6L, () -> committedOrZero(group, topic, 0));
      awaitEquals("committed on partition 1", 6L, () -> committedOrZero(group, topic, 1));
      assertThat(revokedOrLost.get()).as("revocations").isZero();
      assertThat(assigned.get()).as("assignments").isEqualTo(1);
      assertThat(consumer.isRunning()).isTrue();
    }

    // partition 0 kept its order: 3, 4, 5 only after 2 succeeded, each handled once
    assertThat(recorder.offsets(0)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(recorder.failedCalls())
        .extracting(RecordingHandler.Call::attempt)
        .containsExactly(1, 2);
    RecordingHandler.Call success =
        recorder.calls().stream()
            .filter(c -> c.origin().partition() == 0 && c.origin().offset() == 2)
            .findFirst()
            .orElseThrow();
    assertThat(success.attempt()).isEqualTo(3);
    // the back-off was honoured between deliveries
    long firstToSecond =
        recorder.failedCalls().get(1).nanoTime() - recorder.failedCalls().get(0).nanoTime();
    long secondToThird = success.nanoTime() - recorder.failedCalls().get(1).nanoTime();
    assertThat(Duration.ofNanos(firstToSecond)).isGreaterThanOrEqualTo(BACK_OFF.minusMillis(50));
    assertThat(Duration.ofNanos(secondToThird)).isGreaterThanOrEqualTo(BACK_OFF.minusMillis(50));
    // partition 1's later records were handled while partition 0 waited for its retry
    List<RecordingHandler.Call> laterOnOne =
        recorder.calls().stream()
            .filter(c -> c.origin().partition() == 1 && c.origin().offset() >= 3)
            .toList();
    assertThat(laterOnOne).hasSize(3);
    assertThat(laterOnOne).allMatch(c -> c.nanoTime() < success.nanoTime());
    assertThat(recorder.offsets(1)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
  }
}
