package io.kpushgateway.core.format;

import io.prometheus.client.Metrics.Bucket;
import io.prometheus.client.Metrics.Counter;
import io.prometheus.client.Metrics.Gauge;
import io.prometheus.client.Metrics.Histogram;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import io.prometheus.client.Metrics.Quantile;
import io.prometheus.client.Metrics.Summary;
import io.prometheus.client.Metrics.Untyped;
import java.util.ArrayList;
import java.util.List;

/**
 * Families as a text page holds them: what {@link TextWriter} writes and {@link TextParser} reads
 * back, so that two lists compare equal exactly when they make the same page. The round-trip fuzz
 * tests compare in this form because the text format cannot say everything a {@code MetricFamily}
 * can, and loses it the same way upstream's expfmt does:
 *
 * <ul>
 *   <li>the parser skips the blanks and tabs between a {@code # HELP} name and its text, so a help
 *       loses its leading ones (an empty help is not written at all); a family without series is a
 *       bare header the parser drops;
 *   <li>zero is written {@code 0} whatever its sign; a summary or histogram always gets its {@code
 *       _sum} and {@code _count} lines, a histogram its {@code +Inf} bucket;
 *   <li>counts are written as floats and read back through Go's {@code uint64(float64)}; a {@code
 *       le} or {@code quantile} of {@code NaN} is written but skipped when read, as expfmt does;
 *   <li>of a protobuf family only the text's part survives: no exemplars, created timestamps, units
 *       or native-histogram spans, and a gauge histogram reads back as a histogram.
 * </ul>
 */
final class TextPageForm {

  private TextPageForm() {}

  static List<MetricFamily> of(List<MetricFamily> families) {
    List<MetricFamily> page = new ArrayList<>(families.size());
    for (MetricFamily family : families) {
      if (family.getMetricCount() == 0) {
        continue;
      }
      MetricType type =
          family.getType() == MetricType.GAUGE_HISTOGRAM ? MetricType.HISTOGRAM : family.getType();
      MetricFamily.Builder b = MetricFamily.newBuilder().setName(family.getName()).setType(type);
      String help = withoutLeadingBlanks(family.getHelp());
      if (!help.isEmpty()) {
        b.setHelp(help);
      }
      for (Metric metric : family.getMetricList()) {
        b.addMetric(metric(type, metric));
      }
      page.add(b.build());
    }
    return page;
  }

  private static Metric metric(MetricType type, Metric metric) {
    Metric.Builder m = Metric.newBuilder();
    for (LabelPair pair : metric.getLabelList()) {
      m.addLabel(LabelPair.newBuilder().setName(pair.getName()).setValue(pair.getValue()));
    }
    switch (type) {
      case COUNTER ->
          m.setCounter(Counter.newBuilder().setValue(zero(metric.getCounter().getValue())));
      case GAUGE -> m.setGauge(Gauge.newBuilder().setValue(zero(metric.getGauge().getValue())));
      case UNTYPED ->
          m.setUntyped(Untyped.newBuilder().setValue(zero(metric.getUntyped().getValue())));
      case SUMMARY -> m.setSummary(summary(metric.getSummary()));
      default -> m.setHistogram(histogram(metric.getHistogram()));
    }
    return m.build();
  }

  private static Summary summary(Summary s) {
    Summary.Builder b =
        Summary.newBuilder()
            .setSampleSum(zero(s.getSampleSum()))
            .setSampleCount(count(s.getSampleCount(), 0));
    for (Quantile q : s.getQuantileList()) {
      if (!Double.isNaN(q.getQuantile())) {
        b.addQuantile(
            Quantile.newBuilder().setQuantile(zero(q.getQuantile())).setValue(zero(q.getValue())));
      }
    }
    return b.build();
  }

  private static Histogram histogram(Histogram h) {
    long count = count(h.getSampleCount(), h.getSampleCountFloat());
    Histogram.Builder b =
        Histogram.newBuilder().setSampleSum(zero(h.getSampleSum())).setSampleCount(count);
    boolean inf = false;
    for (Bucket bucket : h.getBucketList()) {
      inf |= bucket.getUpperBound() == Double.POSITIVE_INFINITY;
      if (!Double.isNaN(bucket.getUpperBound())) {
        b.addBucket(
            Bucket.newBuilder()
                .setUpperBound(zero(bucket.getUpperBound()))
                .setCumulativeCount(
                    count(bucket.getCumulativeCount(), bucket.getCumulativeCountFloat())));
      }
    }
    if (!inf) {
      b.addBucket(
          Bucket.newBuilder().setUpperBound(Double.POSITIVE_INFINITY).setCumulativeCount(count));
    }
    return b.build();
  }

  /** A count as it reads back: the float one when set, as the writer prefers it. */
  private static long count(long count, double countFloat) {
    double written = countFloat > 0 ? countFloat : TextWriter.unsignedToDouble(count);
    return TextParser.goUint64(written);
  }

  private static String withoutLeadingBlanks(String help) {
    int i = 0;
    while (i < help.length() && (help.charAt(i) == ' ' || help.charAt(i) == '\t')) {
      i++;
    }
    return help.substring(i);
  }

  private static double zero(double v) {
    return v == 0 ? 0.0 : v;
  }
}
