package io.kpushgateway.core.select;

import io.kpushgateway.core.format.GoFloat;
import io.prometheus.client.Metrics.Bucket;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.Quantile;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Keeps the series of a page that any of some selectors match, as Prometheus' {@code /federate}
 * answers the union of its {@code match[]}: families keep their HELP, type and order, those left
 * without series are dropped.
 *
 * <p>A series is what one {@link Metric} of a family is on the page. A counter, gauge or untyped
 * series matches by its family name and labels. A summary or histogram is one series that the text
 * format writes as several samples, and it is kept whole when a selector matches the family name
 * with its labels or any of the samples Prometheus would store from it, each with that sample's
 * labels: {@code x{quantile="0.5"}}, {@code x_sum}, {@code x_count} for a summary; {@code
 * x_bucket{le="..."}} (including the {@code +Inf} bucket the writers add), {@code x_sum}, {@code
 * x_count} for a histogram, and {@code x_gsum}, {@code x_gcount} too for a gauge histogram (its
 * OpenMetrics names). So {@code match[]=x_count} keeps {@code x}, and {@code {le="0.5"}} keeps the
 * histograms with that bucket. {@code le} and {@code quantile} read as the writers print them (Go's
 * shortest float: {@code 1}, {@code 0.5}, {@code +Inf}), which is also how Prometheus normalises
 * them. Names are compared as stored, before any escaping a scraper negotiated.
 */
public final class SeriesFilter {

  private SeriesFilter() {}

  /**
   * @param families a page, e.g. {@code FamilyMerger}'s
   * @param selectors the selectors whose union to keep; none keeps nothing, as in Prometheus
   */
  public static List<MetricFamily> keep(
      List<MetricFamily> families, List<SeriesSelector> selectors) {
    List<MetricFamily> kept = new ArrayList<>();
    kept(families, selectors).forEach(kept::add);
    return kept;
  }

  /**
   * {@link #keep(List, List)} done while {@code families} is iterated, one family at a time: a page
   * merged as it is written is filtered as it is written.
   *
   * @return iterable as often as {@code families} is
   */
  public static Iterable<MetricFamily> kept(
      Iterable<MetricFamily> families, List<SeriesSelector> selectors) {
    if (selectors.isEmpty()) {
      return List.of();
    }
    return () ->
        new Iterator<>() {
          private final Iterator<MetricFamily> page = families.iterator();
          private final Sample sample = new Sample();
          private MetricFamily next;

          @Override
          public boolean hasNext() {
            while (next == null && page.hasNext()) {
              next = keep(page.next(), selectors, sample);
            }
            return next != null;
          }

          @Override
          public MetricFamily next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            MetricFamily family = next;
            next = null;
            return family;
          }
        };
  }

  /** The family with only its matching series, itself if all match, null if none. */
  private static MetricFamily keep(
      MetricFamily family, List<SeriesSelector> selectors, Sample sample) {
    List<Metric> metrics = family.getMetricList();
    List<Metric> kept = null; // made on the first series left out
    for (int i = 0; i < metrics.size(); i++) {
      Metric metric = metrics.get(i);
      boolean keep = matches(family, metric, selectors, sample);
      if (!keep && kept == null) {
        kept = new ArrayList<>(metrics.subList(0, i));
      } else if (keep && kept != null) {
        kept.add(metric);
      }
    }
    if (kept == null) {
      return metrics.isEmpty() ? null : family;
    }
    return kept.isEmpty() ? null : family.toBuilder().clearMetric().addAllMetric(kept).build();
  }

  private static boolean matches(
      MetricFamily family, Metric metric, List<SeriesSelector> selectors, Sample sample) {
    String name = family.getName();
    if (sample.reset(name, metric, null, null).matchedBy(selectors)) {
      return true;
    }
    return switch (family.getType()) {
      case SUMMARY ->
          anyQuantileMatches(name, metric, selectors, sample)
              || suffixMatches(name, metric, selectors, sample, "_sum", "_count");
      case HISTOGRAM ->
          anyBucketMatches(name, metric, selectors, sample)
              || suffixMatches(name, metric, selectors, sample, "_sum", "_count");
      case GAUGE_HISTOGRAM ->
          anyBucketMatches(name, metric, selectors, sample)
              || suffixMatches(
                  name, metric, selectors, sample, "_sum", "_count", "_gsum", "_gcount");
      default -> false;
    };
  }

  private static boolean anyQuantileMatches(
      String name, Metric metric, List<SeriesSelector> selectors, Sample sample) {
    for (Quantile q : metric.getSummary().getQuantileList()) {
      String quantile = GoFloat.format(q.getQuantile());
      if (sample.reset(name, metric, "quantile", quantile).matchedBy(selectors)) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyBucketMatches(
      String name, Metric metric, List<SeriesSelector> selectors, Sample sample) {
    String bucketName = name + "_bucket";
    boolean infSeen = false;
    for (Bucket b : metric.getHistogram().getBucketList()) {
      infSeen |= b.getUpperBound() == Double.POSITIVE_INFINITY;
      String le = GoFloat.format(b.getUpperBound());
      if (sample.reset(bucketName, metric, "le", le).matchedBy(selectors)) {
        return true;
      }
    }
    return !infSeen && sample.reset(bucketName, metric, "le", "+Inf").matchedBy(selectors);
  }

  private static boolean suffixMatches(
      String name,
      Metric metric,
      List<SeriesSelector> selectors,
      Sample sample,
      String... suffixes) {
    for (String suffix : suffixes) {
      if (sample.reset(name + suffix, metric, null, null).matchedBy(selectors)) {
        return true;
      }
    }
    return false;
  }

  /** One sample's labels, reused from sample to sample (a page has many). */
  private static final class Sample implements SeriesSelector.Labels {
    private String name;
    private Metric metric;
    private String extraName;
    private String extraValue;

    Sample reset(String name, Metric metric, String extraName, String extraValue) {
      this.name = name;
      this.metric = metric;
      this.extraName = extraName;
      this.extraValue = extraValue;
      return this;
    }

    boolean matchedBy(List<SeriesSelector> selectors) {
      for (SeriesSelector selector : selectors) {
        if (selector.matches(this)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String value(String label) {
      if (label.equals(LabelMatcher.METRIC_NAME)) {
        return name;
      }
      if (label.equals(extraName)) {
        return extraValue;
      }
      for (LabelPair pair : metric.getLabelList()) {
        if (pair.getName().equals(label)) {
          return pair.getValue();
        }
      }
      return "";
    }
  }
}
