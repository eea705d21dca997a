package dev.eventcontracts.validation;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.EventKeys;
import dev.eventcontracts.contract.OrderingRule;
import dev.eventcontracts.contract.Resolution;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.envelope.EnvelopeFormat;
import dev.eventcontracts.envelope.EnvelopeReader;
import dev.eventcontracts.envelope.EnvelopeResult;
import dev.eventcontracts.envelope.InboundMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Answers "does this message honour its contract": reads the envelope, finds the contract under the
 * registry's version policy, validates the payload, and, for a contract with an ordering rule,
 * checks that the entity and the position can be read as the pipeline reads them; it reports every
 * violation at once. Everything the pipeline decides about a message before its handler runs is
 * decided here, so the {@code validate} command and the pipeline agree. Never throws for bad input.
 * Thread-safe.
 */
public final class EventValidator {
  private final ContractRegistry registry;
  private final EnvelopeReader reader;
  private final OrderingCheck ordering;

  private EventValidator(ContractRegistry registry, EnvelopeReader reader) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.reader = Objects.requireNonNull(reader, "reader");
    Map<String, EnvelopeFormat> byName = new HashMap<>();
    for (EnvelopeFormat format : reader.formats()) {
      byName.putIfAbsent(format.name(), format);
    }
    this.ordering = new OrderingCheck(byName);
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
                Violation.of(
                    "",
                    ViolationCode.UNKNOWN_EVENT,
                    Objects.requireNonNull(resolution.message()))));
      case UNSUPPORTED_VERSION:
        return new ValidationReport(
            ValidationStatus.UNSUPPORTED_VERSION,
            envelope,
            null,
            concat(
                read.violations(),
                Violation.of(
                    "",
                    ViolationCode.UNSUPPORTED_VERSION,
                    Objects.requireNonNull(resolution.message()))));
      default:
        break;
    }
    EventContract contract = Objects.requireNonNull(resolution.contract()); // found
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
    OrderingRule rule = contract.ordering();
    List<Violation> order = rule == null ? List.of() : ordering.check(rule, envelope);
    if (payload.isEmpty() && read.violations().isEmpty() && order.isEmpty()) {
      // a key or entity no store can hold would be retried for ever: refused as the event's fault
      String unstorable = EventKeys.storageProblem(contract, envelope);
      if (unstorable != null) {
        return new ValidationReport(
            ValidationStatus.INVALID,
            envelope,
            contract,
            List.of(Violation.of("", ViolationCode.UNSTORABLE, unstorable)));
      }
      return new ValidationReport(ValidationStatus.VALID, envelope, contract, List.of());
    }
    List<Violation> all = new ArrayList<>(read.violations().size() + payload.size() + order.size());
    all.addAll(read.violations());
    all.addAll(payload);
    for (Violation v : order) {
      if (!reported(all, v)) {
        all.add(v);
      }
    }
    return new ValidationReport(ValidationStatus.INVALID, envelope, contract, all);
  }

  /**
   * Whether an ordering problem is already said: the same path with the same code, any violation at
   * that path when the field is absent or null, or a violation of a containing value (the payload
   * is missing or not an object).
   */
  private static boolean reported(List<Violation> found, Violation v) {
    for (Violation f : found) {
      if (f.path().equals(v.path())) {
        if (f.code().equals(v.code()) || v.code().equals(ViolationCode.REQUIRED)) {
          return true;
        }
      } else if (f.path().isEmpty() || v.path().startsWith(f.path() + "/")) {
        return true;
      }
    }
    return false;
  }

  private static List<Violation> concat(List<Violation> first, Violation last) {
    List<Violation> out = new ArrayList<>(first.size() + 1);
    out.addAll(first);
    out.add(last);
    return out;
  }
}
