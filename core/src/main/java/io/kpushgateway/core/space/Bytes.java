package io.kpushgateway.core.space;

import java.util.Locale;

/** Byte counts as people read them, in the units the size flags take. */
public final class Bytes {

  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

  private Bytes() {}

  /** {@code 130MiB} for whole units, else one decimal: {@code 129.6MiB}. */
  public static String format(long bytes) {
    int unit = 0;
    double value = bytes;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    if (value == Math.rint(value)) {
      return (long) value + UNITS[unit];
    }
    return String.format(Locale.ROOT, "%.1f%s", value, UNITS[unit]);
  }
}
