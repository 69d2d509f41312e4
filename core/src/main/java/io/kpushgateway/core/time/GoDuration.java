package io.kpushgateway.core.time;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * A duration as Go's {@code time.ParseDuration} reads one ({@code 500ms}, {@code 1.5h}, {@code
 * 1h30m}), with Prometheus' days and weeks ({@code 7d}, {@code 2w}) and a bare {@code 0}: the one
 * parser of the gateway's duration flags and of the {@code Pushgateway-TTL} header. No sign: every
 * duration here is a length of time.
 */
public final class GoDuration {

  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

  private GoDuration() {}

  /**
   * @throws IllegalArgumentException naming the value and what is wrong with it
   */
  public static Duration parse(String value) {
    String s = value.strip();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty duration (use e.g. 30s, 5m, 1h30m, 7d, or 0)");
    }
    BigDecimal nanos = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String number = s.substring(start, i);
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      String unit = s.substring(unitStart, i);
      if (number.isEmpty()
          || number.equals(".")
          || number.indexOf('.') != number.lastIndexOf('.')) {
        throw notADuration(value, "a number must come before each unit");
      }
      if (unit.isEmpty()) {
        throw notADuration(value, "missing unit (ns, us, ms, s, m, h, d or w)");
      }
      nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(nanosPer(value, unit))));
    }
    if (nanos.compareTo(MAX_NANOS) > 0) {
      throw notADuration(value, "too long");
    }
    return Duration.ofNanos(nanos.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
  }

  private static long nanosPer(String value, String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us", "µs", "μs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      case "d" -> 86_400_000_000_000L;
      case "w" -> 604_800_000_000_000L;
      default ->
          throw notADuration(
              value, "unknown unit \"" + unit + "\" (use ns, us, ms, s, m, h, d or w)");
    };
  }

  private static IllegalArgumentException notADuration(String value, String why) {
    return new IllegalArgumentException("not a duration: \"" + value + "\": " + why);
  }
}
