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
   * POST remove the stored family of that name, as upstream's does. Every series gets the grouping
   * labels (overwriting body labels of those names), {@code instance=""} when it has no instance,
   * and its label pairs sorted by name; the series of a family are sorted in exposition order
   * ({@link FamilyMerger#SERIES_ORDER}). Families named like the two timestamp gauges the gateway
   * owns are dropped. Families and series already sanitized for {@code key} (by {@link #sanitizer},
   * as a push is read) are kept as they are, not copied.
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
    Sanitizer sanitizer = sanitizer(key);
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
      if (!names.isValidMetricName(name)
          || (mayBeLossy(name) && !family.getNameBytes().isValidUtf8())) {
        throw invalidName(name);
      }
      checkSuffixCollision(name, types);
      types.put(name, family.getType());
      result.add(sanitizeAndCheck(family, sanitizer, names));
    }
    return List.copyOf(result);
  }

  /**
   * Sanitizes the families and series of one push as they are read, so that {@link
   * #sanitizeAndValidate} finds them in shape and need not copy them; refuses a family without a
   * name at once, as that method would (a body of empty messages is refused at the first).
   */
  public static Sanitizer sanitizer(GroupingKey key) {
    return new Sanitizer(key.labels());
  }

  /** Upstream's sanitizeLabels for one grouping key; thread-safe (immutable). */
  public static final class Sanitizer {
    private static final LabelPair NO_INSTANCE =
        LabelPair.newBuilder().setName(GroupingKey.INSTANCE).setValue("").build();

    /** One pair per grouping label, shared by every series, sorted by name. */
    private final LabelPair[] pairs;

    private final Map<String, LabelPair> byName = new HashMap<>();

    /** The grouping pairs and, unless they have one, {@code instance=""}, sorted by name. */
    private final LabelPair[] added;

    private Sanitizer(SortedMap<String, String> grouping) {
      this.pairs = new LabelPair[grouping.size()];
      int i = 0;
      for (Map.Entry<String, String> e : grouping.entrySet()) {
        pairs[i] = LabelPair.newBuilder().setName(e.getKey()).setValue(e.getValue()).build();
        byName.put(e.getKey(), pairs[i++]);
      }
      List<LabelPair> all = new ArrayList<>(List.of(pairs));
      if (!grouping.containsKey(GroupingKey.INSTANCE)) {
        all.add(NO_INSTANCE);
        all.sort(BY_NAME);
      }
      this.added = all.toArray(LabelPair[]::new);
    }

    /** The family with its series sanitized, itself when they are already in shape. */
    @SuppressWarnings(
        "ReferenceEquality") // identity: the sanitizer returns its input when nothing changed
    public MetricFamily family(MetricFamily family) {
      if (family.getName().isEmpty()) {
        throw invalidName("");
      }
      List<Metric> series = null;
      for (int i = 0; i < family.getMetricCount(); i++) {
        Metric metric = family.getMetric(i);
        Metric sanitized = series(metric);
        if (sanitized != metric && series == null) {
          series = new ArrayList<>(family.getMetricList().subList(0, i));
        }
        if (series != null) {
          series.add(sanitized);
        }
      }
      return series == null
          ? family
          : family.toBuilder().clearMetric().addAllMetric(series).build();
    }

    /** The series sanitized; itself when it is already in shape. */
    public Metric series(Metric metric) {
      List<LabelPair> labels = labels(metric.getLabelList());
      return labels == metric.getLabelList()
          ? metric
          : metric.toBuilder().clearLabel().addAllLabel(labels).build();
    }

    /** A series' labels sanitized; {@code labels} itself when they are already in shape. */
    public List<LabelPair> labels(List<LabelPair> labels) {
      return inShape(labels) ? labels : sanitize(labels);
    }

    /**
     * Whether {@link #sanitize} would return {@code labels} unchanged, without allocating: sorted
     * by name, each grouping label present with its value, an instance label present.
     */
    private boolean inShape(List<LabelPair> labels) {
      int g = 0;
      boolean instance = false;
      String previous = null;
      for (int i = 0; i < labels.size(); i++) {
        LabelPair pair = labels.get(i);
        String name = pair.getName();
        if (previous != null && Utf8Order.compare(previous, name) >= 0) {
          return false; // unsorted, or a repeated name: the full check decides
        }
        if (g < pairs.length) {
          int c = Utf8Order.compare(pairs[g].getName(), name);
          if (c < 0) {
            return false; // a grouping label is missing
          }
          if (c == 0) {
            if (!pairs[g].getValue().equals(pair.getValue())) {
              return false;
            }
            g++;
          }
        }
        instance |= name.equals(GroupingKey.INSTANCE);
        previous = name;
      }
      return g == pairs.length && instance;
    }

    /**
     * Body labels sorted by name, without repeats (what clients send, and what the text parser
     * gives for sorted input): merged in one pass with the added pairs, a grouping pair replacing
     * the body's label of its name, a body instance replacing {@code instance=""}. Anything else is
     * sorted out in full.
     */
    @SuppressWarnings("ReferenceEquality") // identity: NO_INSTANCE is a marker object
    private List<LabelPair> sanitize(List<LabelPair> body) {
      int n = body.size();
      List<LabelPair> labels = new ArrayList<>(n + added.length);
      int a = 0;
      String previous = null;
      for (int i = 0; i < n; i++) {
        LabelPair pair = body.get(i);
        String name = pair.getName();
        if (previous != null && Utf8Order.compare(previous, name) >= 0) {
          return sanitizeUnsorted(body);
        }
        previous = name;
        int c = -1;
        while (a < added.length && (c = Utf8Order.compare(added[a].getName(), name)) < 0) {
          labels.add(added[a++]);
        }
        if (c == 0) {
          labels.add(added[a] == NO_INSTANCE ? pair : added[a]);
          a++;
        } else {
          labels.add(pair);
        }
      }
      while (a < added.length) {
        labels.add(added[a++]);
      }
      return labels;
    }

    private List<LabelPair> sanitizeUnsorted(List<LabelPair> body) {
      List<LabelPair> labels = new ArrayList<>(body.size() + pairs.length + 1);
      Set<String> present = new HashSet<>();
      boolean changed = false;
      for (LabelPair pair : body) {
        LabelPair grouped = byName.get(pair.getName());
        if (grouped != null && !grouped.getValue().equals(pair.getValue())) {
          pair = grouped;
          changed = true;
        }
        present.add(pair.getName());
        labels.add(pair);
      }
      for (LabelPair pair : pairs) {
        if (!present.contains(pair.getName())) {
          labels.add(pair);
          present.add(pair.getName());
          changed = true;
        }
      }
      if (!present.contains(GroupingKey.INSTANCE)) {
        labels.add(NO_INSTANCE);
        changed = true;
      }
      for (int i = 1; i < labels.size() && !changed; i++) {
        changed = BY_NAME.compare(labels.get(i - 1), labels.get(i)) > 0;
      }
      if (!changed) {
        return body;
      }
      labels.sort(BY_NAME); // stable: repeated names keep their order for the error message
      return labels;
    }
  }

  /** The refusal of a family named {@code name}: empty, or not a metric name by the rules. */
  private static PushRejectedException invalidName(String name) {
    return PushRejectedException.invalidMetrics(
        "\"" + escape(name) + "\" is not a valid metric name");
  }

  /**
   * Series checked in push order, so the first offender is named; stored in exposition order, so a
   * scrape merges presorted runs. Success is the common case and is checked without a set of label
   * sets (duplicates sit together once sorted); only a push with a problem is checked again series
   * by series, for the message.
   */
  @SuppressWarnings(
      "ReferenceEquality") // identity: the sanitizer returns its input when nothing changed
  private static MetricFamily sanitizeAndCheck(
      MetricFamily family, Sanitizer sanitizer, NameValidationScheme names) {
    List<Metric> series = new ArrayList<>(family.getMetricCount());
    boolean changed = false;
    for (Metric metric : family.getMetricList()) {
      Metric sanitized = sanitizer.series(metric);
      changed |= sanitized != metric;
      series.add(sanitized);
    }
    try {
      for (Metric metric : series) {
        checkSeries(family, metric, names);
      }
    } catch (PushRejectedException e) {
      throw firstProblem(family, series, names);
    }
    List<Metric> ordered = series;
    for (int i = 1; i < series.size(); i++) {
      if (FamilyMerger.SERIES_ORDER.compare(series.get(i - 1), series.get(i)) > 0) {
        ordered = new ArrayList<>(series);
        ordered.sort(FamilyMerger.SERIES_ORDER);
        changed = true;
        break;
      }
    }
    if (hasRepeatedLabelSet(ordered)) {
      throw firstProblem(family, series, names);
    }
    return changed ? family.toBuilder().clearMetric().addAllMetric(ordered).build() : family;
  }

  /**
   * Whether two of the sorted {@code series} have the same label set. {@link
   * FamilyMerger#SERIES_ORDER} compares values only, so equal neighbours may still differ in their
   * names: a run of them is compared as a set.
   */
  private static boolean hasRepeatedLabelSet(List<Metric> sorted) {
    int runStart = 0;
    for (int i = 1; i <= sorted.size(); i++) {
      if (i < sorted.size()
          && FamilyMerger.SERIES_ORDER.compare(sorted.get(runStart), sorted.get(i)) == 0) {
        continue;
      }
      if (i - runStart > 1) {
        Set<List<String>> seen = new HashSet<>();
        for (Metric metric : sorted.subList(runStart, i)) {
          if (!seen.add(labelKey(metric))) {
            return true;
          }
        }
      }
      runStart = i;
    }
    return false;
  }

  /** The first problem of the sanitized {@code series}, in push order, as upstream names it. */
  private static PushRejectedException firstProblem(
      MetricFamily family, List<Metric> series, NameValidationScheme names) {
    Set<List<String>> seen = new HashSet<>();
    for (Metric metric : series) {
      checkSeries(family, metric, names);
      if (!seen.add(labelKey(metric))) {
        return PushRejectedException.invalidMetrics(
            describe(family, metric) + " was collected before with the same name and label values");
      }
    }
    throw new IllegalStateException("a problem of " + family.getName() + " was not found again");
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
      if (!names.isUserLabelName(name)
          || (mayBeLossy(name) && !pair.getNameBytes().isValidUtf8())) {
        throw PushRejectedException.invalidMetrics(
            describe(family, metric) + " has a label with an invalid name: " + escape(name));
      }
      if ((type == MetricType.SUMMARY && name.equals(QUANTILE))
          || (NameClash.isHistogram(type) && name.equals(LE))) {
        throw PushRejectedException.invalidMetrics(
            describe(family, metric) + " must not have an explicit \"" + name + "\" label");
      }
      if (mayBeLossy(pair.getValue()) && !pair.getValueBytes().isValidUtf8()) {
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

  /**
   * Whether a string of a parsed message may stand for bytes that are not UTF-8: proto2 decodes
   * those lossily, into U+FFFD, so only a string holding one needs its bytes looked at (asking a
   * decoded field for its bytes would encode it again).
   */
  private static boolean mayBeLossy(String decoded) {
    return decoded.indexOf('\uFFFD') >= 0;
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

  static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
