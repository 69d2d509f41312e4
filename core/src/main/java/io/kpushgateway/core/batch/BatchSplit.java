package io.kpushgateway.core.batch;

import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushRejectedException;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Splits the body of a batch push ({@code /api/v1/batch?group_by=job,instance}) into groups: each
 * series names its group by its {@code group_by} labels, which leave the series and become the
 * group's {@link GroupingKey} (the sanitizer puts them back, as for a path push). What a group then
 * holds is validated per group by the caller, with the rules of a single push.
 */
public final class BatchSplit {

  /** One group of a batch: its key and its families, in body order, named as in the body. */
  public record Group(GroupingKey key, List<MetricFamily> families) {
    public Group {
      families = List.copyOf(families);
    }
  }

  private BatchSplit() {}

  /**
   * The grouping label names of a {@code group_by} parameter: comma-separated, each a valid label
   * name by {@code names}, none twice, {@code job} among them.
   *
   * @throws PushRejectedException (malformed) naming what is wrong
   */
  public static List<String> parseGroupBy(String param, NameValidationScheme names) {
    if (param == null || param.isEmpty()) {
      throw PushRejectedException.malformed(
          "group_by is required: the labels that name each series' group, job among them (e.g."
              + " group_by=job,instance)");
    }
    Set<String> labels = new LinkedHashSet<>();
    for (String name : param.split(",", -1)) {
      if (!names.isUserLabelName(name)) {
        throw PushRejectedException.malformed(
            "group_by names an invalid label name \"" + name + "\"");
      }
      if (!labels.add(name)) {
        throw PushRejectedException.malformed("group_by names label " + name + " twice");
      }
    }
    if (!labels.contains(GroupingKey.JOB)) {
      throw PushRejectedException.malformed(
          "group_by must include job (it has " + String.join(",", labels) + ")");
    }
    return List.copyOf(labels);
  }

  /**
   * The groups of {@code families}, in grouping key order. A family appears in each group that has
   * series of it, with those series in body order and without the grouping labels; several families
   * of one name stay several (the single push's rule, the last wins, then applies per group).
   *
   * @throws PushRejectedException (malformed) for a series that lacks a {@code groupBy} label or
   *     has an empty job, and for a family without series (no group to put it in)
   */
  public static List<Group> split(List<MetricFamily> families, List<String> groupBy) {
    Map<String, Integer> slot = new HashMap<>();
    for (int i = 0; i < groupBy.size(); i++) {
      slot.put(groupBy.get(i), i);
    }
    SortedMap<GroupingKey, List<MetricFamily>> groups = new TreeMap<>();
    Map<List<String>, GroupingKey> keys = new HashMap<>();
    for (MetricFamily family : families) {
      if (family.getMetricCount() == 0) {
        throw PushRejectedException.malformed(
            "family "
                + family.getName()
                + " has no series: in a batch a family belongs to the groups of its series");
      }
      Map<GroupingKey, MetricFamily.Builder> parts = new LinkedHashMap<>();
      for (Metric series : family.getMetricList()) {
        String[] values = new String[groupBy.size()];
        List<LabelPair> rest = new ArrayList<>(series.getLabelCount());
        for (LabelPair pair : series.getLabelList()) {
          Integer at = slot.get(pair.getName());
          if (at == null) {
            rest.add(pair);
          } else if (values[at] == null) {
            values[at] = pair.getValue();
          } else {
            throw PushRejectedException.malformed(
                "a series of family "
                    + family.getName()
                    + " has label "
                    + pair.getName()
                    + " twice");
          }
        }
        for (int i = 0; i < values.length; i++) {
          if (values[i] == null) {
            throw PushRejectedException.malformed(
                "a series of family "
                    + family.getName()
                    + " lacks the group_by label "
                    + groupBy.get(i)
                    + " (labels "
                    + labelsOf(series)
                    + ")");
          }
        }
        GroupingKey key = keys.computeIfAbsent(List.of(values), v -> keyOf(groupBy, v, family));
        parts
            .computeIfAbsent(key, k -> family.toBuilder().clearMetric())
            .addMetric(series.toBuilder().clearLabel().addAllLabel(rest));
      }
      parts.forEach(
          (key, part) -> groups.computeIfAbsent(key, k -> new ArrayList<>()).add(part.build()));
    }
    List<Group> result = new ArrayList<>(groups.size());
    groups.forEach((key, fams) -> result.add(new Group(key, fams)));
    return List.copyOf(result);
  }

  private static GroupingKey keyOf(List<String> groupBy, List<String> values, MetricFamily family) {
    SortedMap<String, String> labels = new TreeMap<>();
    for (int i = 0; i < groupBy.size(); i++) {
      labels.put(groupBy.get(i), values.get(i));
    }
    if (labels.get(GroupingKey.JOB).isEmpty()) {
      throw PushRejectedException.malformed(
          "a series of family " + family.getName() + " has an empty job label");
    }
    try {
      return GroupingKey.of(labels);
    } catch (IllegalArgumentException e) {
      throw PushRejectedException.malformed(
          "a series of family " + family.getName() + ": " + e.getMessage());
    }
  }

  private static String labelsOf(Metric series) {
    StringBuilder sb = new StringBuilder("{");
    for (LabelPair pair : series.getLabelList()) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(pair.getName()).append("=\"").append(pair.getValue()).append('"');
    }
    return sb.append('}').toString();
  }
}
