package io.kpushgateway.core.format;

import io.prometheus.client.Metrics.Bucket;
import io.prometheus.client.Metrics.Counter;
import io.prometheus.client.Metrics.Gauge;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import io.prometheus.client.Metrics.Quantile;
import io.prometheus.client.Metrics.Untyped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Short builders for expected families in the format tests. */
final class TestFamilies {

  private TestFamilies() {}

  static MetricFamily family(String name, MetricType type, Metric.Builder... metrics) {
    MetricFamily.Builder b = MetricFamily.newBuilder().setName(name).setType(type);
    for (Metric.Builder m : metrics) {
      b.addMetric(m);
    }
    return b.build();
  }

  static MetricFamily family(String name, String help, MetricType type, Metric.Builder... metrics) {
    return family(name, type, metrics).toBuilder().setHelp(help).build();
  }

  /** A metric with labels given as name, value, name, value, ... */
  static Metric.Builder labels(String... nameValues) {
    Metric.Builder m = Metric.newBuilder();
    for (int i = 0; i < nameValues.length; i += 2) {
      m.addLabel(LabelPair.newBuilder().setName(nameValues[i]).setValue(nameValues[i + 1]));
    }
    return m;
  }

  static Metric.Builder counter(double value, String... nameValues) {
    return labels(nameValues).setCounter(Counter.newBuilder().setValue(value));
  }

  static Metric.Builder gauge(double value, String... nameValues) {
    return labels(nameValues).setGauge(Gauge.newBuilder().setValue(value));
  }

  static Metric.Builder untyped(double value, String... nameValues) {
    return labels(nameValues).setUntyped(Untyped.newBuilder().setValue(value));
  }

  static Quantile quantile(double q, double value) {
    return Quantile.newBuilder().setQuantile(q).setValue(value).build();
  }

  static Bucket bucket(double le, long cumulativeCount) {
    return Bucket.newBuilder().setUpperBound(le).setCumulativeCount(cumulativeCount).build();
  }

  static String toText(List<MetricFamily> families) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      TextWriter.write(out, families);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
