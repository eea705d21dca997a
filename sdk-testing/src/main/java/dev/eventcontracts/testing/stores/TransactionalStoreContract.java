package dev.eventcontracts.testing.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.Field;
import dev.eventcontracts.contract.OrderingRule;
import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.dedup.UnstorableKeyException;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.Origin;
import dev.eventcontracts.pipeline.Disposition;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import io.github.resilience4j.retry.RetryConfig;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The compatibility kit for {@link TransactionalStore}: extend it and implement {@link
 * #createStore()}, and every store passes the same tests of keys, positions and the handler's own
 * writes committing and rolling back together.
 *
 * <p>The handler's writes go to a scratch table that the kit creates through the transaction's
 * connection before each test and drops after it; override {@link #createScratchTableSql(String)}
 * when the database needs other DDL. Keys and entities carry a fresh random prefix per test.
 */
public abstract class TransactionalStoreContract {

  /** How many threads race in the concurrency tests. */
  protected static final int THREADS = 8;

  /** How long a second transaction must stay blocked behind a first one holding the entity. */
  private static final long BLOCKED_MILLIS = 300;

  private TransactionalStore store;
  private String prefix;
  private String scratchTable;

  /** Creates the store under test; called before each test. */
  protected abstract TransactionalStore createStore();

  /**
   * The DDL for a scratch table with columns {@code id} and {@code note}, both strings of at least
   * 100 characters and {@code id} the primary key; the default suits PostgreSQL, MariaDB and H2.
   */
  protected String createScratchTableSql(String table) {
    return "CREATE TABLE " + table + " (id VARCHAR(100) PRIMARY KEY, note VARCHAR(100))";
  }

  /** The statement that drops the scratch table after a test. */
  protected String dropScratchTableSql(String table) {
    return "DROP TABLE IF EXISTS " + table;
  }

  /** The store under test. */
  protected final TransactionalStore store() {
    return store;
  }

  /** A key or entity unique to the running test, so tests sharing tables never collide. */
  protected final String name(String name) {
    return prefix + name;
  }

  @BeforeEach
  final void createStoreUnderTest() throws Exception {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    prefix = "kit-" + id + "-";
    scratchTable = "kit_scratch_" + id;
    store = createStore();
    // in a transaction of its own: some databases (MariaDB) commit implicitly on DDL
    store.inTransaction(tx -> execute(tx.connection(), createScratchTableSql(scratchTable)));
  }

  @AfterEach
  final void dropScratchTable() throws Exception {
    if (store != null) {
      try {
        store.inTransaction(tx -> execute(tx.connection(), dropScratchTableSql(scratchTable)));
      } finally {
        if (store instanceof AutoCloseable closeable) {
          closeable.close();
        }
      }
    }
  }

  @Test
  void aKeyIsRecordedOnceThenIsADuplicateInLaterTransactions() throws Exception {
    assertThat(recordInOwnTransaction(name("k"))).isTrue();

    assertThat(recordInOwnTransaction(name("k"))).isFalse();
    assertThat(recordInOwnTransaction(name("k"))).isFalse();
  }

  @Test
  void aKeyRecordedTwiceInOneTransactionIsADuplicateTheSecondTime() throws Exception {
    List<Boolean> recorded =
        store.inTransaction(tx -> List.of(tx.recordKey(name("k")), tx.recordKey(name("k"))));

    assertThat(recorded).containsExactly(true, false);
  }

  @Test
  void inTransactionReturnsWhatTheWorkReturned() throws Exception {
    String result = store.inTransaction(tx -> "result");

    assertThat(result).isEqualTo("result");
  }

  @Test
  void aCommittedTransactionKeepsTheKeyThePositionAndTheHandlersWrite() throws Exception {
    store.inTransaction(
        tx -> {
          assertThat(tx.recordKey(name("k"))).isTrue();
          assertThat(tx.lockPosition(name("entity"))).isEmpty();
          tx.setPosition(name("entity"), 5);
          insertScratchRow(tx.connection(), name("row"));
          return null;
        });

    store.inTransaction(
        tx -> {
          assertThat(tx.recordKey(name("k"))).isFalse();
          assertThat(tx.lockPosition(name("entity"))).hasValue(5);
          assertThat(countScratchRows(tx.connection(), name("row"))).isEqualTo(1);
          return null;
        });
  }

  @Test
  void aTransactionWhoseWorkThrowsRollsBackTheKeyThePositionAndTheHandlersWrite() throws Exception {
    Exception failure = new Exception("handler failed");

    assertThatThrownBy(
            () ->
                store.inTransaction(
                    tx -> {
                      assertThat(tx.recordKey(name("k"))).isTrue();
                      tx.lockPosition(name("entity"));
                      tx.setPosition(name("entity"), 5);
                      insertScratchRow(tx.connection(), name("row"));
                      throw failure;
                    }))
        .isSameAs(failure);

    store.inTransaction(
        tx -> {
          assertThat(countScratchRows(tx.connection(), name("row"))).isZero();
          assertThat(tx.lockPosition(name("entity"))).isEmpty();
          assertThat(tx.recordKey(name("k"))).isTrue();
          return null;
        });
  }

  @Test
  void anUncheckedExceptionFromTheWorkIsRethrownAfterTheRollback() throws Exception {
    IllegalStateException failure = new IllegalStateException("handler failed");

    assertThatThrownBy(
            () ->
                store.inTransaction(
                    tx -> {
                      tx.recordKey(name("k"));
                      throw failure;
                    }))
        .isSameAs(failure);

    assertThat(recordInOwnTransaction(name("k"))).isTrue();
  }

  @Test
  void setPositionStoresWhatLaterTransactionsLock() throws Exception {
    long epochMillis = 1_735_689_600_000L;
    store.inTransaction(
        tx -> {
          assertThat(tx.lockPosition(name("a"))).isEmpty();
          tx.setPosition(name("a"), epochMillis);
          assertThat(tx.lockPosition(name("a"))).hasValue(epochMillis);
          return null;
        });
    store.inTransaction(
        tx -> {
          tx.lockPosition(name("b"));
          tx.setPosition(name("b"), -3);
          tx.lockPosition(name("a"));
          tx.setPosition(name("a"), epochMillis + 1);
          return null;
        });

    store.inTransaction(
        tx -> {
          assertThat(tx.lockPosition(name("a"))).hasValue(epochMillis + 1);
          assertThat(tx.lockPosition(name("b"))).hasValue(-3);
          assertThat(tx.lockPosition(name("c"))).isEmpty();
          return null;
        });
  }

  @Test
  void unicodeAndLongKeysAndEntitiesWork() throws Exception {
    String unicode = name("Bestellung-\u00fc-\u6ce8\u6587-\ud83c\udf89");
    String base = name("long-");
    String longest = base + "x".repeat(512 - base.length());
    List<String> names = List.of(unicode, longest, unicode.toUpperCase());

    store.inTransaction(
        tx -> {
          for (String name : names) {
            assertThat(tx.recordKey(name)).as(name).isTrue();
            assertThat(tx.lockPosition(name)).as(name).isEmpty();
            tx.setPosition(name, name.length());
          }
          return null;
        });

    store.inTransaction(
        tx -> {
          for (String name : names) {
            assertThat(tx.recordKey(name)).as(name).isFalse();
            assertThat(tx.lockPosition(name)).as(name).hasValue(name.length());
          }
          return null;
        });
  }

  @Test
  void keysAndEntitiesNoStoreCanHoldAreRefusedAndRollBack() throws Exception {
    String base = name("long-");
    String tooLong = base + "x".repeat(513 - base.length());
    String kept = name("kept");
    for (String bad : List.of(tooLong, name("nul-\u0000"), name("lone-\ud83c"))) {
      assertThatThrownBy(
              () ->
                  store.inTransaction(
                      tx -> {
                        assertThat(tx.recordKey(kept)).isTrue();
                        return tx.recordKey(bad);
                      }))
          .isInstanceOf(UnstorableKeyException.class);
      assertThatThrownBy(() -> store.inTransaction(tx -> tx.lockPosition(bad)))
          .isInstanceOf(UnstorableKeyException.class);
      assertThatThrownBy(
              () ->
                  store.inTransaction(
                      tx -> {
                        tx.setPosition(bad, 1);
                        return null;
                      }))
          .isInstanceOf(UnstorableKeyException.class);
    }
    // the transaction that recorded the good key before the refused one rolled back
    Boolean recorded = store.inTransaction(tx -> tx.recordKey(kept));
    assertThat(recorded).isTrue();
  }

  @Test
  void aSecondTransactionOnAKnownEntityWaitsForTheFirstAndSeesItsPosition() throws Exception {
    String entity = name("known");
    store.inTransaction(
        tx -> {
          tx.lockPosition(entity);
          tx.setPosition(entity, 3);
          return null;
        });

    assertSecondTransactionWaitsAndSees(entity, OptionalLong.of(3), 7);
  }

  @Test
  void aSecondTransactionOnANewEntityWaitsForTheFirstAndSeesItsPosition() throws Exception {
    assertSecondTransactionWaitsAndSees(name("new"), OptionalLong.empty(), 7);
  }

  private void assertSecondTransactionWaitsAndSees(String entity, OptionalLong before, long after)
      throws Exception {
    CountDownLatch firstHoldsTheLock = new CountDownLatch(1);
    CountDownLatch letFirstCommit = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Object> first =
          pool.submit(
              () ->
                  store.inTransaction(
                      tx -> {
                        assertThat(tx.lockPosition(entity)).isEqualTo(before);
                        tx.setPosition(entity, after);
                        firstHoldsTheLock.countDown();
                        assertThat(
                                letFirstCommit.await(
                                    Concurrently.BOUND.toMillis(), TimeUnit.MILLISECONDS))
                            .isTrue();
                        return null;
                      }));
      assertThat(firstHoldsTheLock.await(Concurrently.BOUND.toMillis(), TimeUnit.MILLISECONDS))
          .as("the first transaction locked the entity")
          .isTrue();

      Future<OptionalLong> second =
          pool.submit(() -> store.inTransaction(tx -> tx.lockPosition(entity)));

      // a bounded wait that must run out: the second transaction is blocked on the entity
      assertThatThrownBy(() -> second.get(BLOCKED_MILLIS, TimeUnit.MILLISECONDS))
          .as("the second transaction waited for the first")
          .isInstanceOf(TimeoutException.class);
      letFirstCommit.countDown();
      first.get(Concurrently.BOUND.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(second.get(Concurrently.BOUND.toMillis(), TimeUnit.MILLISECONDS)).hasValue(after);
    } finally {
      letFirstCommit.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentReadModifyWriteTransactionsOnOneEntityLoseNoUpdate() throws Exception {
    String entity = name("counter");
    int perThread = 20;

    Concurrently.race(
        THREADS,
        thread -> {
          for (int i = 0; i < perThread; i++) {
            store.inTransaction(
                tx -> {
                  long current = tx.lockPosition(entity).orElse(0);
                  tx.setPosition(entity, current + 1);
                  return null;
                });
          }
          return null;
        });

    OptionalLong position = store.inTransaction(tx -> tx.lockPosition(entity));
    assertThat(position).hasValue((long) THREADS * perThread);
  }

  @Test
  void concurrentTransactionsRecordEachKeyOnce() throws Exception {
    List<String> keys =
        IntStream.range(0, 40).mapToObj(i -> name("race-" + i)).collect(Collectors.toList());
    Map<String, AtomicInteger> recorded = new ConcurrentHashMap<>();

    Concurrently.race(
        THREADS,
        thread -> {
          for (int i = 0; i < keys.size(); i++) {
            // each thread starts at another key, so threads collide on keys at different times
            String key = keys.get((i + thread * 5) % keys.size());
            if (store.inTransaction(tx -> tx.recordKey(key))) {
              recorded.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            }
          }
          return null;
        });

    Map<String, Integer> counts = new HashMap<>();
    keys.forEach(key -> counts.put(key, recorded.getOrDefault(key, new AtomicInteger()).get()));
    assertThat(counts).allSatisfy((key, count) -> assertThat(count).as(key).isEqualTo(1));
  }

  @Test
  void aRolledBackKeyCanBeRecordedByAConcurrentTransaction() throws Exception {
    String key = name("k");
    CountDownLatch firstRecorded = new CountDownLatch(1);
    CountDownLatch letFirstFail = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CompletableFuture<Void> first = new CompletableFuture<>();
      pool.execute(
          () -> {
            try {
              store.inTransaction(
                  tx -> {
                    assertThat(tx.recordKey(key)).isTrue();
                    firstRecorded.countDown();
                    letFirstFail.await(Concurrently.BOUND.toMillis(), TimeUnit.MILLISECONDS);
                    throw new IllegalStateException("handler failed");
                  });
              first.completeExceptionally(new AssertionError("the work did not fail"));
            } catch (Throwable expected) {
              first.complete(null);
            }
          });
      assertThat(firstRecorded.await(Concurrently.BOUND.toMillis(), TimeUnit.MILLISECONDS))
          .isTrue();

      Future<Boolean> second = pool.submit(() -> store.inTransaction(tx -> tx.recordKey(key)));
      // it cannot know yet whether the key is a duplicate, so it waits for the first
      assertThatThrownBy(() -> second.get(BLOCKED_MILLIS, TimeUnit.MILLISECONDS))
          .as("the second transaction waited for the first")
          .isInstanceOf(TimeoutException.class);
      letFirstFail.countDown();

      first.get(Concurrently.BOUND.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(second.get(Concurrently.BOUND.toMillis(), TimeUnit.MILLISECONDS))
          .as("the second transaction recorded the key the first rolled back")
          .isTrue();
    } finally {
      letFirstFail.countDown();
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- batches

  @Test
  void recordKeysRecordsTheNewKeysOnceAndReportsTheOthersAsDuplicates() throws Exception {
    assertThat(recordInOwnTransaction(name("old"))).isTrue();

    Set<String> recorded =
        store.inTransaction(
            tx -> tx.recordKeys(List.of(name("b"), name("old"), name("a"), name("b"))));

    assertThat(recorded).containsExactlyInAnyOrder(name("a"), name("b"));
    assertThat(recordInOwnTransaction(name("a"))).isFalse();
    assertThat(recordInOwnTransaction(name("b"))).isFalse();
  }

  @Test
  void lockPositionsAndSetPositionsWorkOnKnownAndNewEntitiesAndCommitTogether() throws Exception {
    store.inTransaction(
        tx -> {
          tx.lockPosition(name("known"));
          tx.setPosition(name("known"), 7);
          return null;
        });

    store.inTransaction(
        tx -> {
          Map<String, OptionalLong> locked =
              tx.lockPositions(List.of(name("new"), name("known"), name("new")));
          assertThat(locked)
              .containsOnly(
                  Map.entry(name("new"), OptionalLong.empty()),
                  Map.entry(name("known"), OptionalLong.of(7)));
          Map<String, Long> moved = new LinkedHashMap<>();
          moved.put(name("new"), -2L);
          moved.put(name("known"), 9L);
          tx.setPositions(moved);
          return null;
        });

    Map<String, OptionalLong> after =
        store.inTransaction(tx -> tx.lockPositions(List.of(name("known"), name("new"))));
    assertThat(after)
        .containsOnly(
            Map.entry(name("known"), OptionalLong.of(9)),
            Map.entry(name("new"), OptionalLong.of(-2)));
  }

  @Test
  void aRolledBackBatchLeavesNoKeyNoPositionAndNoWrite() throws Exception {
    Exception failure = new Exception("handler failed");

    assertThatThrownBy(
            () ->
                store.inTransaction(
                    tx -> {
                      tx.recordKeys(List.of(name("k1"), name("k2")));
                      tx.lockPositions(List.of(name("e")));
                      tx.setPositions(Map.of(name("e"), 3L));
                      insertScratchRow(tx.connection(), name("row"));
                      throw failure;
                    }))
        .isSameAs(failure);

    store.inTransaction(
        tx -> {
          assertThat(countScratchRows(tx.connection(), name("row"))).isZero();
          assertThat(tx.lockPositions(List.of(name("e")))).containsValue(OptionalLong.empty());
          assertThat(tx.recordKeys(List.of(name("k1"), name("k2")))).hasSize(2);
          return null;
        });
  }

  @Test
  void aPipelineBatchHandlesADuplicateTwoVersionsOfOneEntityAndAStaleEventInOneTransaction()
      throws Exception {
    InMemoryDeadLetterSink deadLetters = DeadLetterSink.inMemory();
    EventPipeline pipeline = batchPipeline(deadLetters, 3, Set.of());
    pipeline.processBatch(List.of(item("b", 5)));

    InboundMessage firstOfA = item("a", 1);
    List<ProcessingResult> results =
        pipeline.processBatch(List.of(firstOfA, item("a", 2), firstOfA, item("b", 3)));

    assertThat(results)
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.PROCESSED, Outcome.PROCESSED, Outcome.DUPLICATE, Outcome.STALE);
    assertThat(results).allMatch(r -> r.disposition() == Disposition.ACKNOWLEDGE);
    store.inTransaction(
        tx -> {
          assertThat(countAllScratchRows(tx.connection())).isEqualTo(3); // b5, a1, a2: once each
          assertThat(tx.lockPosition(entity("a"))).hasValue(2);
          assertThat(tx.lockPosition(entity("b"))).hasValue(5);
          return null;
        });
    // the whole batch again: every event is now a duplicate, nothing is written twice
    assertThat(pipeline.processBatch(List.of(firstOfA, item("a", 2))))
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.DUPLICATE, Outcome.DUPLICATE);
    assertThat(deadLetters.deadLetters()).isEmpty();
  }

  @Test
  void aHandlerFailingMidBatchCostsTheOthersNothingAndIsDeadLetteredAlone() throws Exception {
    InMemoryDeadLetterSink deadLetters = DeadLetterSink.inMemory();
    EventPipeline pipeline = batchPipeline(deadLetters, 1, Set.of("c"));

    List<ProcessingResult> results =
        pipeline.processBatch(
            List.of(item("a", 1), item("b", 1), item("c", 1), item("d", 1), item("a", 2)));

    assertThat(results)
        .extracting(ProcessingResult::outcome)
        .containsExactly(
            Outcome.PROCESSED,
            Outcome.PROCESSED,
            Outcome.FAILED,
            Outcome.PROCESSED,
            Outcome.PROCESSED);
    assertThat(results).allMatch(r -> r.disposition() == Disposition.ACKNOWLEDGE);
    assertThat(deadLetters.deadLetters()).hasSize(1);
    store.inTransaction(
        tx -> {
          // the failing handler wrote before it threw: rolled back; the others once each
          assertThat(countAllScratchRows(tx.connection())).isEqualTo(4);
          assertThat(countScratchRows(tx.connection(), name("c") + ":1")).isZero();
          assertThat(tx.lockPosition(entity("a"))).hasValue(2);
          assertThat(tx.lockPosition(entity("c"))).isEmpty();
          return null;
        });
  }

  @Test
  void aHandlerFailingMidBatchWithAttemptsLeftStopsTheBatchThereAndTheRedeliveryAppliesItOnce()
      throws Exception {
    InMemoryDeadLetterSink deadLetters = DeadLetterSink.inMemory();
    Set<String> failing = ConcurrentHashMap.newKeySet();
    failing.add("c");
    EventPipeline pipeline = batchPipeline(deadLetters, 3, failing);
    List<InboundMessage> batch =
        List.of(item("a", 1), item("b", 1), item("c", 1), item("d", 1), item("a", 2));

    List<ProcessingResult> first = pipeline.processBatch(batch);

    assertThat(first)
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.PROCESSED, Outcome.PROCESSED, Outcome.FAILED);
    assertThat(first.get(2).disposition()).isEqualTo(Disposition.RETRY);
    store.inTransaction(
        tx -> {
          assertThat(countAllScratchRows(tx.connection())).isEqualTo(2);
          assertThat(tx.lockPosition(entity("d"))).isEmpty();
          return null;
        });

    failing.clear();
    List<ProcessingResult> redelivered = pipeline.processBatch(batch);

    assertThat(redelivered)
        .extracting(ProcessingResult::outcome)
        .containsExactly(
            Outcome.DUPLICATE,
            Outcome.DUPLICATE,
            Outcome.PROCESSED,
            Outcome.PROCESSED,
            Outcome.PROCESSED);
    store.inTransaction(
        tx -> {
          assertThat(countAllScratchRows(tx.connection())).isEqualTo(5);
          assertThat(tx.lockPosition(entity("a"))).hasValue(2);
          return null;
        });
    assertThat(deadLetters.deadLetters()).isEmpty();
  }

  @Test
  void batchedRowsCommitWithTheirEventsOnceEachAndNotAgainOnRedelivery() throws Exception {
    InMemoryDeadLetterSink deadLetters = DeadLetterSink.inMemory();
    EventPipeline pipeline = batchPipeline(deadLetters, 3, Set.of(), true);
    pipeline.processBatch(List.of(item("b", 5)));

    InboundMessage firstOfA = item("a", 1);
    List<InboundMessage> batch = List.of(firstOfA, item("a", 2), firstOfA, item("b", 3));
    List<ProcessingResult> results = pipeline.processBatch(batch);

    assertThat(results)
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.PROCESSED, Outcome.PROCESSED, Outcome.DUPLICATE, Outcome.STALE);
    // b:3 was stale, but its key was recorded: every event is a duplicate now
    assertThat(pipeline.processBatch(batch))
        .extracting(ProcessingResult::outcome)
        .containsOnly(Outcome.DUPLICATE);
    store.inTransaction(
        tx -> {
          assertThat(countAllScratchRows(tx.connection())).isEqualTo(3); // b5, a1, a2
          assertThat(countScratchRows(tx.connection(), name("a") + ":2")).isOne();
          assertThat(tx.lockPosition(entity("a"))).hasValue(2);
          return null;
        });
    assertThat(deadLetters.deadLetters()).isEmpty();
  }

  @Test
  void aBatchedRowTheDatabaseRefusesFailsOnlyItsOwnEvent() throws Exception {
    // c:1's row exists already, so the batch that carries it breaks the primary key
    store.inTransaction(tx -> insertScratchRow(tx.connection(), name("c") + ":1"));
    InMemoryDeadLetterSink deadLetters = DeadLetterSink.inMemory();
    EventPipeline pipeline = batchPipeline(deadLetters, 1, Set.of(), true);

    List<ProcessingResult> results =
        pipeline.processBatch(List.of(item("a", 1), item("b", 1), item("c", 1), item("d", 1)));

    assertThat(results)
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.PROCESSED, Outcome.PROCESSED, Outcome.FAILED, Outcome.PROCESSED);
    assertThat(deadLetters.deadLetters()).hasSize(1);
    store.inTransaction(
        tx -> {
          assertThat(countAllScratchRows(tx.connection())).isEqualTo(4); // a, b, d and the old c
          assertThat(tx.lockPosition(entity("c"))).isEmpty();
          assertThat(tx.lockPosition(entity("d"))).hasValue(1);
          return null;
        });
    // the refused event's key was rolled back with it: a redelivery is not a duplicate
    assertThat(pipeline.processBatch(List.of(item("a", 1), item("c", 1))))
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.DUPLICATE, Outcome.FAILED);
  }

  @Test
  void theBatchedRowsOfAHandlerThatThrowsAreNotWritten() throws Exception {
    InMemoryDeadLetterSink deadLetters = DeadLetterSink.inMemory();
    EventPipeline pipeline = batchPipeline(deadLetters, 1, Set.of("b"), true);

    List<ProcessingResult> results =
        pipeline.processBatch(List.of(item("a", 1), item("b", 1), item("c", 1)));

    assertThat(results)
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.PROCESSED, Outcome.FAILED, Outcome.PROCESSED);
    store.inTransaction(
        tx -> {
          assertThat(countAllScratchRows(tx.connection())).isEqualTo(2);
          assertThat(countScratchRows(tx.connection(), name("b") + ":1")).isZero();
          return null;
        });
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KIT_EVENT = "kit.item.changed";

  /**
   * A pipeline on the store under test whose handler writes one scratch row per event ({@code
   * <item>:<version>}) through the transaction's connection, then throws for the items in {@code
   * failing}; {@code maxAttempts} deliveries.
   */
  private EventPipeline batchPipeline(
      InMemoryDeadLetterSink deadLetters, int maxAttempts, Set<String> failing) {
    return batchPipeline(deadLetters, maxAttempts, failing, false);
  }

  /**
   * As {@link #batchPipeline(InMemoryDeadLetterSink, int, Set)}; with {@code batched}, the handler
   * adds its row to the transaction's {@code StatementBatch} instead of inserting it at once.
   */
  private EventPipeline batchPipeline(
      InMemoryDeadLetterSink deadLetters, int maxAttempts, Set<String> failing, boolean batched) {
    ContractRegistry registry =
        ContractRegistry.builder()
            .name("kit")
            .add(
                EventContract.builder(KIT_EVENT, "v1")
                    .required("item", Field.string())
                    .required("version", Field.integer())
                    .idempotencyKey(KIT_EVENT + ":{item}:{version}")
                    .ordering(OrderingRule.byVersion("{item}", "version"))
                    .build())
            .build();
    return EventPipeline.builder(registry)
        .transactionalStore(store)
        .deadLetterSink(deadLetters)
        .retry(RetryConfig.custom().maxAttempts(maxAttempts).build())
        .handler(
            HandlerBinding.ofJson(
                KIT_EVENT,
                (JsonNode payload, dev.eventcontracts.pipeline.EventContext context) -> {
                  String item = payload.get("item").asText();
                  String id = item + ":" + payload.get("version").asLong();
                  if (batched) {
                    // --8<-- [start:batch]
                    context
                        .batch("INSERT INTO " + scratchTable + " (id, note) VALUES (?, ?)")
                        .add(
                            row -> {
                              row.setString(1, id);
                              row.setString(2, "batched by the handler");
                            });
                    // --8<-- [end:batch]
                  } else {
                    insertScratchRow(context.connection(), id);
                  }
                  if (failing.stream().anyMatch(f -> item.equals(name(f)))) {
                    throw new IllegalStateException("the handler failed after writing");
                  }
                }))
        .build();
  }

  /** A {@code kit.item.changed} event for this test's {@code item} at {@code version}. */
  private InboundMessage item(String item, int version) {
    ObjectNode payload = JSON.createObjectNode();
    payload.put("item", name(item));
    payload.put("version", version);
    ObjectNode event = JSON.createObjectNode();
    event.put("event_id", UUID.randomUUID().toString());
    event.put("event_name", KIT_EVENT);
    event.put("event_version", "v1");
    event.put("occurred_at", Instant.parse("2026-01-01T00:00:00Z").toString());
    event.put("producer", "kit");
    event.put("trace_id", "0af7651916cd43dd8448eb211c80319c");
    event.put("idempotency_key", KIT_EVENT + ":" + name(item) + ":" + version);
    event.set("payload", payload);
    return new InboundMessage(
        event.toString().getBytes(StandardCharsets.UTF_8), Map.of(), Origin.unknown());
  }

  /** The scoped entity the pipeline stores the position of {@code item} under. */
  private String entity(String item) {
    return "-/" + KIT_EVENT.length() + ":" + KIT_EVENT + "/" + name(item);
  }

  private int countAllScratchRows(Connection connection) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT COUNT(*) FROM " + scratchTable)) {
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  private boolean recordInOwnTransaction(String key) throws Exception {
    return store.inTransaction(tx -> tx.recordKey(key));
  }

  private static @Nullable Object execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
    return null;
  }

  private @Nullable Object insertScratchRow(Connection connection, String id) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO " + scratchTable + " (id, note) VALUES (?, ?)")) {
      insert.setString(1, id);
      insert.setString(2, "written by the handler");
      insert.executeUpdate();
    }
    return null;
  }

  private int countScratchRows(Connection connection, String id) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT COUNT(*) FROM " + scratchTable + " WHERE id = ?")) {
      select.setString(1, id);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }
}
