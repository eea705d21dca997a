package dev.eventcontracts.testing.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.Field;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.EnvelopeFormats;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.pipeline.EventContext;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.testing.transport.TransportUnderTest.RunningConsumer;
import dev.eventcontracts.testing.transport.TransportUnderTest.Source;
import io.github.resilience4j.retry.RetryConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transport compatibility kit: the delivery rules every transport adapter of the SDK must keep,
 * checked end to end through a real {@link EventPipeline}. Extend it in your adapter's tests and
 * return your adapter from {@link #transport()}; the Kafka adapter, the Pub/Sub adapter and {@link
 * InMemoryTransport} all pass it.
 *
 * <ul>
 *   <li>only final outcomes are acknowledged: a message whose result is {@code RETRY} goes to the
 *       next consumer after a graceful stop, an acknowledged one does not;
 *   <li>retries keep order: a key's later messages wait behind a retried one, other keys flow;
 *   <li>a dead letter is stored before its message is acknowledged: while the sink fails, the
 *       message stays unacknowledged and reaches the next consumer;
 *   <li>the replay flag comes from the transport attribute {@code replay=true} only, never from the
 *       payload;
 *   <li>a killed consumer loses nothing: every message is handled once by the survivors (the shared
 *       dedup store absorbs the redeliveries).
 * </ul>
 *
 * <pre>{@code
 * class MyTransportTest extends TransportContract {
 *   protected TransportUnderTest transport() { return new MyTransportUnderTest(...); }
 * }
 * }</pre>
 */
public abstract class TransportContract {
  /** The event every check sends: CloudEvents structured mode, type {@code kit.item.changed.v1}. */
  public static final String EVENT = "kit.item.changed";

  private static final ObjectMapper JSON = new ObjectMapper();

  private TransportUnderTest transport;
  private final List<RunningConsumer> running = new CopyOnWriteArrayList<>();

  /** Handler calls that returned, in call order. */
  protected final List<Call> calls = new CopyOnWriteArrayList<>();

  /** Handler calls that threw on purpose. */
  protected final List<Call> failedCalls = new CopyOnWriteArrayList<>();

  private final FlakySink sink = new FlakySink();
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> failUntilAttempt = new ConcurrentHashMap<>();
  private volatile long handlerDelayMillis;
  private DedupStore dedup;
  private EntityVersionStore versions;

  /** The adapter under test; called once before each check, closed after it. */
  protected abstract TransportUnderTest transport() throws Exception;

  /** How long a check waits for the transport to deliver; 60 s by default. */
  protected Duration patience() {
    return Duration.ofSeconds(60);
  }

  /** One handler call. */
  public record Call(String eventId, String item, int seq, boolean replay, int attempt) {}

  @BeforeEach
  void openTransport() throws Exception {
    transport = transport();
    freshStores();
  }

  @AfterEach
  void closeTransport() throws Exception {
    for (RunningConsumer c : running) {
      c.stop();
    }
    transport.close();
  }

  @Test
  void onlyFinalOutcomesAreAcknowledged() throws Exception {
    Source source = transport.source(name("final"));
    String acked = send(source, "k", event("item-1", 1));
    String retried = send(source, "k", event("item-1", 2));
    String after = send(source, "k", event("item-1", 3));
    failing.add(retried);

    RunningConsumer first = start(source, 1_000);
    await("the second message retried", () -> failedCalls.size() >= 2);
    first.stop(); // RETRY is not final: nothing from the second message on may be acknowledged
    failing.clear();

    // the second consumer forgets what the first one processed, so a message acknowledged by the
    // first would be handled again if the transport delivered it again
    freshStores();
    start(source, 1_000);
    await("the rest handled", () -> handled(after));
    assertThat(handledIds())
        .as("the acknowledged message not delivered again, the retried one not lost")
        .containsExactly(acked, retried, after);
  }

  @Test
  void retriesKeepTheOrderOfAKeyWhileOtherKeysFlow() throws Exception {
    Source source = transport.source(name("order"));
    Map<String, List<String>> sent = new java.util.LinkedHashMap<>();
    for (int seq = 1; seq <= 4; seq++) {
      for (String key : List.of("a", "b", "c")) {
        String id = send(source, key, event("item-" + key, seq));
        sent.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
      }
    }
    String retried = sent.get("a").get(1);
    failUntilAttempt.put(retried, 3); // fails on attempts 1 and 2

    start(source, 5);
    await("every message handled", () -> calls.size() >= 12);
    assertThat(failedCalls).extracting(Call::eventId).containsOnly(retried);
    assertThat(failedCalls).extracting(Call::attempt).containsExactly(1, 2);
    for (Map.Entry<String, List<String>> key : sent.entrySet()) {
      assertThat(handledIds().stream().filter(key.getValue()::contains))
          .as("handled order of key %s", key.getKey())
          .containsExactlyElementsOf(key.getValue());
    }
    assertThat(calls.stream().filter(c -> c.eventId().equals(retried)))
        .extracting(Call::attempt)
        .containsExactly(3);
  }

  @Test
  void aDeadLetterIsStoredBeforeItsMessageIsAcknowledged() throws Exception {
    Source source = transport.source(name("dlq"));
    ObjectNode invalid = event("item-9", 1);
    ((ObjectNode) invalid.path("data")).remove("item_id");
    String invalidId = send(source, "k", invalid);
    String next = send(source, "k", event("item-9", 2));
    sink.down = true;

    RunningConsumer first = start(source, 3);
    await("the sink refused the dead letter", () -> sink.refused.get() >= 2);
    first.stop();
    assertThat(sink.stored).isEmpty();
    assertThat(calls).as("the next message waits behind the invalid one").isEmpty();
    sink.down = false;

    // the dead letter can only be stored now if the invalid message was not acknowledged
    start(source, 3);
    await("the dead letter stored and the next message handled", () -> handled(next));
    assertThat(sink.stored).extracting(DeadLetter::eventId).contains(invalidId);
    assertThat(sink.stored).extracting(DeadLetter::reason).containsOnly(Outcome.INVALID);
    assertThat(handledIds()).containsExactly(next);
  }

  @Test
  void theReplayFlagComesFromTheAttributeOnly() throws Exception {
    Source source = transport.source(name("replay"));
    String flagged = send(source, "k", event("item-r", 1), Map.of("replay", "true"));
    ObjectNode inPayload = event("item-r", 2);
    inPayload.put("replay", "true");
    ((ObjectNode) inPayload.path("data")).put("replay", true);
    String unflagged = send(source, "k", inPayload, Map.of());
    String other = send(source, "k", event("item-r", 3), Map.of("replay", "false"));

    start(source, 3);
    await("all handled", () -> handled(other));
    Map<String, Boolean> replay =
        calls.stream().collect(Collectors.toMap(Call::eventId, Call::replay, (x, y) -> x));
    assertThat(replay)
        .containsEntry(flagged, true)
        .containsEntry(unflagged, false)
        .containsEntry(other, false);
  }

  @Test
  void aKilledConsumerLosesNothing() throws Exception {
    Source source = transport.source(name("kill"));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ids.add(send(source, "k" + (i % 3), event("item-" + (i % 3), i / 3 + 1)));
    }
    handlerDelayMillis = 20;
    RunningConsumer first = start(source, 3);
    await("a few handled", () -> calls.size() >= 5);
    first.kill();
    running.remove(first);
    handlerDelayMillis = 0;

    start(source, 3);
    await("every message handled", () -> handledIds().containsAll(ids));
    assertThat(handledIds()).as("each handled once").doesNotHaveDuplicates();
  }

  // ---------------------------------------------------------------- helpers

  /** Whether {@code eventId} was handled (a call that returned). */
  protected boolean handled(String eventId) {
    return calls.stream().anyMatch(c -> c.eventId().equals(eventId));
  }

  /** Event ids of the calls that returned, in call order. */
  protected List<String> handledIds() {
    return calls.stream().map(Call::eventId).collect(Collectors.toList());
  }

  private void freshStores() {
    dedup = DedupStore.inMemory(100_000, java.time.Clock.systemUTC());
    versions = EntityVersionStore.inMemory();
  }

  private String name(String check) {
    return "kit-" + check + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private RunningConsumer start(Source source, int maxAttempts) throws Exception {
    RunningConsumer consumer = source.start(pipeline(maxAttempts));
    running.add(consumer);
    return consumer;
  }

  private EventPipeline pipeline(int maxAttempts) {
    return EventPipeline.builder(registry())
        .dedupStore(dedup)
        .entityVersionStore(versions)
        .deadLetterSink(sink)
        .sinkRetryDelay(Duration.ofMillis(100))
        .retry(
            RetryConfig.custom()
                .maxAttempts(maxAttempts)
                .waitDuration(Duration.ofMillis(50))
                .build())
        .handler(HandlerBinding.ofJson(EVENT, this::handle))
        .build();
  }

  private void handle(JsonNode data, EventContext context) throws InterruptedException {
    String eventId = context.envelope().eventId();
    Call call =
        new Call(
            eventId,
            data.path("item_id").asText(),
            data.path("seq").asInt(),
            context.replay(),
            context.deliveryAttempt());
    if (handlerDelayMillis > 0) {
      Thread.sleep(handlerDelayMillis);
    }
    if (failing.contains(eventId)
        || context.deliveryAttempt() < failUntilAttempt.getOrDefault(eventId, 0)) {
      failedCalls.add(call);
      throw new IllegalStateException("failing on purpose: " + eventId);
    }
    calls.add(call);
  }

  /** The kit's registry: one CloudEvents contract with a required item id and sequence number. */
  protected static ContractRegistry registry() {
    return ContractRegistry.builder()
        .name("transport-kit")
        .envelopeFormat(EnvelopeFormats.cloudEvents())
        .add(
            EventContract.builder(EVENT, "v1")
                .required("item_id", Field.string())
                .required("seq", Field.integer())
                .build())
        .build();
  }

  /** A new event (structured CloudEvents) for {@code item}. */
  protected static ObjectNode event(String item, int seq) {
    ObjectNode e = JSON.createObjectNode();
    e.put("specversion", "1.0");
    e.put("id", UUID.randomUUID().toString());
    e.put("source", "/transport-kit");
    e.put("type", EVENT + ".v1");
    e.put("time", "2026-01-01T00:00:00Z");
    e.put("datacontenttype", "application/json");
    ObjectNode data = e.putObject("data");
    data.put("item_id", item);
    data.put("seq", seq);
    return e;
  }

  private static String send(Source source, String key, ObjectNode event) throws Exception {
    return send(source, key, event, Map.of());
  }

  private static String send(
      Source source, String key, ObjectNode event, Map<String, String> attributes)
      throws Exception {
    source.send(key, event.toString().getBytes(StandardCharsets.UTF_8), attributes);
    return event.path("id").asText();
  }

  private void await(String what, BooleanSupplier condition) {
    try {
      Awaitility.await(what)
          .atMost(patience())
          .pollInterval(Duration.ofMillis(20))
          .until(condition::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "timed out waiting for: "
              + what
              + "; handled "
              + handledIds().size()
              + ", failed calls "
              + failedCalls.size()
              + ", dead letters stored "
              + sink.stored.size()
              + ", refused "
              + sink.refused.get(),
          e);
    }
  }

  /** A dead-letter destination that refuses while {@code down}. */
  private static final class FlakySink implements DeadLetterSink {
    final List<DeadLetter> stored = new CopyOnWriteArrayList<>();
    final AtomicInteger refused = new AtomicInteger();
    volatile boolean down;

    @Override
    public void publish(DeadLetter deadLetter) throws Exception {
      if (down) {
        refused.incrementAndGet();
        throw new java.io.IOException("dead-letter destination down (on purpose)");
      }
      stored.add(deadLetter);
    }
  }
}
