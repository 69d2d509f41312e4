package io.kpushgateway.core.validate;

/**
 * Which metric and label names a push may use (prometheus/common's {@code ValidationScheme}). The
 * Pushgateway uses {@link #LEGACY} unless started with {@code --push.enable-utf8-names}.
 */
public enum NameValidationScheme {
  /** Metric names {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, label names {@code [a-zA-Z_][a-zA-Z0-9_]*}. */
  LEGACY,
  /** Any non-empty UTF-8 string (a Java string without unpaired surrogates). */
  UTF8;

  public boolean isValidMetricName(String name) {
    return this == LEGACY ? NameRules.isValidMetricName(name) : isNonEmptyUtf8(name);
  }

  /** Says nothing about the reserved {@code __} prefix; see {@link #isUserLabelName}. */
  public boolean isValidLabelName(String name) {
    return this == LEGACY ? NameRules.isValidLabelName(name) : isNonEmptyUtf8(name);
  }

  /** A valid label name a user may set: not {@code __}-prefixed. */
  public boolean isUserLabelName(String name) {
    return isValidLabelName(name) && !name.startsWith(NameRules.RESERVED_LABEL_PREFIX);
  }

  /** Whether {@code name} is non-empty and encodes to UTF-8 without loss. */
  static boolean isNonEmptyUtf8(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == name.length() || !Character.isLowSurrogate(name.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
