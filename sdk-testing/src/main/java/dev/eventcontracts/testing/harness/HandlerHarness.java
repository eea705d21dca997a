package dev.eventcontracts.testing.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.UnknownEventAction;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.pipeline.ReplayPolicy;
import dev.eventcontracts.resilience.StoreResilience;
import dev.eventcontracts.testing.fixtures.ContractFixtures;
import dev.eventcontracts.testing.fixtures.InvalidVariant;
import dev.eventcontracts.testing.fixtures.SampleEvent;
import dev.eventcontracts.testing.stores.MutableClock;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.ValidationReport;
import dev.eventcontracts.validation.Violation;
import dev.eventcontracts.version.EventVersion;
import io.github.resilience4j.retry.RetryConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Runs a consumer team's real handler bindings through the real {@link EventPipeline} (in-memory
 * dedup and entity version stores, or the team's transactional store; a {@link MutableClock}; an
 * {@link InMemoryDeadLetterSink}) on generated samples of every contract and version the bindings
 * claim, and checks, one call each, what can go wrong in the team's code and wiring.
 *
 * <pre>{@code
 * ProfileProjection projection = new ProfileProjection();
 * HandlerHarness harness =
 *     HandlerHarness.builder(registry)
 *         .handlers(projection.bindings())
 *         .state(projection::snapshot)
 *         .build();
 * harness.assertAll();
 * }</pre>
 *
 * <p>Every scenario runs on a fresh pipeline with empty stores. The state probe must return a
 * snapshot that is compared with {@code equals} (a copy of a map, a record), never the live object.
 * Each check collects every problem it finds and fails once, naming for each the event, what the
 * handler did and what was expected.
 */
public final class HandlerHarness {
  private final ContractRegistry registry;
  private final List<HandlerBinding<?>> bindings;
  private final Supplier<?> state;
  private final Runnable reset;
  private final Supplier<? extends TransactionalStore> transactionalStores;
  private final MutableClock clock;
  private final ContractFixtures fixtures;
  private final EventValidator validator;
  private final Map<String, SampleEvent> full = new HashMap<>();
  private final Map<String, SampleEvent> minimal = new HashMap<>();

  private HandlerHarness(Builder b) {
    this.registry = b.registry;
    this.bindings = List.copyOf(b.bindings);
    this.state = b.state;
    this.reset = b.reset;
    this.transactionalStores = b.transactionalStores;
    this.clock = b.clock == null ? MutableClock.create() : b.clock;
    this.fixtures = ContractFixtures.of(registry, b.seed);
    this.validator = EventValidator.of(registry);
    for (SampleEvent s : fixtures.validSamples()) {
      full.put(key(s.eventName(), s.version()), s);
    }
    for (SampleEvent s : fixtures.minimalSamples()) {
      minimal.put(key(s.eventName(), s.version()), s);
    }
  }

  /** Starts a harness for handlers of contracts in {@code registry}. */
  public static Builder builder(ContractRegistry registry) {
    return new Builder(registry);
  }

  /** The generated fixtures the checks use, for scenarios of your own. */
  public ContractFixtures fixtures() {
    return fixtures;
  }

  /** The clock every pipeline of the harness runs on. */
  public MutableClock clock() {
    return clock;
  }

  // ------------------------------------------------------------------ checks

  /**
   * Every generated valid sample of every contract and version the bindings claim, once with every
   * optional field present and once with only the required fields, binds to the handler's payload
   * type and is handled without an exception (outcome {@code PROCESSED}, handler run once). Also
   * fails when the payload type binds an absent optional field to a primitive (Jackson reads it as
   * 0 or false, so the handler cannot tell absent from 0).
   */
  public void assertValidSamplesHandled() {
    Problems problems = new Problems("valid samples are handled");
    for (EventContract c : claimed()) {
      SampleEvent withAll = sample(full, c);
      SampleEvent withRequired = sample(minimal, c);
      handledOnce(withAll, "every optional field present", problems);
      if (handledOnce(withRequired, "only required fields", problems)) {
        primitivesForAbsentFields(c, withAll, withRequired, problems);
      }
    }
    problems.throwIfAny();
  }

  /**
   * Every version of a claimed event that the registry accepts reaches a binding: none is
   * dead-lettered as {@code UNKNOWN_EVENT} ("no handler") or {@code UNSUPPORTED_VERSION} (an upcast
   * with no upcaster chain). Also fails for a binding whose event name no contract has.
   */
  public void assertEveryVersionBound() {
    Problems problems = new Problems("every accepted version reaches a binding");
    Set<String> known = new TreeSet<>();
    registry.contracts().forEach(c -> known.add(c.name()));
    for (String name : claimedNames()) {
      if (!known.contains(name)) {
        problems.add(
            "a binding for '"
                + name
                + "': registry '"
                + registry.name()
                + "' has no contract of that name, so the handler never runs"
                + "\n  expected: one of "
                + known,
            null);
      }
    }
    for (EventContract c : registry.contracts()) {
      if (!claimedNames().contains(c.name())) {
        continue;
      }
      SampleEvent s = sample(full, c);
      Delivery d = new Run(false).deliver(s.message(), 1);
      problems.checked++;
      Outcome o = d.result.outcome();
      if (o == Outcome.UNKNOWN_EVENT || o == Outcome.UNSUPPORTED_VERSION) {
        problems.add(
            describe(s, "a valid sample")
                + ": registry '"
                + registry.name()
                + "' accepts this version, but "
                + d.activity.describe()
                + "; outcome "
                + outcome(d.result)
                + "\n  expected: a binding for every version of "
                + c.name()
                + " the registry accepts ("
                + versions(c.name(), false)
                + "); the bindings take "
                + versions(c.name(), true)
                + ": widen the binding's versions(...) or add a binding",
            null);
      }
    }
    problems.throwIfAny();
  }

  /**
   * After one delivery of each claimed contract's sample, a duplicate delivery (same event id), a
   * re-send under a new event id and, for contracts with an ordering rule, an event with an older
   * entity version leave the state exactly as the one delivery did.
   */
  public void assertRedeliveriesIdempotent() {
    requireState("assertRedeliveriesIdempotent");
    Problems problems = new Problems("redeliveries leave the state as one delivery did");
    int changed = 0;
    int processed = 0;
    for (EventContract c : claimed()) {
      SampleEvent s = sample(full, c);
      Run run = new Run(true);
      Delivery first = run.deliver(s.message(), 1);
      if (!firstDeliveryProcessed(s, first, problems)) {
        continue;
      }
      processed++;
      if (!Objects.equals(first.before, first.after)) {
        changed++;
      }
      Delivery duplicate = run.deliver(s.message(), 1);
      unchanged(s, "delivered a second time, same event id", first.after, duplicate, problems);
      SampleEvent resend = newEventId(s);
      if (resend != s) {
        Delivery resent = run.deliver(resend.message(), 1);
        unchanged(s, "re-sent under a new event id", first.after, resent, problems);
      }
      if (c.ordering() != null && first.result.entityVersion() != null) {
        stale(s, run, first, problems);
      }
    }
    if (processed > 0 && changed == 0) {
      problems.add(
          "the state probe returned equal states before and after the first delivery of all "
              + processed
              + " samples\n  expected: a probe that returns a snapshot of the handlers' state (a"
              + " copy, or a value), not the live object; otherwise no state check can fail",
          null);
    }
    problems.throwIfAny();
  }

  /**
   * After one delivery, the same event replayed ({@code replay=true}) leaves the state exactly as
   * the one delivery did, under the binding's replay policy: a {@link ReplayPolicy#REPROCESS}
   * handler runs again and must be idempotent; {@code PROCESS} and {@code SKIP} must not run it.
   */
  public void assertReplaysIdempotent() {
    requireState("assertReplaysIdempotent");
    Problems problems = new Problems("replays leave the state as one delivery did");
    for (EventContract c : claimed()) {
      SampleEvent s = sample(full, c);
      ReplayPolicy policy = bindingFor(c).replayPolicy();
      Run run = new Run(true);
      Delivery first = run.deliver(s.message(), 1);
      if (!firstDeliveryProcessed(s, first, problems)) {
        continue;
      }
      Delivery replayed = run.deliver(replay(s.message()), 1);
      String expected =
          policy == ReplayPolicy.REPROCESS
              ? "under REPROCESS the handler runs again, so its side effect must be idempotent:"
                  + " the state must stay as one delivery left it"
              : "under " + policy + " a replay of an applied event is a duplicate: the state stays";
      if (!Objects.equals(first.after, replayed.after)) {
        problems.add(
            describe(
                    s, "replayed (replay=true) after one delivery, binding replay policy " + policy)
                + ": "
                + replayed.activity.describe()
                + "; outcome "
                + outcome(replayed.result)
                + "\n  state after one delivery: "
                + show(first.after)
                + "\n  state after the replay:   "
                + show(replayed.after)
                + "\n  expected: "
                + expected,
            firstThrown(replayed));
      }
    }
    problems.throwIfAny();
  }

  /**
   * Every generated invalid variant of every claimed contract and version (each required field
   * missing, wrong types, broken enums, patterns and ranges, unknown versions and events, truncated
   * JSON) is rejected with the outcome and path it announces, is dead-lettered, and never reaches a
   * handler.
   */
  public void assertInvalidVariantsRejected() {
    Problems problems = new Problems("invalid variants never reach a handler");
    for (EventContract c : claimed()) {
      // rejections are decided before any store is asked, so one pipeline serves a contract
      Run run = new Run(false);
      for (InvalidVariant v : fixtures.invalidVariants(c.name(), c.version())) {
        run.sink.clear();
        Delivery d = run.deliver(v.message(), 1);
        problems.checked++;
        String event = c.name() + " " + c.version() + " (invalid variant: " + v.description() + ")";
        String expected =
            "\n  expected: rejected as "
                + v.expectedOutcome()
                + (v.expectedPath() == null
                    ? ""
                    : " with [" + v.expectedCode() + "] at " + v.expectedPath())
                + ", dead-lettered, the handler never run";
        if (d.activity.runs() > 0) {
          problems.add(
              event
                  + ": it reached the handler: "
                  + d.activity.describe()
                  + "; outcome "
                  + outcome(d.result)
                  + expected,
              firstThrown(d));
          continue;
        }
        if (d.result.outcome() != v.expectedOutcome()) {
          problems.add(event + ": outcome " + outcome(d.result) + expected, null);
          continue;
        }
        if (v.expectedPath() != null
            && d.result.violations().stream()
                .noneMatch(
                    x ->
                        v.expectedPath().equals(x.path())
                            && (v.expectedCode() == null
                                || String.valueOf(v.expectedCode()).equals(x.code())))) {
          problems.add(event + ": outcome " + outcome(d.result) + expected, null);
          continue;
        }
        boolean skipped =
            d.result.outcome() == Outcome.UNKNOWN_EVENT
                && registry.onUnknownEvent() == UnknownEventAction.SKIP;
        boolean deadLettered =
            run.sink.deadLetters().stream().anyMatch(x -> x.reason() == d.result.outcome());
        if (!skipped && !deadLettered) {
          problems.add(
              event
                  + ": outcome "
                  + outcome(d.result)
                  + ", but no dead letter was stored"
                  + expected,
              null);
        }
      }
    }
    problems.throwIfAny();
  }

  /**
   * In transactional mode, a handler keeps all its state inside the transaction: each claimed
   * contract's sample is handled in a transaction that is then rolled back (as when the commit
   * fails), and the state must be exactly what it was before; the redelivery is then processed.
   * Needs {@link Builder#transactionalStore} and {@link Builder#state}.
   */
  public void assertStateInsideTransaction() {
    requireState("assertStateInsideTransaction");
    if (transactionalStores == null) {
      throw new IllegalStateException(
          "assertStateInsideTransaction needs the transactional store the handlers run on:"
              + " HandlerHarness.builder(registry).transactionalStore(...)");
    }
    Problems problems = new Problems("handlers keep their state inside the transaction");
    for (EventContract c : claimed()) {
      SampleEvent s = sample(full, c);
      Run run = new Run(true);
      run.rollback.arm(true);
      Delivery rolledBack = run.deliver(s.message(), 1);
      run.rollback.arm(false);
      problems.checked++;
      String event = describe(s, "handled, then its transaction rolled back");
      if (rolledBack.activity.runs() == 0 || !rolledBack.activity.thrown().isEmpty()) {
        problems.add(
            event
                + ": "
                + rolledBack.activity.describe()
                + "; outcome "
                + outcome(rolledBack.result)
                + "\n  expected: the handler runs once and returns normally (see"
                + " assertValidSamplesHandled)",
            firstThrown(rolledBack));
        continue;
      }
      if (!Objects.equals(rolledBack.before, rolledBack.after)) {
        problems.add(
            event
                + ": "
                + rolledBack.activity.describe()
                + ", the transaction rolled back, and yet the state changed"
                + "\n  state before:            "
                + show(rolledBack.before)
                + "\n  state after the rollback: "
                + show(rolledBack.after)
                + "\n  expected: no change: in transactional mode a handler writes only through"
                + " EventContext.connection(), so its writes commit or roll back with the"
                + " idempotency key and the entity version (the redelivery would apply them again)",
            null);
        continue;
      }
      Delivery redelivered = run.deliver(s.message(), 2);
      if (redelivered.result.outcome() != Outcome.PROCESSED) {
        problems.add(
            describe(s, "redelivered after the rollback")
                + ": "
                + redelivered.activity.describe()
                + "; outcome "
                + outcome(redelivered.result)
                + "\n  expected: PROCESSED (the rolled-back transaction recorded nothing)",
            firstThrown(redelivered));
      }
    }
    problems.throwIfAny();
  }

  /**
   * Runs every check that applies: all of them when a state probe is set, the transactional one
   * only with a transactional store; fails once with every check's problems.
   */
  public void assertAll() {
    List<Runnable> checks = new ArrayList<>();
    checks.add(this::assertEveryVersionBound);
    checks.add(this::assertValidSamplesHandled);
    checks.add(this::assertInvalidVariantsRejected);
    if (state != null) {
      checks.add(this::assertRedeliveriesIdempotent);
      checks.add(this::assertReplaysIdempotent);
      if (transactionalStores != null) {
        checks.add(this::assertStateInsideTransaction);
      }
    }
    List<AssertionError> failures = new ArrayList<>();
    for (Runnable check : checks) {
      try {
        check.run();
      } catch (AssertionError e) {
        failures.add(e);
      }
    }
    if (failures.size() == 1) {
      throw failures.get(0);
    }
    if (!failures.isEmpty()) {
      StringBuilder message = new StringBuilder(failures.size() + " checks failed");
      failures.forEach(f -> message.append("\n\n").append(f.getMessage()));
      AssertionError all = new AssertionError(message.toString());
      failures.forEach(all::addSuppressed);
      throw all;
    }
  }

  // ------------------------------------------------------------------ scenario helpers

  private boolean handledOnce(SampleEvent s, String variant, Problems problems) {
    Delivery d = new Run(false).deliver(s.message(), 1);
    problems.checked++;
    boolean ok =
        d.result.outcome() == Outcome.PROCESSED
            && d.activity.runs() == 1
            && d.activity.thrown().isEmpty();
    if (!ok) {
      problems.add(
          describe(s, variant)
              + ": "
              + d.activity.describe()
              + "; outcome "
              + outcome(d.result)
              + hint(d.result)
              + "\n  expected: the payload binds to "
              + bindingFor(contractOf(s)).payloadType().getSimpleName()
              + " and the handler runs once and returns normally (outcome PROCESSED)",
          firstThrown(d));
    }
    return ok;
  }

  private void primitivesForAbsentFields(
      EventContract c, SampleEvent withAll, SampleEvent withRequired, Problems problems) {
    HandlerBinding<?> binding = bindingFor(c);
    EventVersion upcast = binding.upcastTo();
    if (upcast != null && !upcast.equals(c.eventVersion())) {
      return; // the handler sees another version's shape
    }
    Envelope fullEnvelope = envelope(withAll);
    Envelope minimalEnvelope = envelope(withRequired);
    if (fullEnvelope == null || minimalEnvelope == null) {
      return;
    }
    JsonNode fullPayload = fullEnvelope.payload();
    JsonNode minimalPayload = minimalEnvelope.payload();
    for (AbsentFields.PrimitiveBinding p :
        AbsentFields.primitives(
            validator.reader().mapper(),
            binding.payloadType(),
            fullPayload,
            minimalPayload,
            fullEnvelope.payloadPointer())) {
      String zero = p.type() == boolean.class ? "false" : "0";
      problems.add(
          describe(withRequired, "only required fields")
              + ": the optional field "
              + p.pointer()
              + " is absent, and "
              + p.property()
              + " is a primitive "
              + p.type().getName()
              + ": Jackson binds the absence to "
              + zero
              + ", so the handler ran on a "
              + zero
              + " the producer never sent"
              + "\n  expected: a type that can be absent for an optional field, such as "
              + AbsentFields.boxed(p.type()),
          null);
    }
  }

  private void stale(SampleEvent s, Run run, Delivery first, Problems problems) {
    long position = first.result.entityVersion();
    SampleEvent older = validVariant(() -> newEventId(s.withEntityVersion(position - 1)));
    if (older != null) {
      Delivery d = run.deliver(older.message(), 1);
      unchanged(
          s,
          "an older entity version (" + (position - 1) + ") after " + position,
          first.after,
          d,
          problems);
      return;
    }
    // the sample is at the lowest position the contract allows: deliver a newer one first
    SampleEvent newer = validVariant(() -> newEventId(s.withEntityVersion(position + 1)));
    if (newer == null) {
      return; // the contract admits one position only; nothing can be stale
    }
    Run other = new Run(true);
    Delivery applied = other.deliver(newer.message(), 1);
    if (applied.result.outcome() != Outcome.PROCESSED) {
      return; // reported by the first-delivery checks of that sample
    }
    Delivery d = other.deliver(s.message(), 1);
    unchanged(
        s, "entity version " + position + " after " + (position + 1), applied.after, d, problems);
  }

  /** The sample under a new event id, or the sample itself when its envelope has no id. */
  private static SampleEvent newEventId(SampleEvent s) {
    try {
      return s.withNewEventId();
    } catch (IllegalStateException e) {
      return s; // seed 001's envelope has no event id: a re-send is the same message
    }
  }

  private SampleEvent validVariant(Supplier<SampleEvent> make) {
    try {
      SampleEvent v = make.get();
      return validator.validate(v.message()).valid() ? v : null;
    } catch (RuntimeException e) {
      return null; // the fixtures cannot place this position in the event
    }
  }

  private boolean firstDeliveryProcessed(SampleEvent s, Delivery first, Problems problems) {
    problems.checked++;
    if (first.result.outcome() == Outcome.PROCESSED) {
      return true;
    }
    problems.add(
        describe(s, "first delivery")
            + ": "
            + first.activity.describe()
            + "; outcome "
            + outcome(first.result)
            + hint(first.result)
            + "\n  expected: PROCESSED, so that redeliveries can be compared with it (see"
            + " assertValidSamplesHandled)",
        firstThrown(first));
    return false;
  }

  private void unchanged(
      SampleEvent s, String what, Object afterOne, Delivery d, Problems problems) {
    if (Objects.equals(afterOne, d.after)) {
      return;
    }
    problems.add(
        describe(s, what)
            + ": "
            + d.activity.describe()
            + "; outcome "
            + outcome(d.result)
            + "\n  state after one delivery: "
            + show(afterOne)
            + "\n  state afterwards:         "
            + show(d.after)
            + "\n  expected: the state one delivery left",
        firstThrown(d));
  }

  private static InboundMessage replay(InboundMessage m) {
    Map<String, String> attributes = new HashMap<>(m.attributes());
    attributes.put(EventPipeline.REPLAY_ATTRIBUTE, "true");
    return new InboundMessage(m.value(), attributes, m.origin());
  }

  private Envelope envelope(SampleEvent s) {
    ValidationReport report = validator.validate(s.message());
    return report.valid() ? report.envelope() : null;
  }

  private static String hint(ProcessingResult r) {
    if (r.outcome() == Outcome.INVALID
        && r.violations().stream().anyMatch(v -> v.message().startsWith("payload does not bind"))) {
      return "\n  the payload type cannot hold a value the contract allows";
    }
    if (r.outcome() == Outcome.UNKNOWN_EVENT) {
      return "\n  no binding takes this version (see assertEveryVersionBound)";
    }
    return "";
  }

  private static String outcome(ProcessingResult r) {
    StringBuilder out = new StringBuilder(r.outcome().name());
    for (Violation v : r.violations()) {
      out.append("\n    ")
          .append(v.path().isEmpty() ? "(event)" : v.path())
          .append("  [")
          .append(v.code())
          .append("]  ")
          .append(v.message());
    }
    return out.toString();
  }

  private static Throwable firstThrown(Delivery d) {
    return d.activity.thrown().isEmpty() ? d.result.error() : d.activity.thrown().get(0);
  }

  private static String describe(SampleEvent s, String what) {
    return s.eventName() + " " + s.version() + " (" + what + ")";
  }

  private static String show(Object state) {
    String text = String.valueOf(state);
    return text.length() <= 500
        ? text
        : text.substring(0, 500) + "... (" + text.length() + " chars)";
  }

  private void requireState(String check) {
    if (state == null) {
      throw new IllegalStateException(
          check
              + " compares the handlers' state: give the harness a probe,"
              + " HandlerHarness.builder(registry).state(() -> snapshotOfYourState())");
    }
  }

  // ------------------------------------------------------------------ bindings and samples

  private Set<String> claimedNames() {
    Set<String> names = new LinkedHashSet<>();
    bindings.forEach(b -> names.add(b.eventName()));
    return names;
  }

  /** The first binding that takes this contract's version, as the pipeline chooses. */
  private HandlerBinding<?> bindingFor(EventContract c) {
    for (HandlerBinding<?> b : bindings) {
      if (b.eventName().equals(c.name()) && b.accepts(c.eventVersion())) {
        return b;
      }
    }
    return null;
  }

  /** The contracts (name and version) some binding takes. */
  private List<EventContract> claimed() {
    List<EventContract> out = new ArrayList<>();
    for (EventContract c : registry.contracts()) {
      if (bindingFor(c) != null) {
        out.add(c);
      }
    }
    if (out.isEmpty()) {
      throw new AssertionError(
          "no binding takes any contract of registry '"
              + registry.name()
              + "' (bindings for "
              + claimedNames()
              + "), so there is nothing to check");
    }
    return out;
  }

  private String versions(String name, boolean boundOnly) {
    List<String> out = new ArrayList<>();
    for (EventContract c : registry.contracts()) {
      if (c.name().equals(name) && (!boundOnly || bindingFor(c) != null)) {
        out.add(c.version());
      }
    }
    return out.isEmpty() ? "none" : String.join(", ", out);
  }

  private EventContract contractOf(SampleEvent s) {
    EventVersion v = EventVersion.tryParse(s.version());
    for (EventContract c : registry.contracts()) {
      if (c.name().equals(s.eventName()) && c.eventVersion().equals(v)) {
        return c;
      }
    }
    throw new IllegalStateException("no contract for sample " + describe(s, "generated"));
  }

  private SampleEvent sample(Map<String, SampleEvent> samples, EventContract c) {
    SampleEvent s = samples.get(key(c.name(), c.version()));
    if (s == null) {
      throw new IllegalStateException(
          "the fixtures generated no sample for " + c.name() + " " + c.version());
    }
    return s;
  }

  private static String key(String name, String version) {
    EventVersion v = EventVersion.tryParse(version);
    return name + "@" + (v == null ? version : v.toString());
  }

  // ------------------------------------------------------------------ one pipeline per scenario

  /** A fresh pipeline with empty stores and sink, running the wrapped bindings. */
  private final class Run {
    final Recorder recorder = new Recorder();
    final InMemoryDeadLetterSink sink = DeadLetterSink.inMemory();
    final RollbackAfterHandler rollback;
    final EventPipeline pipeline;
    final boolean probing;

    /**
     * @param probing whether deliveries read the state probe (a team's probe may query a database;
     *     checks that compare no state skip it)
     */
    Run(boolean probing) {
      this.probing = probing;
      if (reset != null) {
        reset.run();
      }
      EventPipeline.Builder b =
          EventPipeline.builder(registry)
              .clock(clock)
              .owner("handler-harness")
              .deadLetterSink(sink)
              // one handler run per delivery: a failure is reported at once, not retried
              .retry(RetryConfig.custom().maxAttempts(1).build())
              .storeResilience(StoreResilience.disabled());
      if (transactionalStores != null) {
        rollback =
            new RollbackAfterHandler(
                Objects.requireNonNull(
                    transactionalStores.get(), "the transactional store supplier returned null"));
        b.transactionalStore(rollback);
      } else {
        rollback = null;
        b.dedupStore(DedupStore.inMemory(10_000, clock))
            .entityVersionStore(EntityVersionStore.inMemory());
      }
      for (EventContract c : registry.contracts()) {
        HandlerBinding<?> original = bindingFor(c);
        if (original != null) {
          b.handler(recorder.wrap(original, c.version()));
        }
      }
      pipeline = b.build();
    }

    Delivery deliver(InboundMessage message, int attempt) {
      Object before = probing ? probe() : null;
      Recorder.Mark mark = recorder.mark();
      ProcessingResult result = pipeline.process(message, attempt);
      Recorder.Activity activity = recorder.since(mark);
      return new Delivery(result, activity, before, probing ? probe() : null);
    }
  }

  private Object probe() {
    if (state == null) {
      return null;
    }
    try {
      return state.get();
    } catch (RuntimeException e) {
      throw new IllegalStateException("the state probe threw " + e, e);
    }
  }

  /** One delivery: the pipeline's result, what the handler did, the state around it. */
  private record Delivery(
      ProcessingResult result, Recorder.Activity activity, Object before, Object after) {}

  /** The problems one check found; it fails once, listing all of them. */
  private static final class Problems {
    private final String check;
    private final List<String> lines = new ArrayList<>();
    private final List<Throwable> causes = new ArrayList<>();
    int checked;

    Problems(String check) {
      this.check = check;
    }

    void add(String problem, Throwable cause) {
      lines.add(problem);
      if (cause != null) {
        causes.add(cause);
      }
    }

    void throwIfAny() {
      if (lines.isEmpty()) {
        return;
      }
      AssertionError error =
          new AssertionError(
              "Handler harness, "
                  + check
                  + ": "
                  + lines.size()
                  + (lines.size() == 1 ? " problem" : " problems")
                  + " ("
                  + checked
                  + (checked == 1 ? " event" : " events")
                  + " checked)\n\n"
                  + String.join("\n\n", lines));
      causes.forEach(error::addSuppressed);
      throw error;
    }
  }

  /** Builds a {@link HandlerHarness}. */
  public static final class Builder {
    private final ContractRegistry registry;
    private final List<HandlerBinding<?>> bindings = new ArrayList<>();
    private Supplier<?> state;
    private Runnable reset;
    private Supplier<? extends TransactionalStore> transactionalStores;
    private MutableClock clock;
    private long seed;

    private Builder(ContractRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Adds one of the team's handler bindings, exactly as it is given to the pipeline. */
    public Builder handler(HandlerBinding<?> binding) {
      bindings.add(Objects.requireNonNull(binding, "binding"));
      return this;
    }

    /** Adds the team's handler bindings, in the order they are given to the pipeline. */
    public Builder handlers(Collection<? extends HandlerBinding<?>> bindings) {
      bindings.forEach(this::handler);
      return this;
    }

    /**
     * Sets the probe of the handlers' state: a snapshot compared with {@code equals} (a copy of a
     * map, a record, rows read from a table). Needed by the redelivery, replay and transaction
     * checks.
     */
    public Builder state(Supplier<?> probe) {
      this.state = Objects.requireNonNull(probe, "probe");
      return this;
    }

    /** Sets what empties the handlers' state; run before every scenario. Optional. */
    public Builder reset(Runnable reset) {
      this.reset = Objects.requireNonNull(reset, "reset");
      return this;
    }

    /**
     * Runs the pipeline in transactional mode on a store from {@code stores}, called once per
     * scenario (return a store whose keys and positions are empty, or the checks see duplicates).
     */
    public Builder transactionalStore(Supplier<? extends TransactionalStore> stores) {
      this.transactionalStores = Objects.requireNonNull(stores, "stores");
      return this;
    }

    /** Sets the clock the pipelines and in-memory stores run on; a fresh one by default. */
    public Builder clock(MutableClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets the fixtures' seed (0 by default); the same seed gives the same samples. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Builds the harness.
     *
     * @throws IllegalStateException when no binding was given
     */
    public HandlerHarness build() {
      if (bindings.isEmpty()) {
        throw new IllegalStateException("give the harness the team's handler bindings");
      }
      return new HandlerHarness(this);
    }
  }
}
