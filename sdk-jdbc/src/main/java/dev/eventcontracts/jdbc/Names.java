package dev.eventcontracts.jdbc;

import dev.eventcontracts.dedup.StoreKeys;
import dev.eventcontracts.dedup.UnstorableKeyException;
import java.util.Objects;
import java.util.regex.Pattern;

/** Checks of the names that go into SQL: table names as text, keys and owners as parameters. */
final class Names {
  /** The longest owner, matching the owner column's VARCHAR(255). */
  static final int MAX_OWNER_LENGTH = 255;

  // Table names are spliced into SQL text, so only plain identifiers pass: no quotes, no spaces.
  private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]{0,62}";
  private static final Pattern TABLE = Pattern.compile(IDENTIFIER + "(\\." + IDENTIFIER + ")?");

  private Names() {}

  /**
   * Returns {@code name} when it is an SQL identifier, optionally schema-qualified ({@code
   * schema.table}); throws otherwise.
   */
  static String table(String name) {
    Objects.requireNonNull(name, "table");
    if (!TABLE.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "table name must match "
              + TABLE.pattern()
              + " (letters, digits and _, optionally schema.table), got: '"
              + name
              + "'");
    }
    return name;
  }

  /**
   * Returns {@code key} when a key or entity column can hold it exactly; throws {@link
   * UnstorableKeyException} otherwise (the rule every store applies, {@link StoreKeys}).
   */
  static String key(String what, String key) {
    return StoreKeys.check(what, key);
  }

  /** Returns {@code owner} when the owner column can hold it; throws otherwise. */
  static String owner(String owner) {
    return text("owner", owner, MAX_OWNER_LENGTH);
  }

  private static String text(String what, String value, int maxLength) {
    Objects.requireNonNull(value, what);
    if (value.length() > maxLength) {
      throw new IllegalArgumentException(
          what + " is " + value.length() + " chars, longer than " + maxLength);
    }
    // PostgreSQL cannot store NUL in text; rejecting it everywhere keeps the dialects alike
    if (value.indexOf('\u0000') >= 0) {
      throw new IllegalArgumentException(what + " contains a NUL character");
    }
    return value;
  }
}
