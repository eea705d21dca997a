package dev.eventcontracts.envelope;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.eventcontracts.validation.Limits;
import dev.eventcontracts.validation.Violation;
import dev.eventcontracts.validation.ViolationCode;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Turns an {@link InboundMessage} into an {@link Envelope}: refuses messages over the size limit,
 * refuses bytes that are not UTF-8 (a byte order mark, UTF-16 and UTF-32 included), parses the
 * value under the nesting and length limits with duplicate names refused, and asks each envelope
 * format in turn whether it recognises the document. Never throws for bad input: garbage, truncated
 * JSON, empty values and hostile nesting come back as an unreadable {@link EnvelopeResult} with a
 * violation whose message gives the position but never quotes the input. Thread-safe.
 */
public final class EnvelopeReader {
  private final List<EnvelopeFormat> formats;
  private final Limits limits;
  private final ObjectMapper mapper;

  private EnvelopeReader(List<EnvelopeFormat> formats, Limits limits) {
    if (formats.isEmpty()) {
      throw new IllegalArgumentException("at least one envelope format is needed");
    }
    this.formats = List.copyOf(formats);
    this.limits = Objects.requireNonNull(limits, "limits");
    this.mapper = mapperFor(limits);
  }

  /** A reader that tries every built-in format, with the default limits. */
  public static EnvelopeReader ofDefaults() {
    return new EnvelopeReader(EnvelopeFormats.all(), Limits.defaults());
  }

  /** A reader that tries these formats, in order, under these limits. */
  public static EnvelopeReader of(List<EnvelopeFormat> formats, Limits limits) {
    return new EnvelopeReader(formats, limits);
  }

  /**
   * An {@link ObjectMapper} whose parser enforces the limits and refuses trailing garbage, and
   * whose tree reader refuses duplicate names in an object (at any depth). Payload binding uses the
   * same limits.
   */
  public static ObjectMapper mapperFor(Limits limits) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxNestingDepth())
                    .maxStringLength(limits.maxStringLength())
                    .maxNumberLength(limits.maxNumberLength())
                    .maxNameLength(Math.min(limits.maxStringLength(), 50_000))
                    .maxDocumentLength(limits.maxMessageBytes())
                    .build())
            .build();
    return JsonMapper.builder(factory)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        // a duplicate name is read last-wins here, but dead letters and replays carry the raw
        // bytes, which another parser may read first-wins: refuse what two readers disagree on.
        // The tree reader checks it for free (ObjectNode.replace returns the earlier value);
        // StreamReadFeature.STRICT_DUPLICATE_DETECTION keeps a set of names per object and cost up
        // to 19% of a parse (docs/performance.md). Everything the SDK binds is read as a tree
        // first.
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .build();
  }

  /** The formats this reader tries, in order. */
  public List<EnvelopeFormat> formats() {
    return formats;
  }

  /** The limits this reader enforces. */
  public Limits limits() {
    return limits;
  }

  /** The mapper this reader parses with; it enforces the limits. */
  public ObjectMapper mapper() {
    return mapper;
  }

  /** Reads one message. */
  public EnvelopeResult read(InboundMessage message) {
    byte[] value = message.value();
    if (value.length > limits.maxMessageBytes()) {
      return unreadable(
          ViolationCode.TOO_LARGE,
          "message is "
              + value.length
              + " bytes; the limit is "
              + limits.maxMessageBytes()
              + " bytes");
    }
    String encoding = Utf8Check.problem(value);
    if (encoding != null) {
      return unreadable(ViolationCode.MALFORMED, encoding);
    }
    JsonNode document;
    try {
      document = mapper.readTree(value);
    } catch (StreamConstraintsException e) {
      return unreadable(constraintCode(e), firstLine(e));
    } catch (JsonProcessingException e) {
      return unreadable(ViolationCode.MALFORMED, ParseProblems.describe(e));
    } catch (IOException e) {
      // no I/O happens on a byte array; a CharConversionException's message may quote input
      return unreadable(ViolationCode.MALFORMED, "not JSON: unreadable");
    } catch (StackOverflowError e) {
      // the nesting limit makes this unreachable; kept so no input can kill a consumer thread
      return unreadable(ViolationCode.TOO_DEEP, "document nests too deeply");
    }
    if (document == null || document.isMissingNode()) {
      return unreadable(ViolationCode.MALFORMED, "empty message");
    }
    if (!document.isObject()) {
      return unreadable(
          ViolationCode.MALFORMED,
          "an event must be a JSON object, not "
              + document.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    for (EnvelopeFormat format : formats) {
      if (format.matches(document, message.attributes())) {
        return format.map(document, message);
      }
    }
    return unreadable(
        ViolationCode.UNKNOWN_ENVELOPE,
        "no envelope format recognises this message (tried "
            + formats.stream().map(EnvelopeFormat::name).toList()
            + ")");
  }

  private static EnvelopeResult unreadable(String code, String message) {
    return EnvelopeResult.unreadable(List.of(Violation.of("", code, message)));
  }

  private static String constraintCode(StreamConstraintsException e) {
    String text = String.valueOf(e.getMessage());
    if (text.contains("nesting depth")) {
      return ViolationCode.TOO_DEEP;
    }
    if (text.contains("Document length")) {
      return ViolationCode.TOO_LARGE;
    }
    return ViolationCode.TOO_LONG;
  }

  private static String firstLine(Exception e) {
    String text = String.valueOf(e.getMessage());
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
