package io.kpushgateway.core.model;

import java.time.Instant;

/**
 * Receive times as the records carry them: Unix nanoseconds in a {@code long} (good until 2262),
 * the Pushgateway's {@code time.Time.UnixNano()}. The one place that converts them.
 */
public final class UnixNanos {

  private static final long PER_SECOND = 1_000_000_000L;

  private UnixNanos() {}

  public static long of(Instant t) {
    return of(t.getEpochSecond(), t.getNano());
  }

  /** {@code seconds} since the epoch plus {@code nanos} (0 to 999,999,999), as one count. */
  public static long of(long seconds, int nanos) {
    return seconds * PER_SECOND + nanos;
  }

  /** The instant of {@code unixNanos}; before 1970 too (the nanosecond part stays positive). */
  public static Instant toInstant(long unixNanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(unixNanos, PER_SECOND), Math.floorMod(unixNanos, PER_SECOND));
  }

  /**
   * Go's {@code float64(t.UnixNano()) / 1e9}: upstream writes its timestamps in seconds this way,
   * and the same arithmetic gives the same digits.
   */
  public static double toSeconds(long unixNanos) {
    return unixNanos / 1e9;
  }
}
