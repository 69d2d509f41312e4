package io.kpushgateway.core.format;

import io.kpushgateway.core.validate.NameRules;

/**
 * How names outside the legacy character set are shown to a scraper that cannot take UTF-8 names,
 * negotiated with the {@code escaping} parameter of {@code Accept} (prometheus/common's {@code
 * EscapingScheme}). The Pushgateway's default is {@link #UNDERSCORES}; the value-encoding scheme is
 * also how a UTF-8 label name is spelled in a push URL ({@code U__foo_2e_bar} is {@code foo.bar}).
 */
public enum EscapingScheme {
  /** No escaping: names outside the legacy set are written quoted, {@code {"foo.bar"}}. */
  ALLOW_UTF8("allow-utf-8"),
  /** Every character outside the legacy set becomes {@code _}. */
  UNDERSCORES("underscores"),
  /** {@code .} becomes {@code _dot_}, {@code _} becomes {@code __}, anything else {@code __}. */
  DOTS("dots"),
  /** {@code U__} prefix, {@code _} doubled, anything else {@code _<hex code point>_}. */
  VALUES("values");

  /** What upstream applies when the scraper does not say. */
  public static final EscapingScheme DEFAULT = UNDERSCORES;

  private static final String VALUES_PREFIX = "U__";

  /** Upstream takes at most five hex digits between the underscores of one code point. */
  private static final int MAX_HEX_DIGITS = 5;

  private final String parameterValue;

  EscapingScheme(String parameterValue) {
    this.parameterValue = parameterValue;
  }

  /** The value of the {@code escaping} media-type parameter naming this scheme. */
  public String parameterValue() {
    return parameterValue;
  }

  /** The scheme an {@code escaping} parameter names, or null for an unknown (ignored) value. */
  public static EscapingScheme fromParameter(String value) {
    for (EscapingScheme scheme : values()) {
      if (scheme.parameterValue.equals(value)) {
        return scheme;
      }
    }
    return null;
  }

  /**
   * {@code name} as this scheme shows it (Go's {@code model.EscapeName}): legacy-valid names are
   * kept by every scheme but {@link #DOTS}, which still doubles their underscores.
   */
  public String escape(String name) {
    if (name.isEmpty() || this == ALLOW_UTF8) {
      return name;
    }
    if (this != DOTS && NameRules.isValidMetricName(name)) {
      return name;
    }
    StringBuilder sb = new StringBuilder(name.length() + 8);
    if (this == VALUES) {
      sb.append(VALUES_PREFIX);
    }
    int i = 0;
    while (i < name.length()) {
      int cp = name.codePointAt(i);
      boolean legacy = isLegacyRune(cp, i == 0);
      switch (this) {
        case UNDERSCORES -> sb.appendCodePoint(legacy ? cp : '_');
        case DOTS -> {
          if (cp == '_') {
            sb.append("__");
          } else if (cp == '.') {
            sb.append("_dot_");
          } else if (legacy) {
            sb.appendCodePoint(cp);
          } else {
            sb.append("__");
          }
        }
        case VALUES -> {
          if (cp == '_') {
            sb.append("__");
          } else if (legacy) {
            sb.appendCodePoint(cp);
          } else if (Character.isSurrogate((char) cp)) {
            sb.append("_FFFD_"); // a lone surrogate, Go's invalid rune
          } else {
            sb.append('_').append(Integer.toHexString(cp)).append('_');
          }
        }
        default -> throw new IllegalStateException(name());
      }
      i += Character.charCount(cp);
    }
    return sb.toString();
  }

  /**
   * Undoes {@link #VALUES} escaping (Go's {@code model.UnescapeName} for value encoding): {@code
   * U__foo_2e_bar} is {@code foo.bar}, {@code __} is {@code _}. Anything that is not a well-formed
   * escape (no {@code U__} prefix, a dangling {@code _}, a non-hex digit, more than five digits, a
   * surrogate or out-of-range code point) leaves the whole name as it is, as upstream does.
   */
  @SuppressWarnings(
      "IncrementInForLoopAndHeader") // an escape sequence consumes the characters after '_'
  public static String unescapeValues(String name) {
    if (!name.startsWith(VALUES_PREFIX)) {
      return name;
    }
    String escaped = name.substring(VALUES_PREFIX.length());
    StringBuilder sb = new StringBuilder(escaped.length());
    int n = escaped.length();
    for (int i = 0; i < n; i++) {
      char c = escaped.charAt(i);
      if (c != '_') {
        sb.append(c);
        continue;
      }
      i++;
      if (i >= n) {
        return name;
      }
      if (escaped.charAt(i) == '_') {
        sb.append('_');
        continue;
      }
      int codePoint = 0;
      int digits = 0;
      while (true) {
        if (i >= n || digits > MAX_HEX_DIGITS) {
          return name; // no closing underscore, or too long
        }
        char d = escaped.charAt(i);
        if (d == '_') {
          break;
        }
        // Go lower-cases by setting bit 0x20, so bytes 0x10-0x19 count as digits too
        int r = d | 0x20;
        int v;
        if (r >= '0' && r <= '9') {
          v = r - '0';
        } else if (r >= 'a' && r <= 'f') {
          v = r - 'a' + 10;
        } else {
          return name;
        }
        codePoint = codePoint * 16 + v;
        digits++;
        i++;
      }
      if (!Character.isValidCodePoint(codePoint)
          || (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE)) {
        return name;
      }
      sb.appendCodePoint(codePoint);
    }
    return sb.toString();
  }

  /** Go's {@code isValidLegacyRune}: a character of a legacy metric name at that position. */
  private static boolean isLegacyRune(int cp, boolean first) {
    return (cp >= 'a' && cp <= 'z')
        || (cp >= 'A' && cp <= 'Z')
        || cp == '_'
        || cp == ':'
        || (cp >= '0' && cp <= '9' && !first);
  }
}
