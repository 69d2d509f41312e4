package io.kpushgateway.core.select;

import io.kpushgateway.core.format.GoFloat;
import io.kpushgateway.core.merge.PageFilter;
import io.kpushgateway.proto.GroupRecord;
import io.prometheus.client.Metrics.Bucket;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
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

  private static final String BUCKET = "_bucket";
  private static final String LE = "le";
  private static final String QUANTILE = "quantile";

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

  /**
   * The selectors as a {@link PageFilter}: a page merged with it parses a group's family only when
   * some selector's {@code __name__} matchers accept the family's name or one of its sample names
   * and that selector's other matchers accept the group's grouping labels (those it has; {@code le}
   * and {@code quantile} are left to the series), then keeps what {@link #kept} keeps. Selector
   * {@code i} is bit {@code i % 64} of the masks.
   */
  public static PageFilter filter(List<SeriesSelector> selectors) {
    return new Selection(List.copyOf(selectors));
  }

  private record Selection(List<SeriesSelector> selectors) implements PageFilter {

    @Override
    public long family(String name, MetricType type) {
      List<String> samples = new ArrayList<>();
      samples.add(name);
      if (type == MetricType.HISTOGRAM || type == MetricType.GAUGE_HISTOGRAM) {
        samples.add(name + BUCKET);
      }
      for (String suffix : suffixes(type)) {
        samples.add(name + suffix);
      }
      long mask = 0;
      for (int i = 0; i < selectors.size(); i++) {
        if (anyNameMatches(selectors.get(i), samples)) {
          mask |= 1L << (i & 63);
        }
      }
      return mask;
    }

    @Override
    public long group(GroupRecord header) {
      long mask = 0;
      for (int i = 0; i < selectors.size(); i++) {
        if (groupingMatches(selectors.get(i), header.getGroupingList())) {
          mask |= 1L << (i & 63);
        }
      }
      return mask;
    }

    @Override
    public Iterable<MetricFamily> kept(Iterable<MetricFamily> page) {
      return SeriesFilter.kept(page, selectors);
    }

    private static boolean anyNameMatches(SeriesSelector selector, List<String> samples) {
      for (String sample : samples) {
        if (nameMatches(selector, sample)) {
          return true;
        }
      }
      return false;
    }

    private static boolean nameMatches(SeriesSelector selector, String sample) {
      for (LabelMatcher matcher : selector.matchers()) {
        if (matcher.name().equals(LabelMatcher.METRIC_NAME) && !matcher.matches(sample)) {
          return false;
        }
      }
      return true;
    }

    /** False only if a matcher on a grouping label refuses the group's value for it. */
    private static boolean groupingMatches(SeriesSelector selector, List<LabelPair> grouping) {
      for (LabelMatcher matcher : selector.matchers()) {
        String label = matcher.name();
        if (label.equals(LabelMatcher.METRIC_NAME) || label.equals(LE) || label.equals(QUANTILE)) {
          continue; // a sample's, not the group's
        }
        for (LabelPair pair : grouping) {
          if (pair.getName().equals(label) && !matcher.matches(pair.getValue())) {
            return false;
          }
        }
      }
      return true;
    }
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
              || suffixMatches(name, metric, selectors, sample, suffixes(family.getType()));
      case HISTOGRAM, GAUGE_HISTOGRAM ->
          anyBucketMatches(name, metric, selectors, sample)
              || suffixMatches(name, metric, selectors, sample, suffixes(family.getType()));
      default -> false;
    };
  }

  /** The sample names besides its own (and a histogram's buckets) a series of this type has. */
  private static List<String> suffixes(MetricType type) {
    return switch (type) {
      case SUMMARY, HISTOGRAM -> List.of("_sum", "_count");
      case GAUGE_HISTOGRAM -> List.of("_sum", "_count", "_gsum", "_gcount");
      default -> List.of();
    };
  }

  private static boolean anyQuantileMatches(
      String name, Metric metric, List<SeriesSelector> selectors, Sample sample) {
    for (Quantile q : metric.getSummary().getQuantileList()) {
      String quantile = GoFloat.format(q.getQuantile());
      if (sample.reset(name, metric, QUANTILE, quantile).matchedBy(selectors)) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyBucketMatches(
      String name, Metric metric, List<SeriesSelector> selectors, Sample sample) {
    String bucketName = name + BUCKET;
    boolean infSeen = false;
    for (Bucket b : metric.getHistogram().getBucketList()) {
      infSeen |= b.getUpperBound() == Double.POSITIVE_INFINITY;
      String le = GoFloat.format(b.getUpperBound());
      if (sample.reset(bucketName, metric, LE, le).matchedBy(selectors)) {
        return true;
      }
    }
    return !infSeen && sample.reset(bucketName, metric, LE, "+Inf").matchedBy(selectors);
  }

  private static boolean suffixMatches(
      String name,
      Metric metric,
      List<SeriesSelector> selectors,
      Sample sample,
      List<String> suffixes) {
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
