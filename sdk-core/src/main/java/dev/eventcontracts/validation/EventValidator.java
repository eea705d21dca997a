package dev.eventcontracts.validation;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.Resolution;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.envelope.EnvelopeReader;
import dev.eventcontracts.envelope.EnvelopeResult;
import dev.eventcontracts.envelope.InboundMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Answers "does this message honour its contract": reads the envelope, finds the contract under the
 * registry's version policy, and validates the payload, reporting every violation at once. Never
 * throws for bad input. Thread-safe.
 */
public final class EventValidator {
  private final ContractRegistry registry;
  private final EnvelopeReader reader;

  private EventValidator(ContractRegistry registry, EnvelopeReader reader) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.reader = Objects.requireNonNull(reader, "reader");
  }

  /** A validator that reads envelopes with the registry's formats and limits. */
  public static EventValidator of(ContractRegistry registry) {
    return new EventValidator(
        registry, EnvelopeReader.of(registry.envelopeFormats(), registry.limits()));
  }

  /** The registry this validator checks against. */
  public ContractRegistry registry() {
    return registry;
  }

  /** The envelope reader this validator uses. */
  public EnvelopeReader reader() {
    return reader;
  }

  /** Validates one message. */
  public ValidationReport validate(InboundMessage message) {
    return validate(reader.read(message));
  }

  /** Validates an envelope that has already been read. */
  public ValidationReport validate(EnvelopeResult read) {
    Envelope envelope = read.envelope();
    if (envelope == null || envelope.eventName() == null || envelope.eventVersion() == null) {
      return new ValidationReport(ValidationStatus.MALFORMED, envelope, null, read.violations());
    }
    Resolution resolution = registry.resolve(envelope.eventName(), envelope.eventVersion());
    switch (resolution.status()) {
      case UNKNOWN_EVENT:
        return new ValidationReport(
            ValidationStatus.UNKNOWN_EVENT,
            envelope,
            null,
            concat(
                read.violations(),
                Violation.of("", ViolationCode.UNKNOWN_EVENT, resolution.message())));
      case UNSUPPORTED_VERSION:
        return new ValidationReport(
            ValidationStatus.UNSUPPORTED_VERSION,
            envelope,
            null,
            concat(
                read.violations(),
                Violation.of("", ViolationCode.UNSUPPORTED_VERSION, resolution.message())));
      default:
        break;
    }
    EventContract contract = resolution.contract();
    List<Violation> payload;
    if (!envelope.payload().isMissingNode()) {
      payload = contract.validate(envelope);
    } else if (read.violations().isEmpty()) {
      payload = List.of(Violation.of("", ViolationCode.REQUIRED, "the event has no payload"));
    } else {
      // the envelope format already said why there is no payload; a schema error on the missing
      // node ("unknown found, object expected") would only repeat it
      payload = List.of();
    }
    if (payload.isEmpty() && read.violations().isEmpty()) {
      return new ValidationReport(ValidationStatus.VALID, envelope, contract, List.of());
    }
    List<Violation> all = new ArrayList<>(read.violations().size() + payload.size());
    all.addAll(read.violations());
    all.addAll(payload);
    return new ValidationReport(ValidationStatus.INVALID, envelope, contract, all);
  }

  private static List<Violation> concat(List<Violation> first, Violation last) {
    List<Violation> out = new ArrayList<>(first.size() + 1);
    out.addAll(first);
    out.add(last);
    return out;
  }
}
