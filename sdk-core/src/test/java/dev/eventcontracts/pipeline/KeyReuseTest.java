package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.NearCache;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.metrics.MetricNames;
import dev.eventcontracts.testing.stores.MutableClock;
import dev.eventcontracts.validation.ViolationCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Same idempotency key, different payload: counted, logged without the payload, optionally DLQ. */
class KeyReuseTest {
  private final MutableClock clock = MutableClock.startingAt(NOW);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final InMemoryDeadLetterSink sink = DeadLetterSink.inMemory();
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private final PipelineListener listener =
      new PipelineListener() {
        @Override
        public void onKeyReuse(String event, String version, ProcessingResult result) {
          heard.add(event + " " + version + " " + result.outcome());
        }
      };

  /** The same event (same key) with a different payload field, as a new event id. */
  static ObjectNode reused(ObjectNode original) {
    ObjectNode other = Fixtures.withNewId(original.deepCopy());
    ((ObjectNode) other.get("payload")).putArray("changed_fields").add("email");
    return other;
  }

  private EventPipeline.Builder pipeline() {
    return Fixtures.pipeline(sink, clock)
        .handler(HandlerBinding.ofJson("profile.updated", (p, c) -> {}))
        .meterRegistry(meters)
        .listener(listener);
  }

  private double reuses() {
    var counter =
        meters.find(MetricNames.KEY_REUSES).tag(MetricNames.TAG_EVENT, "profile.updated").counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aDifferentPayloadUnderACompletedKeyIsCountedAndLoggedWithoutThePayload() {
    EventPipeline pipeline = pipeline().build();
    ObjectNode first = profile("cand_secret", 1);
    assertThat(pipeline.process(msg(first)).outcome()).isEqualTo(Outcome.PROCESSED);

    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    ProcessingResult result;
    try (PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setErr(tee);
      result = pipeline.process(msg(reused(first)));
    } finally {
      System.setErr(original);
    }

    assertThat(result.outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(result.acknowledged()).isTrue();
    assertThat(heard).containsExactly("profile.updated v1 DUPLICATE");
    assertThat(reuses()).isEqualTo(1.0);
    assertThat(sink.deadLetters()).isEmpty();
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("idempotency key (not logged) reused by profile.updated");
    assertThat(log).contains("differs from");
    assertThat(log).doesNotContain("cand_secret").doesNotContain("email");
  }

  @Test
  void theSamePayloadInAnotherEnvelopeIsAPlainDuplicate() {
    EventPipeline pipeline = pipeline().build();
    ObjectNode first = profile("cand_1", 1);
    pipeline.process(msg(first));
    // a new event id and member order: the same payload as JSON
    ObjectNode again = Fixtures.withNewId(first.deepCopy());
    ObjectNode payload = (ObjectNode) again.get("payload");
    var id = payload.remove("candidate_id");
    payload.set("candidate_id", id);

    assertThat(pipeline.process(msg(again)).outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(pipeline.process(msg(first)).outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(heard).isEmpty();
    assertThat(reuses()).isZero();
  }

  @Test
  void deadLetterSendsTheReusedKeyToTheSinkWithItsOwnReason() {
    EventPipeline pipeline = pipeline().onKeyReuse(KeyReuse.DEAD_LETTER).build();
    ObjectNode first = profile("cand_1", 1);
    pipeline.process(msg(first));
    ProcessingResult result = pipeline.process(msg(reused(first)));

    assertThat(result.outcome()).isEqualTo(Outcome.KEY_REUSED);
    assertThat(result.acknowledged()).isTrue();
    assertThat(sink.deadLetters()).hasSize(1);
    assertThat(sink.deadLetters().get(0).reasonCode()).isEqualTo("KEY_REUSED");
    assertThat(sink.deadLetters().get(0).violations().get(0).code())
        .isEqualTo(ViolationCode.KEY_REUSED);
    assertThat(heard).containsExactly("profile.updated v1 KEY_REUSED");
    // the original stays the one processed; a true duplicate is still a duplicate
    assertThat(pipeline.process(msg(first)).outcome()).isEqualTo(Outcome.DUPLICATE);
  }

  @Test
  void ignoreKeepsNoFingerprints() {
    EventPipeline pipeline = pipeline().onKeyReuse(KeyReuse.IGNORE).build();
    ObjectNode first = profile("cand_1", 1);
    pipeline.process(msg(first));
    assertThat(pipeline.process(msg(reused(first))).outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(heard).isEmpty();
  }

  @Test
  void batchesKeepFingerprintsToo() {
    EventPipeline pipeline = pipeline().build();
    ObjectNode first = profile("cand_1", 1);
    pipeline.processBatch(List.of(msg(first), msg(profile("cand_2", 1))));
    List<ProcessingResult> second = pipeline.processBatch(List.of(msg(reused(first))));
    assertThat(second.get(0).outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(heard).containsExactly("profile.updated v1 DUPLICATE");
  }

  @Test
  void aBatchReadsTheFingerprintsOfItsDuplicatesInOneCall() {
    Fixtures.CountingDedupStore store =
        new Fixtures.CountingDedupStore(DedupStore.inMemory(1_000, clock));
    EventPipeline pipeline = pipeline().dedupStore(store).build();
    ObjectNode a = profile("cand_a", 1);
    ObjectNode b = profile("cand_b", 1);
    ObjectNode c = profile("cand_c", 1);
    pipeline.processBatch(List.of(msg(a), msg(b), msg(c)));

    List<ProcessingResult> second =
        pipeline.processBatch(
            List.of(
                msg(reused(a)),
                msg(Fixtures.withNewId(b.deepCopy())),
                msg(reused(c)),
                msg(profile("cand_d", 1))));

    assertThat(second)
        .extracting(ProcessingResult::outcome)
        .containsExactly(
            Outcome.DUPLICATE, Outcome.DUPLICATE, Outcome.DUPLICATE, Outcome.PROCESSED);
    assertThat(heard)
        .containsExactly("profile.updated v1 DUPLICATE", "profile.updated v1 DUPLICATE");
    assertThat(store.fingerprintAlls.get()).as("one batch read").isEqualTo(1);
    assertThat(store.fingerprints.get()).as("no read per duplicate").isZero();
  }

  @Test
  void aFailedBatchReadFallsBackToOneReadPerDuplicate() {
    Fixtures.CountingDedupStore store =
        new Fixtures.CountingDedupStore(DedupStore.inMemory(1_000, clock));
    EventPipeline pipeline = pipeline().dedupStore(store).build();
    ObjectNode a = profile("cand_a", 1);
    ObjectNode b = profile("cand_b", 1);
    pipeline.processBatch(List.of(msg(a), msg(b)));
    store.failFingerprintAlls = true;

    List<ProcessingResult> second =
        pipeline.processBatch(List.of(msg(reused(a)), msg(Fixtures.withNewId(b.deepCopy()))));

    assertThat(second)
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.DUPLICATE, Outcome.DUPLICATE);
    assertThat(heard).containsExactly("profile.updated v1 DUPLICATE");
    assertThat(store.fingerprints.get()).isEqualTo(2);
  }

  @Test
  void theNearCacheAnswersTheFingerprintOfKeysItCompleted() {
    Fixtures.CountingDedupStore store =
        new Fixtures.CountingDedupStore(DedupStore.inMemory(1_000, clock));
    EventPipeline pipeline =
        pipeline()
            .dedupStore(store)
            .nearCache(NearCache.builder().clock(clock).expireAfter(Duration.ofMinutes(10)).build())
            .build();
    ObjectNode first = profile("cand_1", 1);
    pipeline.process(msg(first));
    int claims = store.claims.get();
    assertThat(pipeline.process(msg(reused(first))).outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(store.claims.get()).isEqualTo(claims); // answered by the cache
    assertThat(heard).containsExactly("profile.updated v1 DUPLICATE");
  }
}
