package dev.eventcontracts.envelope;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;

/**
 * Describes a JSON parse error without quoting the input. Jackson's messages quote the offending
 * token ({@code Unrecognized token 'alice@example.com'}, {@code Duplicate field 'email'}), and
 * violation messages end up in logs, dead-letter headers and CLI output, where payload text must
 * not appear. So the message is chosen from a fixed list by the start of Jackson's message, which
 * is Jackson's own wording, and only the position is taken from the exception.
 */
final class ParseProblems {
  /** Start of Jackson's message, and what we say instead; first match wins. */
  private static final String[][] KNOWN = {
    {"Unexpected end-of-input", "truncated: the input ends inside a JSON value"},
    {"Duplicate field", "duplicate name in one object"},
    {"Unrecognized token", "unrecognized token, expected a JSON value"},
    {"Unrecognized character escape", "invalid escape sequence in a string"},
    {"Illegal unquoted character", "unescaped control character in a string"},
    {"Illegal character", "illegal character"},
    {"Unexpected close marker", "unexpected closing bracket"},
    {"Non-standard token", "non-standard token (NaN or Infinity)"},
    {"Invalid numeric value", "invalid number"},
    {"Malformed numeric value", "invalid number"},
    {"Leading zeroes", "invalid number"},
    {"Decimal point not followed by a digit", "invalid number"},
    {"Exponent indicator not followed by a digit", "invalid number"},
    {"No digit following sign", "invalid number"},
    {"JSON spec does not allow numbers to have plus signs", "invalid number"},
    {"Trailing token", "trailing data after the JSON value"},
    {"Expected space separating root-level values", "trailing data after the JSON value"},
    {"Invalid UTF-8", "invalid UTF-8"},
  };

  /** Jackson's fixed explanations after "Unexpected character (...)", and ours. */
  private static final String[][] EXPECTING = {
    {"was expecting comma to separate Object entries", "expected ',' or '}'"},
    {"was expecting comma to separate Array entries", "expected ',' or ']'"},
    {"was expecting double-quote to start field name", "expected a name in double quotes"},
    {"was expecting a colon to separate field name and value", "expected ':'"},
    {"expected a valid value", "expected a JSON value"},
    {"expected a value", "expected a JSON value"},
    {"in numeric value", "in a number"},
  };

  private ParseProblems() {}

  /** What went wrong and where, without any of the input's text. */
  static String describe(JsonProcessingException e) {
    String original = String.valueOf(e.getOriginalMessage());
    String what = null;
    if (e instanceof JsonEOFException) {
      what = KNOWN[0][1];
    } else if (original.startsWith("Unexpected character")) {
      what = "unexpected character";
      for (String[] known : EXPECTING) {
        if (original.contains(known[0])) {
          what = what + ", " + known[1];
          break;
        }
      }
    } else {
      for (String[] known : KNOWN) {
        if (original.startsWith(known[0])) {
          what = known[1];
          break;
        }
      }
    }
    return "not JSON: " + (what == null ? "unreadable" : what) + position(e.getLocation());
  }

  private static String position(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    StringBuilder out =
        new StringBuilder(" at line ")
            .append(location.getLineNr())
            .append(", column ")
            .append(location.getColumnNr());
    if (location.getByteOffset() >= 0) {
      out.append(" (byte offset ").append(location.getByteOffset()).append(')');
    }
    return out.toString();
  }
}
