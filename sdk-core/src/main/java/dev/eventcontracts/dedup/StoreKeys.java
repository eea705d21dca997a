package dev.eventcontracts.dedup;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one rule every store applies to idempotency keys and ordering entities, so that an event is
 * accepted or refused alike by the in-memory, JDBC and Redis stores: at most {@link #MAX_LENGTH}
 * UTF-16 chars, no NUL character, no unpaired surrogate. PostgreSQL cannot store NUL in text and
 * its driver turns an unpaired surrogate into {@code ?}, so two distinct keys would merge; a key
 * that passes this check round-trips exactly in every store.
 */
public final class StoreKeys {
  /** The longest key or entity, in UTF-16 chars: what a {@code VARCHAR(512)} holds everywhere. */
  public static final int MAX_LENGTH = 512;

  private StoreKeys() {}

  /**
   * Says what keeps {@code value} out of a store, without quoting it.
   *
   * @param what the value's role, for the message ({@code "idempotency key"}, {@code "entity"})
   * @return the problem, or {@code null} when every store can hold the value
   */
  public static @Nullable String problem(String what, String value) {
    Objects.requireNonNull(value, what);
    int length = value.length();
    if (length > MAX_LENGTH) {
      return what + " is " + length + " chars, longer than the " + MAX_LENGTH + " a store holds";
    }
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c == '\u0000') {
        return what + " contains a NUL character at index " + i;
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < length
            && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
        } else {
          return what + " contains an unpaired surrogate at index " + i;
        }
      }
    }
    return null;
  }

  /**
   * Returns {@code value} when every store can hold it.
   *
   * @throws UnstorableKeyException otherwise
   */
  public static String check(String what, String value) {
    String problem = problem(what, value);
    if (problem != null) {
      throw new UnstorableKeyException(problem);
    }
    return value;
  }
}
