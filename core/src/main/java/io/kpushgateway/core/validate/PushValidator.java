package io.kpushgateway.core.validate;

import io.kpushgateway.core.merge.FamilyMerger;
import io.kpushgateway.core.model.GroupState;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.model.NameClash;
import io.kpushgateway.core.model.Utf8Order;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything the Pushgateway checks about a push that needs only the push itself: its label
 * sanitation, then the per-push half of its consistency check (client_golang's gather checks). The
 * cross-group half (same name, same type; duplicates across groups) needs other groups and lives
 * elsewhere.
 */
public final class PushValidator {

  private static final String QUANTILE = "quantile";
  private static final String LE = "le";
  private static final Comparator<LabelPair> BY_NAME =
      Comparator.comparing(LabelPair::getName, Utf8Order.COMPARATOR);

  private PushValidator() {}

  /** {@link #sanitizeAndValidate(List, GroupingKey, NameValidationScheme)} with legacy names. */
  public static List<MetricFamily> sanitizeAndValidate(List<MetricFamily> pushed, GroupingKey key) {
    return sanitizeAndValidate(pushed, key, NameValidationScheme.LEGACY);
  }

  /**
   * Sanitizes {@code pushed} for the group {@code key} and validates it, metric and label names by
   * {@code names}.
   *
   * <p>Of several families with one name the last wins, silently (upstream's protobuf behaviour),
   * even when it has no series: a family without series is kept as its bare header, which makes a
   * POST remove the stored family of that name, as upstream's does. Every series gets the
   * grouping labels (overwriting body labels of those names), {@code instance=""} when it has no
   * instance, and its label pairs sorted by name; the series of a family are sorted in exposition
   * order ({@link FamilyMerger#SERIES_ORDER}). Families named like the two timestamp gauges the
   * gateway owns are dropped.
   *
   * @return the families to store, sorted by name, one per name
   * @throws PushRejectedException {@link PushRejectedException.Reason#INVALID_METRICS} naming the
   *     first offending metric
   */
  public static List<MetricFamily> sanitizeAndValidate(
      List<MetricFamily> pushed, GroupingKey key, NameValidationScheme names) {
    SortedMap<String, MetricFamily> byName = new TreeMap<>(Utf8Order.COMPARATOR);
    for (MetricFamily family : pushed) {
      byName.put(family.getName(), family);
    }
    // upstream refuses timestamped pushes before it looks at anything else
    for (MetricFamily family : byName.values()) {
      for (Metric metric : family.getMetricList()) {
        if (metric.hasTimestampMs()) {
          throw PushRejectedException.invalidMetrics("pushed metrics must not have timestamps");
        }
      }
    }
    List<MetricFamily> result = new ArrayList<>(byName.size());
    Map<String, MetricType> types = new HashMap<>();
    for (MetricFamily family : byName.values()) {
      String name = family.getName();
      if (name.equals(GroupState.PUSH_TIME) || name.equals(GroupState.PUSH_FAILURE_TIME)) {
        continue;
      }
      if (family.getMetricCount() == 0) {
        result.add(family.toBuilder().clearMetric().build());
        continue;
      }
      // proto2 strings decode lossily: the UTF-8 rule looks at the bytes
      if (!names.isValidMetricName(name) || !family.getNameBytes().isValidUtf8()) {
        throw PushRejectedException.invalidMetrics(
            "\"" + escape(name) + "\" is not a valid metric name");
      }
      checkSuffixCollision(name, types);
      types.put(name, family.getType());
      result.add(sanitizeAndCheck(family, key, names));
    }
    return List.copyOf(result);
  }

  private static MetricFamily sanitizeAndCheck(
      MetricFamily family, GroupingKey key, NameValidationScheme names) {
    List<Metric> series = new ArrayList<>(family.getMetricCount());
    Set<List<String>> seen = new HashSet<>();
    for (Metric metric : family.getMetricList()) {
      Metric sanitized = sanitize(metric, key.labels());
      checkSeries(family, sanitized, names);
      if (!seen.add(labelKey(sanitized))) {
        throw PushRejectedException.invalidMetrics(
            describe(family, sanitized)
                + " was collected before with the same name and label values");
      }
      series.add(sanitized);
    }
    // stored in exposition order, so a scrape merges presorted runs
    series.sort(FamilyMerger.SERIES_ORDER);
    return family.toBuilder().clearMetric().addAllMetric(series).build();
  }

  /** Upstream's sanitizeLabels; a series already in shape is returned as is. */
  static Metric sanitize(Metric metric, SortedMap<String, String> grouping) {
    List<LabelPair> labels = new ArrayList<>(metric.getLabelCount() + grouping.size() + 1);
    Set<String> present = new HashSet<>();
    boolean changed = false;
    for (LabelPair pair : metric.getLabelList()) {
      String groupValue = grouping.get(pair.getName());
      if (groupValue != null && !groupValue.equals(pair.getValue())) {
        pair = LabelPair.newBuilder().setName(pair.getName()).setValue(groupValue).build();
        changed = true;
      }
      present.add(pair.getName());
      labels.add(pair);
    }
    for (Map.Entry<String, String> e : grouping.entrySet()) {
      if (!present.contains(e.getKey())) {
        labels.add(LabelPair.newBuilder().setName(e.getKey()).setValue(e.getValue()).build());
        present.add(e.getKey());
        changed = true;
      }
    }
    if (!present.contains(GroupingKey.INSTANCE)) {
      labels.add(LabelPair.newBuilder().setName(GroupingKey.INSTANCE).setValue("").build());
      changed = true;
    }
    for (int i = 1; i < labels.size() && !changed; i++) {
      changed = BY_NAME.compare(labels.get(i - 1), labels.get(i)) > 0;
    }
    if (!changed) {
      return metric;
    }
    labels.sort(BY_NAME); // stable: repeated names keep their order for the error message
    return metric.toBuilder().clearLabel().addAllLabel(labels).build();
  }

  /** client_golang's per-series checks, on a sanitized (name-sorted) series. */
  private static void checkSeries(MetricFamily family, Metric metric, NameValidationScheme names) {
    MetricType type = family.getType();
    if (!hasPayloadOf(type, metric)) {
      throw PushRejectedException.invalidMetrics(describe(family, metric) + " is not a " + type);
    }
    String previous = null;
    for (LabelPair pair : metric.getLabelList()) {
      String name = pair.getName();
      if (name.equals(previous)) {
        throw PushRejectedException.invalidMetrics(
            describe(family, metric) + " has two or more labels with the same name: " + name);
      }
      if (!names.isUserLabelName(name) || !pair.getNameBytes().isValidUtf8()) {
        throw PushRejectedException.invalidMetrics(
            describe(family, metric) + " has a label with an invalid name: " + escape(name));
      }
      if ((type == MetricType.SUMMARY && name.equals(QUANTILE))
          || (NameClash.isHistogram(type) && name.equals(LE))) {
        throw PushRejectedException.invalidMetrics(
            describe(family, metric) + " must not have an explicit \"" + name + "\" label");
      }
      // proto2 strings decode lossily: look at the bytes
      if (!pair.getValueBytes().isValidUtf8()) {
        throw PushRejectedException.invalidMetrics(
            describe(family, metric)
                + " has a label named \""
                + name
                + "\" whose value is not valid UTF-8");
      }
      previous = name;
    }
  }

  /**
   * A histogram {@code X} exposes {@code X_bucket}, {@code X_sum} and {@code X_count}, a summary
   * {@code X_sum} and {@code X_count}: another family of such a name would clash in the text
   * format. Names arrive sorted, so {@code X} is always seen before its suffixed forms.
   */
  private static void checkSuffixCollision(String name, Map<String, MetricType> seen) {
    String base = NameClash.base(name);
    MetricType baseType = base == null ? null : seen.get(base);
    if (baseType != null && NameClash.claims(baseType, name)) {
      throw PushRejectedException.invalidMetrics(collision(name, NameClash.kind(baseType), base));
    }
  }

  static String collision(String name, String kind, String base) {
    return "collected metric named \""
        + name
        + "\" collides with previously collected "
        + kind
        + " named \""
        + base
        + "\"";
  }

  private static boolean hasPayloadOf(MetricType type, Metric metric) {
    return switch (type) {
      case COUNTER -> metric.hasCounter();
      case GAUGE -> metric.hasGauge();
      case SUMMARY -> metric.hasSummary();
      case UNTYPED -> metric.hasUntyped();
      case HISTOGRAM, GAUGE_HISTOGRAM -> metric.hasHistogram();
    };
  }

  private static List<String> labelKey(Metric metric) {
    List<String> key = new ArrayList<>(metric.getLabelCount() * 2);
    for (LabelPair pair : metric.getLabelList()) {
      key.add(pair.getName());
      key.add(pair.getValue());
    }
    return key;
  }

  /** {@code collected metric "m" {a="1",b="2"}}: names the series in a message. */
  static String describe(MetricFamily family, Metric metric) {
    StringBuilder sb = new StringBuilder("collected metric \"");
    sb.append(escape(family.getName())).append("\" {");
    for (int i = 0; i < metric.getLabelCount(); i++) {
      LabelPair pair = metric.getLabel(i);
      sb.append(i == 0 ? "" : ",").append(escape(pair.getName()));
      sb.append("=\"").append(escape(pair.getValue())).append('"');
    }
    return sb.append('}').toString();
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
