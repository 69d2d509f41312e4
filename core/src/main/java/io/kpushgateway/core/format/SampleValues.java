package io.kpushgateway.core.format;

import io.prometheus.client.Metrics.Counter;
import io.prometheus.client.Metrics.Gauge;
import io.prometheus.client.Metrics.Untyped;

/**
 * The value messages of a parser's counter, gauge and untyped samples, shared while a value repeats
 * (0 and 1 do on most lines of a big push): messages are immutable, and one fewer object a series
 * is a sixth of what it takes. A small direct-mapped cache by the value's bits.
 */
final class SampleValues {

  private static final int SLOTS = 64;

  private final Counter[] counters = new Counter[SLOTS];
  private final Gauge[] gauges = new Gauge[SLOTS];
  private final Untyped[] untyped = new Untyped[SLOTS];

  Counter counter(double value) {
    int slot = slot(value);
    Counter c = counters[slot];
    if (c == null || !sameBits(c.getValue(), value)) {
      c = counters[slot] = Counter.newBuilder().setValue(value).build();
    }
    return c;
  }

  Gauge gauge(double value) {
    int slot = slot(value);
    Gauge g = gauges[slot];
    if (g == null || !sameBits(g.getValue(), value)) {
      g = gauges[slot] = Gauge.newBuilder().setValue(value).build();
    }
    return g;
  }

  Untyped untyped(double value) {
    int slot = slot(value);
    Untyped u = untyped[slot];
    if (u == null || !sameBits(u.getValue(), value)) {
      u = untyped[slot] = Untyped.newBuilder().setValue(value).build();
    }
    return u;
  }

  private static int slot(double value) {
    long bits = Double.doubleToRawLongBits(value);
    int h = (int) (bits ^ (bits >>> 32));
    return (h ^ (h >>> 16)) & (SLOTS - 1);
  }

  /** The same bits: NaN payloads and the sign of zero are kept apart, as written. */
  private static boolean sameBits(double a, double b) {
    return Double.doubleToRawLongBits(a) == Double.doubleToRawLongBits(b);
  }
}
