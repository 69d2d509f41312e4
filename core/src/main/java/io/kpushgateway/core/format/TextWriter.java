package io.kpushgateway.core.format;

import io.kpushgateway.core.validate.NameRules;
import io.prometheus.client.Metrics.Bucket;
import io.prometheus.client.Metrics.Histogram;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.Quantile;
import io.prometheus.client.Metrics.Summary;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes families in the Prometheus text format 0.0.4, byte for byte as the Pushgateway's {@code
 * /metrics} (prometheus/common expfmt) does, in the order given: sorting and merging are the
 * caller's job, as is validation (a family whose metrics lack the value of its type is refused, as
 * upstream refuses it).
 *
 * <p>Per family: {@code # HELP} (only when the help is non-empty), {@code # TYPE}, then one line
 * per sample with the labels in stored order and {@code quantile}/{@code le} last. Values use Go's
 * float formatting ({@link GoFloat}); zero is written {@code 0} whatever its sign, as upstream's
 * writer special-cases it. A histogram without a {@code +Inf} bucket gets one with the sample
 * count, so native histograms show as that bucket plus {@code _sum}/{@code _count}.
 *
 * <p>Names outside the legacy character set (pushed with {@code --push.enable-utf8-names}) are
 * escaped by the negotiated {@link EscapingScheme}, as upstream's encoder does; with {@link
 * EscapingScheme#ALLOW_UTF8} they are written quoted instead, the metric name inside the braces:
 * {@code {"foo.bar","a.b"="x"} 1}. Label pairs keep their stored order either way.
 */
public final class TextWriter {

  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private TextWriter() {}

  /**
   * Streams {@code families} to {@code out} through an internal buffer, flushed at the end; does
   * not close {@code out}.
   *
   * @throws IllegalArgumentException for a family without name, or a metric without the value its
   *     family's type requires (nothing sensible can be written for it)
   */
  public static void write(OutputStream out, Iterable<MetricFamily> families) throws IOException {
    write(out, families, EscapingScheme.DEFAULT);
  }

  /** Like {@link #write(OutputStream, Iterable)}, names escaped by {@code escaping}. */
  public static void write(
      OutputStream out, Iterable<MetricFamily> families, EscapingScheme escaping)
      throws IOException {
    Sink sink = new Sink(out, escaping);
    for (MetricFamily family : families) {
      writeFamily(sink, family);
    }
    sink.flush();
  }

  private static void writeFamily(Sink w, MetricFamily family) throws IOException {
    if (family.getName().isEmpty()) {
      throw new IllegalArgumentException("MetricFamily has no name: " + family);
    }
    String name = w.exposed(family.getName());
    if (!family.getHelp().isEmpty()) {
      w.ascii("# HELP ");
      w.name(name);
      w.b(' ');
      w.escaped(family.getHelp(), false);
      w.b('\n');
    }
    w.ascii("# TYPE ");
    w.name(name);
    switch (family.getType()) {
      case COUNTER -> w.ascii(" counter\n");
      case GAUGE -> w.ascii(" gauge\n");
      case SUMMARY -> w.ascii(" summary\n");
      case UNTYPED -> w.ascii(" untyped\n");
      case HISTOGRAM, GAUGE_HISTOGRAM -> w.ascii(" histogram\n");
      default -> throw new IllegalArgumentException("unknown metric type " + family.getType());
    }
    boolean quoted = !NameRules.isValidMetricName(name); // once a family, not once a sample
    for (Metric metric : family.getMetricList()) {
      switch (family.getType()) {
        case COUNTER -> {
          require(metric.hasCounter(), "counter", name, metric);
          sample(w, name, quoted, "", metric, null, 0, metric.getCounter().getValue());
        }
        case GAUGE -> {
          require(metric.hasGauge(), "gauge", name, metric);
          sample(w, name, quoted, "", metric, null, 0, metric.getGauge().getValue());
        }
        case UNTYPED -> {
          require(metric.hasUntyped(), "untyped", name, metric);
          sample(w, name, quoted, "", metric, null, 0, metric.getUntyped().getValue());
        }
        case SUMMARY -> {
          require(metric.hasSummary(), "summary", name, metric);
          writeSummary(w, name, quoted, metric);
        }
        case HISTOGRAM, GAUGE_HISTOGRAM -> {
          require(metric.hasHistogram(), "histogram", name, metric);
          writeHistogram(w, name, quoted, metric);
        }
      }
    }
  }

  private static void writeSummary(Sink w, String name, boolean quoted, Metric metric)
      throws IOException {
    Summary s = metric.getSummary();
    for (Quantile q : s.getQuantileList()) {
      sample(w, name, quoted, "", metric, "quantile", q.getQuantile(), q.getValue());
    }
    sample(w, name, quoted, "_sum", metric, null, 0, s.getSampleSum());
    sample(w, name, quoted, "_count", metric, null, 0, unsignedToDouble(s.getSampleCount()));
  }

  private static void writeHistogram(Sink w, String name, boolean quoted, Metric metric)
      throws IOException {
    Histogram h = metric.getHistogram();
    // Float histograms carry only the *_float fields.
    double count =
        h.getSampleCountFloat() > 0
            ? h.getSampleCountFloat()
            : unsignedToDouble(h.getSampleCount());
    boolean infSeen = false;
    for (Bucket b : h.getBucketList()) {
      double cumulative =
          b.getCumulativeCountFloat() > 0
              ? b.getCumulativeCountFloat()
              : unsignedToDouble(b.getCumulativeCount());
      sample(w, name, quoted, "_bucket", metric, "le", b.getUpperBound(), cumulative);
      if (b.getUpperBound() == Double.POSITIVE_INFINITY) {
        infSeen = true;
      }
    }
    if (!infSeen) {
      sample(w, name, quoted, "_bucket", metric, "le", Double.POSITIVE_INFINITY, count);
    }
    sample(w, name, quoted, "_sum", metric, null, 0, h.getSampleSum());
    sample(w, name, quoted, "_count", metric, null, 0, count);
  }

  private static void require(boolean present, String what, String name, Metric metric) {
    if (!present) {
      throw new IllegalArgumentException("expected " + what + " in metric " + name + " " + metric);
    }
  }

  /**
   * {@code name+suffix{labels,extra="x"} value [timestamp]\n}, or {@code {"name+suffix",labels}
   * ...} for a name outside the legacy set.
   */
  private static void sample(
      Sink w,
      String name,
      boolean quotedName,
      String suffix,
      Metric metric,
      String extraLabel,
      double extraValue,
      double value)
      throws IOException {
    char separator = '{';
    if (quotedName) {
      w.b('{');
      w.b('"');
      w.escaped(name, true);
      w.ascii(suffix);
      w.b('"');
      separator = ',';
    } else {
      w.text(name);
      w.ascii(suffix);
    }
    if (metric.getLabelCount() > 0 || extraLabel != null) {
      for (LabelPair label : metric.getLabelList()) {
        w.b(separator);
        w.storedLabelName(label.getName());
        w.b('=');
        w.b('"');
        w.escaped(label.getValue(), true);
        w.b('"');
        separator = ',';
      }
      if (extraLabel != null) {
        w.b(separator);
        w.ascii(extraLabel);
        w.b('=');
        w.b('"');
        w.number(extraValue);
        w.b('"');
      }
      w.b('}');
    } else if (quotedName) {
      w.b('}');
    }
    w.b(' ');
    w.number(value);
    if (metric.hasTimestampMs()) {
      w.b(' ');
      w.ascii(Long.toString(metric.getTimestampMs()));
    }
    w.b('\n');
  }

  /** Go's {@code float64(uint64)}: the proto's uint64 counts arrive as signed longs. */
  static double unsignedToDouble(long v) {
    if (v >= 0) {
      return v;
    }
    // Halve (keeping the low bit for correct rounding), convert, double.
    return ((v >>> 1) | (v & 1)) * 2.0;
  }

  /** A small UTF-8 byte buffer in front of the stream; avoids a Writer and per-sample Strings. */
  private static final class Sink {
    private final OutputStream out;
    private final EscapingScheme escaping;
    private final byte[] buf = new byte[16 * 1024];
    private int n;

    Sink(OutputStream out, EscapingScheme escaping) {
      this.out = out;
      this.escaping = escaping;
    }

    /** A stored name as the scraper gets it: legacy names as they are, others escaped. */
    String exposed(String name) {
      return NameRules.isValidMetricName(name) ? name : escaping.escape(name);
    }

    /** A metric name: plain when legacy-valid, else quoted (only without escaping). */
    void name(String name) throws IOException {
      quotedUnless(NameRules.isValidMetricName(name), name);
    }

    /**
     * A stored label name as the scraper gets it ({@link #exposed}, then {@link #labelName}); a
     * legacy label name, nearly every one, is checked once.
     */
    void storedLabelName(String name) throws IOException {
      if (NameRules.isValidLabelName(name)) {
        text(name); // also a valid metric name: exposed as it is
      } else {
        labelName(exposed(name));
      }
    }

    /** A label name: a ':' is legal in metric names only, so {@code a:b} is quoted here. */
    void labelName(String name) throws IOException {
      quotedUnless(NameRules.isValidLabelName(name), name);
    }

    private void quotedUnless(boolean plain, String name) throws IOException {
      if (plain) {
        text(name);
      } else {
        b('"');
        escaped(name, true);
        b('"');
      }
    }

    void b(char c) throws IOException {
      if (n == buf.length) {
        drain();
      }
      buf[n++] = (byte) c;
    }

    void ascii(String s) throws IOException {
      for (int i = 0; i < s.length(); i++) {
        b(s.charAt(i));
      }
    }

    /** Writes a float the way upstream's writeFloat does (GoFloat, but 0 for either zero). */
    void number(double v) throws IOException {
      if (buf.length - n < GoFloat.MAX_LENGTH) {
        drain();
      }
      if (v == 0) {
        buf[n++] = '0';
      } else {
        n = GoFloat.appendTo(v, buf, n);
      }
    }

    /** Names are written as stored (upstream's validation happens at push time). */
    void text(String s) throws IOException {
      for (int i = 0; i < s.length(); ) {
        i += utf8(s, i);
      }
    }

    /** Escapes {@code \\} and newline, and {@code "} in label values. */
    void escaped(String s, boolean quote) throws IOException {
      for (int i = 0; i < s.length(); ) {
        char c = s.charAt(i);
        if (c == '\\' || c == '\n' || (c == '"' && quote)) {
          b('\\');
          b(c == '\n' ? 'n' : c);
          i++;
        } else {
          i += utf8(s, i);
        }
      }
    }

    /** Encodes the character (or surrogate pair) at {@code i}; returns the chars consumed. */
    private int utf8(String s, int i) throws IOException {
      char c = s.charAt(i);
      if (c < 0x80) {
        b(c);
        return 1;
      }
      if (buf.length - n < 4) {
        drain();
      }
      if (c < 0x800) {
        buf[n++] = (byte) (0xc0 | (c >> 6));
        buf[n++] = (byte) (0x80 | (c & 0x3f));
        return 1;
      }
      if (!Character.isSurrogate(c)) {
        buf[n++] = (byte) (0xe0 | (c >> 12));
        buf[n++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        buf[n++] = (byte) (0x80 | (c & 0x3f));
        return 1;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(i + 1));
        buf[n++] = (byte) (0xf0 | (cp >> 18));
        buf[n++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
        buf[n++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
        buf[n++] = (byte) (0x80 | (cp & 0x3f));
        return 2;
      }
      buf[n++] = '?'; // a lone surrogate has no UTF-8 form; Java's encoders write '?' too
      return 1;
    }

    private void drain() throws IOException {
      out.write(buf, 0, n);
      n = 0;
    }

    void flush() throws IOException {
      drain();
      out.flush();
    }
  }
}
