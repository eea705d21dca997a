package dev.eventcontracts.pipeline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.OrderingRule;
import dev.eventcontracts.contract.UnknownEventAction;
import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.metrics.PipelineMetrics;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.resilience.StoreResilience;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.ValidationReport;
import dev.eventcontracts.validation.ValidationStatus;
import dev.eventcontracts.validation.Violation;
import dev.eventcontracts.validation.ViolationCode;
import dev.eventcontracts.version.EventVersion;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The consumer pipeline. For every message, in this order: read the envelope (refusing oversized,
 * garbage or hostile input), find the contract under the version policy, validate the payload
 * (every violation at once), find the handler, bind the payload, derive the idempotency key and the
 * ordering position, apply the replay policy, claim the key, check the entity position, run the
 * handler, advance the position, complete the key. Exactly one {@link Outcome} per message;
 * rejected messages go to the {@link DeadLetterSink} before the message is acknowledged.
 *
 * <p>Transports call {@link #process} for per-message delivery (Pub/Sub) or {@link #processBatch}
 * for poll batches (Kafka), which claims the whole batch's keys in one round trip. Thread-safe; a
 * transport keeps the messages of one partition (or ordering key) on one thread at a time.
 */
public final class EventPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);

  /** Transport attribute that marks a replayed message. */
  public static final String REPLAY_ATTRIBUTE = "replay";

  /** Default claim lease: how long a claim holds before another consumer may take over. */
  public static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);

  /** Default retention of completed keys (the dedup TTL). */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

  /** Default delay before retrying an event that another consumer is handling. */
  public static final Duration DEFAULT_IN_PROGRESS_DELAY = Duration.ofSeconds(1);

  /** Default delay before retrying a message whose dead letter could not be stored. */
  public static final Duration DEFAULT_SINK_RETRY_DELAY = Duration.ofSeconds(5);

  private final ContractRegistry registry;
  private final EventValidator validator;
  private final ObjectReader payloadReader;
  private final Map<String, List<HandlerBinding<?>>> bindings;
  private final DedupStore dedupStore;
  private final EntityVersionStore versionStore;
  private final TransactionalStore transactionalStore;
  private final DeadLetterSink sink;
  private final RetryConfig retry;
  private final Duration lease;
  private final Duration retention;
  private final Duration inProgressDelay;
  private final Duration sinkRetryDelay;
  private final String owner;
  private final Clock clock;
  private final PipelineMetrics metrics;
  private final UnknownEventAction onUnknownEvent;
  private final boolean logPayloads;

  private EventPipeline(Builder b) {
    this.registry = b.registry;
    this.validator = EventValidator.of(b.registry);
    // the schema has already checked the payload; a handler's type names only the fields it
    // needs, and must keep working when a producer adds an optional field (a non-breaking change)
    this.payloadReader =
        validator
            .reader()
            .mapper()
            .reader()
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    Map<String, List<HandlerBinding<?>>> byName = new HashMap<>();
    for (HandlerBinding<?> binding : b.bindings) {
      byName.computeIfAbsent(binding.eventName(), k -> new ArrayList<>()).add(binding);
    }
    byName.replaceAll((k, v) -> List.copyOf(v));
    this.bindings = Map.copyOf(byName);
    this.dedupStore = b.dedupStore;
    this.versionStore = b.versionStore;
    this.transactionalStore = b.transactionalStore;
    this.sink = Objects.requireNonNull(b.sink, "a dead-letter sink is required");
    this.retry = b.retry;
    this.lease = b.lease;
    this.retention = b.retention;
    this.inProgressDelay = b.inProgressDelay;
    this.sinkRetryDelay = b.sinkRetryDelay;
    this.owner = b.owner;
    this.clock = b.clock;
    this.metrics =
        b.meterRegistry == null ? PipelineMetrics.disabled() : new PipelineMetrics(b.meterRegistry);
    this.onUnknownEvent = b.onUnknownEvent == null ? registry.onUnknownEvent() : b.onUnknownEvent;
    this.logPayloads = b.logPayloads;
  }

  /** Starts a pipeline over the contracts of {@code registry}. */
  public static Builder builder(ContractRegistry registry) {
    return new Builder(registry);
  }

  /** The registry the pipeline validates against. */
  public ContractRegistry registry() {
    return registry;
  }

  /** The id this pipeline claims idempotency keys under. */
  public String owner() {
    return owner;
  }

  /** Processes one message, first delivery. */
  public ProcessingResult process(InboundMessage message) {
    return process(message, 1);
  }

  /**
   * Processes one message.
   *
   * @param deliveryAttempt which delivery this is, from 1; decides whether a failing handler is
   *     retried or dead-lettered
   */
  public ProcessingResult process(InboundMessage message, int deliveryAttempt) {
    Prepared p = prepare(message, deliveryAttempt);
    return p.rejection != null ? reject(p) : execute(p, null, null, null);
  }

  /**
   * Processes messages of one partition in order, claiming all their idempotency keys in one round
   * trip. Stops after the first message whose disposition is {@link Disposition#RETRY} (order is
   * kept: the transport redelivers it and everything after it) and releases the claims taken for
   * the messages after it.
   *
   * @return one result per processed message, in order; shorter than the input after a retry
   */
  public List<ProcessingResult> processBatch(List<InboundMessage> messages) {
    return processBatch(messages, () -> false);
  }

  /**
   * Like {@link #processBatch(List)}, but asks {@code stopRequested} before each message after the
   * first and stops when it answers true, releasing the claims taken for the messages not
   * processed. Lets a transport shut down after the message in progress instead of after the whole
   * batch.
   *
   * @return one result per processed message, in order; shorter than the input after a retry or a
   *     stop
   */
  public List<ProcessingResult> processBatch(
      List<InboundMessage> messages, BooleanSupplier stopRequested) {
    Objects.requireNonNull(stopRequested, "stopRequested");
    List<Prepared> prepared = new ArrayList<>(messages.size());
    for (InboundMessage message : messages) {
      prepared.add(prepare(message, 1));
    }
    Map<String, ClaimState> claims = Map.of();
    // sized for the batch: growing these maps batch after batch cost more than the claims
    int capacity = Math.max(16, messages.size() * 2);
    Map<String, OptionalLong> positions = new HashMap<>(capacity);
    if (transactionalStore == null) {
      Set<String> keys = new LinkedHashSet<>(capacity);
      Set<String> entities = new LinkedHashSet<>(capacity);
      for (Prepared p : prepared) {
        if (p.rejection == null && p.claimsKey()) {
          keys.add(p.key);
          if (p.entity != null) {
            entities.add(p.entity);
          }
        }
      }
      if (!keys.isEmpty()) {
        claims = claimAll(new ArrayList<>(keys));
        if (claims == null) {
          return List.of(storeFailure(prepared.get(0), "claim")); // nothing claimed; retry all
        }
      }
      if (!entities.isEmpty() && versionStore != null) {
        long start = System.nanoTime();
        try {
          positions.putAll(versionStore.currentAll(entities));
        } catch (RuntimeException e) {
          LOG.warn("entity version store failed; the batch is retried", e);
          releaseAll(claims, prepared, 0);
          return List.of(storeFailure(prepared.get(0), "ordering"));
        } finally {
          metrics.store("ordering", "currentAll", System.nanoTime() - start);
        }
      }
    }
    List<ProcessingResult> results = new ArrayList<>(prepared.size());
    Set<String> used = new HashSet<>(capacity);
    // completions are written in one round trip after the batch; a later message of the batch
    // with an already completed key is a duplicate without asking the store
    Set<String> completions = new LinkedHashSet<>(capacity);
    for (int i = 0; i < prepared.size(); i++) {
      if (i > 0 && stopRequested.getAsBoolean()) {
        releaseAll(claims, prepared, i, used);
        break;
      }
      Prepared p = prepared.get(i);
      ProcessingResult result;
      if (p.rejection != null) {
        result = reject(p);
      } else {
        // a replay that takes no claim (SKIP, REPROCESS) must not consume the claim taken for a
        // later message with the same key: that claim would never be completed nor released
        ClaimState claimed =
            p.key != null && p.claimsKey() && used.add(p.key) ? claims.get(p.key) : null;
        if (claimed == null && p.key != null && completions.contains(p.key)) {
          claimed = ClaimState.COMPLETED;
        }
        result = execute(p, claimed, positions, completions);
      }
      results.add(result);
      if (result.disposition() == Disposition.RETRY) {
        releaseAll(claims, prepared, i + 1, used);
        break;
      }
    }
    completeAll(completions);
    return results;
  }

  private void completeAll(Set<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    try {
      dedupStore.completeAll(keys, owner, retention);
    } catch (RuntimeException e) {
      // as for one key: entity positions still guard ordered events; the claims free themselves
      // when their lease ends
      LOG.error("dedup store failed to complete {} keys", keys.size(), e);
    } finally {
      metrics.store("dedup", "completeAll", System.nanoTime() - start);
    }
  }

  private void releaseAll(Map<String, ClaimState> claims, List<Prepared> prepared, int from) {
    releaseAll(claims, prepared, from, new HashSet<>());
  }

  private void releaseAll(
      Map<String, ClaimState> claims, List<Prepared> prepared, int from, Set<String> used) {
    for (int j = from; j < prepared.size(); j++) {
      Prepared later = prepared.get(j);
      if (later.key != null && claims.get(later.key) == ClaimState.CLAIMED && used.add(later.key)) {
        release(later.key);
      }
    }
  }

  private Map<String, ClaimState> claimAll(List<String> keys) {
    long start = System.nanoTime();
    try {
      return dedupStore.claimAll(keys, owner, lease);
    } catch (RuntimeException e) {
      LOG.warn("dedup store failed to claim {} keys; the batch is retried", keys.size(), e);
      return null;
    } finally {
      metrics.store("dedup", "claimAll", System.nanoTime() - start);
    }
  }

  // ---------------------------------------------------------------- preparation

  /** Everything known about a message before any store is touched. */
  private static final class Prepared {
    InboundMessage message;
    int attempt;
    ValidationReport report;
    boolean replay;
    HandlerBinding<?> binding;
    Object payload;
    String key;
    String entity;
    Long position;
    Outcome rejection;
    List<Violation> violations = List.of();

    boolean claimsKey() {
      return !(replay && binding.replayPolicy() != ReplayPolicy.PROCESS);
    }

    String eventName() {
      Envelope e = report == null ? null : report.envelope();
      return e == null || e.eventName() == null ? "unknown" : e.eventName();
    }

    // Meter tags come from the registry, never from the message: a producer (or an attacker)
    // sending made-up names or versions must not create a meter per value.

    /** The event tag: a name the registry knows, or {@code unknown}. */
    String metricEvent() {
      if (report == null
          || (report.contract() == null
              && report.status() != ValidationStatus.UNSUPPORTED_VERSION)) {
        return "unknown"; // unreadable, or a name no contract has
      }
      return eventName(); // UNSUPPORTED_VERSION: the registry knows the name
    }

    /** The version tag: the version of the contract that governed the event, or {@code unknown}. */
    String metricVersion() {
      return report == null || report.contract() == null ? "unknown" : report.contract().version();
    }
  }

  private Prepared prepare(InboundMessage message, int attempt) {
    Prepared p = new Prepared();
    p.message = message;
    p.attempt = attempt;
    p.replay = "true".equalsIgnoreCase(message.attribute(REPLAY_ATTRIBUTE));
    ValidationReport report = validator.validate(message);
    p.report = report;
    switch (report.status()) {
      case VALID -> {}
      case INVALID -> {
        return rejected(p, Outcome.INVALID, report.violations());
      }
      case UNSUPPORTED_VERSION -> {
        return rejected(p, Outcome.UNSUPPORTED_VERSION, report.violations());
      }
      case UNKNOWN_EVENT -> {
        return rejected(p, Outcome.UNKNOWN_EVENT, report.violations());
      }
      case MALFORMED -> {
        return rejected(p, Outcome.MALFORMED, report.violations());
      }
    }
    Envelope envelope = report.envelope();
    EventContract contract = report.contract();
    p.binding = bindingFor(contract);
    if (p.binding == null) {
      return rejected(
          p,
          Outcome.UNKNOWN_EVENT,
          List.of(
              Violation.of(
                  "",
                  ViolationCode.UNKNOWN_EVENT,
                  "no handler for " + contract.name() + " version " + contract.version())));
    }
    OrderingRule rule = contract.ordering();
    if (rule != null) {
      String entity = rule.entityOf(envelope);
      Long position = rule.positionOf(envelope);
      if (entity == null || position == null) {
        return rejected(
            p,
            Outcome.INVALID,
            List.of(
                Violation.of(
                    envelope.payloadPointer(),
                    ViolationCode.REQUIRED,
                    "ordering needs entity "
                        + rule.entity()
                        + " and "
                        + rule.kind().name().toLowerCase(java.util.Locale.ROOT)
                        + " "
                        + rule.position()
                        + "; the event lacks one or it is not a "
                        + rule.kind().name().toLowerCase(java.util.Locale.ROOT))));
      }
      p.entity = IdempotencyKeys.entity(contract, envelope, entity);
      p.position = position;
    }
    JsonNode payload = envelope.payload();
    EventVersion target = p.binding.upcastTo();
    if (target != null && !target.equals(contract.eventVersion())) {
      var upcast = registry.upcast(contract.name(), contract.eventVersion(), target, payload);
      if (upcast.isEmpty()) {
        return rejected(
            p,
            Outcome.UNSUPPORTED_VERSION,
            List.of(
                Violation.of(
                    "",
                    ViolationCode.UNSUPPORTED_VERSION,
                    "no upcaster chain from " + contract.version() + " to " + target)));
      }
      payload = upcast.get();
    }
    try {
      p.payload =
          p.binding.payloadType() == JsonNode.class
              ? payload
              : payloadReader.treeToValue(payload, p.binding.payloadType());
    } catch (Exception e) {
      return rejected(
          p,
          Outcome.INVALID,
          List.of(
              Violation.of(
                  envelope.payloadPointer(),
                  ViolationCode.TYPE,
                  "payload does not bind to "
                      + p.binding.payloadType().getSimpleName()
                      + ": "
                      + firstLine(e.getMessage()))));
    }
    IdempotencyKeys.Derived derived = IdempotencyKeys.derive(contract, envelope, message.value());
    p.key = derived.key();
    if (derived.mismatch()) {
      metrics.keyMismatch(contract.name());
      LOG.warn(
          "idempotency key of event {} ({}) differs from the contract template; the template's key"
              + " is used",
          envelope.eventId(),
          contract.name());
    }
    return p;
  }

  private HandlerBinding<?> bindingFor(EventContract contract) {
    List<HandlerBinding<?>> candidates = bindings.get(contract.name());
    if (candidates != null) {
      for (HandlerBinding<?> binding : candidates) {
        if (binding.accepts(contract.eventVersion())) {
          return binding;
        }
      }
    }
    return null;
  }

  private static Prepared rejected(Prepared p, Outcome outcome, List<Violation> violations) {
    p.rejection = outcome;
    p.violations = violations;
    return p;
  }

  // ---------------------------------------------------------------- execution

  private ProcessingResult execute(
      Prepared p,
      ClaimState preclaimed,
      Map<String, OptionalLong> positions,
      Set<String> completions) {
    Envelope envelope = p.report.envelope();
    ReplayPolicy policy = p.binding.replayPolicy();
    if (p.replay) {
      metrics.replay(envelope.eventName(), policy.name());
      if (policy == ReplayPolicy.SKIP) {
        return finish(p, Outcome.DUPLICATE, null);
      }
    }
    boolean reprocess = p.replay && policy == ReplayPolicy.REPROCESS;
    String[] callerMdc = putMdc(envelope);
    try {
      if (transactionalStore != null) {
        return executeInTransaction(p, reprocess);
      }
      if (!reprocess) {
        ClaimState state = preclaimed;
        if (state == null) {
          long start = System.nanoTime();
          try {
            state = dedupStore.claim(p.key, owner, lease);
          } catch (RuntimeException e) {
            LOG.warn("dedup store failed to claim {}; the message is retried", p.key, e);
            return storeFailure(p, "claim");
          } finally {
            metrics.store("dedup", "claim", System.nanoTime() - start);
          }
        }
        if (state == ClaimState.COMPLETED) {
          return finish(p, Outcome.DUPLICATE, null);
        }
        if (state == ClaimState.IN_PROGRESS) {
          return retry(p, Outcome.DUPLICATE, inProgressDelay, null);
        }
      }
      if (p.entity != null && !reprocess) {
        OptionalLong current;
        long start = System.nanoTime();
        try {
          current =
              positions != null && positions.containsKey(p.entity)
                  ? positions.get(p.entity)
                  : versionStore.current(p.entity);
        } catch (RuntimeException e) {
          LOG.warn("entity version store failed; the message is retried", e);
          release(p.key);
          return storeFailure(p, "ordering");
        } finally {
          metrics.store("ordering", "current", System.nanoTime() - start);
        }
        if (current.isPresent() && current.getAsLong() >= p.position) {
          complete(p.key, completions);
          return finish(p, Outcome.STALE, null);
        }
      }
      Throwable failure = runHandler(p, null);
      if (failure != null) {
        if (!reprocess) {
          release(p.key);
        }
        return failed(p, failure);
      }
      if (p.entity != null) {
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
          // the handler ran; the key stays claimed until its lease ends, so a redelivery before
          // then is a duplicate and one after it runs again: the window docs/pipeline.md describes
          LOG.error("entity version store failed after the handler succeeded", e);
          return storeFailure(p, "advance");
        } finally {
          metrics.store("ordering", "advance", System.nanoTime() - start);
        }
      }
      if (!reprocess) {
        complete(p.key, completions);
      }
      return finish(p, Outcome.PROCESSED, null);
    } finally {
      // restore the caller's values of our keys, leaving the rest of its context alone
      restoreMdc(callerMdc);
    }
  }

  /** Wraps a handler's exception so it can be told apart from a store's inside a transaction. */
  private static final class HandlerFailure extends Exception {
    private static final long serialVersionUID = 1L;

    HandlerFailure(Throwable cause) {
      super(cause);
    }
  }

  private ProcessingResult executeInTransaction(Prepared p, boolean reprocess) {
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
                  if (!reprocess && current.isPresent() && current.getAsLong() >= p.position) {
                    return Outcome.STALE;
                  }
                }
                Throwable failure = runHandler(p, tx.connection());
                if (failure != null) {
                  throw new HandlerFailure(failure);
                }
                if (p.entity != null && (current.isEmpty() || current.getAsLong() < p.position)) {
                  tx.setPosition(p.entity, p.position);
                }
                return Outcome.PROCESSED;
              });
      return finish(p, outcome, null);
    } catch (HandlerFailure e) {
      return failed(p, e.getCause());
    } catch (Exception e) {
      LOG.warn("transactional store failed; the message is retried", e);
      return storeFailure(p, "transaction");
    } finally {
      metrics.store("transaction", "process", System.nanoTime() - start);
    }
  }

  @SuppressWarnings("unchecked")
  private Throwable runHandler(Prepared p, java.sql.Connection connection) {
    Envelope envelope = p.report.envelope();
    EventContext context =
        new EventContext(
            envelope,
            p.report.contract(),
            p.message.origin(),
            p.replay,
            p.attempt,
            p.key,
            p.entity,
            p.position,
            connection);
    if (logPayloads && LOG.isDebugEnabled()) {
      LOG.debug("handling {} payload {}", envelope.eventName(), envelope.payload());
    }
    long start = System.nanoTime();
    try {
      ((EventHandler<Object>) p.binding.handler()).handle(p.payload, context);
      metrics.handler(envelope.eventName(), true, System.nanoTime() - start);
      return null;
    } catch (Exception | LinkageError | AssertionError e) {
      metrics.handler(envelope.eventName(), false, System.nanoTime() - start);
      return e;
    }
  }

  /** Completes a key now, or at the end of the batch when {@code completions} collects them. */
  private void complete(String key, Set<String> completions) {
    if (completions != null) {
      completions.add(key);
    } else {
      complete(key);
    }
  }

  private void complete(String key) {
    long start = System.nanoTime();
    try {
      dedupStore.complete(key, owner, retention);
    } catch (RuntimeException e) {
      // the entity position (if any) already guards against a second run; without one, a
      // redelivery after the lease runs the handler again: logged loudly, not hidden
      LOG.error("dedup store failed to complete {}", key, e);
    } finally {
      metrics.store("dedup", "complete", System.nanoTime() - start);
    }
  }

  private void release(String key) {
    long start = System.nanoTime();
    try {
      dedupStore.release(key, owner);
    } catch (RuntimeException e) {
      LOG.warn("dedup store failed to release {}; it frees itself when the lease ends", key, e);
    } finally {
      metrics.store("dedup", "release", System.nanoTime() - start);
    }
  }

  private ProcessingResult failed(Prepared p, Throwable failure) {
    boolean retryable = failure instanceof Exception && retry.getExceptionPredicate().test(failure);
    if (retryable && p.attempt < retry.getMaxAttempts()) {
      long delayMillis =
          retry.<Object>getIntervalBiFunction().apply(p.attempt, Either.left(failure));
      LOG.info(
          "handler for {} failed (attempt {} of {}); retrying in {} ms: {}",
          p.eventName(),
          p.attempt,
          retry.getMaxAttempts(),
          delayMillis,
          failure.toString());
      return retry(p, Outcome.FAILED, Duration.ofMillis(delayMillis), failure);
    }
    p.rejection = Outcome.FAILED;
    p.violations = List.of();
    return deadLetter(p, failure, List.of(String.valueOf(failure)));
  }

  private ProcessingResult reject(Prepared p) {
    if (p.rejection == Outcome.UNKNOWN_EVENT && onUnknownEvent == UnknownEventAction.SKIP) {
      return finish(p, Outcome.UNKNOWN_EVENT, null);
    }
    List<String> errors = new ArrayList<>(p.violations.size());
    for (Violation v : p.violations) {
      errors.add(v.toString());
    }
    return deadLetter(p, null, errors);
  }

  private ProcessingResult deadLetter(Prepared p, Throwable failure, List<String> errors) {
    Envelope envelope = p.report == null ? null : p.report.envelope();
    DeadLetter deadLetter =
        new DeadLetter(
            p.message.value(),
            p.message.attributes(),
            p.rejection,
            p.violations,
            errors,
            failure == null ? null : failure.getClass().getName(),
            p.message.origin(),
            p.rejection == Outcome.FAILED ? p.attempt : 0,
            envelope == null ? null : envelope.eventId(),
            envelope == null ? null : envelope.eventName(),
            envelope == null ? null : envelope.eventVersion(),
            clock.instant());
    try {
      sink.publish(deadLetter);
    } catch (Exception e) {
      metrics.deadLetterFailure(p.rejection.name());
      LOG.error(
          "dead-letter sink failed for a {} message from {}; it is not acknowledged and will be"
              + " retried",
          p.rejection,
          p.message.origin(),
          e);
      return retry(p, p.rejection, sinkRetryDelay, e);
    }
    LOG.warn(
        "dead-lettered {} message {} ({}) from {}: {}",
        p.rejection,
        envelope == null ? null : envelope.eventId(),
        p.eventName(),
        p.message.origin(),
        errors.isEmpty() ? "" : errors.get(0));
    return finish(p, p.rejection, deadLetter, failure);
  }

  private ProcessingResult storeFailure(Prepared p, String operation) {
    return retry(
        p,
        Outcome.FAILED,
        inProgressDelay,
        new IllegalStateException("store operation '" + operation + "' failed"));
  }

  private ProcessingResult retry(Prepared p, Outcome outcome, Duration delay, Throwable error) {
    metrics.retry(p.metricEvent(), outcome.name());
    return result(p, outcome, Disposition.RETRY, delay, null, error);
  }

  private ProcessingResult finish(Prepared p, Outcome outcome, DeadLetter deadLetter) {
    return finish(p, outcome, deadLetter, null);
  }

  private ProcessingResult finish(
      Prepared p, Outcome outcome, DeadLetter deadLetter, Throwable error) {
    metrics.outcome(p.metricEvent(), p.metricVersion(), outcome.name(), p.replay);
    // a replay keeps its original occurred_at (seed 000), so its "lag" is the replay's age: left
    // out, or one replay would swamp the timer that alerts on a consumer falling behind
    if (outcome == Outcome.PROCESSED && !p.replay && metrics.enabled()) {
      Instant occurredAt = p.report.envelope().occurredAt();
      if (occurredAt != null) {
        metrics.lag(p.eventName(), Duration.between(occurredAt, clock.instant()));
      }
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} -> {}", p.eventName(), p.key, outcome);
    }
    return result(p, outcome, Disposition.ACKNOWLEDGE, Duration.ZERO, deadLetter, error);
  }

  private static ProcessingResult result(
      Prepared p,
      Outcome outcome,
      Disposition disposition,
      Duration delay,
      DeadLetter deadLetter,
      Throwable error) {
    return new ProcessingResult(
        p.message,
        outcome,
        disposition,
        delay,
        p.report == null ? null : p.report.envelope(),
        p.replay,
        p.key,
        p.entity,
        p.position,
        p.violations,
        error,
        deadLetter);
  }

  private static final String[] MDC_KEYS = {"event_id", "event_name", "trace_id", "correlation_id"};

  /** Puts the event's MDC keys and returns the values they replaced. */
  private static String[] putMdc(Envelope envelope) {
    String[] values = {
      String.valueOf(envelope.eventId()),
      envelope.eventName(),
      envelope.traceId(),
      envelope.correlationId()
    };
    String[] previous = new String[MDC_KEYS.length];
    for (int i = 0; i < MDC_KEYS.length; i++) {
      previous[i] = MDC.get(MDC_KEYS[i]);
      if (values[i] != null) {
        MDC.put(MDC_KEYS[i], values[i]);
      }
    }
    return previous;
  }

  private static void restoreMdc(String[] previous) {
    for (int i = 0; i < MDC_KEYS.length; i++) {
      if (previous[i] == null) {
        MDC.remove(MDC_KEYS[i]);
      } else {
        MDC.put(MDC_KEYS[i], previous[i]);
      }
    }
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  /** Builds an {@link EventPipeline}. */
  public static final class Builder {
    private final ContractRegistry registry;
    private final List<HandlerBinding<?>> bindings = new ArrayList<>();
    private DedupStore dedupStore;
    private EntityVersionStore versionStore;
    private TransactionalStore transactionalStore;
    private DeadLetterSink sink;
    private RetryConfig retry =
        RetryConfig.custom()
            .maxAttempts(3)
            .intervalFunction(
                io.github.resilience4j.core.IntervalFunction.ofExponentialBackoff(200, 2.0))
            .build();
    private Duration lease = DEFAULT_LEASE;
    private Duration retention = DEFAULT_RETENTION;
    private Duration inProgressDelay = DEFAULT_IN_PROGRESS_DELAY;
    private Duration sinkRetryDelay = DEFAULT_SINK_RETRY_DELAY;
    private String owner = "consumer-" + UUID.randomUUID();
    private Clock clock = Clock.systemUTC();
    private MeterRegistry meterRegistry;
    private UnknownEventAction onUnknownEvent;
    private boolean logPayloads;
    private StoreResilience storeResilience;

    private Builder(ContractRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Binds a handler. */
    public Builder handler(HandlerBinding<?> binding) {
      bindings.add(Objects.requireNonNull(binding, "binding"));
      return this;
    }

    /** Binds a handler that receives the payload as {@code type}, for every version. */
    public <T> Builder handler(String eventName, Class<T> type, EventHandler<T> handler) {
      return handler(HandlerBinding.of(eventName, type, handler));
    }

    /** Sets the dedup store; an in-memory store when none is set. */
    public Builder dedupStore(DedupStore store) {
      this.dedupStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Sets the entity version store; an in-memory store when none is set. */
    public Builder entityVersionStore(EntityVersionStore store) {
      this.versionStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Uses a transactional store instead of the dedup and entity version stores: the key, the
     * position and the handler's writes (through {@link EventContext#connection()}) commit in one
     * transaction.
     */
    public Builder transactionalStore(TransactionalStore store) {
      this.transactionalStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Sets the dead-letter sink (required). */
    public Builder deadLetterSink(DeadLetterSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * Sets the handler retry policy (Resilience4j): {@code maxAttempts} counts deliveries, the
     * interval function gives the back-off, and exceptions the config does not retry are
     * dead-lettered at once. Default: 3 attempts, exponential back-off from 200 ms.
     */
    public Builder retry(RetryConfig config) {
      this.retry = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Sets the claim lease; {@link #DEFAULT_LEASE} by default. */
    public Builder lease(Duration lease) {
      this.lease = positive(lease, "lease");
      return this;
    }

    /** Sets how long completed keys are remembered; {@link #DEFAULT_RETENTION} by default. */
    public Builder retention(Duration retention) {
      this.retention = positive(retention, "retention");
      return this;
    }

    /** Sets the delay before retrying an event another consumer is handling. */
    public Builder inProgressDelay(Duration delay) {
      this.inProgressDelay = positive(delay, "delay");
      return this;
    }

    /** Sets the delay before retrying a message whose dead letter could not be stored. */
    public Builder sinkRetryDelay(Duration delay) {
      this.sinkRetryDelay = positive(delay, "delay");
      return this;
    }

    /** Sets the owner id claims are taken under; a random id by default. */
    public Builder owner(String owner) {
      this.owner = Objects.requireNonNull(owner, "owner");
      return this;
    }

    /** Sets the clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Records meters on this registry; none are recorded by default. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Overrides the registry's action for unknown events. */
    public Builder onUnknownEvent(UnknownEventAction action) {
      this.onUnknownEvent = Objects.requireNonNull(action, "action");
      return this;
    }

    /** Logs payloads at debug level; off by default, since payloads may hold personal data. */
    public Builder logPayloads(boolean logPayloads) {
      this.logPayloads = logPayloads;
      return this;
    }

    /**
     * Sets the circuit breakers around the stores and the dead-letter sink given to this builder
     * (the in-memory defaults are not wrapped). By default {@link StoreResilience#ofDefaults()},
     * with its meters on {@link #meterRegistry}; {@link StoreResilience#disabled()} turns them off.
     */
    public Builder storeResilience(StoreResilience resilience) {
      this.storeResilience = Objects.requireNonNull(resilience, "resilience");
      return this;
    }

    private static Duration positive(Duration d, String what) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
      return d;
    }

    /** Builds the pipeline. */
    public EventPipeline build() {
      StoreResilience resilience = storeResilience;
      if (resilience == null) {
        resilience =
            meterRegistry == null
                ? StoreResilience.ofDefaults()
                : StoreResilience.builder().meterRegistry(meterRegistry).build();
      }
      if (sink != null) {
        sink = resilience.deadLetterSink(sink);
      }
      if (dedupStore != null) {
        dedupStore = resilience.dedupStore(dedupStore);
      }
      if (versionStore != null) {
        versionStore = resilience.entityVersionStore(versionStore);
      }
      if (transactionalStore != null) {
        transactionalStore = resilience.transactionalStore(transactionalStore);
      }
      if (transactionalStore == null) {
        if (dedupStore == null) {
          dedupStore = DedupStore.inMemory(1_000_000, clock);
        }
        if (versionStore == null) {
          versionStore = EntityVersionStore.inMemory();
        }
      } else if (dedupStore != null || versionStore != null) {
        throw new IllegalStateException(
            "a transactional store replaces the dedup and entity version stores");
      }
      return new EventPipeline(this);
    }
  }
}
