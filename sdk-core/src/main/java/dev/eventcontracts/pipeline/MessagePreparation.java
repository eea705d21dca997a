package dev.eventcontracts.pipeline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.EventKeys;
import dev.eventcontracts.contract.OrderingRule;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.ValidationReport;
import dev.eventcontracts.validation.Violation;
import dev.eventcontracts.validation.ViolationCode;
import dev.eventcontracts.version.EventVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the pipeline decides about a message before it touches a store: read and validate it,
 * find its binding, upcast and bind the payload, derive the scoped idempotency key and entity. The
 * validator has already refused events whose ordering fields are missing or whose keys no store can
 * hold, so {@code validate} and the pipeline decide alike. Messages refused here carry their
 * outcome and violations and go straight to the dead-letter sink.
 */
final class MessagePreparation {
  private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);

  private final ContractRegistry registry;
  private final EventValidator validator;
  private final ObjectReader payloadReader;
  private final Map<String, List<HandlerBinding<?>>> bindings;
  private final boolean fingerprints;
  private final PipelineEvents metrics;
  private final BindingFailureLog bindingFailures = new BindingFailureLog();

  MessagePreparation(
      ContractRegistry registry,
      List<HandlerBinding<?>> bindingList,
      ObjectMapper payloadMapper,
      boolean fingerprints,
      PipelineEvents metrics) {
    this.registry = registry;
    this.validator = EventValidator.of(registry);
    // the schema has already checked the payload; a handler's type names only the fields it
    // needs, and must keep working when a producer adds an optional field (a non-breaking change)
    this.payloadReader =
        payloadMapper.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    Map<String, List<HandlerBinding<?>>> byName = new HashMap<>();
    for (HandlerBinding<?> binding : bindingList) {
      byName.computeIfAbsent(binding.eventName(), k -> new ArrayList<>()).add(binding);
    }
    byName.replaceAll((k, v) -> List.copyOf(v));
    this.bindings = Map.copyOf(byName);
    this.fingerprints = fingerprints;
    this.metrics = metrics;
  }

  PreparedMessage prepare(InboundMessage message, int attempt) {
    PreparedMessage p = new PreparedMessage();
    p.message = message;
    p.attempt = attempt;
    p.replay = "true".equalsIgnoreCase(message.attribute(EventPipeline.REPLAY_ATTRIBUTE));
    ValidationReport report = validator.validate(message);
    p.report = report;
    switch (report.status()) {
      case VALID -> {}
      case INVALID -> {
        return p.reject(Outcome.INVALID, report.violations());
      }
      case UNSUPPORTED_VERSION -> {
        return p.reject(Outcome.UNSUPPORTED_VERSION, report.violations());
      }
      case UNKNOWN_EVENT -> {
        return p.reject(Outcome.UNKNOWN_EVENT, report.violations());
      }
      case MALFORMED -> {
        return p.reject(Outcome.MALFORMED, report.violations());
      }
    }
    // a valid report carries both
    Envelope envelope = Objects.requireNonNull(report.envelope());
    EventContract contract = Objects.requireNonNull(report.contract());
    p.binding = bindingFor(contract);
    if (p.binding == null) {
      return p.reject(
          Outcome.UNKNOWN_EVENT,
          List.of(
              Violation.of(
                  "",
                  ViolationCode.UNKNOWN_EVENT,
                  "no handler for " + contract.name() + " version " + contract.version())));
    }
    // the validator has checked that the ordering fields are there and the keys storable
    OrderingRule rule = contract.ordering();
    String entity = rule == null ? null : rule.entityOf(envelope);
    if (rule != null) {
      p.position = rule.positionOf(envelope);
    }
    JsonNode payload = envelope.payload();
    EventVersion target = p.binding.upcastTo();
    if (target != null && !target.equals(contract.eventVersion())) {
      var upcast = registry.upcast(contract.name(), contract.eventVersion(), target, payload);
      if (upcast.isEmpty()) {
        return p.reject(
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
      Violation violation = bindingViolation(envelope, p.binding, e);
      bindingFailures.report(contract, p.binding, violation);
      return p.reject(Outcome.BINDING_FAILED, List.of(violation));
    }
    EventKeys.Derived derived = EventKeys.idempotencyKey(contract, envelope, message.value());
    p.key = derived.key();
    p.entity = entity == null ? null : EventKeys.entity(contract, envelope, entity);
    if (fingerprints) {
      // now, while the parsed tree is still in the CPU's caches: walked at the batch's end, after
      // 500 messages have gone through, it cost a fifth more (docs/performance.md)
      p.fingerprint = PayloadFingerprint.of(envelope.payload());
    }
    if (derived.mismatch()) {
      metrics.keyMismatch(contract.name());
      LOG.warn(
          "idempotency key of event {} ({}) differs from the contract template; the template's key"
              + " is used",
          LogSafe.text(envelope.eventId()),
          contract.name());
    }
    return p;
  }

  private @Nullable HandlerBinding<?> bindingFor(EventContract contract) {
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

  /**
   * Describes a binding failure by path and expected type only: Jackson's own messages quote the
   * offending value, and payloads hold personal data.
   */
  static Violation bindingViolation(Envelope envelope, HandlerBinding<?> binding, Exception e) {
    String pointer = envelope.payloadPointer();
    String expected = null;
    if (e instanceof JsonMappingException mapping) {
      StringBuilder path = new StringBuilder(pointer);
      for (JsonMappingException.Reference ref : mapping.getPath()) {
        path.append('/');
        if (ref.getFieldName() != null) {
          path.append(ref.getFieldName().replace("~", "~0").replace("/", "~1"));
        } else if (ref.getIndex() >= 0) {
          path.append(ref.getIndex());
        }
      }
      pointer = path.toString();
      if (mapping instanceof MismatchedInputException mismatch
          && mismatch.getTargetType() != null) {
        expected = mismatch.getTargetType().getSimpleName();
      }
    }
    return Violation.of(
        pointer,
        ViolationCode.BINDING,
        "payload does not bind to "
            + binding.payloadType().getSimpleName()
            + (expected == null ? "" : ": the value here does not read as " + expected)
            + " ("
            + e.getClass().getSimpleName()
            + ")");
  }
}
