package dev.eventcontracts.pubsub;

import static dev.eventcontracts.pubsub.PubSubTestSupport.PROJECT;
import static dev.eventcontracts.pubsub.PubSubTestSupport.host;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.core.ApiFuture;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import dev.eventcontracts.dlq.DeadLetterAttributes;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.fuzz.FuzzCheck;
import dev.eventcontracts.testing.fuzz.FuzzDriver;
import dev.eventcontracts.testing.fuzz.HostileInputs;
import dev.eventcontracts.testing.fuzz.HostileInputs.Input;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input through the Pub/Sub adapter on the test server, with the same invariants as the
 * Kafka fuzz: every message gets exactly one final outcome its input class allows (acked once),
 * every rejected one is in the dead-letter topic, and the consumer never fails. {@code
 * -Dfuzz.pubsubInputs=N} sets the count (1,000).
 */
class PubSubFuzzTest {
  private static final int INPUTS = Integer.getInteger("fuzz.pubsubInputs", 1_000);
  private static final long SEED = 20261204L;
  // pstest puts every waiting message into one StreamingPull response, with no cap on its size as
  // the real service has; a few 1 MB messages push it past gRPC's inbound limit and the stream
  // breaks for ever, so huge values (a reader-level check, fuzzed through Kafka) are left out here
  private static final int MAX_MESSAGE_BYTES = 256 * 1024;

  @BeforeAll
  static void server() {
    PubSubTestSupport.server(); // skips the class (fails it in CI) without a server
  }

  @Test
  void everyMessageEndsWithOneFinalOutcomeAndIsAckedOnce() throws Exception {
    RecruitingEvents events = RecruitingEvents.withSeed(SEED);
    List<ObjectNode> samples = new ArrayList<>();
    for (String name : RecruitingEvents.EVENT_NAMES) {
      for (int n = 1; n <= 10; n++) {
        samples.add(events.event(name, n));
      }
    }
    String id = PubSubTestSupport.setUp("fuzz");
    String topic = TopicName.format(PROJECT, id);
    HostileInputs inputs = HostileInputs.of(SEED, samples, 0);
    List<ApiFuture<String>> sends = new ArrayList<>();
    List<Input> sent = new ArrayList<>();
    for (int i = 0; i < INPUTS; i++) {
      Input input = inputs.next();
      while (input.value().length > MAX_MESSAGE_BYTES) {
        input = inputs.next();
      }
      sends.add(
          PubSubTestSupport.publisher(topic)
              .publish(
                  PubsubMessage.newBuilder().setData(ByteString.copyFrom(input.value())).build()));
      sent.add(input);
    }
    Map<String, Input> byMessageId = new HashMap<>();
    for (int i = 0; i < sends.size(); i++) {
      byMessageId.put(sends.get(i).get(30, TimeUnit.SECONDS), sent.get(i));
    }

    FuzzCheck check = FuzzCheck.withoutFaults();
    Queue<ProcessingResult> results = new ConcurrentLinkedQueue<>();
    Map<String, ProcessingResult> finals = new HashMap<>();
    try (PubSubDeadLetterSink sink =
            PubSubDeadLetterSink.builder(PROJECT).emulatorHost(host()).build();
        PubSubEventConsumer consumer =
            PubSubEventConsumer.builder(
                    FuzzDriver.pipeline(PubSubTestSupport.recruiting(), check, sink).build())
                .subscription(PROJECT, id)
                .emulatorHost(host())
                .closeTimeout(Duration.ofSeconds(10))
                .onResult(results::add)
                .build()) {
      consumer.start();
      PubSubTestSupport.await(
          "every message final",
          Duration.ofSeconds(180),
          () -> results.stream().filter(ProcessingResult::acknowledged).count() >= INPUTS);
      assertThat(consumer.failure()).isEmpty();
    }
    long deadLettered = 0;
    for (ProcessingResult r : results) {
      if (!r.acknowledged()) {
        continue; // two messages with one key at once: the second waits (IN_PROGRESS)
      }
      String messageId = r.message().origin().messageId();
      assertThat(finals.put(messageId, r)).as("one final result for " + messageId).isNull();
      check.record(byMessageId.get(messageId), r, null);
      if (r.deadLetter() != null) {
        deadLettered++;
      }
    }
    System.out.println("fuzz through Pub/Sub: " + INPUTS + " messages\n" + check.table());
    assertThat(finals.keySet()).isEqualTo(byMessageId.keySet());
    assertThat(check.problems()).isEmpty();
    Set<String> origins = new HashSet<>();
    for (PubsubMessage m :
        PubSubTestSupport.pull(
            ProjectSubscriptionName.format(PROJECT, id + "-dlq-reader"), (int) deadLettered)) {
      origins.add(m.getAttributesOrDefault(DeadLetterAttributes.ORIGIN_MESSAGE_ID, ""));
    }
    assertThat(origins).hasSize((int) deadLettered);
  }
}
