package dev.eventcontracts.testing.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.testing.fixtures.ContractFixtures;
import dev.eventcontracts.testing.fixtures.InvalidVariant;
import dev.eventcontracts.testing.fixtures.SampleEvent;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.ValidationReport;
import dev.eventcontracts.version.EventVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The events the checks deliver: the fixtures' valid samples of each contract (with every optional
 * field, with only the required ones), its invalid variants, and the re-sends, replays and other
 * entity versions made from a sample.
 */
final class Samples {
  private final ContractFixtures fixtures;
  private final EventValidator validator;
  private final Map<String, SampleEvent> full = new HashMap<>();
  private final Map<String, SampleEvent> minimal = new HashMap<>();

  Samples(ContractFixtures fixtures, EventValidator validator) {
    this.fixtures = fixtures;
    this.validator = validator;
    for (SampleEvent s : fixtures.validSamples()) {
      full.put(key(s.eventName(), s.version()), s);
    }
    for (SampleEvent s : fixtures.minimalSamples()) {
      minimal.put(key(s.eventName(), s.version()), s);
    }
  }

  /** The valid sample of {@code c} with every optional field present. */
  SampleEvent full(EventContract c) {
    return sample(full, c);
  }

  /** The valid sample of {@code c} with only the required fields. */
  SampleEvent minimal(EventContract c) {
    return sample(minimal, c);
  }

  /** Every generated invalid variant of {@code c}. */
  List<InvalidVariant> invalidVariants(EventContract c) {
    return fixtures.invalidVariants(c.name(), c.version());
  }

  /** The mapper the pipeline binds payloads with. */
  ObjectMapper mapper() {
    return validator.reader().mapper();
  }

  /** The sample under a new event id, or the sample itself when its envelope has no id. */
  static SampleEvent newEventId(SampleEvent s) {
    try {
      return s.withNewEventId();
    } catch (IllegalStateException e) {
      return s; // seed 001's envelope has no event id: a re-send is the same message
    }
  }

  /** The message with the transport's replay flag set. */
  static InboundMessage replay(InboundMessage m) {
    Map<String, String> attributes = new HashMap<>(m.attributes());
    attributes.put(EventPipeline.REPLAY_ATTRIBUTE, "true");
    return new InboundMessage(m.value(), attributes, m.origin());
  }

  /** The variant {@code make} builds when the contract accepts it, else null. */
  @Nullable SampleEvent validVariant(Supplier<SampleEvent> make) {
    try {
      SampleEvent v = make.get();
      return validator.validate(v.message()).valid() ? v : null;
    } catch (RuntimeException e) {
      return null; // the fixtures cannot place this position in the event
    }
  }

  /** The sample's envelope, or null when it does not validate. */
  @Nullable Envelope envelope(SampleEvent s) {
    ValidationReport report = validator.validate(s.message());
    return report.valid() ? report.envelope() : null;
  }

  private static SampleEvent sample(Map<String, SampleEvent> samples, EventContract c) {
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
}
