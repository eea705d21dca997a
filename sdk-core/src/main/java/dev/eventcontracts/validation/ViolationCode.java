package dev.eventcontracts.validation;

/** The stable codes a {@link Violation} carries; tools and dashboards may match on them. */
public final class ViolationCode {
  /** A required field is absent (or null). */
  public static final String REQUIRED = "required";

  /** A field has the wrong JSON type. */
  public static final String TYPE = "type";

  /** A value is not one of the allowed values ({@code enum} or {@code const}). */
  public static final String ENUM = "enum";

  /** A number is outside its allowed range. */
  public static final String RANGE = "range";

  /** A string does not match its declared format (date-time, uuid, ...). */
  public static final String FORMAT = "format";

  /** A string does not match its pattern. */
  public static final String PATTERN = "pattern";

  /** A string is shorter or longer than allowed. */
  public static final String LENGTH = "length";

  /** An array has too few or too many items, or repeats items that must be unique. */
  public static final String ITEMS = "items";

  /** An object has a property the contract does not allow. */
  public static final String ADDITIONAL = "additional";

  /** Any other JSON Schema keyword failed; the message names the keyword. */
  public static final String SCHEMA = "schema";

  /** The bytes are not a JSON document (garbage, truncated, empty). */
  public static final String MALFORMED = "malformed";

  /** The message is larger than the configured limit. */
  public static final String TOO_LARGE = "too_large";

  /** The document nests deeper than the configured limit. */
  public static final String TOO_DEEP = "too_deep";

  /** A string or number in the document is longer than the configured limit. */
  public static final String TOO_LONG = "too_long";

  /**
   * The event's idempotency key or ordering entity cannot be held by any store (too long, a NUL
   * character, an unpaired surrogate); see {@code dev.eventcontracts.dedup.StoreKeys}.
   */
  public static final String UNSTORABLE = "unstorable";

  /**
   * A payload that passed its schema does not bind to the handler's payload type (a consumer fault;
   * the outcome is {@code BINDING_FAILED}).
   */
  public static final String BINDING = "binding";

  /**
   * The event's idempotency key was completed before for a different payload (a producer reused the
   * key); only when the pipeline is set to dead-letter such events.
   */
  public static final String KEY_REUSED = "key_reused";

  /** No envelope format recognises the document. */
  public static final String UNKNOWN_ENVELOPE = "unknown_envelope";

  /** The event name and version pair names no contract. */
  public static final String UNKNOWN_EVENT = "unknown_event";

  /** The event name is known, but not at this version. */
  public static final String UNSUPPORTED_VERSION = "unsupported_version";

  private ViolationCode() {}
}
