package dev.eventcontracts.testing.harness;

import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ReplayPolicy;
import dev.eventcontracts.testing.fixtures.SampleEvent;
import java.util.Objects;

/**
 * The checks that compare the handlers' state through the probe: redeliveries and replays leave it
 * as one delivery did, and a rolled-back transaction leaves it untouched.
 */
final class StateChecks {
  private final Claims claims;
  private final Samples samples;
  private final HarnessRun.Setup setup;

  StateChecks(Claims claims, Samples samples, HarnessRun.Setup setup) {
    this.claims = claims;
    this.samples = samples;
    this.setup = setup;
  }

  /** See {@link HandlerHarness#assertRedeliveriesIdempotent()}. */
  void redeliveriesIdempotent() {
    requireState("assertRedeliveriesIdempotent");
    Problems problems = new Problems("redeliveries leave the state as one delivery did");
    int changed = 0;
    int processed = 0;
    for (EventContract c : claims.contracts()) {
      SampleEvent s = samples.full(c);
      HarnessRun run = new HarnessRun(setup, true);
      Delivery first = run.deliver(s.message(), 1);
      if (!firstDeliveryProcessed(s, first, problems)) {
        continue;
      }
      processed++;
      if (!Objects.equals(first.before(), first.after())) {
        changed++;
      }
      Delivery duplicate = run.deliver(s.message(), 1);
      unchanged(s, "delivered a second time, same event id", first.after(), duplicate, problems);
      SampleEvent resend = Samples.newEventId(s);
      if (resend != s) {
        Delivery resent = run.deliver(resend.message(), 1);
        unchanged(s, "re-sent under a new event id", first.after(), resent, problems);
      }
      if (c.ordering() != null && first.result().entityVersion() != null) {
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

  /** See {@link HandlerHarness#assertReplaysIdempotent()}. */
  void replaysIdempotent() {
    requireState("assertReplaysIdempotent");
    Problems problems = new Problems("replays leave the state as one delivery did");
    for (EventContract c : claims.contracts()) {
      SampleEvent s = samples.full(c);
      ReplayPolicy policy = claims.bindingFor(c).replayPolicy();
      HarnessRun run = new HarnessRun(setup, true);
      Delivery first = run.deliver(s.message(), 1);
      if (!firstDeliveryProcessed(s, first, problems)) {
        continue;
      }
      Delivery replayed = run.deliver(Samples.replay(s.message()), 1);
      String expected =
          policy == ReplayPolicy.REPROCESS
              ? "under REPROCESS the handler runs again, so its side effect must be idempotent:"
                  + " the state must stay as one delivery left it"
              : "under " + policy + " a replay of an applied event is a duplicate: the state stays";
      if (!Objects.equals(first.after(), replayed.after())) {
        problems.add(
            Describe.sample(
                    s, "replayed (replay=true) after one delivery, binding replay policy " + policy)
                + ": "
                + Describe.delivery(replayed)
                + "\n  state after one delivery: "
                + Describe.state(first.after())
                + "\n  state after the replay:   "
                + Describe.state(replayed.after())
                + "\n  expected: "
                + expected,
            replayed.firstThrown());
      }
    }
    problems.throwIfAny();
  }

  /** See {@link HandlerHarness#assertStateInsideTransaction()}. */
  void stateInsideTransaction() {
    requireState("assertStateInsideTransaction");
    if (setup.transactionalStores() == null) {
      throw new IllegalStateException(
          "assertStateInsideTransaction needs the transactional store the handlers run on:"
              + " HandlerHarness.builder(registry).transactionalStore(...)");
    }
    Problems problems = new Problems("handlers keep their state inside the transaction");
    for (EventContract c : claims.contracts()) {
      SampleEvent s = samples.full(c);
      HarnessRun run = new HarnessRun(setup, true);
      run.rollback.arm(true);
      Delivery rolledBack = run.deliver(s.message(), 1);
      run.rollback.arm(false);
      problems.eventChecked();
      String event = Describe.sample(s, "handled, then its transaction rolled back");
      if (rolledBack.activity().runs() == 0 || !rolledBack.activity().thrown().isEmpty()) {
        problems.add(
            event
                + ": "
                + Describe.delivery(rolledBack)
                + "\n  expected: the handler runs once and returns normally (see"
                + " assertValidSamplesHandled)",
            rolledBack.firstThrown());
        continue;
      }
      if (!Objects.equals(rolledBack.before(), rolledBack.after())) {
        problems.add(
            event
                + ": "
                + rolledBack.activity().describe()
                + ", the transaction rolled back, and yet the state changed"
                + "\n  state before:            "
                + Describe.state(rolledBack.before())
                + "\n  state after the rollback: "
                + Describe.state(rolledBack.after())
                + "\n  expected: no change: in transactional mode a handler writes only through"
                + " EventContext.connection(), so its writes commit or roll back with the"
                + " idempotency key and the entity version (the redelivery would apply them again)",
            null);
        continue;
      }
      Delivery redelivered = run.deliver(s.message(), 2);
      if (redelivered.result().outcome() != Outcome.PROCESSED) {
        problems.add(
            Describe.sample(s, "redelivered after the rollback")
                + ": "
                + Describe.delivery(redelivered)
                + "\n  expected: PROCESSED (the rolled-back transaction recorded nothing)",
            redelivered.firstThrown());
      }
    }
    problems.throwIfAny();
  }

  private void requireState(String check) {
    if (setup.state() == null) {
      throw new IllegalStateException(
          check
              + " compares the handlers' state: give the harness a probe,"
              + " HandlerHarness.builder(registry).state(() -> snapshotOfYourState())");
    }
  }

  /** Whether the delivery the others are compared with was processed; a problem if not. */
  private boolean firstDeliveryProcessed(SampleEvent s, Delivery first, Problems problems) {
    problems.eventChecked();
    if (first.result().outcome() == Outcome.PROCESSED) {
      return true;
    }
    problems.add(
        Describe.sample(s, "first delivery")
            + ": "
            + Describe.delivery(first)
            + Describe.hint(first.result())
            + "\n  expected: PROCESSED, so that redeliveries can be compared with it (see"
            + " assertValidSamplesHandled)",
        first.firstThrown());
    return false;
  }

  /** A problem when {@code d} left another state than one delivery did. */
  private void unchanged(
      SampleEvent s, String what, Object afterOne, Delivery d, Problems problems) {
    if (Objects.equals(afterOne, d.after())) {
      return;
    }
    problems.add(
        Describe.sample(s, what)
            + ": "
            + Describe.delivery(d)
            + "\n  state after one delivery: "
            + Describe.state(afterOne)
            + "\n  state afterwards:         "
            + Describe.state(d.after())
            + "\n  expected: the state one delivery left",
        d.firstThrown());
  }

  /** An event with an older entity version than the one applied must leave the state. */
  private void stale(SampleEvent s, HarnessRun run, Delivery first, Problems problems) {
    long position = first.result().entityVersion();
    SampleEvent older =
        samples.validVariant(() -> Samples.newEventId(s.withEntityVersion(position - 1)));
    if (older != null) {
      Delivery d = run.deliver(older.message(), 1);
      unchanged(
          s,
          "an older entity version (" + (position - 1) + ") after " + position,
          first.after(),
          d,
          problems);
      return;
    }
    // the sample is at the lowest position the contract allows: deliver a newer one first
    SampleEvent newer =
        samples.validVariant(() -> Samples.newEventId(s.withEntityVersion(position + 1)));
    if (newer == null) {
      return; // the contract admits one position only; nothing can be stale
    }
    HarnessRun other = new HarnessRun(setup, true);
    Delivery applied = other.deliver(newer.message(), 1);
    if (applied.result().outcome() != Outcome.PROCESSED) {
      return; // reported by the first-delivery checks of that sample
    }
    Delivery d = other.deliver(s.message(), 1);
    unchanged(
        s, "entity version " + position + " after " + (position + 1), applied.after(), d, problems);
  }
}
