package dev.eventcontracts.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.dedup.UnstorableKeyException;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.resilience.StoreUnavailableException;
import dev.eventcontracts.validation.Violation;
import dev.eventcontracts.validation.ViolationCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.NullUnmarked;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store protocol around a handler, in one place. Without a transactional store: claim the
 * idempotency key (a completed key is a duplicate, a live claim of another consumer is retried
 * later), read the entity position (not newer than the stored one is stale), run the handler,
 * advance the position, complete the key; a failed handler releases its claim. With a transactional
 * store the replay policy is applied here and the rest is {@link TransactionalProtocol}'s: record
 * the key, lock and read the position, run the handler on the transaction's connection, set the
 * position, commit, all or nothing.
 *
 * <p>A store that fails is an outage: the message is retried and nothing is acknowledged. A store
 * that refuses a key with {@link UnstorableKeyException} has judged the event: it is dead-lettered.
 * Log lines name events by id and contract, never by key, since keys are built from payload values.
 */
// Reads the stage-by-stage state of PreparedMessage, whose fields are null until their stage
// has run; not yet expressed to the null checker.
@NullUnmarked
final class StoreProtocol {
  private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);

  private final DedupStore dedupStore;
  private final EntityVersionStore versionStore;
  private final String owner;
  private final Duration lease;
  private final Duration retention;
  private final Duration inProgressDelay;
  private final PipelineEvents metrics;
  private final Results results;
  private final HandlerInvocation handlers;
  private final DeadLettering deadLettering;
  private final UnfinishedBookkeeping unfinished;
  private final TransactionalProtocol transactional;
  private final KeyReuse keyReuse;
  private final boolean logPayloads;

  /**
   * Keys this pipeline may still hold a claim on although it ran no handler for them: a release
   * failed, or a claim failed without saying whether it was taken (a database can commit and then
   * lose the connection). Claims are not re-entrant, so without releasing these first, the
   * redelivery would find its own claim IN_PROGRESS until the lease ends and stall the partition.
   * Releasing a claim this owner does not hold does nothing, so trying is always safe.
   */
  private final Cache<String, Boolean> unreleased;

  StoreProtocol(
      DedupStore dedupStore,
      EntityVersionStore versionStore,
      TransactionalStore transactionalStore,
      String owner,
      Duration lease,
      Duration retention,
      Duration inProgressDelay,
      PipelineEvents metrics,
      Results results,
      HandlerInvocation handlers,
      DeadLettering deadLettering,
      int transactionBatchSize,
      KeyReuse keyReuse,
      boolean logPayloads) {
    this.dedupStore = dedupStore;
    this.versionStore = versionStore;
    this.owner = owner;
    this.lease = lease;
    this.retention = retention;
    this.inProgressDelay = inProgressDelay;
    this.metrics = metrics;
    this.results = results;
    this.handlers = handlers;
    this.deadLettering = deadLettering;
    this.keyReuse = keyReuse;
    this.logPayloads = logPayloads;
    this.transactional =
        transactionalStore == null
            ? null
            : new TransactionalProtocol(
                this,
                transactionalStore,
                transactionBatchSize,
                deadLettering,
                metrics,
                results,
                handlers);
    this.unfinished = new UnfinishedBookkeeping(UNFINISHED_CAPACITY, lease, results.clock());
    // beyond the capacity or the lease, the lease frees the claims
    this.unreleased =
        Caffeine.newBuilder()
            .maximumSize(UNFINISHED_CAPACITY)
            .expireAfterWrite(lease)
            .executor(Runnable::run)
            .build();
  }

  /** The most events whose bookkeeping is remembered as unfinished. */
  static final int UNFINISHED_CAPACITY = 10_000;

  private void maybeUnreleased(Collection<String> keys) {
    for (String key : keys) {
      unreleased.put(key, Boolean.TRUE);
    }
  }

  /**
   * Releases the claims left behind on {@code keys} by an earlier failure, before they are claimed
   * again.
   */
  private void releaseLeftovers(Collection<String> keys) {
    if (unreleased.estimatedSize() == 0) {
      return;
    }
    for (String key : keys) {
      if (unreleased.getIfPresent(key) != null && unfinished.get(key) == null) {
        try {
          dedupStore.release(key, owner);
          unreleased.invalidate(key);
        } catch (RuntimeException e) {
          LOG.debug("dedup store still failing to release a key", e);
        }
      }
    }
  }

  // ---------------------------------------------------------------- batches

  /**
   * What a batch learned from the stores up front: the claims of all its keys and the positions of
   * all its entities (one round trip each), and the keys to complete at its end.
   */
  static final class Batch {
    Map<String, ClaimState> claims = Map.of();
    final Map<String, OptionalLong> positions;
    final Set<String> used;
    final Set<String> completions;

    /** Positions to advance at the end of the batch, before its keys are completed. */
    final Map<String, Long> advances;

    @Nullable ProcessingResult failure;

    Batch(int size) {
      // sized for the batch: growing these maps batch after batch cost more than the claims
      int capacity = Math.max(16, size * 2);
      positions = new HashMap<>(capacity);
      used = new HashSet<>(capacity);
      completions = new LinkedHashSet<>(capacity);
      advances = new HashMap<>(capacity);
    }
  }

  /**
   * Claims every key and reads every entity position of a batch. When a store fails, {@link
   * Batch#failure} is the retry of the first message and nothing stays claimed.
   */
  Batch open(List<PreparedMessage> prepared) {
    Batch batch = new Batch(prepared.size());
    if (transactional != null) {
      return batch;
    }
    Set<String> keys = new LinkedHashSet<>();
    Set<String> entities = new LinkedHashSet<>();
    for (PreparedMessage p : prepared) {
      if (p.rejection == null && p.claimsKey() && unfinished.get(p.key) == null) {
        keys.add(p.key);
        if (p.entity != null && !knownStale(p)) {
          entities.add(p.entity);
        }
      }
    }
    if (!keys.isEmpty()) {
      releaseLeftovers(keys);
      long start = System.nanoTime();
      try {
        batch.claims = dedupStore.claimAll(new ArrayList<>(keys), owner, lease);
      } catch (UnstorableKeyException e) {
        // a store stricter than the SDK's rule: claim one by one, so only that event is refused
        batch.claims = Map.of();
      } catch (RuntimeException e) {
        LOG.debug("dedup store failed to claim {} keys; the batch is retried", keys.size(), e);
        maybeUnreleased(keys);
        batch.failure = storeFailure(prepared.get(0), "claim", e);
        return batch;
      } finally {
        metrics.store("dedup", "claimAll", System.nanoTime() - start);
      }
      readFingerprints(batch, prepared);
    }
    if (!entities.isEmpty() && versionStore != null) {
      long start = System.nanoTime();
      try {
        batch.positions.putAll(versionStore.currentAll(entities));
      } catch (UnstorableKeyException e) {
        batch.positions.clear(); // read one by one, as for claims
      } catch (RuntimeException e) {
        LOG.debug("entity version store failed; the batch is retried", e);
        releaseFrom(batch, prepared, 0);
        batch.failure = storeFailure(prepared.get(0), "ordering", e);
        return batch;
      } finally {
        metrics.store("ordering", "currentAll", System.nanoTime() - start);
      }
    }
    return batch;
  }

  /**
   * Reads, in one round trip, the fingerprints of the keys the batch's claims found completed, for
   * key-reuse detection: each such message is a duplicate that compares its payload's fingerprint
   * with the stored one. When the store fails, each duplicate asks on its own (and a store that
   * cannot answer makes it a plain duplicate).
   */
  private void readFingerprints(Batch batch, List<PreparedMessage> prepared) {
    if (keyReuse == KeyReuse.IGNORE) {
      return;
    }
    Set<String> completed = new LinkedHashSet<>();
    for (Map.Entry<String, ClaimState> claim : batch.claims.entrySet()) {
      if (claim.getValue() == ClaimState.COMPLETED) {
        completed.add(claim.getKey());
      }
    }
    if (completed.isEmpty()) {
      return;
    }
    Map<String, Long> fingerprints;
    long start = System.nanoTime();
    try {
      fingerprints = dedupStore.fingerprintAll(completed);
    } catch (RuntimeException e) {
      LOG.debug(
          "dedup store failed to answer {} fingerprints; asked one by one", completed.size(), e);
      return;
    } finally {
      metrics.store("dedup", "fingerprintAll", System.nanoTime() - start);
    }
    for (PreparedMessage p : prepared) {
      if (p.key != null && completed.contains(p.key)) {
        Long stored = fingerprints.get(p.key);
        p.storedFingerprint = stored == null ? OptionalLong.empty() : OptionalLong.of(stored);
      }
    }
  }

  /** Whether a near cache knows the entity reached the event's position already. */
  private boolean knownStale(PreparedMessage p) {
    if (p.replay && p.binding.replayPolicy() == ReplayPolicy.REPROCESS) {
      return false;
    }
    return p.reachedBy(versionStore.knownPosition(p.entity));
  }

  /** Runs one message of a batch, using the batch's claims and positions. */
  ProcessingResult execute(PreparedMessage p, Batch batch) {
    // a replay that takes no claim (SKIP, REPROCESS) must not consume the claim taken for a
    // later message with the same key: that claim would never be completed nor released
    ClaimState claimed =
        p.key != null && p.claimsKey() && batch.used.add(p.key) ? batch.claims.get(p.key) : null;
    if (claimed == null && p.key != null && batch.completions.contains(p.key)) {
      // a later message of the batch with an already completed key is a duplicate without asking
      claimed = ClaimState.COMPLETED;
    }
    return execute(p, claimed, batch.positions, batch.completions, batch.advances);
  }

  /** Releases the claims taken for the messages from {@code from} on, which were not run. */
  void releaseFrom(Batch batch, List<PreparedMessage> prepared, int from) {
    for (int j = from; j < prepared.size(); j++) {
      PreparedMessage later = prepared.get(j);
      if (later.key != null
          && batch.claims.get(later.key) == ClaimState.CLAIMED
          && batch.used.add(later.key)) {
        release(later.key);
      }
    }
  }

  /**
   * Completes the batch's keys in one round trip. When that fails, the results are cut before the
   * first message whose key was to be completed, which is retried instead of acknowledged; the keys
   * are remembered as unfinished, so the redelivery completes them without running a handler.
   *
   * @return the results to hand to the transport
   */
  List<ProcessingResult> close(
      Batch batch, List<PreparedMessage> prepared, List<ProcessingResult> results) {
    if (!batch.advances.isEmpty()) {
      List<ProcessingResult> cut = advanceAll(batch, prepared, results);
      if (cut != null) {
        return cut;
      }
    }
    Set<String> keys = batch.completions;
    if (keys.isEmpty()) {
      return results;
    }
    long start = System.nanoTime();
    try {
      if (keyReuse == KeyReuse.IGNORE) {
        dedupStore.completeAll(keys, owner, retention);
      } else {
        dedupStore.completeAllWithFingerprints(fingerprints(keys, prepared), owner, retention);
      }
      return results;
    } catch (RuntimeException e) {
      LOG.debug("dedup store failed to complete {} keys; retried", keys.size(), e);
      Set<String> remembered = new HashSet<>();
      for (ProcessingResult r : results) {
        String key = r.idempotencyKey();
        // the first result of a key decided its outcome; a later one in the batch is a duplicate
        if (key != null && keys.contains(key) && r.acknowledged() && remembered.add(key)) {
          unfinished.remember(key, r.outcome(), r.entity(), r.entityVersion(), true);
        }
      }
      for (int i = 0; i < results.size(); i++) {
        ProcessingResult r = results.get(i);
        if (r.acknowledged() && r.idempotencyKey() != null && keys.contains(r.idempotencyKey())) {
          List<ProcessingResult> cut = new ArrayList<>(results.subList(0, i));
          cut.add(storeFailure(prepared.get(i), "completeAll", e));
          return cut;
        }
      }
      return results;
    } finally {
      metrics.store("dedup", "completeAll", System.nanoTime() - start);
    }
  }

  /**
   * Advances the batch's entities in one round trip, before any of its keys is completed (the
   * position is the durable record that an ordered event was applied). When that fails nothing is
   * completed: every handled message is remembered as unfinished and the results are cut before the
   * first message with bookkeeping left, which is retried; the redelivery advances and completes
   * without running a handler.
   *
   * @return the cut results, or null when the positions advanced
   */
  private @Nullable List<ProcessingResult> advanceAll(
      Batch batch, List<PreparedMessage> prepared, List<ProcessingResult> results) {
    long start = System.nanoTime();
    try {
      versionStore.advanceAll(batch.advances);
      return null;
    } catch (RuntimeException e) {
      LOG.debug("entity version store failed to advance {} entities", batch.advances.size(), e);
      Set<String> remembered = new HashSet<>();
      int first = -1;
      for (int i = 0; i < results.size(); i++) {
        ProcessingResult r = results.get(i);
        PreparedMessage p = prepared.get(i);
        String key = r.idempotencyKey();
        boolean completes = key != null && batch.completions.contains(key) && r.acknowledged();
        boolean advances = r.outcome() == Outcome.PROCESSED && p.entity != null && r.acknowledged();
        if (!completes && !advances) {
          continue;
        }
        if (first < 0) {
          first = i;
        }
        if (completes && remembered.add(key)) {
          boolean ordered = r.outcome() == Outcome.PROCESSED && p.entity != null;
          unfinished.remember(key, r.outcome(), p.entity, p.position, !ordered);
        }
      }
      if (first < 0) {
        return results;
      }
      List<ProcessingResult> cut = new ArrayList<>(results.subList(0, first));
      cut.add(storeFailure(prepared.get(first), "advanceAll", e));
      return cut;
    } finally {
      metrics.store("ordering", "advanceAll", System.nanoTime() - start);
    }
  }

  // ---------------------------------------------------------------- transactional mode

  /** Whether the protocol runs in transactions ({@link #processInTransactions} for batches). */
  boolean transactional() {
    return transactional != null;
  }

  /**
   * Runs a batch in transactions of up to {@code transactionBatchSize} messages each; see {@link
   * TransactionalProtocol}.
   *
   * @return one result per processed message, in order; shorter after a retry or a stop
   */
  List<ProcessingResult> processInTransactions(
      List<PreparedMessage> prepared, BooleanSupplier stopRequested) {
    return transactional.process(prepared, stopRequested);
  }

  // ---------------------------------------------------------------- one message

  /**
   * Runs the protocol for one prepared, accepted message.
   *
   * @param preclaimed the key's state from a batch claim, or {@code null} to claim it now
   * @param positions the batch's entity positions, or {@code null} outside a batch
   * @param completions where to collect keys to complete at the end of the batch, or {@code null}
   *     to complete at once
   * @param advances where to collect positions to advance at the end of the batch, or {@code null}
   *     to advance at once
   */
  ProcessingResult execute(
      PreparedMessage p,
      ClaimState preclaimed,
      Map<String, OptionalLong> positions,
      Set<String> completions,
      Map<String, Long> advances) {
    Envelope envelope = p.envelope();
    ReplayPolicy policy = p.binding.replayPolicy();
    if (p.replay) {
      metrics.replay(envelope.eventName(), policy.name());
      if (policy == ReplayPolicy.SKIP) {
        return results.finish(p, Outcome.DUPLICATE);
      }
    }
    boolean reprocess = p.replay && policy == ReplayPolicy.REPROCESS;
    String[] callerMdc = HandlerInvocation.putMdc(envelope);
    try {
      if (transactional != null) {
        return transactional.runAlone(p, reprocess);
      }
      return executeWithStores(p, reprocess, preclaimed, positions, completions, advances);
    } finally {
      HandlerInvocation.restoreMdc(callerMdc);
    }
  }

  private ProcessingResult executeWithStores(
      PreparedMessage p,
      boolean reprocess,
      ClaimState preclaimed,
      Map<String, OptionalLong> positions,
      Set<String> completions,
      Map<String, Long> advances) {
    UnfinishedBookkeeping.Pending pending = reprocess ? null : unfinished.get(p.key);
    if (pending != null) {
      return finishBookkeeping(p, pending, positions);
    }
    if (!reprocess) {
      ClaimState state = preclaimed;
      if (state == null) {
        releaseLeftovers(List.of(p.key));
        long start = System.nanoTime();
        try {
          state = dedupStore.claim(p.key, owner, lease);
        } catch (UnstorableKeyException e) {
          return deadLettering.rejectUnstorable(p, e);
        } catch (RuntimeException e) {
          LOG.debug("dedup store failed to claim the key of {}; retried", p.eventId(), e);
          maybeUnreleased(List.of(p.key));
          return storeFailure(p, "claim", e);
        } finally {
          metrics.store("dedup", "claim", System.nanoTime() - start);
        }
      }
      if (state == ClaimState.COMPLETED) {
        return duplicate(p);
      }
      if (state == ClaimState.IN_PROGRESS) {
        return results.retry(p, Outcome.DUPLICATE, inProgressDelay, null);
      }
    }
    if (p.entity != null && !reprocess) {
      OptionalLong current;
      long start = System.nanoTime();
      try {
        if (positions != null && positions.containsKey(p.entity)) {
          current = positions.get(p.entity);
        } else {
          OptionalLong known = versionStore.knownPosition(p.entity);
          // a position the entity is known to have reached makes the event stale without a read
          current = p.reachedBy(known) ? known : versionStore.current(p.entity);
        }
      } catch (UnstorableKeyException e) {
        release(p.key);
        return deadLettering.rejectUnstorable(p, e);
      } catch (RuntimeException e) {
        LOG.debug("entity version store failed for {}; retried", p.eventId(), e);
        release(p.key);
        return storeFailure(p, "ordering", e);
      } finally {
        metrics.store("ordering", "current", System.nanoTime() - start);
      }
      Long pendingAdvance = advances == null ? null : advances.get(p.entity);
      if (pendingAdvance != null && (current.isEmpty() || current.getAsLong() < pendingAdvance)) {
        // an earlier message of this batch applied a newer position, not yet written
        current = OptionalLong.of(pendingAdvance);
      }
      if (p.reachedBy(current)) {
        if (!complete(p, Outcome.STALE, completions)) {
          return storeFailure(p, "complete", null);
        }
        return results.finish(p, Outcome.STALE);
      }
    }
    if (p.entity != null && advances != null && advances.containsKey(p.entity)) {
      // an earlier event of this entity in the batch was applied and its position is not yet
      // written: write it first, so a crash after this handler cannot let the redelivery apply
      // the earlier event again after this one (the per-message guarantee, kept)
      long start = System.nanoTime();
      try {
        versionStore.advanceAll(advances);
        advances.clear();
      } catch (RuntimeException e) {
        LOG.debug("entity version store failed before the handler of {} ran", p.eventId(), e);
        if (!reprocess) {
          release(p.key);
        }
        return storeFailure(p, "advanceAll", e);
      } finally {
        metrics.store("ordering", "advanceAll", System.nanoTime() - start);
      }
    }
    Throwable failure = handlers.run(p, null);
    if (failure != null) {
      if (!reprocess) {
        release(p.key);
      }
      return handlers.failed(p, failure);
    }
    if (p.entity != null && advances != null) {
      // written at the end of the batch, in one round trip, before its keys are completed
      advances.merge(p.entity, p.position, Math::max);
      OptionalLong known = positions.get(p.entity);
      if (known != null && !p.reachedBy(known)) {
        positions.put(p.entity, OptionalLong.of(p.position));
      }
    } else if (p.entity != null) {
      long start = System.nanoTime();
      try {
        boolean advanced = versionStore.advance(p.entity, p.position);
        if (positions != null) {
          // a reprocessed replay (or a concurrent consumer) may not advance the store: the
          // batch's cached position must then not move backwards, so it is read again
          if (advanced) {
            positions.put(p.entity, OptionalLong.of(p.position));
          } else {
            positions.remove(p.entity);
          }
        }
      } catch (RuntimeException e) {
        // the handler ran: the redelivery only advances and completes (UnfinishedBookkeeping)
        LOG.debug("entity version store failed after the handler of {} ran", p.eventId(), e);
        if (!reprocess) {
          unfinished.remember(p.key, Outcome.PROCESSED, p.entity, p.position, false);
        }
        return storeFailure(p, "advance", e);
      } finally {
        metrics.store("ordering", "advance", System.nanoTime() - start);
      }
    }
    if (!reprocess && !complete(p, Outcome.PROCESSED, completions)) {
      return storeFailure(p, "complete", null);
    }
    return results.finish(p, Outcome.PROCESSED);
  }

  /** The redelivery of an event whose bookkeeping failed: finish it, never rerun the handler. */
  private ProcessingResult finishBookkeeping(
      PreparedMessage p,
      UnfinishedBookkeeping.Pending pending,
      Map<String, OptionalLong> positions) {
    if (pending.entity() != null && !pending.advanced()) {
      long start = System.nanoTime();
      try {
        versionStore.advance(pending.entity(), pending.position());
        if (positions != null) {
          positions.remove(pending.entity()); // read again if needed
        }
        unfinished.remember(p.key, pending.outcome(), pending.entity(), pending.position(), true);
      } catch (RuntimeException e) {
        LOG.debug("entity version store still failing for {}", p.eventId(), e);
        return storeFailure(p, "advance", e);
      } finally {
        metrics.store("ordering", "advance", System.nanoTime() - start);
      }
    }
    long start = System.nanoTime();
    try {
      completeKey(p);
    } catch (RuntimeException e) {
      LOG.debug("dedup store still failing to complete the key of {}", p.eventId(), e);
      return storeFailure(p, "complete", e);
    } finally {
      metrics.store("dedup", "complete", System.nanoTime() - start);
    }
    unfinished.forget(p.key);
    return results.finish(p, pending.outcome());
  }

  /**
   * Completes a key now, or at the end of the batch when {@code completions} collects them.
   *
   * @return false when completing now failed; the key is then remembered as unfinished
   */
  private boolean complete(PreparedMessage p, Outcome outcome, Set<String> completions) {
    if (completions != null) {
      completions.add(p.key);
      return true;
    }
    long start = System.nanoTime();
    try {
      completeKey(p);
      return true;
    } catch (RuntimeException e) {
      // acknowledging now would leave the key claimed without a record: a redelivery after the
      // lease would run the handler again; the retry completes it instead
      LOG.debug("dedup store failed to complete the key of {}; retried", p.eventId(), e);
      unfinished.remember(p.key, outcome, p.entity, p.position, true);
      return false;
    } finally {
      metrics.store("dedup", "complete", System.nanoTime() - start);
    }
  }

  // ---------------------------------------------------------------- key reuse

  private void completeKey(PreparedMessage p) {
    if (keyReuse == KeyReuse.IGNORE) {
      dedupStore.complete(p.key, owner, retention);
    } else {
      dedupStore.complete(p.key, owner, retention, fingerprint(p));
    }
  }

  /** The fingerprint of each key, from the first message of the batch that had it. */
  private static Map<String, Long> fingerprints(Set<String> keys, List<PreparedMessage> prepared) {
    Map<String, Long> out = new LinkedHashMap<>(Math.max(16, keys.size() * 2));
    for (PreparedMessage p : prepared) {
      if (p.key != null && keys.contains(p.key) && !out.containsKey(p.key)) {
        out.put(p.key, fingerprint(p));
      }
    }
    if (out.size() != keys.size()) {
      // every key to complete comes from a message of the batch
      throw new IllegalStateException("a key to complete belongs to no message of the batch");
    }
    return out;
  }

  private static long fingerprint(PreparedMessage p) {
    if (p.fingerprint == 0) {
      Envelope envelope = p.envelope();
      p.fingerprint = PayloadFingerprint.of(envelope == null ? null : envelope.payload());
    }
    return p.fingerprint;
  }

  /**
   * A duplicate: compared with the fingerprint its key was completed with, unless key reuse is
   * ignored. A store that cannot answer makes it a plain duplicate: detection is a diagnostic, not
   * a reason to hold the message back.
   */
  private ProcessingResult duplicate(PreparedMessage p) {
    if (keyReuse == KeyReuse.IGNORE) {
      return results.finish(p, Outcome.DUPLICATE);
    }
    OptionalLong first = p.storedFingerprint;
    if (first == null) {
      long start = System.nanoTime();
      try {
        first = dedupStore.fingerprint(p.key);
      } catch (RuntimeException e) {
        LOG.debug("dedup store failed to answer the fingerprint of {}'s key", p.eventId(), e);
        first = OptionalLong.empty();
      } finally {
        metrics.store("dedup", "fingerprint", System.nanoTime() - start);
      }
    }
    long fingerprint = fingerprint(p);
    if (first.isEmpty() || first.getAsLong() == fingerprint) {
      return results.finish(p, Outcome.DUPLICATE);
    }
    Envelope envelope = p.envelope();
    LOG.warn(
        "idempotency key {} reused by {} {} ({} of {}): payload fingerprint {} differs from {}, that"
            + " of the payload first processed under the key; {}",
        // keys are built from payload values: named only when payloads may be logged
        logPayloads ? LogSafe.text(p.key) : "(not logged)",
        p.loggedEventName(),
        p.eventId(),
        LogSafe.text(envelope.eventVersion()),
        p.metricVersion(),
        Long.toHexString(fingerprint),
        Long.toHexString(first.getAsLong()),
        keyReuse == KeyReuse.DEAD_LETTER ? "dead-lettered" : "acknowledged as a duplicate");
    ProcessingResult result;
    if (keyReuse == KeyReuse.DEAD_LETTER) {
      p.reject(
          Outcome.KEY_REUSED,
          List.of(
              Violation.of(
                  "",
                  ViolationCode.KEY_REUSED,
                  "the idempotency key was completed before for a different payload (fingerprint "
                      + Long.toHexString(first.getAsLong())
                      + ", this one "
                      + Long.toHexString(fingerprint)
                      + ")")));
      result = deadLettering.reject(p);
    } else {
      result = results.finish(p, Outcome.DUPLICATE);
    }
    metrics.keyReuse(p, result);
    return result;
  }

  private void release(String key) {
    long start = System.nanoTime();
    try {
      dedupStore.release(key, owner);
    } catch (RuntimeException e) {
      LOG.debug("dedup store failed to release a key; released before its next claim", e);
      maybeUnreleased(List.of(key));
    } finally {
      metrics.store("dedup", "release", System.nanoTime() - start);
    }
  }

  /**
   * A store outage: retried, never acknowledged. While a circuit breaker is open the retry waits as
   * long as the breaker does; the breaker logs its state changes, so no line is logged here.
   */
  ProcessingResult storeFailure(PreparedMessage p, String operation, Throwable cause) {
    metrics.storeFailure(operation, cause);
    IllegalStateException error =
        new IllegalStateException("store operation '" + operation + "' failed", cause);
    Duration delay =
        cause instanceof StoreUnavailableException open ? open.retryAfter() : inProgressDelay;
    return results.retry(p, Outcome.FAILED, delay, error);
  }
}
