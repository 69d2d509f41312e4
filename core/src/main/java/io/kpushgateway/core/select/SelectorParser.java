package io.kpushgateway.core.select;

import io.kpushgateway.core.format.GoSyntax;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A recursive-descent reading of the part of PromQL's grammar that a series selector uses, with the
 * lexer's rules folded in: blanks are space, tab, CR and LF, {@code #} starts a comment up to the
 * end of the line, names are ASCII.
 */
final class SelectorParser {

  /**
   * Words the PromQL lexer turns into tokens a metric name cannot be: keywords that only make sense
   * between expressions, and the numbers {@code Inf} and {@code NaN}. Other keywords ({@code sum},
   * {@code by}, {@code offset}, ...) are fine as metric names. Compared case-insensitively.
   */
  private static final Set<String> NOT_A_METRIC_NAME =
      Set.of("bool", "on", "ignoring", "group_left", "group_right", "atan2", "inf", "nan");

  private static final String OPERATORS = "one of \"=\", \"!=\", \"=~\", \"!~\"";

  private final String in;
  private int pos;

  SelectorParser(String in) {
    this.in = in;
  }

  SeriesSelector selector() throws SelectorSyntaxException {
    skipBlanks();
    int start = pos;
    String name = null;
    List<LabelMatcher> matchers = new ArrayList<>();
    if (!atEnd() && isMetricNameStart(peek())) {
      int nameAt = pos;
      name = metricName();
      if (NOT_A_METRIC_NAME.contains(name.toLowerCase(Locale.ROOT))) {
        throw error(
            nameAt,
            "unexpected keyword " + GoSyntax.quote(name) + ", expected a metric name or \"{\"");
      }
      skipBlanks();
    }
    boolean braces = !atEnd() && peek() == '{';
    if (braces) {
      braces(matchers);
    } else if (name == null) {
      throw unexpected(", expected a metric name or \"{\"");
    }
    skipBlanks();
    if (!atEnd()) {
      throw unexpected(
          braces
              ? ", expected the end of the selector"
              : ", expected \"{\" or the end of the selector");
    }
    if (name != null) {
      for (LabelMatcher m : matchers) {
        if (m.name().equals(LabelMatcher.METRIC_NAME)) {
          throw error(
              start,
              "metric name must not be set twice: "
                  + GoSyntax.quote(name)
                  + " or "
                  + GoSyntax.quote(m.value()));
        }
      }
      matchers.add(LabelMatcher.equal(LabelMatcher.METRIC_NAME, name));
    }
    // Prometheus' ParseMetricSelector, which /federate uses, skips the PromQL check that one
    // matcher must not match "": {job=~".*"} selects everything there, and here too.
    if (matchers.isEmpty()) {
      throw error(start, "vector selector must contain label matchers or metric name");
    }
    return new SeriesSelector(in, matchers);
  }

  /** {@code { [matcher {, matcher} [,]] }}; the opening brace is next. */
  private void braces(List<LabelMatcher> matchers) throws SelectorSyntaxException {
    pos++; // {
    skipBlanks();
    if (!atEnd() && peek() == '}') {
      pos++;
      return;
    }
    while (true) {
      matchers.add(matcher());
      skipBlanks();
      if (atEnd()) {
        throw error(pos, "unexpected end of input inside braces");
      }
      int c = peek();
      if (c == '}') {
        pos++;
        return;
      }
      if (c != ',') {
        throw unexpected(" in label matching, expected \",\" or \"}\"");
      }
      pos++;
      skipBlanks();
      if (!atEnd() && peek() == '}') {
        pos++; // a trailing comma
        return;
      }
    }
  }

  /** {@code label op "value"}, {@code "label" op "value"} or a quoted metric name alone. */
  private LabelMatcher matcher() throws SelectorSyntaxException {
    if (atEnd()) {
      throw error(pos, "unexpected end of input inside braces");
    }
    int c = peek();
    String label;
    if (isLabelNameStart(c)) {
      label = labelName();
    } else if (isQuote(c)) {
      label = string();
      skipBlanks();
      if (atEnd() || (peek() != '=' && peek() != '!')) {
        // {"my.metric"}: a name outside the legacy set, given the way it has to be
        return LabelMatcher.equal(LabelMatcher.METRIC_NAME, label);
      }
    } else {
      throw unexpected(" in label matching, expected a label name, a quoted metric name or \"}\"");
    }
    skipBlanks();
    LabelMatcher.Type type = operator();
    skipBlanks();
    if (atEnd() || !isQuote(peek())) {
      throw unexpected(" in label matching, expected a quoted label value");
    }
    int valueAt = pos;
    String value = string();
    try {
      return LabelMatcher.of(type, label, value);
    } catch (IllegalArgumentException e) { // a regex RE2 refuses
      throw error(valueAt, e.getMessage());
    }
  }

  private LabelMatcher.Type operator() throws SelectorSyntaxException {
    if (atEnd()) {
      throw error(pos, "unexpected end of input inside braces");
    }
    int c = peek();
    int next = pos + 1 < in.length() ? in.charAt(pos + 1) : -1;
    LabelMatcher.Type type = null;
    if (c == '=') {
      type = next == '~' ? LabelMatcher.Type.REGEX : LabelMatcher.Type.EQUAL;
    } else if (c == '!' && next == '=') {
      type = LabelMatcher.Type.NOT_EQUAL;
    } else if (c == '!' && next == '~') {
      type = LabelMatcher.Type.NOT_REGEX;
    }
    if (type == null) {
      throw unexpected(" in label matching, expected " + OPERATORS);
    }
    pos += type.operator().length();
    return type;
  }

  /**
   * A string in double or single quotes (Go's escapes; the other quote needs none and may not be
   * escaped; no raw newline) or in backticks (no escapes at all). {@code \x} and octal escapes are
   * bytes, as in Go, so together they must spell valid UTF-8.
   */
  private String string() throws SelectorSyntaxException {
    int start = pos;
    int quote = in.codePointAt(pos);
    pos++;
    if (quote == '`') {
      int end = in.indexOf('`', pos);
      if (end < 0) {
        throw error(start, "unterminated raw string");
      }
      String raw = in.substring(pos, end);
      checkRunes(raw, start);
      pos = end + 1;
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean rawBytes = false;
    while (true) {
      if (atEnd() || peek() == '\n') {
        throw error(start, "unterminated quoted string");
      }
      int c = in.codePointAt(pos);
      int at = pos;
      pos += Character.charCount(c);
      if (c == quote) {
        break;
      }
      if (c != '\\') {
        checkRune(c, at);
        writeUtf8(bytes, c);
        continue;
      }
      if (atEnd()) {
        throw error(at, "escape sequence not terminated");
      }
      int e = in.codePointAt(pos);
      pos += Character.charCount(e);
      switch (e) {
        case 'a' -> bytes.write(0x07);
        case 'b' -> bytes.write('\b');
        case 'f' -> bytes.write('\f');
        case 'n' -> bytes.write('\n');
        case 'r' -> bytes.write('\r');
        case 't' -> bytes.write('\t');
        case 'v' -> bytes.write(0x0b);
        case '\\' -> bytes.write('\\');
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          pos--; // the first digit is part of the number
          bytes.write(escapedNumber(at, 3, 8, 255));
          rawBytes = true;
        }
        case 'x' -> {
          bytes.write(escapedNumber(at, 2, 16, 255));
          rawBytes = true;
        }
        case 'u' -> writeUtf8(bytes, escapedNumber(at, 4, 16, Character.MAX_CODE_POINT));
        case 'U' -> writeUtf8(bytes, escapedNumber(at, 8, 16, Character.MAX_CODE_POINT));
        default -> {
          if (e != quote) {
            throw error(at, "unknown escape sequence \\" + new String(Character.toChars(e)));
          }
          bytes.write(quote);
        }
      }
    }
    if (!rawBytes) {
      return bytes.toString(StandardCharsets.UTF_8);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      // Go would keep the invalid bytes; a Java string cannot, and no stored name holds them
      throw error(start, "the string's byte escapes do not form valid UTF-8");
    }
  }

  /** {@code digits} digits of {@code base} after an escape that starts at {@code at}. */
  private int escapedNumber(int at, int digits, int base, int max) throws SelectorSyntaxException {
    long value = 0; // eight hex digits overflow an int
    for (int i = 0; i < digits; i++) {
      if (atEnd()) {
        throw error(at, "escape sequence not terminated");
      }
      int d = Character.digit(in.charAt(pos), base);
      if (d < 0 || in.charAt(pos) > 'f') { // Character.digit also takes non-ASCII digits
        throw error(
            at,
            "illegal character "
                + GoSyntax.quote(new String(Character.toChars(in.codePointAt(pos))))
                + " in escape sequence");
      }
      value = value * base + d;
      pos++;
    }
    if (value > max || (value >= 0xD800 && value < 0xE000 && max > 255)) {
      throw error(at, "escape sequence is an invalid Unicode code point");
    }
    return (int) value;
  }

  /** The metric name before the braces: {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
  private String metricName() {
    int start = pos;
    while (!atEnd() && (isMetricNameStart(peek()) || isDigit(peek()))) {
      pos++;
    }
    return in.substring(start, pos);
  }

  /** A label name inside the braces: {@code [a-zA-Z_][a-zA-Z0-9_]*}. */
  private String labelName() {
    int start = pos;
    while (!atEnd() && (isLabelNameStart(peek()) || isDigit(peek()))) {
      pos++;
    }
    return in.substring(start, pos);
  }

  private void skipBlanks() {
    while (!atEnd()) {
      int c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else if (c == '#') {
        while (!atEnd() && peek() != '\n' && peek() != '\r') {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  /** The lexer refuses what it would read as a broken rune: U+FFFD and lone surrogates. */
  private void checkRunes(String s, int at) throws SelectorSyntaxException {
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      checkRune(c, at);
      i += Character.charCount(c);
    }
  }

  private void checkRune(int c, int at) throws SelectorSyntaxException {
    if (c == 0xFFFD || (c >= 0xD800 && c < 0xE000)) {
      throw error(at, "invalid UTF-8 rune");
    }
  }

  private static void writeUtf8(ByteArrayOutputStream out, int codePoint) {
    out.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @param expected the rest of the message: {@code ", expected ..."} or {@code " in ..."}
   */
  private SelectorSyntaxException unexpected(String expected) {
    return error(pos, "unexpected " + describeNext() + expected);
  }

  /** What stands at the current position: the end, a whole word, or one character. */
  private String describeNext() {
    if (atEnd()) {
      return "end of input";
    }
    int c = in.codePointAt(pos);
    if (isMetricNameStart(c) || isDigit(c)) {
      int end = pos;
      while (end < in.length() && (isMetricNameStart(in.charAt(end)) || isDigit(in.charAt(end)))) {
        end++;
      }
      return GoSyntax.quote(in.substring(pos, end));
    }
    return GoSyntax.quote(new String(Character.toChars(c)));
  }

  /** An error at a char index, placed as line and column (in code points), both from 1. */
  private SelectorSyntaxException error(int at, String reason) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < at && i < in.length(); ) {
      int c = in.codePointAt(i);
      i += Character.charCount(c);
      if (c == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new SelectorSyntaxException(line, column, reason);
  }

  private boolean atEnd() {
    return pos >= in.length();
  }

  private int peek() {
    return in.charAt(pos);
  }

  private static boolean isQuote(int c) {
    return c == '"' || c == '\'' || c == '`';
  }

  private static boolean isLabelNameStart(int c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isMetricNameStart(int c) {
    return isLabelNameStart(c) || c == ':';
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }
}
