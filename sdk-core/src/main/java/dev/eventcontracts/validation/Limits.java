package dev.eventcontracts.validation;

/**
 * Bounds on what the parser accepts, so hostile or broken input is refused with a clear error
 * instead of an {@link OutOfMemoryError} or a {@link StackOverflowError}.
 *
 * @param maxMessageBytes largest message, in bytes, that is parsed at all
 * @param maxNestingDepth deepest nesting of objects and arrays
 * @param maxStringLength longest string value or field name, in characters
 * @param maxNumberLength longest number literal, in characters
 */
public record Limits(
    int maxMessageBytes, int maxNestingDepth, int maxStringLength, int maxNumberLength) {

  /** Default largest message: 1 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

  /** Default deepest nesting: 64 levels. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 64;

  /** Default longest string: 256 KiB characters. */
  public static final int DEFAULT_MAX_STRING_LENGTH = 256 * 1024;

  /** Default longest number literal: 100 characters. */
  public static final int DEFAULT_MAX_NUMBER_LENGTH = 100;

  /** Checks that every bound is positive. */
  public Limits {
    if (maxMessageBytes <= 0
        || maxNestingDepth <= 0
        || maxStringLength <= 0
        || maxNumberLength <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** The safe defaults. */
  public static Limits defaults() {
    return new Limits(
        DEFAULT_MAX_MESSAGE_BYTES,
        DEFAULT_MAX_NESTING_DEPTH,
        DEFAULT_MAX_STRING_LENGTH,
        DEFAULT_MAX_NUMBER_LENGTH);
  }

  /** A copy with another largest message size. */
  public Limits withMaxMessageBytes(int bytes) {
    return new Limits(bytes, maxNestingDepth, maxStringLength, maxNumberLength);
  }

  /** A copy with another deepest nesting. */
  public Limits withMaxNestingDepth(int depth) {
    return new Limits(maxMessageBytes, depth, maxStringLength, maxNumberLength);
  }

  /** A copy with another longest string. */
  public Limits withMaxStringLength(int length) {
    return new Limits(maxMessageBytes, maxNestingDepth, length, maxNumberLength);
  }
}
