package io.kpushgateway.core.format;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Formats a double exactly like Go's {@code strconv.FormatFloat(f, 'g', -1, 64)}, which is what the
 * Pushgateway writes for sample values and for normalized {@code le}/{@code quantile} labels.
 *
 * <p>The digits are the shortest decimal that parses back to the same double; when several of that
 * length do, the one nearest to the exact binary value (ties to even). The exponent form is used
 * when the decimal exponent is below -4 or at least 6 (Go fixes the threshold at 6 for shortest
 * formatting), with a sign and at least two exponent digits: {@code 1e+06}, {@code 1.5e-05}, {@code
 * 123456}. {@code Double.toString} is not usable: JDK 17 does not always give the shortest digits,
 * and even the newer JDK algorithm picks two digits over one in some cases ({@code 4.9E-324} where
 * Go prints {@code 5e-324}).
 */
public final class GoFloat {

  /** Longest output: sign, 17 digits, point, {@code e-308}. */
  static final int MAX_LENGTH = 25;

  private static final double LOG10_2 = 0.30102999566398120;
  private static final long SIGNIFICAND_MASK = (1L << 52) - 1;
  private static final double TWO_POW_53 = 0x1p53;
  private static final long UNDECIDED = Long.MIN_VALUE;
  private static final long FAILED_AT = Long.MIN_VALUE + 1000;

  /** 10^0 .. 10^22: every one of them is exact in a double. */
  private static final double[] POW10 = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
  }

  private GoFloat() {}

  public static String format(double v) {
    byte[] buf = new byte[MAX_LENGTH];
    int n = appendTo(v, buf, 0);
    return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
  }

  /**
   * Writes the ASCII form of {@code v} into {@code dst} at {@code pos}, which must have {@link
   * #MAX_LENGTH} bytes free, and returns the position after it. Lets the writer skip a String per
   * sample.
   */
  static int appendTo(double v, byte[] dst, int pos) {
    if (Double.isNaN(v)) {
      return ascii("NaN", dst, pos);
    }
    if (v == Double.POSITIVE_INFINITY) {
      return ascii("+Inf", dst, pos);
    }
    if (v == Double.NEGATIVE_INFINITY) {
      return ascii("-Inf", dst, pos);
    }
    if (Double.doubleToRawLongBits(v) < 0) {
      dst[pos++] = '-';
    }
    double a = Math.abs(v);
    if (a == 0) {
      dst[pos++] = '0';
      return pos;
    }
    long digits;
    int exp10;
    if (a < TWO_POW_53 && a == Math.rint(a)) {
      // An integer below 2^53 is its own shortest form (Go special-cases it the same way).
      digits = (long) a;
      exp10 = 0;
    } else {
      long packed = shortestFast(a);
      if (packed >= 0) {
        digits = packed >>> 7;
        exp10 = (int) (packed << 57 >> 57);
      } else {
        long[] r =
            Exact.shortest(a, packed == UNDECIDED ? Integer.MIN_VALUE : (int) (packed - FAILED_AT));
        digits = r[0];
        exp10 = (int) r[1];
      }
    }
    while (digits % 10 == 0) {
      digits /= 10;
      exp10++;
    }
    return layout(digits, exp10, dst, pos);
  }

  /**
   * The common case: a value between 1e-8 and 1e37 whose shortest form has at most 15 digits. At 15
   * digits the decimal grid is coarser than the interval of decimals that round to {@code a}, so at
   * most one grid point qualifies, and a shorter answer is on that grid too. Both the scaling and
   * the check use one correctly rounded multiply or divide by an exact power of ten, so the check
   * is exact. Returns {@code digits << 7 | exp10 & 0x7f}; {@code FAILED_AT + p} when no 15-digit
   * candidate exists at grid exponent p; {@link #UNDECIDED} when out of range.
   */
  private static long shortestFast(double a) {
    int e10 = (int) Math.floor(Math.getExponent(a) * LOG10_2);
    for (int attempt = 0; attempt < 2; attempt++) {
      int p = e10 - 14;
      if (p < -22 || p > 22) {
        return UNDECIDED;
      }
      double y = p >= 0 ? a / POW10[p] : a * POW10[-p];
      if (y >= 1e15) {
        e10++;
        continue;
      }
      // y is within 1/16 of a / 10^p, so the grid points next to a are among these four.
      long f = (long) y;
      for (long d = Math.max(1, f - 1); d <= f + 2; d++) {
        double back = p >= 0 ? d * POW10[p] : d / POW10[-p];
        if (back == a) {
          return d << 7 | (p & 0x7f);
        }
      }
      return FAILED_AT + p;
    }
    return UNDECIDED;
  }

  /** Go's %g layout for digits × 10^exp10, digits having no trailing zero. */
  private static int layout(long digits, int exp10, byte[] dst, int pos) {
    int nd = digitCount(digits);
    int dp = nd + exp10; // position of the decimal point relative to the first digit
    int x = dp - 1;
    if (x < -4 || x >= 6) {
      int start = pos;
      pos = writeDigits(digits, nd, dst, pos + 1); // leave room for the point
      dst[start] = dst[start + 1];
      if (nd > 1) {
        dst[start + 1] = '.';
      } else {
        pos--;
      }
      dst[pos++] = 'e';
      dst[pos++] = (byte) (x < 0 ? '-' : '+');
      int ax = Math.abs(x);
      if (ax >= 100) {
        dst[pos++] = (byte) ('0' + ax / 100);
      }
      dst[pos++] = (byte) ('0' + ax / 10 % 10);
      dst[pos++] = (byte) ('0' + ax % 10);
      return pos;
    }
    if (dp <= 0) {
      dst[pos++] = '0';
      dst[pos++] = '.';
      for (int i = dp; i < 0; i++) {
        dst[pos++] = '0';
      }
      return writeDigits(digits, nd, dst, pos);
    }
    if (dp >= nd) {
      pos = writeDigits(digits, nd, dst, pos);
      for (int i = nd; i < dp; i++) {
        dst[pos++] = '0';
      }
      return pos;
    }
    int start = pos;
    pos = writeDigits(digits, nd, dst, pos + 1);
    System.arraycopy(dst, start + 1, dst, start, dp);
    dst[start + dp] = '.';
    return pos;
  }

  private static int writeDigits(long v, int nd, byte[] dst, int pos) {
    for (int i = pos + nd - 1; i >= pos; i--) {
      dst[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return pos + nd;
  }

  private static int digitCount(long v) {
    int n = 1;
    while (v >= 10) {
      v /= 10;
      n++;
    }
    return n;
  }

  private static int ascii(String s, byte[] dst, int pos) {
    for (int i = 0; i < s.length(); i++) {
      dst[pos++] = (byte) s.charAt(i);
    }
    return pos;
  }

  /**
   * Exact big-integer search, used when the fast path cannot decide (16 or 17 digits, or a value
   * outside its range). For a grid exponent p it tests whether the floor or ceiling of a / 10^p
   * lies inside the rounding interval of {@code a}; the largest such p gives the shortest form.
   */
  private static final class Exact {

    private static final BigInteger[] TEN_POW = new BigInteger[360];
    private static final long NONE = -1;
    private static final long UNSUPPORTED = -2;

    /** 2 × 5^25 still fits a long; that reaches values near 1e-9 at 17 digits. */
    private static final int MAX_POW5 = 25;

    private static final long[] POW5 = new long[MAX_POW5 + 1];

    static {
      TEN_POW[0] = BigInteger.ONE;
      for (int i = 1; i < TEN_POW.length; i++) {
        TEN_POW[i] = TEN_POW[i - 1].multiply(BigInteger.TEN);
      }
      POW5[0] = 1;
      for (int i = 1; i < POW5.length; i++) {
        POW5[i] = POW5[i - 1] * 5;
      }
    }

    private final long significand;
    private final int exp2;

    /** At a power of two (not the smallest normal) the gap below is half the gap above. */
    private final boolean narrowBelow;

    /** Interval ends round to this double only when its significand is even. */
    private final boolean even;

    private Exact(double a) {
      long bits = Double.doubleToRawLongBits(a);
      int biased = (int) (bits >>> 52) & 0x7ff;
      long fraction = bits & SIGNIFICAND_MASK;
      if (biased == 0) {
        significand = fraction;
        exp2 = -1074;
      } else {
        significand = fraction | (1L << 52);
        exp2 = biased - 1075;
      }
      narrowBelow = fraction == 0 && biased > 1;
      even = (significand & 1) == 0;
    }

    /**
     * Returns {digits, exp10}. {@code failedAbove} is a grid exponent known to hold no candidate
     * (from the fast path), or {@code Integer.MIN_VALUE}.
     */
    static long[] shortest(double a, int failedAbove) {
      Exact x = new Exact(a);
      if (failedAbove != Integer.MIN_VALUE) {
        // The fast path saw no 15-digit candidate; the answer is 16 or 17 digits.
        for (int p = failedAbove - 1; p >= failedAbove - 3; p--) {
          long small = x.pickSmall(p);
          if (small >= 0) {
            return new long[] {small, p};
          }
          if (small == NONE) {
            continue;
          }
          BigInteger d = x.pick(p);
          if (d != null) {
            return new long[] {d.longValueExact(), p};
          }
        }
      }
      int e10 = (int) Math.floor(Math.log10(a));
      int lo = e10 - 18; // 19 digits: always has a candidate
      int hi = e10 + 3; // no positive multiple of 10^hi is near a
      BigInteger best = null;
      while (hi - lo > 1) {
        int mid = (lo + hi) >> 1;
        BigInteger d = x.pick(mid);
        if (d != null) {
          lo = mid;
          best = d;
        } else {
          hi = mid;
        }
      }
      if (best == null) {
        best = x.pick(lo);
      }
      return new long[] {best.longValueExact(), lo};
    }

    /**
     * {@link #pick} in 64/128-bit arithmetic for grids finer than 1 (p < 0) and values from about
     * 1e-9: a × 10^k = significand × 5^k × 2^(exp2 + k), with significand × 5^k below 2^117.
     * Returns the grid point, {@link #NONE}, or {@link #UNSUPPORTED} outside its range.
     */
    private long pickSmall(int p) {
      int k = -p;
      if (k < 1 || k > MAX_POW5) {
        return UNSUPPORTED;
      }
      long pow5 = POW5[k];
      long lo = significand * pow5;
      long hi = Math.multiplyHigh(significand, pow5);
      int shift = -(exp2 + k);
      if (shift <= 0) {
        // An exact grid point: the value is an integer number of 10^p.
        if (hi != 0 || lo < 0 || -shift >= Long.numberOfLeadingZeros(lo) - 1) {
          return UNSUPPORTED;
        }
        return lo << -shift;
      }
      if (shift > 60 || (hi >>> shift) != 0) {
        return UNSUPPORTED;
      }
      long q = (hi << (64 - shift)) | (lo >>> shift);
      if (q < 0) {
        return UNSUPPORTED;
      }
      long den = 1L << shift;
      long r = lo & (den - 1);
      if (r == 0) {
        return q > 0 ? q : NONE;
      }
      // In units of 1/den the ulp of a is 5^k; compare in quarter units as pick does.
      long gapAbove = pow5 << 1;
      long gapBelow = narrowBelow ? pow5 : gapAbove;
      long rest = den - r;
      long below = (r << 2) - gapBelow;
      long above = (rest << 2) - gapAbove;
      boolean downOk = q > 0 && (below < 0 || (below == 0 && even));
      boolean upOk = above < 0 || (above == 0 && even);
      if (downOk && upOk) {
        return r < rest || (r == rest && (q & 1) == 0) ? q : q + 1;
      }
      if (downOk) {
        return q;
      }
      return upOk ? q + 1 : NONE;
    }

    /** The grid point d (value d × 10^p) that represents a at this p, or null if none does. */
    private BigInteger pick(int p) {
      // a / 10^p = n / den; one unit in the last place of a is ulp / den.
      BigInteger ulp = BigInteger.ONE;
      if (exp2 > 0) {
        ulp = ulp.shiftLeft(exp2);
      }
      if (p < 0) {
        ulp = ulp.multiply(TEN_POW[-p]);
      }
      BigInteger n = ulp.multiply(BigInteger.valueOf(significand));
      BigInteger den = BigInteger.ONE;
      if (exp2 < 0) {
        den = den.shiftLeft(-exp2);
      }
      if (p > 0) {
        den = den.multiply(TEN_POW[p]);
      }
      BigInteger[] qr = n.divideAndRemainder(den);
      BigInteger q = qr[0];
      BigInteger r = qr[1];
      if (r.signum() == 0) {
        return q.signum() > 0 ? q : null;
      }
      // Compare distances in quarter units so the narrow gap below stays an integer.
      BigInteger gapAbove = ulp.shiftLeft(1);
      BigInteger gapBelow = narrowBelow ? ulp : gapAbove;
      BigInteger rest = den.subtract(r);
      int below = r.shiftLeft(2).compareTo(gapBelow);
      int above = rest.shiftLeft(2).compareTo(gapAbove);
      boolean downOk = q.signum() > 0 && (below < 0 || (below == 0 && even));
      boolean upOk = above < 0 || (above == 0 && even);
      if (downOk && upOk) {
        int c = r.compareTo(rest);
        if (c < 0 || (c == 0 && !q.testBit(0))) {
          return q;
        }
        return q.add(BigInteger.ONE);
      }
      if (downOk) {
        return q;
      }
      if (upOk) {
        return q.add(BigInteger.ONE);
      }
      return null;
    }
  }
}
