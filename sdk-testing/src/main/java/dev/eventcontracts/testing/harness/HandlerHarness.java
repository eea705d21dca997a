package dev.eventcontracts.testing.harness;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.dedup.TransactionalStore;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.ReplayPolicy;
import dev.eventcontracts.testing.fixtures.ContractFixtures;
import dev.eventcontracts.testing.stores.MutableClock;
import dev.eventcontracts.validation.EventValidator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

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
  private final Supplier<?> state;
  private final Supplier<? extends TransactionalStore> transactionalStores;
  private final MutableClock clock;
  private final ContractFixtures fixtures;
  private final BindingChecks bindingChecks;
  private final StateChecks stateChecks;

  private HandlerHarness(Builder b) {
    this.state = b.state;
    this.transactionalStores = b.transactionalStores;
    this.clock = b.clock == null ? MutableClock.create() : b.clock;
    this.fixtures = ContractFixtures.of(b.registry, b.seed);
    Claims claims = new Claims(b.registry, b.bindings);
    Samples samples = new Samples(fixtures, EventValidator.of(b.registry));
    HarnessRun.Setup setup =
        new HarnessRun.Setup(claims, clock, state, b.reset, transactionalStores);
    this.bindingChecks = new BindingChecks(claims, samples, setup);
    this.stateChecks = new StateChecks(claims, samples, setup);
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

  // ------------------------------------------------------------------ checks, one call each

  /**
   * Every generated valid sample of every contract and version the bindings claim, once with every
   * optional field present and once with only the required fields, binds to the handler's payload
   * type and is handled without an exception (outcome {@code PROCESSED}, handler run once). Also
   * fails when the payload type binds an absent optional field to a primitive (Jackson reads it as
   * 0 or false, so the handler cannot tell absent from 0).
   */
  public void assertValidSamplesHandled() {
    bindingChecks.validSamplesHandled();
  }

  /**
   * Every version of a claimed event that the registry accepts reaches a binding: none is
   * dead-lettered as {@code UNKNOWN_EVENT} ("no handler") or {@code UNSUPPORTED_VERSION} (an upcast
   * with no upcaster chain). Also fails for a binding whose event name no contract has.
   */
  public void assertEveryVersionBound() {
    bindingChecks.everyVersionBound();
  }

  /**
   * Every generated invalid variant of every claimed contract and version (each required field
   * missing, wrong types, broken enums, patterns and ranges, unknown versions and events, truncated
   * JSON) is rejected with the outcome and path it announces, is dead-lettered, and never reaches a
   * handler.
   */
  public void assertInvalidVariantsRejected() {
    bindingChecks.invalidVariantsRejected();
  }

  /**
   * After one delivery of each claimed contract's sample, a duplicate delivery (same event id), a
   * re-send under a new event id and, for contracts with an ordering rule, an event with an older
   * entity version leave the state exactly as the one delivery did.
   */
  public void assertRedeliveriesIdempotent() {
    stateChecks.redeliveriesIdempotent();
  }

  /**
   * After one delivery, the same event replayed ({@code replay=true}) leaves the state exactly as
   * the one delivery did, under the binding's replay policy: a {@link ReplayPolicy#REPROCESS}
   * handler runs again and must be idempotent; {@code PROCESS} and {@code SKIP} must not run it.
   */
  public void assertReplaysIdempotent() {
    stateChecks.replaysIdempotent();
  }

  /**
   * In transactional mode, a handler keeps all its state inside the transaction: each claimed
   * contract's sample is handled in a transaction that is then rolled back (as when the commit
   * fails), and the state must be exactly what it was before; the redelivery is then processed.
   * Needs {@link Builder#transactionalStore} and {@link Builder#state}.
   */
  public void assertStateInsideTransaction() {
    stateChecks.stateInsideTransaction();
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
    Problems.throwAll(failures);
  }

  /** Builds a {@link HandlerHarness}. */
  public static final class Builder {
    private final ContractRegistry registry;
    private final List<HandlerBinding<?>> bindings = new ArrayList<>();
    private @Nullable Supplier<?> state;
    private @Nullable Runnable reset;
    private @Nullable Supplier<? extends TransactionalStore> transactionalStores;
    private @Nullable MutableClock clock;
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
