package io.kpushgateway.core;

import io.kpushgateway.core.model.GroupShapes;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.PushValidator;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.GroupShape;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.prometheus.client.Metrics;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Protobuf fixtures for core tests. Labels are given as {@code "name", "value", ...} in the order
 * the series should carry them (not sorted for you: sanitation is under test).
 */
public final class TestFamilies {

  private TestFamilies() {}

  public static LabelPair label(String name, String value) {
    return LabelPair.newBuilder().setName(name).setValue(value).build();
  }

  public static Metric gauge(double value, String... labels) {
    return series(labels).setGauge(Metrics.Gauge.newBuilder().setValue(value)).build();
  }

  public static Metric counter(double value, String... labels) {
    return series(labels).setCounter(Metrics.Counter.newBuilder().setValue(value)).build();
  }

  public static Metric untyped(double value, String... labels) {
    return series(labels).setUntyped(Metrics.Untyped.newBuilder().setValue(value)).build();
  }

  /** A summary with one 0.5 quantile. */
  public static Metric summary(long count, double sum, String... labels) {
    return series(labels)
        .setSummary(
            Metrics.Summary.newBuilder()
                .setSampleCount(count)
                .setSampleSum(sum)
                .addQuantile(Metrics.Quantile.newBuilder().setQuantile(0.5).setValue(sum / count)))
        .build();
  }

  /** A classic histogram with one bucket at 1. */
  public static Metric histogram(long count, double sum, String... labels) {
    return series(labels)
        .setHistogram(
            Metrics.Histogram.newBuilder()
                .setSampleCount(count)
                .setSampleSum(sum)
                .addBucket(Metrics.Bucket.newBuilder().setUpperBound(1).setCumulativeCount(count)))
        .build();
  }

  public static Metric withTimestamp(Metric metric, long timestampMs) {
    return metric.toBuilder().setTimestampMs(timestampMs).build();
  }

  public static MetricFamily family(String name, MetricType type, Metric... metrics) {
    return family(name, "", type, metrics);
  }

  public static MetricFamily family(String name, String help, MetricType type, Metric... metrics) {
    return MetricFamily.newBuilder()
        .setName(name)
        .setHelp(help)
        .setType(type)
        .addAllMetric(List.of(metrics))
        .build();
  }

  /** {@code key("a", "x", "1")} is {@code {job="a",x="1"}}. */
  public static GroupingKey key(String job, String... labels) {
    Map<String, String> map = new LinkedHashMap<>();
    map.put(GroupingKey.JOB, job);
    for (int i = 0; i < labels.length; i += 2) {
      map.put(labels[i], labels[i + 1]);
    }
    return GroupingKey.of(map);
  }

  public static PushRecord put(GroupingKey key, long receivedAt, MetricFamily... families) {
    return push(Method.PUT, key, receivedAt, families);
  }

  public static PushRecord post(GroupingKey key, long receivedAt, MetricFamily... families) {
    return push(Method.POST, key, receivedAt, families);
  }

  public static PushRecord delete(GroupingKey key, long receivedAt) {
    return push(Method.DELETE, key, receivedAt);
  }

  public static PushRecord rejected(Method method, GroupingKey key, long receivedAt) {
    return push(method, key, receivedAt).toBuilder().setRejection("test rejection").build();
  }

  public static PushRecord push(
      Method method, GroupingKey key, long receivedAt, MetricFamily... families) {
    return PushRecord.newBuilder()
        .setMethod(method)
        .addAllGrouping(key.toLabelPairs())
        .addAllFamilies(List.of(families))
        .setReceivedAtUnixNanos(receivedAt)
        .setIngestNode("test")
        .build();
  }

  /** The shape of a group after a PUT of {@code families}, sanitized for it as ingest does. */
  public static GroupShape shape(GroupingKey key, long asOf, MetricFamily... families) {
    List<MetricFamily> sanitized = PushValidator.sanitizeAndValidate(List.of(families), key);
    return GroupShapes.afterPush(null, put(key, asOf, sanitized.toArray(MetricFamily[]::new)));
  }

  /** A group as the store would hold it, families unstamped (written at 0). */
  public static GroupRecord group(GroupingKey key, long pushTime, MetricFamily... families) {
    GroupRecord.Builder group =
        GroupRecord.newBuilder().addAllGrouping(key.toLabelPairs()).setPushTimeUnixNanos(pushTime);
    for (MetricFamily family : families) {
      group.addFamiliesBuilder().setFamily(family);
    }
    return group.build();
  }

  /**
   * A compact, line-per-series rendering for whole-output assertions, close to the text format but
   * not it (that is core.format's job): {@code # name TYPE help} then {@code name{a="1"} <payload>}
   * in the stored order.
   */
  public static String render(List<MetricFamily> families) {
    StringBuilder sb = new StringBuilder();
    for (MetricFamily family : families) {
      sb.append("# ").append(family.getName()).append(' ').append(family.getType());
      if (!family.getHelp().isEmpty()) {
        sb.append(' ').append(family.getHelp());
      }
      sb.append('\n');
      for (Metric metric : family.getMetricList()) {
        sb.append(family.getName()).append(labels(metric.getLabelList())).append(' ');
        sb.append(payload(metric)).append('\n');
      }
    }
    return sb.toString();
  }

  /** {@code {a="1",b="2"}}, or nothing for no labels. */
  public static String labels(List<LabelPair> pairs) {
    if (pairs.isEmpty()) {
      return "";
    }
    return pairs.stream()
        .map(p -> p.getName() + "=\"" + p.getValue() + "\"")
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String payload(Metric metric) {
    StringBuilder sb = new StringBuilder();
    if (metric.hasGauge()) {
      sb.append("gauge=").append(metric.getGauge().getValue()).append(' ');
    }
    if (metric.hasCounter()) {
      sb.append("counter=").append(metric.getCounter().getValue()).append(' ');
    }
    if (metric.hasUntyped()) {
      sb.append("untyped=").append(metric.getUntyped().getValue()).append(' ');
    }
    if (metric.hasSummary()) {
      sb.append("summary=").append(metric.getSummary().getSampleCount()).append('/');
      sb.append(metric.getSummary().getSampleSum()).append(' ');
    }
    if (metric.hasHistogram()) {
      sb.append("histogram=").append(metric.getHistogram().getSampleCount()).append('/');
      sb.append(metric.getHistogram().getSampleSum()).append(' ');
    }
    if (metric.hasTimestampMs()) {
      sb.append("@").append(metric.getTimestampMs()).append(' ');
    }
    return sb.toString().trim();
  }

  private static Metric.Builder series(String... labels) {
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name, value pairs");
    }
    Metric.Builder metric = Metric.newBuilder();
    for (int i = 0; i < labels.length; i += 2) {
      metric.addLabel(label(labels[i], labels[i + 1]));
    }
    return metric;
  }
}
