package dev.eventcontracts.contract;

import com.networknt.schema.regex.JDKRegularExpressionFactory;
import com.networknt.schema.regex.RegularExpression;
import org.jspecify.annotations.Nullable;

/**
 * The {@code pattern} regular expressions the fast path evaluates itself: a subset of the syntax on
 * which Java's {@link java.util.regex.Pattern} (as networknt compiles it) and ECMA-262 with the
 * {@code u} flag (what JSON Schema specifies) find the same matches. Outside it the fast path
 * defers.
 *
 * <p>The subset: ASCII literals, {@code .}, the escapes {@code \d \D \w \W \s \S}, escaped syntax
 * characters, {@code \t \n \r \f}, classes of literal characters and ranges (no nested classes, no
 * {@code &&}), groups {@code (...)} and {@code (?:...)}, alternation, the quantifiers {@code * + ?
 * {n} {n,} {n,m}} (greedy or lazy), and the anchors {@code ^ $}. No look-around, back-references,
 * word boundaries, flags, property classes or non-ASCII in the pattern.
 *
 * <p>Two differences remain inside the subset, both handled: {@code .} excludes U+0085 in Java and
 * not in ECMA-262, which only makes Java stricter (a match in Java is a match in ECMA-262, as the
 * subset has nothing that negates a {@code .}); {@code \s} is ASCII whitespace in Java and Unicode
 * whitespace in ECMA-262, so a pattern with {@code \s} or {@code \S} is evaluated only on ASCII
 * strings, where the two agree, and defers on any other string.
 */
final class FastPatterns {
  private FastPatterns() {}

  /** A compiled pattern, evaluated exactly as networknt evaluates it. */
  static final class Compiled {
    private final RegularExpression expression;
    private final boolean asciiOnly;
    private final boolean usesDot;

    private Compiled(RegularExpression expression, boolean asciiOnly, boolean usesDot) {
      this.expression = expression;
      this.asciiOnly = asciiOnly;
      this.usesDot = usesDot;
    }

    /** True when Java and ECMA-262 certainly give the same answer for this value. */
    boolean decides(String value) {
      if (asciiOnly) {
        return isAscii(value);
      }
      // '.' excludes U+0085 in Java only
      return !usesDot || value.indexOf('\u0085') < 0;
    }

    /** Whether the pattern matches somewhere in the value (unanchored), as networknt finds. */
    boolean matches(String value) {
      return expression.matches(value);
    }

    /**
     * True when the pattern certainly matches somewhere in the value (unanchored, as JSON Schema
     * says); false when it does not, or when the answer could differ between Java and ECMA-262.
     */
    boolean certainlyMatches(String value) {
      return decides(value) && expression.matches(value);
    }
  }

  /**
   * Compiles a pattern in the subset.
   *
   * @return the pattern, or {@code null} when it is outside the subset
   */
  static @Nullable Compiled compile(String pattern) {
    Parser parser = new Parser(pattern);
    if (!parser.parse()) {
      return null;
    }
    try {
      // the same factory, and so the same rewriting ($ as \z), as networknt's default
      return new Compiled(
          JDKRegularExpressionFactory.getInstance().getRegularExpression(pattern),
          parser.usesWhitespaceClass,
          parser.usesDot);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static boolean isAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** A recursive-descent recogniser of the subset; it builds nothing. */
  private static final class Parser {
    private static final String SYNTAX = "^$\\.*+?()[]{}|/";
    private final String p;
    private int i;
    private int depth;
    boolean usesWhitespaceClass;
    boolean usesDot;

    Parser(String pattern) {
      this.p = pattern;
    }

    boolean parse() {
      if (p.length() > 1000) {
        return false;
      }
      for (int k = 0; k < p.length(); k++) {
        char c = p.charAt(k);
        if (c < 0x20 || c >= 0x7F) {
          return false;
        }
      }
      return disjunction() && i == p.length();
    }

    private boolean disjunction() {
      if (++depth > 32) {
        return false;
      }
      if (!alternative()) {
        return false;
      }
      while (i < p.length() && p.charAt(i) == '|') {
        i++;
        if (!alternative()) {
          return false;
        }
      }
      depth--;
      return true;
    }

    private boolean alternative() {
      while (i < p.length() && p.charAt(i) != '|' && p.charAt(i) != ')') {
        if (!term()) {
          return false;
        }
      }
      return true;
    }

    private boolean term() {
      char c = p.charAt(i);
      if (c == '^' || c == '$') {
        i++;
        // a quantified assertion is legal in neither engine in a useful way
        return i >= p.length() || !isQuantifierStart(p.charAt(i));
      }
      if (!atom()) {
        return false;
      }
      if (i < p.length() && isQuantifierStart(p.charAt(i))) {
        if (!quantifier()) {
          return false;
        }
        if (i < p.length() && p.charAt(i) == '?') {
          i++; // lazy: the same language
        }
        // a second quantifier (possessive in Java, an error in ECMA-262)
        return i >= p.length() || !isQuantifierStart(p.charAt(i));
      }
      return true;
    }

    private static boolean isQuantifierStart(char c) {
      return c == '*' || c == '+' || c == '?' || c == '{';
    }

    private boolean atom() {
      char c = p.charAt(i);
      switch (c) {
        case '.':
          usesDot = true;
          i++;
          return true;
        case '\\':
          return escape(false);
        case '[':
          return characterClass();
        case '(':
          i++;
          if (i < p.length() && p.charAt(i) == '?') {
            if (i + 1 < p.length() && p.charAt(i + 1) == ':') {
              i += 2;
            } else {
              return false; // look-around, named groups, flags
            }
          }
          if (!disjunction()) {
            return false;
          }
          if (i >= p.length() || p.charAt(i) != ')') {
            return false;
          }
          i++;
          return true;
        case ')':
        case ']':
        case '{':
        case '}':
        case '*':
        case '+':
        case '?':
        case '|':
          return false;
        default:
          i++;
          return true;
      }
    }

    /** An escape; {@code inClass} allows {@code \-}. */
    private boolean escape(boolean inClass) {
      if (i + 1 >= p.length()) {
        return false;
      }
      char e = p.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'd':
        case 'D':
        case 'w':
        case 'W':
        case 't':
        case 'n':
        case 'r':
        case 'f':
          return true;
        case 's':
        case 'S':
          usesWhitespaceClass = true;
          return true;
        case '-':
          return inClass;
        default:
          return SYNTAX.indexOf(e) >= 0;
      }
    }

    private boolean quantifier() {
      char c = p.charAt(i);
      if (c != '{') {
        i++;
        return true;
      }
      i++;
      int min = number();
      if (min < 0) {
        return false;
      }
      int max = min;
      if (i < p.length() && p.charAt(i) == ',') {
        i++;
        max = Integer.MAX_VALUE;
        if (i < p.length() && p.charAt(i) != '}') {
          max = number();
          if (max < 0) {
            return false;
          }
        }
      }
      if (i >= p.length() || p.charAt(i) != '}' || max < min) {
        return false;
      }
      i++;
      return true;
    }

    private int number() {
      int start = i;
      while (i < p.length() && p.charAt(i) >= '0' && p.charAt(i) <= '9' && i - start < 4) {
        i++;
      }
      if (i == start || (i < p.length() && p.charAt(i) >= '0' && p.charAt(i) <= '9')) {
        return -1;
      }
      return Integer.parseInt(p.substring(start, i));
    }

    private boolean characterClass() {
      i++; // [
      if (i < p.length() && p.charAt(i) == '^') {
        i++;
      }
      int atoms = 0;
      while (i < p.length() && p.charAt(i) != ']') {
        if (p.charAt(i) == '-' && atoms > 0 && i + 1 < p.length() && p.charAt(i + 1) != ']') {
          return false; // a literal '-' in the middle: the engines split ranges differently
        }
        int low = classChar();
        if (low == BAD) {
          return false;
        }
        atoms++;
        if (i + 1 < p.length() && p.charAt(i) == '-' && p.charAt(i + 1) != ']') {
          if (low == ESCAPE_CLASS) {
            return false;
          }
          i++;
          int high = classChar();
          if (high == BAD || high == ESCAPE_CLASS || high < low) {
            return false;
          }
        }
      }
      if (i >= p.length() || atoms == 0) {
        return false; // unterminated, or [] and [^] (which differ between the engines)
      }
      i++; // ]
      return true;
    }

    private static final int BAD = -1;
    private static final int ESCAPE_CLASS = -2;

    /** One class character: its code, {@link #ESCAPE_CLASS} for \d and friends, or BAD. */
    private int classChar() {
      char c = p.charAt(i);
      if (c == '[') {
        return BAD; // a nested class in Java, a literal in ECMA-262
      }
      if (c == '&' && i + 1 < p.length() && p.charAt(i + 1) == '&') {
        return BAD; // intersection in Java
      }
      if (c != '\\') {
        i++;
        return c;
      }
      if (i + 1 >= p.length()) {
        return BAD;
      }
      char e = p.charAt(i + 1);
      if (!escape(true)) {
        return BAD;
      }
      switch (e) {
        case 'd':
        case 'D':
        case 'w':
        case 'W':
        case 's':
        case 'S':
          return ESCAPE_CLASS;
        case 't':
          return '\t';
        case 'n':
          return '\n';
        case 'r':
          return '\r';
        case 'f':
          return '\f';
        default:
          return e;
      }
    }
  }
}
