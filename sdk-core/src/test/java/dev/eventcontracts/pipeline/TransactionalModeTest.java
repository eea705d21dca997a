package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static dev.eventcontracts.pipeline.Fixtures.replay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.metrics.MetricNames;
import dev.eventcontracts.testing.stores.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/**
 * The pipeline's transactional mode against a small in-memory fake: the key, the position and the
 * handler's writes commit or roll back together. (The JDBC store has its own tests in sdk-jdbc.)
 */
class TransactionalModeTest {
  /** Commits staged keys, positions and handler writes only when the work returns. */
  static final class FakeTransactionalStore implements TransactionalStore {
    final Set<String> keys = new HashSet<>();
    final Map<String, Long> positions = new HashMap<>();
    final List<String> writes = new ArrayList<>();
    final Connection connection = Mockito.mock(Connection.class);
    List<String> staged;
    int commits;
    int rollbacks;
    boolean down;

    @Override
    public synchronized <R> R inTransaction(Work<R> work) throws Exception {
      if (down) {
        throw new SQLException("connection refused");
      }
      Set<String> stagedKeys = new HashSet<>();
      Map<String, Long> stagedPositions = new HashMap<>();
      staged = new ArrayList<>();
      Transaction tx =
          new Transaction() {
            @Override
            public boolean recordKey(String key) {
              return !keys.contains(key) && stagedKeys.add(key);
            }

            @Override
            public OptionalLong lockPosition(String entity) {
              Long p = stagedPositions.getOrDefault(entity, positions.get(entity));
              return p == null ? OptionalLong.empty() : OptionalLong.of(p);
            }

            @Override
            public void setPosition(String entity, long position) {
              stagedPositions.put(entity, position);
            }

            @Override
            public Connection connection() {
              return connection;
            }
          };
      try {
        R result = work.run(tx);
        keys.addAll(stagedKeys);
        positions.putAll(stagedPositions);
        writes.addAll(staged);
        commits++;
        return result;
      } catch (Exception e) {
        rollbacks++;
        throw e;
      }
    }

    /** A handler that "writes" through the transaction and fails while {@code failing} is set. */
    EventHandler<JsonNode> handler(boolean[] failing) {
      return (payload, ctx) -> {
        assertThat(ctx.connection()).isSameAs(connection);
        staged.add(payload.get("candidate_id").asText() + "@" + payload.get("profile_version"));
        if (failing[0]) {
          throw new IllegalStateException("constraint violated");
        }
      };
    }
  }

  private final MutableClock clock = MutableClock.startingAt(NOW);
  private final InMemoryDeadLetterSink sink = DeadLetterSink.inMemory();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final FakeTransactionalStore store = new FakeTransactionalStore();
  private final boolean[] failing = {false};

  private EventPipeline pipeline(ReplayPolicy policy) {
    return Fixtures.pipeline(sink, clock)
        .meterRegistry(meters)
        .transactionalStore(store)
        .handler(
            HandlerBinding.ofJson("profile.updated", store.handler(failing)).replayPolicy(policy))
        .build();
  }

  @Test
  void keyPositionAndWritesCommitTogether() {
    EventPipeline pipeline = pipeline(ReplayPolicy.PROCESS);
    ObjectNode v3 = profile("cand_1", 3);

    assertThat(pipeline.process(msg(v3)).outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(pipeline.process(msg(v3)).outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(pipeline.process(msg(profile("cand_1", 5))).outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(pipeline.process(msg(profile("cand_1", 4))).outcome()).isEqualTo(Outcome.STALE);

    assertThat(store.writes).containsExactly("cand_1@3", "cand_1@5");
    assertThat(store.keys)
        .containsExactlyInAnyOrder(
            "-/profile.updated:cand_1:3",
            "-/profile.updated:cand_1:5",
            "-/profile.updated:cand_1:4");
    assertThat(store.positions).containsEntry("-/15:profile.updated/cand_1", 5L);
    assertThat(
            meters
                .get(MetricNames.STORE_DURATION)
                .tags(MetricNames.TAG_STORE, "transaction", MetricNames.TAG_OPERATION, "process")
                .timer()
                .count())
        .isEqualTo(4);
  }

  @Test
  void handlerFailureRollsEverythingBackSoTheRedeliveryApplies() {
    EventPipeline pipeline = pipeline(ReplayPolicy.PROCESS);
    failing[0] = true;

    ProcessingResult failed = pipeline.process(msg(profile("cand_1", 3)), 1);

    assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(failed.disposition()).isEqualTo(Disposition.RETRY);
    assertThat(failed.error()).isInstanceOf(IllegalStateException.class);
    assertThat(store.rollbacks).isEqualTo(1);
    assertThat(store.keys).isEmpty();
    assertThat(store.positions).isEmpty();
    assertThat(store.writes).isEmpty();

    failing[0] = false;
    assertThat(pipeline.process(msg(profile("cand_1", 3)), 2).outcome())
        .isEqualTo(Outcome.PROCESSED);
    assertThat(store.writes).containsExactly("cand_1@3");
  }

  @Test
  void lastFailedAttemptIsDeadLettered() {
    EventPipeline pipeline = pipeline(ReplayPolicy.PROCESS);
    failing[0] = true;

    ProcessingResult result = pipeline.process(msg(profile("cand_1", 3)), 3);

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
    assertThat(sink.deadLetters())
        .singleElement()
        .satisfies(
            dl -> {
              assertThat(dl.attempts()).isEqualTo(3);
              assertThat(dl.exceptionClass()).isEqualTo(IllegalStateException.class.getName());
            });
  }

  @Test
  void storeFailureIsRetried() {
    EventPipeline pipeline = pipeline(ReplayPolicy.PROCESS);
    store.down = true;

    ProcessingResult result = pipeline.process(msg(profile("cand_1", 3)));

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.disposition()).isEqualTo(Disposition.RETRY);
    assertThat(result.retryAfter()).isEqualTo(EventPipeline.DEFAULT_IN_PROGRESS_DELAY);
    assertThat(sink.deadLetters()).isEmpty();
  }

  @Test
  void reprocessedReplayRunsAgainWithoutMovingThePositionBack() {
    EventPipeline pipeline = pipeline(ReplayPolicy.REPROCESS);
    pipeline.process(msg(profile("cand_1", 3)));
    pipeline.process(msg(profile("cand_1", 5)));

    assertThat(pipeline.process(replay(profile("cand_1", 3))).outcome())
        .isEqualTo(Outcome.PROCESSED);

    assertThat(store.writes).containsExactly("cand_1@3", "cand_1@5", "cand_1@3");
    assertThat(store.positions).containsEntry("-/15:profile.updated/cand_1", 5L);
  }

  @Test
  void skippedReplayOpensNoTransaction() {
    EventPipeline pipeline = pipeline(ReplayPolicy.SKIP);

    assertThat(pipeline.process(replay(profile("cand_1", 3))).outcome())
        .isEqualTo(Outcome.DUPLICATE);
    assertThat(store.commits).isZero();
  }

  @Test
  void batchRunsConsecutiveMessagesInOneTransaction() {
    EventPipeline pipeline = pipeline(ReplayPolicy.PROCESS);
    ObjectNode v1 = profile("cand_1", 1);

    List<ProcessingResult> results =
        pipeline.processBatch(
            List.of(msg(v1), msg(v1), msg(profile("cand_2", 1)), msg(profile("cand_1", 2))));

    assertThat(results)
        .extracting(ProcessingResult::outcome)
        .containsExactly(
            Outcome.PROCESSED, Outcome.DUPLICATE, Outcome.PROCESSED, Outcome.PROCESSED);
    assertThat(store.commits).isEqualTo(1);
    assertThat(store.writes).containsExactly("cand_1@1", "cand_2@1", "cand_1@2");
    assertThat(store.positions).containsEntry("-/15:profile.updated/cand_1", 2L);
  }

  @Test
  void batchWithATransactionBatchSizeOfOneRunsOneTransactionPerMessage() {
    EventPipeline pipeline =
        Fixtures.pipeline(sink, clock)
            .transactionalStore(store)
            .transactionBatchSize(1)
            .handler(HandlerBinding.ofJson("profile.updated", store.handler(failing)))
            .build();
    ObjectNode v1 = profile("cand_1", 1);

    List<ProcessingResult> results =
        pipeline.processBatch(List.of(msg(v1), msg(v1), msg(profile("cand_2", 1))));

    assertThat(results)
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.PROCESSED, Outcome.DUPLICATE, Outcome.PROCESSED);
    assertThat(store.commits).isEqualTo(3);
  }

  @Test
  void aBatchOfSkippedReplaysOpensNoTransaction() {
    EventPipeline pipeline = pipeline(ReplayPolicy.SKIP);

    assertThat(
            pipeline.processBatch(
                List.of(replay(profile("cand_1", 3)), replay(profile("cand_2", 3)))))
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.DUPLICATE, Outcome.DUPLICATE);
    assertThat(store.commits).isZero();
  }

  @Test
  void transactionalStoreReplacesTheOtherStores() {
    assertThatThrownBy(
            () ->
                Fixtures.pipeline(sink, clock)
                    .transactionalStore(store)
                    .dedupStore(DedupStore.inMemory())
                    .build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void batchedWritesOutsideTransactionalModeAreTheHandlersFailure() {
    EventPipeline pipeline =
        Fixtures.pipeline(sink, clock)
            .retry(io.github.resilience4j.retry.RetryConfig.custom().maxAttempts(1).build())
            .handler(
                HandlerBinding.ofJson(
                    "profile.updated",
                    (payload, ctx) -> {
                      assertThat(ctx.connection()).isNull();
                      ctx.batch("INSERT INTO t VALUES (?)");
                    }))
            .build();

    assertThat(pipeline.process(msg(profile("cand_1", 3))).outcome()).isEqualTo(Outcome.FAILED);
    assertThat(sink.deadLetters()).hasSize(1);
    assertThat(sink.deadLetters().get(0).exceptionClass())
        .isEqualTo(IllegalStateException.class.getName());
  }
}
