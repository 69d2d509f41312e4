package io.kpushgateway.core.validate;

/**
 * The Prometheus (legacy, pre-UTF-8) name rules the Pushgateway applies without {@code
 * --push.enable-utf8-names}. Hand-written loops rather than regexes: they run for every label of
 * every pushed series.
 */
public final class NameRules {

  /** Label names with this prefix are reserved for Prometheus' internal use. */
  public static final String RESERVED_LABEL_PREFIX = "__";

  private NameRules() {}

  /** {@code [a-zA-Z_:][a-zA-Z0-9_:]*} */
  public static boolean isValidMetricName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = isLetterOrUnderscore(c) || c == ':' || (i > 0 && isDigit(c));
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** {@code [a-zA-Z_][a-zA-Z0-9_]*}; says nothing about the reserved prefix. */
  public static boolean isValidLabelName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(isLetterOrUnderscore(c) || (i > 0 && isDigit(c)))) {
        return false;
      }
    }
    return true;
  }

  /** A valid label name a user may set: syntax ok and not {@code __}-prefixed. */
  public static boolean isUserLabelName(String name) {
    return isValidLabelName(name) && !name.startsWith(RESERVED_LABEL_PREFIX);
  }

  private static boolean isLetterOrUnderscore(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
