package dev.eventcontracts.compat;

/** The rule a {@link Finding} is about; {@link #code()} is stable and used in JSON reports. */
public enum Rule {
  /** A value of a type the writing side allows is refused by the reading side. */
  TYPE("type"),
  /** The reading side requires a property the writing side may leave out. */
  REQUIRED("required"),
  /** The writing side declares a property the reading side refuses (a closed object). */
  PROPERTY_NOT_ALLOWED("property-not-allowed"),
  /** The reading side refuses undeclared properties that the writing side allows. */
  OBJECT_CLOSED("object-closed"),
  /** A declared field disappears within a major version (seeds 001 and 004). */
  FIELD_REMOVED("field-removed"),
  /** A value of the writing side's enumeration or constant is refused by the reading side. */
  ENUM("enum"),
  /** A number the writing side allows is out of the reading side's range or multiple. */
  RANGE("range"),
  /** A string length the writing side allows is refused by the reading side. */
  LENGTH("length"),
  /** An array the writing side allows has too many or too few items, or repeats one. */
  ITEMS("items"),
  /** An object the writing side allows has too many or too few properties. */
  PROPERTY_COUNT("property-count"),
  /** The reading side requires a pattern the writing side does not. */
  PATTERN("pattern"),
  /** The reading side asserts a format the writing side does not. */
  FORMAT("format"),
  /** A {@code $ref} that cannot be resolved within its schema. */
  REF("ref"),
  /** A keyword the checker does not compare structurally ({@code oneOf}, {@code if}, ...). */
  KEYWORD("keyword"),
  /** An event name the old registry knows is gone from the new one. */
  EVENT_REMOVED("event-removed"),
  /** A version the old registry knows is gone from the new one. */
  VERSION_REMOVED("version-removed"),
  /** The idempotency-key template of a version changed: deduplication keys differ. */
  IDEMPOTENCY_KEY("idempotency-key"),
  /** The ordering rule (entity, position, kind or scope) of a version changed. */
  ORDERING("ordering"),
  /** The registry's version policy went from compatible to strict. */
  VERSION_POLICY("version-policy"),
  /** An envelope format was added, removed or changed. */
  ENVELOPE_FORMAT("envelope-format"),
  /** A new major version has no {@code x-migration} note. */
  MIGRATION_NOTE_MISSING("migration-note-missing"),
  /** The version a new major version supersedes has no {@code x-sunset} date. */
  SUNSET_MISSING("sunset-missing");

  private final String code;

  Rule(String code) {
    this.code = code;
  }

  /** The stable code, such as {@code required} or {@code migration-note-missing}. */
  public String code() {
    return code;
  }
}
