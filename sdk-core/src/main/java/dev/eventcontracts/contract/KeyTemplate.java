package dev.eventcontracts.contract;

import dev.eventcontracts.envelope.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A template such as {@code profile.updated:{candidate_id}:{profile_version}} that builds a key
 * from an event's fields; placeholders are {@link FieldRef}s. Used for idempotency keys and entity
 * ids.
 *
 * <p>Rendering refuses to guess: when any referenced field is absent, {@link #render} returns
 * {@code null} rather than a key with a hole in it, so that two distinct events can never collapse
 * onto one key because both lack a field.
 */
public final class KeyTemplate {
  private final String text;
  private final String[] literals;
  private final FieldRef[] refs;

  private KeyTemplate(String text) {
    this.text = text;
    List<String> lits = new ArrayList<>();
    List<FieldRef> found = new ArrayList<>();
    int i = 0;
    StringBuilder literal = new StringBuilder();
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '{') {
        int close = text.indexOf('}', i);
        if (close < 0) {
          throw new IllegalArgumentException("unclosed '{' in template '" + text + "'");
        }
        String inner = text.substring(i + 1, close);
        if (inner.indexOf('{') >= 0) {
          throw new IllegalArgumentException("nested '{' in template '" + text + "'");
        }
        lits.add(literal.toString());
        literal.setLength(0);
        found.add(FieldRef.parse(inner));
        i = close + 1;
      } else if (c == '}') {
        throw new IllegalArgumentException("unopened '}' in template '" + text + "'");
      } else {
        literal.append(c);
        i++;
      }
    }
    lits.add(literal.toString());
    if (found.isEmpty()) {
      throw new IllegalArgumentException(
          "template '" + text + "' has no {field}: every event would get the same key");
    }
    this.literals = lits.toArray(String[]::new);
    this.refs = found.toArray(FieldRef[]::new);
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException for unbalanced braces, empty references, or no reference
   */
  public static KeyTemplate parse(String text) {
    return new KeyTemplate(Objects.requireNonNull(text, "text"));
  }

  /** The fields the template reads, in order. */
  public List<FieldRef> fields() {
    return List.of(refs);
  }

  /**
   * Fills the template from an event.
   *
   * @return the key, or {@code null} when a referenced field is absent
   */
  public @Nullable String render(Envelope event) {
    StringBuilder out = new StringBuilder(text.length() + 32);
    for (int i = 0; i < refs.length; i++) {
      out.append(literals[i]);
      String value = refs[i].text(event);
      if (value == null) {
        return null;
      }
      out.append(value);
    }
    return out.append(literals[refs.length]).toString();
  }

  /** The fields the template reads that the event lacks; empty when it renders. */
  public List<FieldRef> missing(Envelope event) {
    List<FieldRef> out = new ArrayList<>(0);
    for (FieldRef ref : refs) {
      if (ref.resolve(event) == null) {
        out.add(ref);
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyTemplate other && other.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
