package dev.eventcontracts.pubsub;

import static dev.eventcontracts.pubsub.PubSubTestSupport.PROJECT;
import static dev.eventcontracts.pubsub.PubSubTestSupport.await;
import static dev.eventcontracts.pubsub.PubSubTestSupport.drain;
import static dev.eventcontracts.pubsub.PubSubTestSupport.host;
import static dev.eventcontracts.pubsub.PubSubTestSupport.publish;
import static dev.eventcontracts.pubsub.PubSubTestSupport.pull;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.Field;
import dev.eventcontracts.contract.OrderingRule;
import dev.eventcontracts.dlq.DeadLetterAttributes;
import dev.eventcontracts.envelope.EnvelopeFormats;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.transport.RecordingHandler;
import io.github.resilience4j.retry.RetryConfig;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End-to-end runs of {@link PubSubEventConsumer} with {@link PubSubDeadLetterSink}. */
class PubSubEventConsumerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RecruitingEvents events = RecruitingEvents.withSeed(11);

  @BeforeAll
  static void server() {
    PubSubTestSupport.server(); // skips the class (fails it in CI) without a server
  }

  private static PubSubDeadLetterSink sink() {
    return PubSubDeadLetterSink.builder(PROJECT).emulatorHost(host()).build();
  }

  private static EventPipeline pipeline(
      RecordingHandler recorder, PubSubDeadLetterSink sink, int tries) {
    return recorder
        .pipeline(PubSubTestSupport.recruiting())
        .deadLetterSink(sink)
        .retry(RetryConfig.custom().maxAttempts(tries).waitDuration(Duration.ofMillis(50)).build())
        .build();
  }

  private static PubSubEventConsumer.Builder consumer(
      EventPipeline pipeline, RecordingHandler recorder, String subscription) {
    return PubSubEventConsumer.builder(pipeline)
        .subscription(PROJECT, subscription)
        .emulatorHost(host())
        .closeTimeout(Duration.ofSeconds(10))
        .onResult(recorder::recordResult);
  }

  private static String topicOf(String id) {
    return TopicName.format(PROJECT, id);
  }

  private static String subOf(String id) {
    return ProjectSubscriptionName.format(PROJECT, id);
  }

  /** The final result per message id (the one that acked it); fails on two final results. */
  private static Map<String, ProcessingResult> finals(RecordingHandler recorder) {
    Map<String, ProcessingResult> out = new HashMap<>();
    for (ProcessingResult r : recorder.results()) {
      if (r.acknowledged()) {
        assertThat(out.put(r.message().origin().messageId(), r))
            .as("second final result for %s", r.message().origin().messageId())
            .isNull();
      }
    }
    return out;
  }

  @Test
  void everyOutcomeEndToEndAckedOnlyOnceFinal() throws Exception {
    String id = PubSubTestSupport.setUp("outcomes");
    RecordingHandler recorder = new RecordingHandler();
    List<String> valid = Files.readAllLines(PubSubTestSupport.RECRUITING_VALID);
    for (String line : valid) {
      publish(topicOf(id), line);
    }
    ObjectNode newer = events.profileUpdated("cand_stale", 5);
    ObjectNode failing = events.event("invite.expired", 6);
    String failingId = failing.path("event_id").asText();
    recorder.failWhen((payload, ctx) -> ctx.envelope().eventId().equals(failingId));
    Map<String, Outcome> expected = new HashMap<>();
    expected.put(publish(topicOf(id), newer.toString()), Outcome.PROCESSED);
    expected.put(publish(topicOf(id), newer.toString()), Outcome.DUPLICATE);
    expected.put(
        publish(topicOf(id), events.profileUpdated("cand_stale", 3).toString()), Outcome.STALE);
    expected.put(
        publish(
            topicOf(id),
            RecruitingEvents.withoutPayloadField(events.event("job.updated", 3), "status")
                .toString()),
        Outcome.INVALID);
    expected.put(
        publish(
            topicOf(id),
            RecruitingEvents.withVersion(events.event("qa.submitted", 5), "v2").toString()),
        Outcome.UNSUPPORTED_VERSION);
    expected.put(
        publish(
            topicOf(id),
            events.event("invite.created", 4).put("event_name", "profile.deleted").toString()),
        Outcome.UNKNOWN_EVENT);
    expected.put(
        publish(topicOf(id), new byte[] {(byte) 0xff, 0x00, '{', (byte) 0xc3}), Outcome.MALFORMED);
    expected.put(publish(topicOf(id), failing.toString()), Outcome.FAILED);
    expected.put(
        publish(topicOf(id), events.event("packet.ready", 7).toString()), Outcome.PROCESSED);

    PubSubMessageReceiver receiver;
    try (PubSubDeadLetterSink sink = sink();
        PubSubEventConsumer consumer =
            consumer(pipeline(recorder, sink, 2), recorder, id).concurrency(1).build()) {
      receiver = consumer.receiver();
      consumer.start();
      await("every message final", () -> finals(recorder).size() == valid.size() + 9);
    }
    // the failing handler's first delivery was nacked, not acked
    assertThat(receiver.nacks()).isGreaterThanOrEqualTo(1);
    assertThat(receiver.acks()).isEqualTo(valid.size() + 9);
    assertThat(receiver.failedAcks()).isZero();

    Map<String, ProcessingResult> finals = finals(recorder);
    expected.forEach(
        (messageId, outcome) ->
            assertThat(finals.get(messageId).outcome()).as(messageId).isEqualTo(outcome));
    assertThat(finals.values().stream().filter(r -> r.outcome() == Outcome.PROCESSED).count())
        .isEqualTo(valid.size() + 2);
    // attempt 1 failed and was nacked; the redelivery was attempt 2, the last one
    assertThat(recorder.failedCalls())
        .extracting(RecordingHandler.Call::attempt)
        .containsExactly(1, 2);
    // the subscription is empty: everything was acked
    assertThat(drain(subOf(id), Duration.ofMillis(300))).isEmpty();

    List<PubsubMessage> dlq = pull(subOf(id + "-dlq-reader"), 5);
    assertThat(dlq)
        .extracting(m -> m.getAttributesOrThrow(DeadLetterAttributes.REASON))
        .containsExactlyInAnyOrder(
            "INVALID", "UNSUPPORTED_VERSION", "UNKNOWN_EVENT", "MALFORMED", "FAILED");
    PubsubMessage failed =
        dlq.stream()
            .filter(m -> m.getAttributesOrThrow(DeadLetterAttributes.REASON).equals("FAILED"))
            .findFirst()
            .orElseThrow();
    assertThat(failed.getData().toStringUtf8()).isEqualTo(failing.toString());
    assertThat(failed.getAttributesOrThrow(DeadLetterAttributes.ATTEMPTS)).isEqualTo("2");
    assertThat(failed.getAttributesOrThrow(DeadLetterAttributes.EXCEPTION_CLASS))
        .isEqualTo(IllegalStateException.class.getName());
  }

  @Test
  void nackedThenRedeliveredThenProcessed() {
    String id = PubSubTestSupport.setUp("redelivery");
    RecordingHandler recorder = new RecordingHandler();
    recorder.failWhen((payload, ctx) -> ctx.deliveryAttempt() == 1);
    String messageId = publish(topicOf(id), events.event("packet.ready", 1).toString());

    try (PubSubDeadLetterSink sink = sink();
        PubSubEventConsumer consumer =
            consumer(pipeline(recorder, sink, 3), recorder, id).build()) {
      consumer.start();
      await("processed", () -> recorder.calls().size() == 1);
      await("acked", () -> consumer.receiver().acks() == 1);
      assertThat(consumer.receiver().nacks()).isEqualTo(1);
    }
    assertThat(recorder.failedCalls())
        .extracting(RecordingHandler.Call::attempt)
        .containsExactly(1);
    assertThat(recorder.calls()).extracting(RecordingHandler.Call::attempt).containsExactly(2);
    assertThat(recorder.results())
        .extracting(ProcessingResult::disposition)
        .extracting(Enum::name)
        .containsExactly("RETRY", "ACKNOWLEDGE");
    assertThat(recorder.calls().get(0).origin().messageId()).isEqualTo(messageId);
    assertThat(drain(subOf(id), Duration.ofMillis(300))).isEmpty();
    assertThat(drain(subOf(id + "-dlq-reader"), Duration.ofMillis(100))).isEmpty();
  }

  @Test
  void deadLetterCarriesTheOriginalMessageAndEveryReasonAttribute() throws Exception {
    String id = PubSubTestSupport.setUp("reasons");
    RecordingHandler recorder = new RecordingHandler();
    ObjectNode invalid =
        RecruitingEvents.withoutPayloadField(events.event("job.updated", 2), "status");
    Instant before = Instant.now().minusSeconds(1);
    String messageId = publish(topicOf(id), invalid.toString(), "tenant", "acme", "trace", "t-1");

    try (PubSubDeadLetterSink sink = sink();
        PubSubEventConsumer consumer =
            consumer(pipeline(recorder, sink, 2), recorder, id).build()) {
      consumer.start();
      await("acked", () -> consumer.receiver().acks() == 1);
    }

    PubsubMessage dead = pull(subOf(id + "-dlq-reader"), 1).get(0);
    assertThat(dead.getData().toStringUtf8()).isEqualTo(invalid.toString());
    Map<String, String> a = dead.getAttributesMap();
    assertThat(a)
        .containsEntry("tenant", "acme")
        .containsEntry("trace", "t-1")
        .containsEntry(DeadLetterAttributes.REASON, "INVALID")
        .containsEntry(DeadLetterAttributes.ORIGIN_SUBSCRIPTION, subOf(id))
        .containsEntry(DeadLetterAttributes.ORIGIN_MESSAGE_ID, messageId)
        .containsEntry(DeadLetterAttributes.ATTEMPTS, "0")
        .containsEntry(DeadLetterAttributes.EVENT_ID, invalid.path("event_id").asText())
        .containsEntry(DeadLetterAttributes.EVENT_NAME, "job.updated")
        .containsEntry(DeadLetterAttributes.EVENT_VERSION, "v1")
        .doesNotContainKey(DeadLetterAttributes.EXCEPTION_CLASS)
        .doesNotContainKey(PubSubAttributes.CLIENT_DELIVERY_ATTEMPT);
    JsonNode errors = JSON.readTree(a.get(DeadLetterAttributes.ERRORS));
    assertThat(errors.isArray()).isTrue();
    assertThat(errors.toString()).contains("status");
    assertThat(Instant.parse(a.get(DeadLetterAttributes.ORIGIN_TIMESTAMP))).isAfter(before);
    assertThat(Instant.parse(a.get(DeadLetterAttributes.DEAD_LETTERED_AT))).isAfter(before);
  }

  @Test
  void unconfirmedDeadLetterIsNeverAckedAndGoesThroughOnceTheTopicExists() {
    String id = PubSubTestSupport.unique("no-dlq-topic");
    String topic = PubSubTestSupport.topic(id);
    PubSubTestSupport.subscription(topic, id);
    RecordingHandler recorder = new RecordingHandler();
    publish(topic, "not json at all");

    try (PubSubDeadLetterSink sink = sink();
        PubSubEventConsumer consumer =
            consumer(
                    recorder
                        .pipeline(PubSubTestSupport.recruiting())
                        .deadLetterSink(sink)
                        .sinkRetryDelay(Duration.ofMillis(100))
                        .build(),
                    recorder,
                    id)
                .build()) {
      consumer.start();
      await("two failed dead-letter publishes", () -> recorder.results().size() >= 2);
      assertThat(consumer.receiver().acks()).isZero();
      assertThat(recorder.results())
          .allSatisfy(r -> assertThat(r.acknowledged()).isFalse())
          .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.MALFORMED));
      // the topic appears: the next delivery's dead letter is confirmed, then acked
      String dlq = PubSubTestSupport.topic(id + PubSubDeadLetterSink.DEFAULT_TOPIC_SUFFIX);
      PubSubTestSupport.subscription(dlq, id + "-dlq-reader");
      await("acked after the dead letter", () -> consumer.receiver().acks() == 1);
    }
    assertThat(pull(subOf(id + "-dlq-reader"), 1).get(0).getAttributesMap())
        .containsEntry(DeadLetterAttributes.REASON, "MALFORMED");
  }

  @Test
  void subscriptionDeadLetterPolicySuppliesDeliveryAttemptsAndTheAdapterDeadLettersFirst() {
    String id = PubSubTestSupport.unique("policy");
    String topic = PubSubTestSupport.topic(id);
    String serviceDlq = PubSubTestSupport.topic(id + "-service-dlq");
    PubSubTestSupport.subscription(serviceDlq, id + "-service-dlq-reader");
    PubSubTestSupport.subscription(
        topic,
        id,
        b ->
            b.setDeadLetterPolicy(
                DeadLetterPolicy.newBuilder()
                    .setDeadLetterTopic(serviceDlq)
                    .setMaxDeliveryAttempts(5)
                    .build()));
    PubSubTestSupport.subscription(
        PubSubTestSupport.topic(id + PubSubDeadLetterSink.DEFAULT_TOPIC_SUFFIX),
        id + "-dlq-reader");
    RecordingHandler recorder = new RecordingHandler();
    recorder.failWhen((payload, ctx) -> true);
    ObjectNode event = events.event("packet.ready", 3);
    publish(topic, event.toString());

    // the pipeline's bound (3) is below the policy's (5): the adapter dead-letters with a reason
    try (PubSubDeadLetterSink sink = sink();
        PubSubEventConsumer consumer =
            consumer(
                    // a consumer with its own attempt cache would count the same: 1, 2, 3
                    pipeline(recorder, sink, 3), recorder, id)
                .attemptCache(1, Duration.ofMillis(1)) // so the numbers must be the service's
                .build()) {
      consumer.start();
      await("acked", () -> consumer.receiver().acks() == 1);
    }
    assertThat(recorder.failedCalls())
        .extracting(RecordingHandler.Call::attempt)
        .containsExactly(1, 2, 3);
    PubsubMessage ours = pull(subOf(id + "-dlq-reader"), 1).get(0);
    assertThat(ours.getAttributesMap())
        .containsEntry(DeadLetterAttributes.REASON, "FAILED")
        .containsEntry(DeadLetterAttributes.ATTEMPTS, "3")
        .doesNotContainKey(PubSubAttributes.CLIENT_DELIVERY_ATTEMPT);
    assertThat(drain(subOf(id + "-service-dlq-reader"), Duration.ofMillis(300))).isEmpty();
  }

  @Test
  void subscriptionPolicyBelowThePipelineBoundForwardsWithoutAReason() {
    String id = PubSubTestSupport.unique("policy-first");
    String topic = PubSubTestSupport.topic(id);
    String serviceDlq = PubSubTestSupport.topic(id + "-service-dlq");
    PubSubTestSupport.subscription(serviceDlq, id + "-service-dlq-reader");
    PubSubTestSupport.subscription(
        topic,
        id,
        b ->
            b.setDeadLetterPolicy(
                DeadLetterPolicy.newBuilder()
                    .setDeadLetterTopic(serviceDlq)
                    .setMaxDeliveryAttempts(5)
                    .build()));
    RecordingHandler recorder = new RecordingHandler();
    recorder.failWhen((payload, ctx) -> true);
    publish(topic, events.event("packet.ready", 4).toString());

    try (PubSubDeadLetterSink sink = sink();
        PubSubEventConsumer consumer =
            consumer(pipeline(recorder, sink, 10), recorder, id).build()) {
      consumer.start();
      PubsubMessage forwarded = pull(subOf(id + "-service-dlq-reader"), 1).get(0);
      assertThat(forwarded.getAttributesMap())
          .containsKey("CloudPubSubDeadLetterSourceSubscription")
          .doesNotContainKey(DeadLetterAttributes.REASON);
    }
    assertThat(recorder.failedCalls())
        .extracting(RecordingHandler.Call::attempt)
        .containsExactly(1, 2, 3, 4, 5);
  }

  @Test
  void replayFlagComesFromTheAttributeOnly() {
    String id = PubSubTestSupport.setUp("replay");
    RecordingHandler recorder = new RecordingHandler();
    ObjectNode replayed = events.event("packet.ready", 1);
    ObjectNode claimsInPayload = events.event("packet.ready", 2);
    claimsInPayload.put("replay", true);
    publish(topicOf(id), replayed.toString(), PubSubAttributes.REPLAY, "true");
    publish(topicOf(id), claimsInPayload.toString());

    try (PubSubDeadLetterSink sink = sink();
        PubSubEventConsumer consumer =
            consumer(pipeline(recorder, sink, 2), recorder, id).build()) {
      consumer.start();
      await("both processed", () -> recorder.calls().size() == 2);
    }
    Map<String, Boolean> replay =
        recorder.calls().stream()
            .collect(
                Collectors.toMap(RecordingHandler.Call::eventId, RecordingHandler.Call::replay));
    assertThat(replay)
        .containsEntry(replayed.path("event_id").asText(), true)
        .containsEntry(claimsInPayload.path("event_id").asText(), false);
  }

  @Test
  void shutdownWithMessagesInFlightLosesNothingAndAcksNothingUnfinished() {
    String id = PubSubTestSupport.setUp("shutdown");
    int count = 120;
    Set<String> published = new HashSet<>();
    for (int i = 0; i < count; i++) {
      ObjectNode e = events.event("packet.ready", 100 + i);
      published.add(e.path("event_id").asText());
      publish(topicOf(id), e.toString());
    }
    RecordingHandler recorder = new RecordingHandler();
    recorder.failWhen(
        (payload, ctx) -> {
          PubSubTestSupport.sleep(20); // slow handlers, so some are running at close
          return false;
        });
    try (PubSubDeadLetterSink sink = sink()) {
      EventPipeline pipeline = pipeline(recorder, sink, 2); // one dedup store for both runs
      PubSubEventConsumer first = consumer(pipeline, recorder, id).concurrency(4).build();
      first.start();
      await("some processed", () -> recorder.calls().size() >= 20);
      first.close();
      long acked = first.receiver().acks();
      long finished = recorder.results().stream().filter(ProcessingResult::acknowledged).count();
      // every ack belongs to a finished outcome, and every finished outcome was acked
      assertThat(acked).isEqualTo(finished);
      assertThat(first.receiver().inFlight()).isZero();
      assertThat(acked).isLessThan(count);

      try (PubSubEventConsumer second = consumer(pipeline, recorder, id).concurrency(4).build()) {
        second.start();
        await(
            "every event processed",
            Duration.ofSeconds(60),
            () -> recorder.eventIds().containsAll(published));
      }
    }
    assertThat(new HashSet<>(recorder.eventIds())).isEqualTo(published);
    assertThat(recorder.eventIds()).hasSize(count); // none twice: the dedup store saw them all
  }

  private static ContractRegistry todo() {
    return ContractRegistry.builder()
        .name("todo")
        .envelopeFormat(EnvelopeFormats.cloudEvents())
        .add(
            EventContract.builder("com.todo.task.created", "v1")
                .required("task_id", Field.string())
                .required("title", Field.string())
                .ordering(OrderingRule.byTimestamp("{task_id}", "envelope.occurred_at"))
                .build())
        .build();
  }

  @Test
  void cloudEventsInBinaryAndStructuredMode() {
    String id = PubSubTestSupport.setUp("cloudevents");
    RecordingHandler recorder = new RecordingHandler();
    String type = "com.todo.task.created.v1";
    String binaryId = UUID.randomUUID().toString();
    String structuredId = UUID.randomUUID().toString();
    String invalidId = UUID.randomUUID().toString();
    // binary mode: ce- attributes, the data is the message data
    publish(
        topicOf(id),
        "{\"task_id\":\"task-1\",\"title\":\"Water the plants\"}",
        "ce-specversion",
        "1.0",
        "ce-id",
        binaryId,
        "ce-type",
        type,
        "ce-source",
        "/chat-api",
        "ce-time",
        "2026-02-03T09:01:30Z",
        "content-type",
        "application/json");
    // structured mode: the whole event is the data
    ObjectNode ce = JSON.createObjectNode();
    ce.put("specversion", "1.0");
    ce.put("id", structuredId);
    ce.put("type", type);
    ce.put("source", "/chat-api");
    ce.put("time", "2026-02-03T09:02:30Z");
    ce.put("datacontenttype", "application/json");
    ce.set("data", JSON.createObjectNode().put("task_id", "task-2").put("title", "Buy milk"));
    publish(topicOf(id), ce.toString(), "content-type", "application/cloudevents+json");
    // binary mode without a title: INVALID, and its ce- attributes travel with the dead letter
    publish(
        topicOf(id),
        "{\"task_id\":\"task-3\"}",
        "ce-specversion",
        "1.0",
        "ce-id",
        invalidId,
        "ce-type",
        type,
        "ce-source",
        "/chat-api",
        "ce-time",
        "2026-02-03T09:03:30Z");

    try (PubSubDeadLetterSink sink = sink();
        PubSubEventConsumer consumer =
            consumer(recorder.pipeline(todo()).deadLetterSink(sink).build(), recorder, id)
                .build()) {
      consumer.start();
      await("all final", () -> finals(recorder).size() == 3);
    }
    assertThat(recorder.results())
        .extracting(ProcessingResult::outcome)
        .containsExactlyInAnyOrder(Outcome.PROCESSED, Outcome.PROCESSED, Outcome.INVALID);
    assertThat(recorder.calls())
        .extracting(RecordingHandler.Call::eventId)
        .containsExactlyInAnyOrder(binaryId, structuredId);
    assertThat(recorder.calls())
        .extracting(c -> c.payload().path("title").asText())
        .containsExactlyInAnyOrder("Water the plants", "Buy milk");
    PubsubMessage dead = pull(subOf(id + "-dlq-reader"), 1).get(0);
    assertThat(dead.getAttributesMap())
        .containsEntry(DeadLetterAttributes.REASON, "INVALID")
        .containsEntry(DeadLetterAttributes.EVENT_ID, invalidId)
        .containsEntry("ce-id", invalidId)
        .containsEntry("ce-type", type);
  }

  @Test
  void aKeysMessagesRunOneAtATimeInOrderAlsoAcrossRetriesWhileKeysRunInParallel() {
    String id = PubSubTestSupport.unique("ordering");
    String topic = PubSubTestSupport.topic(id);
    PubSubTestSupport.subscription(topic, id, b -> b.setEnableMessageOrdering(true));
    PubSubTestSupport.subscription(
        PubSubTestSupport.topic(id + PubSubDeadLetterSink.DEFAULT_TOPIC_SUFFIX),
        id + "-dlq-reader");
    List<String> keys = List.of("key-a", "key-b", "key-c", "key-d");
    Map<String, List<String>> published = new HashMap<>();
    Map<String, String> keyOf = new java.util.concurrent.ConcurrentHashMap<>();
    for (int i = 0; i < 6; i++) {
      for (int k = 0; k < keys.size(); k++) {
        ObjectNode event = events.event("packet.ready", 100 * (k + 1) + i);
        String eventId = event.path("event_id").asText();
        published.computeIfAbsent(keys.get(k), x -> new java.util.ArrayList<>()).add(eventId);
        keyOf.put(eventId, keys.get(k));
        publish(
            topic,
            PubsubMessage.newBuilder()
                .setData(com.google.protobuf.ByteString.copyFromUtf8(event.toString()))
                .setOrderingKey(keys.get(k))
                .build());
      }
    }
    String failing = published.get("key-a").get(1);
    Set<String> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicInteger active =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger mostActive =
        new java.util.concurrent.atomic.AtomicInteger();
    List<String> overlaps = new java.util.concurrent.CopyOnWriteArrayList<>();
    RecordingHandler recorder = new RecordingHandler();
    // the probe runs inside the handler: it sees two calls of one key overlap, and how many calls
    // run at once; key-a's second message fails twice, and a nack would let the key's later
    // messages overtake it
    recorder.failWhen(
        (payload, ctx) -> {
          String key = keyOf.get(ctx.envelope().eventId());
          if (!running.add(key)) {
            overlaps.add(key);
          }
          mostActive.accumulateAndGet(active.incrementAndGet(), Math::max);
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          active.decrementAndGet();
          running.remove(key);
          return ctx.envelope().eventId().equals(failing) && ctx.deliveryAttempt() < 3;
        });

    try (PubSubDeadLetterSink sink = sink();
        PubSubEventConsumer consumer =
            consumer(pipeline(recorder, sink, 3), recorder, id).concurrency(4).build()) {
      consumer.start();
      await("all processed", () -> recorder.calls().size() == 24);
      assertThat(consumer.receiver().nacks()).isZero();
    }
    assertThat(recorder.failedCalls())
        .extracting(RecordingHandler.Call::attempt)
        .containsExactly(1, 2);
    assertThat(overlaps).as("keys with two messages running at once").isEmpty();
    assertThat(mostActive.get()).as("messages of different keys running at once").isGreaterThan(1);
    for (String key : keys) {
      assertThat(
              recorder.calls().stream()
                  .map(RecordingHandler.Call::eventId)
                  .filter(e -> key.equals(keyOf.get(e))))
          .as("order of %s", key)
          .containsExactlyElementsOf(published.get(key));
    }
  }

  @Test
  void thePlainReceiverRunsInASubscriberTheUserBuilds() throws Exception {
    String id = PubSubTestSupport.setUp("plain");
    RecordingHandler recorder = new RecordingHandler();
    ObjectNode valid = events.event("packet.ready", 1);
    publish(topicOf(id), valid.toString());
    publish(topicOf(id), "{ not json");
    try (PubSubDeadLetterSink sink = sink()) {
      PubSubMessageReceiver receiver =
          PubSubMessageReceiver.builder(pipeline(recorder, sink, 3))
              .subscription(subOf(id))
              .onResult(recorder::recordResult)
              .build();
      var channel = io.grpc.ManagedChannelBuilder.forTarget(host()).usePlaintext().build();
      var channels =
          com.google.api.gax.rpc.FixedTransportChannelProvider.create(
              com.google.api.gax.grpc.GrpcTransportChannel.create(channel));
      com.google.cloud.pubsub.v1.Subscriber subscriber =
          com.google.cloud.pubsub.v1.Subscriber.newBuilder(subOf(id), receiver.plain())
              .setChannelProvider(channels)
              .setCredentialsProvider(com.google.api.gax.core.NoCredentialsProvider.create())
              .build();
      subscriber.startAsync().awaitRunning();
      try {
        await("both final", () -> finals(recorder).size() == 2);
        assertThat(receiver.acks()).isEqualTo(2);
        assertThat(receiver.failedAcks()).isZero(); // plain acks carry no response
      } finally {
        subscriber.stopAsync().awaitTerminated();
        channel.shutdownNow();
      }
    }
    assertThat(recorder.eventIds()).containsExactly(valid.path("event_id").asText());
    assertThat(finals(recorder).values())
        .extracting(ProcessingResult::outcome)
        .containsExactlyInAnyOrder(Outcome.PROCESSED, Outcome.MALFORMED);
    List<PubsubMessage> dead = pull(subOf(id + "-dlq-reader"), 1);
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).getAttributesMap()).containsEntry("ec-dlq-reason", "MALFORMED");
  }
}
