package dev.eventcontracts.pipeline;

import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.dedup.UnstorableKeyException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.NullUnmarked;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store protocol in transactional mode. In a batch, consecutive accepted messages share one
 * transaction (record the keys, lock and read the positions, run the handlers on the transaction's
 * connection, send their batched rows, set the positions, commit), a handful of round trips per
 * chunk instead of several per event. A single message, and every message after a chunk failed in a
 * way that needs it, runs in a transaction of its own ({@link #runAlone}), reached through {@link
 * StoreProtocol#execute}, which applies the replay policy first.
 */
// Reads the stage-by-stage state of PreparedMessage, whose fields are null until their stage
// has run; not yet expressed to the null checker.
@NullUnmarked
final class TransactionalProtocol {
  private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);

  private final StoreProtocol protocol;
  private final TransactionalStore transactionalStore;
  private final int transactionBatchSize;
  private final DeadLettering deadLettering;
  private final PipelineEvents metrics;
  private final Results results;
  private final HandlerInvocation handlers;

  TransactionalProtocol(
      StoreProtocol protocol,
      TransactionalStore transactionalStore,
      int transactionBatchSize,
      DeadLettering deadLettering,
      PipelineEvents metrics,
      Results results,
      HandlerInvocation handlers) {
    this.protocol = protocol;
    this.transactionalStore = transactionalStore;
    this.transactionBatchSize = transactionBatchSize;
    this.deadLettering = deadLettering;
    this.metrics = metrics;
    this.results = results;
    this.handlers = handlers;
  }

  /**
   * Runs a batch in transactions of up to {@code transactionBatchSize} consecutive accepted
   * messages each: record the keys, lock and read the positions, run the handlers on the
   * transaction's connection, set the positions, commit. Rejected messages are dead-lettered
   * between transactions, in order. When a handler fails, its transaction is rolled back, the
   * messages before it run again in a transaction of their own, and the failing one runs alone, so
   * it decides its own outcome and costs the others nothing; rolling back and splitting costs less
   * than a savepoint per message as long as handlers rarely fail (docs/performance.md).
   *
   * @return one result per processed message, in order; shorter after a retry or a stop
   */
  List<ProcessingResult> process(List<PreparedMessage> prepared, BooleanSupplier stopRequested) {
    List<ProcessingResult> out = new ArrayList<>(prepared.size());
    int i = 0;
    int aloneAt = -1; // the message whose handler failed in a chunk: it runs alone
    while (i < prepared.size()) {
      if (i > 0 && stopRequested.getAsBoolean()) {
        break;
      }
      PreparedMessage p = prepared.get(i);
      if (p.rejection != null) {
        ProcessingResult r = deadLettering.reject(p);
        out.add(r);
        if (r.disposition() == Disposition.RETRY) {
          break;
        }
        i++;
        continue;
      }
      int end = i;
      int max = Math.min(prepared.size(), i + transactionBatchSize);
      if (aloneAt == i) {
        max = i + 1;
      } else if (aloneAt > i) {
        max = Math.min(max, aloneAt);
      }
      while (end < max && prepared.get(end).rejection == null) {
        end++;
      }
      if (end - i == 1) {
        ProcessingResult r = protocol.execute(p, null, null, null, null);
        out.add(r);
        if (r.disposition() == Disposition.RETRY) {
          break;
        }
        i++;
        continue;
      }
      List<PreparedMessage> chunk = prepared.subList(i, end);
      ChunkAttempt attempt = runChunk(chunk);
      if (attempt.outcomes != null) {
        for (int k = 0; k < chunk.size(); k++) {
          PreparedMessage m = chunk.get(k);
          if (m.replay) {
            metrics.replay(m.envelope().eventName(), m.binding.replayPolicy().name());
          }
          out.add(results.finish(m, attempt.outcomes.get(k)));
        }
        i = end;
      } else if (attempt.failure != null) {
        out.add(attempt.failure); // a store failure: the chunk is retried from its first message
        break;
      } else if (attempt.handlerFailedAt >= 0) {
        // rolled back: those before the failing one commit first, then it runs alone
        aloneAt = i + attempt.handlerFailedAt;
      } else {
        // a store refused a key, or the database the batched rows: one transaction per message,
        // so only the event at fault is refused
        for (int k = i; k < end; k++) {
          ProcessingResult r = protocol.execute(prepared.get(k), null, null, null, null);
          out.add(r);
          if (r.disposition() == Disposition.RETRY) {
            return out;
          }
        }
        i = end;
      }
    }
    return out;
  }

  /**
   * What one transaction over a chunk gave: the outcomes when it committed, else the index of the
   * message whose handler failed (the transaction rolled back), -1 when a store refused a key, or a
   * store failure.
   */
  private record ChunkAttempt(
      List<Outcome> outcomes, int handlerFailedAt, ProcessingResult failure) {}

  /** A handler failure inside a chunk's transaction, with the message's index. */
  private static final class ChunkHandlerFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final int index;

    ChunkHandlerFailure(int index, Throwable cause) {
      super(cause);
      this.index = index;
    }
  }

  /** The database refused a chunk's batched rows ({@link StatementBatch}). */
  private static final class ChunkBatchRefused extends Exception {
    private static final long serialVersionUID = 1L;

    ChunkBatchRefused(SQLException cause) {
      super(cause);
    }
  }

  private ChunkAttempt runChunk(List<PreparedMessage> chunk) {
    if (chunk.stream().allMatch(p -> p.replay && p.binding.replayPolicy() == ReplayPolicy.SKIP)) {
      return new ChunkAttempt(
          java.util.Collections.nCopies(chunk.size(), Outcome.DUPLICATE), -1, null);
    }
    Set<String> keys = new LinkedHashSet<>();
    Set<String> entities = new LinkedHashSet<>();
    for (PreparedMessage p : chunk) {
      ReplayPolicy policy = p.binding.replayPolicy();
      if (p.replay && policy == ReplayPolicy.SKIP) {
        continue;
      }
      if (!(p.replay && policy == ReplayPolicy.REPROCESS)) {
        keys.add(p.key);
      }
      if (p.entity != null) {
        entities.add(p.entity);
      }
    }
    long start = System.nanoTime();
    try {
      List<Outcome> outcomes =
          transactionalStore.inTransaction(
              tx -> {
                Set<String> recorded =
                    keys.isEmpty() ? new HashSet<>() : new HashSet<>(tx.recordKeys(keys));
                Map<String, OptionalLong> current =
                    entities.isEmpty()
                        ? new HashMap<>()
                        : new HashMap<>(tx.lockPositions(entities));
                Map<String, Long> moved = new TreeMap<>();
                List<Outcome> decided = new ArrayList<>(chunk.size());
                try (TransactionWrites writes = new TransactionWrites(tx)) {
                  for (int k = 0; k < chunk.size(); k++) {
                    decided.add(runInChunk(chunk.get(k), k, writes, recorded, current, moved));
                  }
                  try {
                    writes.execute();
                  } catch (SQLException e) {
                    throw new ChunkBatchRefused(e);
                  }
                }
                if (!moved.isEmpty()) {
                  tx.setPositions(moved);
                }
                return decided;
              });
      return new ChunkAttempt(outcomes, -1, null);
    } catch (ChunkHandlerFailure e) {
      return new ChunkAttempt(null, e.index, null);
    } catch (UnstorableKeyException e) {
      return new ChunkAttempt(null, -1, null);
    } catch (ChunkBatchRefused e) {
      // which row was refused is not known: each event runs in a transaction of its own, where a
      // refused row fails only its event
      LOG.debug("a chunk of {} was rolled back: its batched rows were refused", chunk.size(), e);
      return new ChunkAttempt(null, -1, null);
    } catch (Exception e) {
      LOG.debug("transactional store failed for a batch of {}; retried", chunk.size(), e);
      return new ChunkAttempt(null, -1, protocol.storeFailure(chunk.get(0), "transaction", e));
    } finally {
      metrics.store("transaction", "processBatch", System.nanoTime() - start);
    }
  }

  /** One message inside a chunk's transaction: the same decisions as a transaction of its own. */
  private Outcome runInChunk(
      PreparedMessage p,
      int index,
      TransactionWrites writes,
      Set<String> recorded,
      Map<String, OptionalLong> current,
      Map<String, Long> moved)
      throws ChunkHandlerFailure {
    ReplayPolicy policy = p.binding.replayPolicy();
    if (p.replay && policy == ReplayPolicy.SKIP) {
      return Outcome.DUPLICATE;
    }
    boolean reprocess = p.replay && policy == ReplayPolicy.REPROCESS;
    // a key is new once: a second message with it in the chunk is a duplicate
    if (!reprocess && !recorded.remove(p.key)) {
      return Outcome.DUPLICATE;
    }
    OptionalLong position =
        p.entity == null
            ? OptionalLong.empty()
            : current.getOrDefault(p.entity, OptionalLong.empty());
    if (p.entity != null && !reprocess && p.reachedBy(position)) {
      return Outcome.STALE;
    }
    String[] callerMdc = HandlerInvocation.putMdc(p.envelope());
    Throwable failure;
    try {
      failure = handlers.run(p, writes);
    } finally {
      HandlerInvocation.restoreMdc(callerMdc);
    }
    if (failure != null) {
      throw new ChunkHandlerFailure(index, failure);
    }
    if (p.entity != null && !p.reachedBy(position)) {
      current.put(p.entity, OptionalLong.of(p.position));
      moved.put(p.entity, p.position);
    }
    return Outcome.PROCESSED;
  }

  /**
   * Sends the handler's batched rows; a refusal is the event's own failure, like a write the
   * handler made itself.
   */
  private static @Nullable SQLException sendBatches(TransactionWrites writes) {
    try {
      writes.execute();
      return null;
    } catch (SQLException e) {
      return e;
    }
  }

  /** Wraps a handler's exception so it can be told apart from a store's inside a transaction. */
  private static final class HandlerFailure extends Exception {
    private static final long serialVersionUID = 1L;

    HandlerFailure(Throwable cause) {
      super(cause);
    }
  }

  /**
   * One message in a transaction of its own (its replay policy already applied by {@link
   * StoreProtocol#execute}): record the key, lock and read the position, run the handler and send
   * its batched rows, set the position, commit.
   */
  ProcessingResult runAlone(PreparedMessage p, boolean reprocess) {
    long start = System.nanoTime();
    try {
      Outcome outcome =
          transactionalStore.inTransaction(
              tx -> {
                if (!reprocess && !tx.recordKey(p.key)) {
                  return Outcome.DUPLICATE;
                }
                OptionalLong current = OptionalLong.empty();
                if (p.entity != null) {
                  current = tx.lockPosition(p.entity);
                  if (!reprocess && p.reachedBy(current)) {
                    return Outcome.STALE;
                  }
                }
                try (TransactionWrites writes = new TransactionWrites(tx)) {
                  Throwable failure = handlers.run(p, writes);
                  if (failure == null) {
                    failure = sendBatches(writes);
                  }
                  if (failure != null) {
                    throw new HandlerFailure(failure);
                  }
                }
                if (p.entity != null && !p.reachedBy(current)) {
                  tx.setPosition(p.entity, p.position);
                }
                return Outcome.PROCESSED;
              });
      return results.finish(p, outcome);
    } catch (HandlerFailure e) {
      return handlers.failed(p, e.getCause());
    } catch (UnstorableKeyException e) {
      return deadLettering.rejectUnstorable(p, e);
    } catch (Exception e) {
      LOG.debug("transactional store failed for {}; retried", p.eventId(), e);
      return protocol.storeFailure(p, "transaction", e);
    } finally {
      metrics.store("transaction", "process", System.nanoTime() - start);
    }
  }
}
