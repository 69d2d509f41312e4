package io.kpushgateway.core.format;

import java.nio.charset.StandardCharsets;

/**
 * The bits of Go's standard library whose exact behaviour shows up in what the Pushgateway accepts
 * and in its error texts: {@code strconv.ParseFloat} as expfmt restricts it, {@code
 * strconv.ParseInt}, {@code %q} quoting and {@code utf8.Valid}. Works on raw bytes because the text
 * format is read byte by byte, as upstream does.
 */
public final class GoSyntax {

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private GoSyntax() {}

  /**
   * Parses a float the way expfmt does: decimal notation with optional sign, fraction and exponent,
   * or {@code Inf}/{@code Infinity} (signed or not) and {@code NaN}, all case-insensitive. Hex
   * floats and underscores are refused (expfmt rejects {@code p} and {@code _}), and so is overflow
   * to infinity (Go reports a range error).
   *
   * @throws NumberFormatException when Go would return an error
   */
  static double parseFloat(byte[] b, int off, int len) {
    int end = off + len;
    int i = off;
    boolean negative = false;
    boolean signed = false;
    if (i < end && (b[i] == '+' || b[i] == '-')) {
      negative = b[i] == '-';
      signed = true;
      i++;
    }
    if (equalsIgnoreCase(b, i, end, "inf") || equalsIgnoreCase(b, i, end, "infinity")) {
      return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (!signed && equalsIgnoreCase(b, i, end, "nan")) {
      return Double.NaN;
    }
    boolean digits = false;
    boolean dot = false;
    for (; i < end; i++) {
      byte c = b[i];
      if (c >= '0' && c <= '9') {
        digits = true;
      } else if (c == '.' && !dot) {
        dot = true;
      } else {
        break;
      }
    }
    if (!digits) {
      throw new NumberFormatException();
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int expStart = i;
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      if (i == expStart) {
        throw new NumberFormatException();
      }
    }
    if (i != end) {
      throw new NumberFormatException();
    }
    // The grammar above is a subset of Java's, and Java rounds correctly, as Go does.
    double v = Double.parseDouble(new String(b, off, len, StandardCharsets.ISO_8859_1));
    if (Double.isInfinite(v)) {
      throw new NumberFormatException("out of range");
    }
    return v;
  }

  /**
   * {@code strconv.ParseInt(s, 10, 64)}: optional sign, ASCII digits only, no overflow.
   *
   * @throws NumberFormatException when Go would return an error
   */
  static long parseInt64(byte[] b, int off, int len) {
    int end = off + len;
    int i = off;
    boolean negative = false;
    if (i < end && (b[i] == '+' || b[i] == '-')) {
      negative = b[i] == '-';
      i++;
    }
    if (i == end) {
      throw new NumberFormatException();
    }
    long acc = 0; // accumulated negatively so that Long.MIN_VALUE fits
    for (; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw new NumberFormatException();
      }
      if (acc < (Long.MIN_VALUE + d) / 10) {
        throw new NumberFormatException("out of range");
      }
      acc = acc * 10 - d;
    }
    if (!negative) {
      if (acc == Long.MIN_VALUE) {
        throw new NumberFormatException("out of range");
      }
      return -acc;
    }
    return acc;
  }

  private static boolean equalsIgnoreCase(byte[] b, int from, int end, String word) {
    if (end - from != word.length()) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (Character.toLowerCase((char) b[from + i]) != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Go's {@code utf8.Valid}: no overlongs, no surrogates, nothing above U+10FFFF. */
  static boolean isValidUtf8(byte[] b, int off, int len) {
    int end = off + len;
    for (int i = off; i < end; ) {
      if (b[i] >= 0) {
        i++;
        continue;
      }
      int n = runeLength(b, i, end);
      if (n < 0) {
        return false;
      }
      i += n;
    }
    return true;
  }

  /** Length of the valid UTF-8 sequence starting at {@code i}, or -1. */
  private static int runeLength(byte[] b, int i, int end) {
    int c = b[i] & 0xff;
    if (c < 0x80) {
      return 1;
    }
    int need;
    int lo = 0x80;
    int hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c == 0xe0) {
        lo = 0xa0; // overlong
      } else if (c == 0xed) {
        hi = 0x9f; // surrogates
      }
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c == 0xf0) {
        lo = 0x90; // overlong
      } else if (c == 0xf4) {
        hi = 0x8f; // above U+10FFFF
      }
    } else {
      return -1;
    }
    if (i + need >= end) {
      return -1;
    }
    int second = b[i + 1] & 0xff;
    if (second < lo || second > hi) {
      return -1;
    }
    for (int k = 2; k <= need; k++) {
      int cont = b[i + k] & 0xff;
      if (cont < 0x80 || cont > 0xbf) {
        return -1;
      }
    }
    return need + 1;
  }

  /** {@code fmt.Sprintf("%q", s)} for a byte string, invalid UTF-8 shown as {@code \xNN}. */
  static String quote(byte[] b, int off, int len) {
    StringBuilder sb = new StringBuilder(len + 2);
    sb.append('"');
    int end = off + len;
    for (int i = off; i < end; ) {
      int n = runeLength(b, i, end);
      if (n < 0) {
        sb.append("\\x").append((char) HEX[(b[i] >> 4) & 0xf]).append((char) HEX[b[i] & 0xf]);
        i++;
        continue;
      }
      int cp = decode(b, i, n);
      i += n;
      if (cp == '"' || cp == '\\') {
        sb.append('\\').append((char) cp);
      } else {
        appendRune(sb, cp);
      }
    }
    return sb.append('"').toString();
  }

  /** {@code fmt.Sprintf("%q", s)}: how Go, and so Prometheus, quotes a string in a message. */
  public static String quote(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return quote(b, 0, b.length);
  }

  /** {@code fmt.Sprintf("%q", c)} for a Go byte: a single-quoted rune literal. */
  static String quoteByte(int c) {
    StringBuilder sb = new StringBuilder(8).append('\'');
    if (c == '\'' || c == '\\') {
      sb.append('\\').append((char) c);
    } else {
      appendRune(sb, c);
    }
    return sb.append('\'').toString();
  }

  private static void appendRune(StringBuilder sb, int cp) {
    if (isPrint(cp)) {
      sb.appendCodePoint(cp);
      return;
    }
    switch (cp) {
      case 0x07 -> sb.append("\\a");
      case '\b' -> sb.append("\\b");
      case '\f' -> sb.append("\\f");
      case '\n' -> sb.append("\\n");
      case '\r' -> sb.append("\\r");
      case '\t' -> sb.append("\\t");
      case 0x0b -> sb.append("\\v");
      default -> {
        if (cp < ' ' || cp == 0x7f) {
          sb.append("\\x").append(hex(cp, 2));
        } else if (cp < 0x10000) {
          sb.append("\\u").append(hex(cp, 4));
        } else {
          sb.append("\\U").append(hex(cp, 8));
        }
      }
    }
  }

  private static String hex(int v, int width) {
    StringBuilder s = new StringBuilder(Integer.toHexString(v));
    while (s.length() < width) {
      s.insert(0, '0');
    }
    return s.toString();
  }

  private static int decode(byte[] b, int i, int n) {
    int c = b[i] & 0xff;
    return switch (n) {
      case 1 -> c;
      case 2 -> ((c & 0x1f) << 6) | (b[i + 1] & 0x3f);
      case 3 -> ((c & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f);
      default ->
          ((c & 0x07) << 18)
              | ((b[i + 1] & 0x3f) << 12)
              | ((b[i + 2] & 0x3f) << 6)
              | (b[i + 3] & 0x3f);
    };
  }

  /** Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols, ASCII space. */
  private static boolean isPrint(int cp) {
    if (cp == ' ') {
      return true;
    }
    return switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER,
          Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK,
          Character.COMBINING_SPACING_MARK,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER,
          Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION,
          Character.MATH_SYMBOL,
          Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL,
          Character.OTHER_SYMBOL ->
          true;
      default -> false;
    };
  }
}
