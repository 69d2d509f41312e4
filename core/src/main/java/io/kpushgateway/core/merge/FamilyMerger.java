package io.kpushgateway.core.merge;

import io.kpushgateway.core.model.GroupState;
import io.kpushgateway.core.model.NameClash;
import io.kpushgateway.core.model.Utf8Order;
import io.kpushgateway.proto.GroupRecord;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Builds one exposition from the gateway's own families and many groups, with the Pushgateway's
 * rules made deterministic: one family per name, sorted by name; the first contributor (own
 * metrics, then the groups in the given order) fixes HELP and TYPE; series of another type and
 * repeated series are dropped, so that inconsistent groups (racing pushes on different partitions)
 * never make the page invalid.
 *
 * <p>Names that would clash once written are resolved by the same precedence: of a histogram or
 * summary {@code X} and a family {@code X_count}, {@code X_sum} (or, for histograms, {@code
 * X_bucket}), the one that came first stays whole and the other is left out with all its series, as
 * client_golang's registry refuses the later one. Partial keeping would not help: the text parser
 * of prometheus/common attributes every {@code X_count} line to the histogram {@code X} and rejects
 * the page at the second {@code TYPE}. OpenMetrics adds its own clashes ({@link
 * Naming#OPENMETRICS}).
 *
 * <p>{@link #page} reads only the names and types of every family up front, which settles the order
 * and the clashes, and merges each name's series ({@link #mergeFamily}) when the page is written up
 * to it.
 */
public final class FamilyMerger {

  /**
   * client_golang's series order (internal/metric.go): fewer labels first, then label values
   * position by position, names ignored. {@link List#sort} is stable, so ties keep the contribution
   * order.
   */
  public static final Comparator<Metric> SERIES_ORDER =
      (a, b) -> {
        if (a.getLabelCount() != b.getLabelCount()) {
          return Integer.compare(a.getLabelCount(), b.getLabelCount());
        }
        for (int i = 0; i < a.getLabelCount(); i++) {
          int c = Utf8Order.compare(a.getLabel(i).getValue(), b.getLabel(i).getValue());
          if (c != 0) {
            return c;
          }
        }
        return 0;
      };

  /** How the page will name its samples, which decides which family names clash. */
  public enum Naming {
    /**
     * Text 0.0.4 and protobuf (which Prometheus turns into the same series): a histogram or summary
     * {@code X} claims {@code X_count} and {@code X_sum}, a histogram also {@code X_bucket}.
     */
    PROMETHEUS,
    /**
     * OpenMetrics as {@code OpenMetricsWriter} writes it, on top of {@link #PROMETHEUS}: a counter
     * {@code X_total} is the family {@code X} (so it clashes with a gauge {@code X}) and may write
     * {@code X_created}; summaries and histograms may write {@code X_created}; a gauge histogram
     * writes {@code X_gcount} and {@code X_gsum}.
     */
    OPENMETRICS
  }

  private FamilyMerger() {}

  /** {@link #merge(List, Iterable, Naming)} for text 0.0.4 and protobuf. */
  public static List<MetricFamily> merge(List<MetricFamily> own, Iterable<GroupRecord> groups) {
    return merge(own, groups, Naming.PROMETHEUS);
  }

  /**
   * The whole page at once: {@link #page} collected.
   *
   * @param groups the groups in {@code GroupingKey} order
   */
  public static List<MetricFamily> merge(
      List<MetricFamily> own, Iterable<GroupRecord> groups, Naming naming) {
    List<GroupFamilies> contributors = new ArrayList<>();
    for (GroupRecord group : groups) {
      contributors.add(GroupFamilies.of(group));
    }
    List<MetricFamily> result = new ArrayList<>();
    page(own, contributors, naming).forEach(result::add);
    return result;
  }

  /**
   * The page, merged one family at a time as it is iterated: only the names and types of every
   * group are read up front (which decides the clashes), each family's series when the iteration
   * reaches its name. So a page of groups held as bytes costs those bytes and one merged family at
   * a time, not every group parsed.
   *
   * @param own the gateway's self-metrics; they take precedence over pushed families
   * @param groups the groups in {@code GroupingKey} order; each contributes its stored families and
   *     its two {@link GroupState#metaFamilies timestamp gauges}
   * @param naming the sample naming of the format the page is written in
   * @return one family per name, sorted by name (byte order), none empty; iterable once
   */
  public static Iterable<MetricFamily> page(
      List<MetricFamily> own, List<GroupFamilies> groups, Naming naming) {
    return page(own, groups, naming, PageFilter.ALL);
  }

  /**
   * {@link #page(List, List, Naming)} cut down to what {@code filter} keeps: a family no
   * alternative of the filter might keep is not merged, nor parsed in any group, and a group's
   * family is parsed only when the filter might keep something of both. The first family of each
   * name is always parsed, as it fixes the HELP and type, and the own metrics are never left out
   * before filtering. The clashes are settled on the whole page first, so what is kept is exactly
   * the whole page filtered.
   */
  public static Iterable<MetricFamily> page(
      List<MetricFamily> own, List<GroupFamilies> groups, Naming naming, PageFilter filter) {
    return filter.kept(new Page(own, groups, naming, filter));
  }

  /**
   * Merges the families of one name, given in precedence order, none empty: the first fixes the
   * header; families of another type are left out; a series whose label set was already taken is
   * left out. Series' label pairs must be sorted by name (sanitation ensures it).
   */
  static MetricFamily mergeFamily(List<MetricFamily> contributions) {
    MetricFamily first = contributions.get(0);
    if (contributions.size() == 1) {
      return merged(first, first.getMetricList());
    }
    List<Metric> series = new ArrayList<>(contributions.size());
    for (MetricFamily family : contributions) {
      if (family.getType() == first.getType()) {
        series.addAll(family.getMetricList());
      }
    }
    return merged(first, series);
  }

  /**
   * {@code first}'s header with {@code series} (the series of every family of its name and type,
   * its own first), sorted and without repeats.
   */
  private static MetricFamily merged(MetricFamily first, List<Metric> series) {
    List<Metric> merged = sortedDistinct(series);
    if (merged == first.getMetricList()) {
      return first; // a lone family already in order: no copy
    }
    return first.toBuilder().clearMetric().addAllMetric(merged).build();
  }

  /**
   * {@code series} stably sorted by {@link #SERIES_ORDER}, later repeats of a label set removed;
   * {@code series} itself when that changes nothing. Stored families are sorted at ingest and
   * groups arrive in key order, so one pass of neighbour comparisons usually settles it.
   */
  private static List<Metric> sortedDistinct(List<Metric> series) {
    boolean sorted = true;
    boolean equalNeighbours = false;
    for (int i = 1; i < series.size(); i++) {
      int c = SERIES_ORDER.compare(series.get(i - 1), series.get(i));
      if (c > 0) {
        sorted = false;
        break;
      }
      equalNeighbours |= c == 0;
    }
    if (sorted && !equalNeighbours) {
      return series;
    }
    List<Metric> ordered = series;
    if (!sorted) {
      ordered = new ArrayList<>(series);
      ordered.sort(SERIES_ORDER);
    }
    return withoutRepeats(ordered);
  }

  /** A repeated label set compares equal, so it sits in a run of equal neighbours. */
  private static List<Metric> withoutRepeats(List<Metric> sorted) {
    List<Metric> distinct = null;
    for (int i = 0; i < sorted.size(); ) {
      int end = i + 1;
      while (end < sorted.size() && SERIES_ORDER.compare(sorted.get(i), sorted.get(end)) == 0) {
        end++;
      }
      List<Metric> run = sorted.subList(i, end);
      List<Metric> kept = run.size() == 1 ? run : distinctLabelSets(run);
      if (distinct == null && kept.size() != run.size()) {
        distinct = new ArrayList<>(sorted.subList(0, i));
      }
      if (distinct != null) {
        distinct.addAll(kept);
      }
      i = end;
    }
    return distinct != null ? distinct : sorted;
  }

  private static List<Metric> distinctLabelSets(List<Metric> run) {
    Set<List<String>> seen = new HashSet<>();
    List<Metric> kept = new ArrayList<>(run.size());
    for (Metric metric : run) {
      if (seen.add(labelSet(metric))) {
        kept.add(metric);
      }
    }
    return kept;
  }

  /**
   * Names to leave out because they would clash once written with a family of another name ({@code
   * X} vs {@code X_count}, ...). Decided greedily in precedence order, so the family that came
   * first stays, as with HELP and TYPE.
   */
  private static Set<String> suffixCollisions(Map<String, Contributions> byName, Naming naming) {
    List<Map.Entry<String, Contributions>> byRank = new ArrayList<>(byName.entrySet());
    byRank.sort(Comparator.comparingInt(e -> e.getValue().rank));
    Map<String, MetricType> kept = new HashMap<>();
    Set<String> claimed = new HashSet<>(); // OpenMetrics family and sample names taken
    Set<String> dropped = new HashSet<>();
    for (Map.Entry<String, Contributions> e : byRank) {
      String name = e.getKey();
      MetricType type = e.getValue().type;
      List<String> claims =
          naming == Naming.OPENMETRICS ? openMetricsClaims(name, type) : List.of();
      if (collides(name, type, kept) || claims.stream().anyMatch(claimed::contains)) {
        dropped.add(name);
      } else {
        kept.put(name, type);
        claimed.addAll(claims);
      }
    }
    return dropped;
  }

  private static boolean collides(String name, MetricType type, Map<String, MetricType> kept) {
    for (String suffix : NameClash.suffixes(type)) {
      if (kept.containsKey(name + suffix)) {
        return true;
      }
    }
    String base = NameClash.base(name);
    MetricType baseType = base == null ? null : kept.get(base);
    return baseType != null && NameClash.claims(baseType, name);
  }

  /**
   * The OpenMetrics family name ({@code F:}) and sample names ({@code S:}) a family takes, as
   * OpenMetricsWriter writes it; {@code _created} counted whether or not a series carries it, so
   * the outcome does not change with the data.
   */
  private static List<String> openMetricsClaims(String name, MetricType type) {
    String total = "_total";
    return switch (type) {
      case COUNTER -> {
        if (!name.endsWith(total)) {
          yield List.of("F:" + name, "S:" + name); // written as unknown
        }
        String base = name.substring(0, name.length() - total.length());
        yield List.of("F:" + base, "S:" + name, "S:" + base + "_created");
      }
      case SUMMARY, HISTOGRAM -> {
        // the text format's suffixed samples, plus the quantiles' own name and _created
        List<String> claims = new ArrayList<>(List.of("F:" + name, "S:" + name + "_created"));
        if (type == MetricType.SUMMARY) {
          claims.add("S:" + name);
        }
        NameClash.suffixes(type).forEach(suffix -> claims.add("S:" + name + suffix));
        yield claims;
      }
      case GAUGE_HISTOGRAM -> // _gcount and _gsum instead of the text format's _count and _sum
          List.of(
              "F:" + name, "S:" + name + "_bucket", "S:" + name + "_gsum", "S:" + name + "_gcount");
      default -> List.of("F:" + name, "S:" + name);
    };
  }

  private static List<String> labelSet(Metric metric) {
    List<String> flat = new ArrayList<>(metric.getLabelCount() * 2);
    for (LabelPair pair : metric.getLabelList()) {
      flat.add(pair.getName());
      flat.add(pair.getValue());
    }
    return flat;
  }

  /**
   * Where one name's families are, in precedence order: each a contributor (0: the own metrics, g:
   * the group at g - 1) and its family there (negative: the group's timestamp gauges). {@code rank}
   * orders names by first appearance, {@code type} is the first family's.
   */
  private static final class Contributions {
    final int rank;
    final MetricType type;
    long[] at = new long[1];
    int count;
    long kept; // PageFilter.family's mask

    Contributions(int rank, MetricType type) {
      this.rank = rank;
      this.type = type;
    }

    void add(int contributor, int family) {
      if (count == at.length) {
        at = Arrays.copyOf(at, count * 2);
      }
      at[count++] = ((long) contributor << 32) | (family & 0xFFFFFFFFL);
    }
  }

  /** The lazily merged page of {@link #page}. */
  private static final class Page implements Iterable<MetricFamily> {
    private static final int FAILURE_TIME = -1; // GroupState.metaFamilies' order
    private static final int PUSH_TIME = -2;

    private final List<MetricFamily> own;
    private final List<GroupFamilies> groups;
    private final Map<String, Contributions> byName = new HashMap<>();
    private final String[] names;
    private final long[] groupKept; // PageFilter.group's mask, per group

    Page(List<MetricFamily> own, List<GroupFamilies> groups, Naming naming, PageFilter filter) {
      this.own = own;
      this.groups = groups;
      this.groupKept = new long[groups.size()];
      for (int k = 0; k < own.size(); k++) {
        MetricFamily family = own.get(k);
        if (family.getMetricCount() > 0) { // must not fix a header for series that never come
          add(family.getName(), family.getType(), 0, k);
        }
      }
      for (int g = 0; g < groups.size(); g++) {
        GroupFamilies group = groups.get(g);
        // the whole page needs no group's header: not parsed for nothing
        groupKept[g] = filter == PageFilter.ALL ? PageFilter.ANY : filter.group(group.header());
        for (int i = 0; i < group.familyCount(); i++) {
          if (group.hasSeries(i)) {
            add(group.name(i), group.type(i), g + 1, i);
          }
        }
        add(GroupState.PUSH_FAILURE_TIME, MetricType.GAUGE, g + 1, FAILURE_TIME);
        add(GroupState.PUSH_TIME, MetricType.GAUGE, g + 1, PUSH_TIME);
      }
      Set<String> dropped = suffixCollisions(byName, naming);
      List<String> written = new ArrayList<>(byName.size());
      for (Map.Entry<String, Contributions> e : byName.entrySet()) {
        Contributions contributions = e.getValue();
        if (!dropped.contains(e.getKey())) {
          contributions.kept = filter.family(e.getKey(), contributions.type);
          if (contributions.kept != 0) {
            written.add(e.getKey());
          }
        }
      }
      written.sort(Utf8Order.COMPARATOR);
      names = written.toArray(String[]::new);
    }

    private void add(String name, MetricType type, int contributor, int family) {
      Contributions contributions = byName.get(name);
      if (contributions == null) {
        contributions = new Contributions(byName.size(), type);
        byName.put(name, contributions);
      }
      contributions.add(contributor, family);
    }

    @Override
    public Iterator<MetricFamily> iterator() {
      return new Iterator<>() {
        private int next;

        @Override
        public boolean hasNext() {
          return next < names.length;
        }

        @Override
        public MetricFamily next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Contributions contributions = byName.get(names[next++]);
          MetricFamily first = family(contributions.at[0]);
          if (contributions.count == 1) {
            return merged(first, first.getMetricList());
          }
          // the first family fixes the header; of the others only the series are parsed
          List<Metric> series = new ArrayList<>(contributions.count);
          series.addAll(first.getMetricList());
          for (int c = 1; c < contributions.count; c++) {
            long at = contributions.at[c];
            if (mightKeep(at, contributions.kept) && type(at) == first.getType()) {
              addSeries(at, series);
            }
          }
          return merged(first, series);
        }
      };
    }

    private MetricType type(long at) {
      int contributor = (int) (at >>> 32);
      int family = (int) at;
      if (contributor == 0) {
        return own.get(family).getType();
      }
      return family >= 0 ? groups.get(contributor - 1).type(family) : MetricType.GAUGE;
    }

    private void addSeries(long at, List<Metric> into) {
      int contributor = (int) (at >>> 32);
      int family = (int) at;
      if (contributor > 0 && family >= 0) {
        groups.get(contributor - 1).addSeries(family, into);
      } else {
        into.addAll(family(at).getMetricList());
      }
    }

    private boolean mightKeep(long at, long familyKept) {
      int contributor = (int) (at >>> 32);
      return contributor == 0 || (groupKept[contributor - 1] & familyKept) != 0;
    }

    private MetricFamily family(long at) {
      int contributor = (int) (at >>> 32);
      int family = (int) at;
      if (contributor == 0) {
        return own.get(family);
      }
      GroupFamilies group = groups.get(contributor - 1);
      if (family >= 0) {
        return group.family(family);
      }
      return GroupState.metaFamilies(group.header()).get(family == FAILURE_TIME ? 0 : 1);
    }
  }
}
