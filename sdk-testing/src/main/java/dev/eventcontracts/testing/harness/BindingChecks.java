package dev.eventcontracts.testing.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.UnknownEventAction;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.testing.fixtures.InvalidVariant;
import dev.eventcontracts.testing.fixtures.SampleEvent;
import dev.eventcontracts.version.EventVersion;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks of what reaches the team's handlers: every valid sample binds and is handled, every
 * accepted version has a binding, no invalid variant gets through. Each runs one delivery per event
 * on a fresh {@link HarnessRun} and reads no state.
 */
final class BindingChecks {
  private final Claims claims;
  private final Samples samples;
  private final HarnessRun.Setup setup;

  BindingChecks(Claims claims, Samples samples, HarnessRun.Setup setup) {
    this.claims = claims;
    this.samples = samples;
    this.setup = setup;
  }

  /** See {@link HandlerHarness#assertValidSamplesHandled()}. */
  void validSamplesHandled() {
    Problems problems = new Problems("valid samples are handled");
    for (EventContract c : claims.contracts()) {
      SampleEvent withAll = samples.full(c);
      SampleEvent withRequired = samples.minimal(c);
      handledOnce(withAll, "every optional field present", problems);
      if (handledOnce(withRequired, "only required fields", problems)) {
        primitivesForAbsentFields(c, withAll, withRequired, problems);
      }
    }
    problems.throwIfAny();
  }

  /** See {@link HandlerHarness#assertEveryVersionBound()}. */
  void everyVersionBound() {
    Problems problems = new Problems("every accepted version reaches a binding");
    Set<String> known = new TreeSet<>();
    claims.registry().contracts().forEach(c -> known.add(c.name()));
    for (String name : claims.names()) {
      if (!known.contains(name)) {
        problems.add(
            "a binding for '"
                + name
                + "': registry '"
                + claims.registry().name()
                + "' has no contract of that name, so the handler never runs"
                + "\n  expected: one of "
                + known,
            null);
      }
    }
    for (EventContract c : claims.registry().contracts()) {
      if (!claims.names().contains(c.name())) {
        continue;
      }
      SampleEvent s = samples.full(c);
      Delivery d = new HarnessRun(setup, false).deliver(s.message(), 1);
      problems.eventChecked();
      Outcome o = d.result().outcome();
      if (o == Outcome.UNKNOWN_EVENT || o == Outcome.UNSUPPORTED_VERSION) {
        problems.add(
            Describe.sample(s, "a valid sample")
                + ": registry '"
                + claims.registry().name()
                + "' accepts this version, but "
                + Describe.delivery(d)
                + "\n  expected: a binding for every version of "
                + c.name()
                + " the registry accepts ("
                + claims.versions(c.name(), false)
                + "); the bindings take "
                + claims.versions(c.name(), true)
                + ": widen the binding's versions(...) or add a binding",
            null);
      }
    }
    problems.throwIfAny();
  }

  /** See {@link HandlerHarness#assertInvalidVariantsRejected()}. */
  void invalidVariantsRejected() {
    Problems problems = new Problems("invalid variants never reach a handler");
    for (EventContract c : claims.contracts()) {
      // rejections are decided before any store is asked, so one pipeline serves a contract
      HarnessRun run = new HarnessRun(setup, false);
      for (InvalidVariant v : samples.invalidVariants(c)) {
        run.sink.clear();
        Delivery d = run.deliver(v.message(), 1);
        problems.eventChecked();
        String event = c.name() + " " + c.version() + " (invalid variant: " + v.description() + ")";
        String expected =
            "\n  expected: rejected as "
                + v.expectedOutcome()
                + (v.expectedPath() == null
                    ? ""
                    : " with [" + v.expectedCode() + "] at " + v.expectedPath())
                + ", dead-lettered, the handler never run";
        if (d.activity().runs() > 0) {
          problems.add(
              event + ": it reached the handler: " + Describe.delivery(d) + expected,
              d.firstThrown());
          continue;
        }
        if (d.result().outcome() != v.expectedOutcome()) {
          problems.add(event + ": outcome " + Describe.outcome(d.result()) + expected, null);
          continue;
        }
        if (v.expectedPath() != null
            && d.result().violations().stream()
                .noneMatch(
                    x ->
                        v.expectedPath().equals(x.path())
                            && (v.expectedCode() == null
                                || String.valueOf(v.expectedCode()).equals(x.code())))) {
          problems.add(event + ": outcome " + Describe.outcome(d.result()) + expected, null);
          continue;
        }
        boolean skipped =
            d.result().outcome() == Outcome.UNKNOWN_EVENT
                && claims.registry().onUnknownEvent() == UnknownEventAction.SKIP;
        boolean deadLettered =
            run.sink.deadLetters().stream().anyMatch(x -> x.reason() == d.result().outcome());
        if (!skipped && !deadLettered) {
          problems.add(
              event
                  + ": outcome "
                  + Describe.outcome(d.result())
                  + ", but no dead letter was stored"
                  + expected,
              null);
        }
      }
    }
    problems.throwIfAny();
  }

  /** Delivers {@code s} once; true when the handler ran once and returned normally. */
  private boolean handledOnce(SampleEvent s, String variant, Problems problems) {
    Delivery d = new HarnessRun(setup, false).deliver(s.message(), 1);
    problems.eventChecked();
    boolean ok =
        d.result().outcome() == Outcome.PROCESSED
            && d.activity().runs() == 1
            && d.activity().thrown().isEmpty();
    if (!ok) {
      problems.add(
          Describe.sample(s, variant)
              + ": "
              + Describe.delivery(d)
              + Describe.hint(d.result())
              + "\n  expected: the payload binds to "
              + claims.bindingFor(claims.contractOf(s)).payloadType().getSimpleName()
              + " and the handler runs once and returns normally (outcome PROCESSED)",
          d.firstThrown());
    }
    return ok;
  }

  private void primitivesForAbsentFields(
      EventContract c, SampleEvent withAll, SampleEvent withRequired, Problems problems) {
    HandlerBinding<?> binding = claims.bindingFor(c);
    EventVersion upcast = binding.upcastTo();
    if (upcast != null && !upcast.equals(c.eventVersion())) {
      return; // the handler sees another version's shape
    }
    Envelope fullEnvelope = samples.envelope(withAll);
    Envelope minimalEnvelope = samples.envelope(withRequired);
    if (fullEnvelope == null || minimalEnvelope == null) {
      return;
    }
    JsonNode fullPayload = fullEnvelope.payload();
    JsonNode minimalPayload = minimalEnvelope.payload();
    for (AbsentFields.PrimitiveBinding p :
        AbsentFields.primitives(
            samples.mapper(),
            binding.payloadType(),
            fullPayload,
            minimalPayload,
            fullEnvelope.payloadPointer())) {
      String zero = p.type() == boolean.class ? "false" : "0";
      problems.add(
          Describe.sample(withRequired, "only required fields")
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
}
