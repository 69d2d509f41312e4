package io.kpushgateway.core.format;

import com.google.protobuf.Timestamp;
import io.kpushgateway.core.model.UnixNanos;
import io.kpushgateway.core.validate.NameRules;
import io.prometheus.client.Metrics.Bucket;
import io.prometheus.client.Metrics.Counter;
import io.prometheus.client.Metrics.Exemplar;
import io.prometheus.client.Metrics.Histogram;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import io.prometheus.client.Metrics.Quantile;
import io.prometheus.client.Metrics.Summary;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes families in the OpenMetrics 1.0 text format, as prometheus/common's expfmt OpenMetrics
 * encoder does (the one client_golang's promhttp serves when OpenMetrics is enabled), in the order
 * given and closed by {@code # EOF}. Sorting, merging and validation are the caller's job.
 *
 * <p>As expfmt: the {@code _total} suffix of a counter is cut from its {@code # HELP}/{@code #
 * TYPE} name, and a counter whose name lacks it is typed {@code unknown} (OpenMetrics would
 * otherwise demand a renamed sample); untyped is {@code unknown}; floats are Go's shortest form
 * with {@code .0} added to integers; counts are unsigned integers; HELP, label values and quoted
 * names escape {@code \\}, newline and {@code "}; names outside the legacy character set are quoted
 * (inside the braces for a sample's name); an exemplar is written only when it has labels; native
 * histograms show their classic buckets (none for a native-only one), a {@code +Inf} bucket with
 * the sample count, {@code _sum} and {@code _count}.
 *
 * <p>Beyond the expfmt version the Pushgateway ships, following the OpenMetrics specification and
 * newer expfmt: {@code _created} samples when a counter, summary or histogram carries a created
 * timestamp (not for a counter typed {@code unknown}, where the suffix is not allowed); {@code #
 * UNIT} when the family has a unit and its name already ends in {@code _<unit>} (newer expfmt would
 * rename the series instead, which this gateway does not do to pushed data); gauge histograms as
 * {@code gaugehistogram} with {@code _gsum}/{@code _gcount}; float histograms with their float
 * counts. An exemplar timestamp outside protobuf's valid range is left out rather than failing the
 * whole scrape.
 */
public final class OpenMetricsWriter {

  /** What client_golang answers to {@code application/openmetrics-text; version=1.0.0}. */
  public static final String CONTENT_TYPE_1_0_0 =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";

  /** What client_golang answers to OpenMetrics with version 0.0.1 or without a version. */
  public static final String CONTENT_TYPE_0_0_1 =
      "application/openmetrics-text; version=0.0.1; charset=utf-8";

  private static final String TOTAL = "_total";

  /** Protobuf's Timestamp range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
  private static final long MIN_SECONDS = -62_135_596_800L;

  private static final long MAX_SECONDS = 253_402_300_799L;

  private OpenMetricsWriter() {}

  /**
   * Streams {@code families} and the closing {@code # EOF} to {@code out} through an internal
   * buffer, flushed at the end; does not close {@code out}.
   *
   * @throws IllegalArgumentException for a family without name, or a metric without the value its
   *     family's type requires
   */
  public static void write(OutputStream out, Iterable<MetricFamily> families) throws IOException {
    write(out, families, EscapingScheme.ALLOW_UTF8);
  }

  /**
   * Like {@link #write(OutputStream, Iterable)}, metric and label names outside the legacy set
   * escaped by {@code escaping}, as Go's encoder escapes every family before writing it.
   */
  public static void write(
      OutputStream out, Iterable<MetricFamily> families, EscapingScheme escaping)
      throws IOException {
    Sink sink = new Sink(out, escaping);
    for (MetricFamily family : families) {
      writeFamily(sink, family);
    }
    sink.ascii("# EOF\n");
    sink.flush();
  }

  private static void writeFamily(Sink w, MetricFamily family) throws IOException {
    String name = w.exposed(family.getName());
    if (name.isEmpty()) {
      throw new IllegalArgumentException("MetricFamily has no name: " + family);
    }
    boolean total = family.getType() == MetricType.COUNTER && name.endsWith(TOTAL);
    String familyName = total ? name.substring(0, name.length() - TOTAL.length()) : name;
    if (!family.getHelp().isEmpty()) {
      w.ascii("# HELP ");
      w.name(familyName);
      w.b(' ');
      w.escaped(family.getHelp());
      w.b('\n');
    }
    w.ascii("# TYPE ");
    w.name(familyName);
    w.ascii(
        switch (family.getType()) {
          case COUNTER -> total ? " counter\n" : " unknown\n";
          case GAUGE -> " gauge\n";
          case SUMMARY -> " summary\n";
          case UNTYPED -> " unknown\n";
          case HISTOGRAM -> " histogram\n";
          case GAUGE_HISTOGRAM -> " gaugehistogram\n";
          default -> throw new IllegalArgumentException("unknown metric type " + family.getType());
        });
    String unit = family.getUnit();
    if (!unit.isEmpty() && familyName.endsWith("_" + unit)) {
      w.ascii("# UNIT ");
      w.name(familyName);
      w.b(' ');
      w.escaped(unit);
      w.b('\n');
    }
    for (Metric metric : family.getMetricList()) {
      switch (family.getType()) {
        case COUNTER -> {
          require(metric.hasCounter(), "counter", name, metric);
          w.sample(name, "", metric, null, 0);
          Counter counter = metric.getCounter();
          w.floatValue(counter.getValue());
          w.endSample(metric, counter.hasExemplar() ? counter.getExemplar() : null);
          if (total && counter.hasCreatedTimestamp()) {
            w.created(familyName, metric, counter.getCreatedTimestamp());
          }
        }
        case GAUGE -> {
          require(metric.hasGauge(), "gauge", name, metric);
          w.sample(name, "", metric, null, 0);
          w.floatValue(metric.getGauge().getValue());
          w.endSample(metric, null);
        }
        case UNTYPED -> {
          require(metric.hasUntyped(), "untyped", name, metric);
          w.sample(name, "", metric, null, 0);
          w.floatValue(metric.getUntyped().getValue());
          w.endSample(metric, null);
        }
        case SUMMARY -> {
          require(metric.hasSummary(), "summary", name, metric);
          writeSummary(w, name, metric);
        }
        case HISTOGRAM, GAUGE_HISTOGRAM -> {
          require(metric.hasHistogram(), "histogram", name, metric);
          writeHistogram(w, name, metric, family.getType() == MetricType.GAUGE_HISTOGRAM);
        }
      }
    }
  }

  private static void writeSummary(Sink w, String name, Metric metric) throws IOException {
    Summary s = metric.getSummary();
    for (Quantile q : s.getQuantileList()) {
      w.sample(name, "", metric, "quantile", q.getQuantile());
      w.floatValue(q.getValue());
      w.endSample(metric, null);
    }
    w.sample(name, "_sum", metric, null, 0);
    w.floatValue(s.getSampleSum());
    w.endSample(metric, null);
    w.sample(name, "_count", metric, null, 0);
    w.unsigned(s.getSampleCount());
    w.endSample(metric, null);
    if (s.hasCreatedTimestamp()) {
      w.created(name, metric, s.getCreatedTimestamp());
    }
  }

  private static void writeHistogram(Sink w, String name, Metric metric, boolean gauge)
      throws IOException {
    Histogram h = metric.getHistogram();
    boolean infSeen = false;
    for (Bucket b : h.getBucketList()) {
      w.sample(name, "_bucket", metric, "le", b.getUpperBound());
      if (b.hasCumulativeCountFloat()) {
        w.floatValue(b.getCumulativeCountFloat());
      } else {
        w.unsigned(b.getCumulativeCount());
      }
      w.endSample(metric, b.hasExemplar() ? b.getExemplar() : null);
      if (b.getUpperBound() == Double.POSITIVE_INFINITY) {
        infSeen = true;
      }
    }
    if (!infSeen) {
      w.sample(name, "_bucket", metric, "le", Double.POSITIVE_INFINITY);
      count(w, h);
      w.endSample(metric, null);
    }
    w.sample(name, gauge ? "_gsum" : "_sum", metric, null, 0);
    w.floatValue(h.getSampleSum());
    w.endSample(metric, null);
    w.sample(name, gauge ? "_gcount" : "_count", metric, null, 0);
    count(w, h);
    w.endSample(metric, null);
    // a gauge histogram has no _created in OpenMetrics
    if (!gauge && h.hasCreatedTimestamp()) {
      w.created(name, metric, h.getCreatedTimestamp());
    }
  }

  private static void count(Sink w, Histogram h) throws IOException {
    if (h.hasSampleCountFloat()) {
      w.floatValue(h.getSampleCountFloat());
    } else {
      w.unsigned(h.getSampleCount());
    }
  }

  private static void require(boolean present, String what, String name, Metric metric) {
    if (!present) {
      throw new IllegalArgumentException("expected " + what + " in metric " + name + " " + metric);
    }
  }

  /** Go's {@code float64(t.UnixNano()) / 1e9}, the seconds expfmt writes for a timestamp. */
  static double seconds(Timestamp t) {
    return UnixNanos.toSeconds(UnixNanos.of(t.getSeconds(), t.getNanos()));
  }

  static boolean isValid(Timestamp t) {
    return t.getSeconds() >= MIN_SECONDS
        && t.getSeconds() <= MAX_SECONDS
        && t.getNanos() >= 0
        && t.getNanos() < 1_000_000_000;
  }

  /** A UTF-8 byte buffer in front of the stream, with the OpenMetrics building blocks. */
  private static final class Sink {
    private final OutputStream out;
    private final EscapingScheme escaping;
    private final byte[] buf = new byte[16 * 1024];
    private int n;
    // whether the last name seen needs quoting; suffixes never change that
    private String checkedName;
    private boolean quotedName;

    Sink(OutputStream out, EscapingScheme escaping) {
      this.out = out;
      this.escaping = escaping;
    }

    /**
     * {@code name+suffix}, then the labels and the extra {@code quantile}/{@code le} label in
     * braces, then the space before the value. A name outside the legacy set goes quoted inside the
     * braces.
     */
    @SuppressWarnings(
        "ReferenceEquality") // the same String instance: a cache of the last name checked
    void sample(String name, String suffix, Metric metric, String extraLabel, double extraValue)
        throws IOException {
      if (name != checkedName) {
        checkedName = name;
        quotedName = !NameRules.isValidMetricName(name);
      }
      char separator = '{';
      if (quotedName) {
        b('{');
        b('"');
        escaped(name);
        escaped(suffix);
        b('"');
        separator = ',';
      } else {
        text(name);
        ascii(suffix);
      }
      for (LabelPair label : metric.getLabelList()) {
        b(separator);
        labelPair(label);
        separator = ',';
      }
      if (extraLabel != null) {
        b(separator);
        ascii(extraLabel);
        ascii("=\"");
        floatValue(extraValue);
        b('"');
        separator = ',';
      }
      if (separator == ',') {
        b('}');
      }
      b(' ');
    }

    /** The rest of a sample line after its value: timestamp, exemplar, newline. */
    void endSample(Metric metric, Exemplar exemplar) throws IOException {
      if (metric.hasTimestampMs()) {
        b(' ');
        floatValue((double) metric.getTimestampMs() / 1000);
      }
      if (exemplar != null && exemplar.getLabelCount() > 0) {
        ascii(" # ");
        char separator = '{';
        for (LabelPair label : exemplar.getLabelList()) {
          b(separator);
          labelPair(label);
          separator = ',';
        }
        b('}');
        b(' ');
        floatValue(exemplar.getValue());
        if (exemplar.hasTimestamp() && isValid(exemplar.getTimestamp())) {
          b(' ');
          floatValue(seconds(exemplar.getTimestamp()));
        }
      }
      b('\n');
    }

    /** {@code <name>_created{labels} <seconds>}; {@code name} without {@code _total}. */
    void created(String name, Metric metric, Timestamp created) throws IOException {
      sample(name, "_created", metric, null, 0);
      floatValue(seconds(created));
      b('\n');
    }

    /** A stored name as the scraper gets it: legacy names as they are, others escaped. */
    String exposed(String name) {
      return NameRules.isValidMetricName(name) ? name : escaping.escape(name);
    }

    private void labelPair(LabelPair label) throws IOException {
      String name = exposed(label.getName());
      if (NameRules.isValidLabelName(name)) {
        text(name);
      } else {
        // a ':' is legal in metric names only: a:b is quoted as a label name
        b('"');
        escaped(name);
        b('"');
      }
      ascii("=\"");
      escaped(label.getValue());
      b('"');
    }

    /** A metric or label name: as is when legacy-valid, else quoted. */
    void name(String name) throws IOException {
      if (NameRules.isValidMetricName(name)) {
        text(name);
      } else {
        b('"');
        escaped(name);
        b('"');
      }
    }

    /** Go's shortest float with {@code .0} added when it would read as an integer. */
    void floatValue(double v) throws IOException {
      if (v == 1) {
        ascii("1.0");
      } else if (v == 0) {
        ascii("0.0"); // either zero
      } else if (v == -1) {
        ascii("-1.0");
      } else {
        if (buf.length - n < GoFloat.MAX_LENGTH + 2) {
          drain();
        }
        int start = n;
        n = GoFloat.appendTo(v, buf, n);
        if (Double.isFinite(v) && !containsPointOrExponent(start)) {
          buf[n++] = '.';
          buf[n++] = '0';
        }
      }
    }

    private boolean containsPointOrExponent(int from) {
      for (int i = from; i < n; i++) {
        if (buf[i] == '.' || buf[i] == 'e') {
          return true;
        }
      }
      return false;
    }

    /** A uint64 (arriving as a signed long) in decimal. */
    void unsigned(long v) throws IOException {
      ascii(Long.toUnsignedString(v));
    }

    /** Escapes {@code \\}, newline and {@code "}; the rest as UTF-8. */
    void escaped(String s) throws IOException {
      for (int i = 0; i < s.length(); ) {
        char c = s.charAt(i);
        if (c == '\\' || c == '\n' || c == '"') {
          b('\\');
          b(c == '\n' ? 'n' : c);
          i++;
        } else {
          i += utf8(s, i);
        }
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

    void text(String s) throws IOException {
      for (int i = 0; i < s.length(); ) {
        i += utf8(s, i);
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
      buf[n++] = '?'; // a lone surrogate has no UTF-8 form, as in TextWriter
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
