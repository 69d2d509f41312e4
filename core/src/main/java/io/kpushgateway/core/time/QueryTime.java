package io.kpushgateway.core.time;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * A time given in a query, as Prometheus' HTTP API takes one: Unix seconds with an optional
 * fraction (kept to the millisecond, as Prometheus rounds it), or an RFC 3339 timestamp with its
 * offset ({@code 2026-12-02T03:00:00Z}, {@code 2026-12-02T04:00:00.5+01:00}).
 */
public final class QueryTime {

  private QueryTime() {}

  /**
   * @throws IllegalArgumentException naming the value when it is neither form
   */
  public static Instant parse(String value) {
    String s = value.strip();
    if (!s.isEmpty()
        && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '-' || s.charAt(0) == '.')
        && !s.contains("T")
        && !s.contains("t")) {
      try {
        BigDecimal seconds = new BigDecimal(s).setScale(3, RoundingMode.HALF_UP);
        return Instant.ofEpochMilli(seconds.movePointRight(3).longValueExact());
      } catch (NumberFormatException | ArithmeticException e) {
        throw cannotParse(value);
      }
    }
    try {
      return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw cannotParse(value);
    }
  }

  private static IllegalArgumentException cannotParse(String value) {
    return new IllegalArgumentException(
        "cannot parse \""
            + value
            + "\" to a valid timestamp: use Unix seconds (1733108400.5) or RFC 3339"
            + " (2026-12-02T03:00:00Z)");
  }
}
