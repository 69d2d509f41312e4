package io.kpushgateway.kafka;

import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.prometheus.client.Metrics.Counter;
import io.prometheus.client.Metrics.Gauge;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Push records for the adapter's tests; keys are stand-ins for canonical grouping key bytes. */
final class TestPushes {

  /** 2026-01-02T03:04:05.123456789Z */
  static final long RECEIVED_AT_NANOS = 1_767_323_045_123_456_789L;

  private TestPushes() {}

  /** Canonical-looking key bytes: names sorted, 0xFF between names and values. */
  static byte[] key(String job, String... labelPairs) {
    Map<String, String> labels = new TreeMap<>();
    labels.put("job", job);
    for (int i = 0; i < labelPairs.length; i += 2) {
      labels.put(labelPairs[i], labelPairs[i + 1]);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    labels.forEach(
        (name, value) -> {
          out.writeBytes(name.getBytes(StandardCharsets.UTF_8));
          out.write(0xFF);
          out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
          out.write(0xFF);
        });
    return out.toByteArray();
  }

  static PushRecord push(String job, int families) {
    PushRecord.Builder push =
        PushRecord.newBuilder()
            .setMethod(Method.PUT)
            .addGrouping(label("job", job))
            .setReceivedAtUnixNanos(RECEIVED_AT_NANOS)
            .setIngestNode("test-node");
    for (int f = 0; f < families; f++) {
      MetricFamily.Builder family =
          MetricFamily.newBuilder()
              .setName("batch_job_records_processed_" + f)
              .setHelp("Records processed by the batch job, by stage.")
              .setType(f % 2 == 0 ? MetricType.COUNTER : MetricType.GAUGE);
      for (int m = 0; m < 5; m++) {
        Metric.Builder metric =
            Metric.newBuilder()
                .addLabel(label("instance", ""))
                .addLabel(label("job", job))
                .addLabel(label("stage", "stage-" + m));
        if (f % 2 == 0) {
          metric.setCounter(Counter.newBuilder().setValue(1000.0 * f + m));
        } else {
          metric.setGauge(Gauge.newBuilder().setValue(0.5 * m));
        }
        family.addMetric(metric);
      }
      push.addFamilies(family);
    }
    return push.build();
  }

  static LabelPair label(String name, String value) {
    return LabelPair.newBuilder().setName(name).setValue(value).build();
  }
}
