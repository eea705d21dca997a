package dev.eventcontracts.validation;

import dev.eventcontracts.contract.FieldRef;
import dev.eventcontracts.contract.OrderingRule;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.envelope.EnvelopeField;
import dev.eventcontracts.envelope.EnvelopeFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks that an event of an ordered contract can be ordered: every field of the entity template is
 * present, and the position is present and readable as the rule reads it ({@link
 * OrderingRule#positionOf}: an integer within the 64-bit range, or a timestamp). A JSON Schema
 * {@code "type": "integer"} accepts {@code 3.0}, {@code 1e2} and numbers beyond 64 bits, which the
 * ordering store cannot compare, so this is checked here and not left to the schema. Violations
 * point at the field in the message as sent and never quote its value.
 */
final class OrderingCheck {
  private final Map<String, EnvelopeFormat> formats;

  OrderingCheck(Map<String, EnvelopeFormat> formats) {
    this.formats = Map.copyOf(formats);
  }

  /** The violations that stop this event from being ordered; empty when it can be. */
  List<Violation> check(OrderingRule rule, Envelope envelope) {
    List<Violation> out = List.of();
    // missing() is empty exactly when rule.entityOf renders, and builds no string
    List<FieldRef> missing = rule.entity().missing(envelope);
    if (!missing.isEmpty()) {
      out = new ArrayList<>(missing.size() + 1);
      for (FieldRef ref : missing) {
        out.add(
            Violation.of(
                pointer(ref, envelope),
                ViolationCode.REQUIRED,
                "the ordering entity "
                    + rule.entity()
                    + " needs "
                    + ref
                    + ", which is absent or null"));
      }
    }
    if (rule.positionOf(envelope) == null) {
      if (out.isEmpty()) {
        out = new ArrayList<>(1);
      }
      out.add(positionProblem(rule, envelope));
    }
    return out;
  }

  private Violation positionProblem(OrderingRule rule, Envelope envelope) {
    FieldRef ref = rule.position();
    String kind = rule.kind().name().toLowerCase(Locale.ROOT);
    String pointer = pointer(ref, envelope);
    if (ref.resolve(envelope) == null) {
      return Violation.of(
          pointer,
          ViolationCode.REQUIRED,
          "ordering by " + kind + " needs " + ref + ", which is absent or null");
    }
    if (rule.kind() == OrderingRule.Kind.VERSION) {
      return Violation.of(
          pointer,
          ViolationCode.TYPE,
          "ordering by version needs "
              + ref
              + " as an integer from -2^63 to 2^63-1, written without fraction or exponent (digits"
              + " in a string are accepted)");
    }
    return Violation.of(
        pointer,
        ViolationCode.FORMAT,
        "ordering by timestamp needs "
            + ref
            + " as an RFC 3339 date-time with offset or as epoch milliseconds");
  }

  /** The JSON pointer of a referenced field in the message as sent. */
  String pointer(FieldRef ref, Envelope envelope) {
    if (!ref.isEnvelope()) {
      // an absent payload has no pointer of its own; the format says where it belongs
      StringBuilder out =
          new StringBuilder(
              envelope.payload().isMissingNode()
                  ? fieldPointer(EnvelopeField.PAYLOAD, envelope)
                  : envelope.payloadPointer());
      for (String part : ref.path().split("\\.", -1)) {
        out.append('/').append(escape(part));
      }
      return out.toString();
    }
    String name = ref.path();
    EnvelopeField field = EnvelopeField.fromKey(name);
    if (field == null) {
      return "/" + escape(name); // a raw top-level field, such as seed 001's jobId
    }
    return fieldPointer(field, envelope);
  }

  private String fieldPointer(EnvelopeField field, Envelope envelope) {
    EnvelopeFormat format = formats.get(envelope.format());
    return format == null
        ? (field == EnvelopeField.PAYLOAD ? envelope.payloadPointer() : "")
        : format.pointerOf(field, envelope);
  }

  private static String escape(String segment) {
    return segment.replace("~", "~0").replace("/", "~1");
  }
}
