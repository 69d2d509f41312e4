package io.kpushgateway.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.StoredFamily;
import io.prometheus.client.Metrics.Bucket;
import io.prometheus.client.Metrics.Counter;
import io.prometheus.client.Metrics.Histogram;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import io.prometheus.client.Metrics.Quantile;
import io.prometheus.client.Metrics.Summary;
import io.prometheus.client.Metrics.Untyped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiV1JsonTest {

  // 2023-11-14T22:13:20.123Z
  private static final long T1 = 1_700_000_000_123_000_000L;
  private static final long T2 = 1_700_000_005_000_000_000L;

  @Test
  void statusHasSortedFlagsBuildInformationAndStartTime() throws IOException {
    StatusInfo status =
        new StatusInfo(
            Map.of("version", "1.0", "branch", "", "javaVersion", "17.0.9"),
            Map.of("web.listen-address", ":9091", "data.dir", "/d \"q\""),
            Instant.ofEpochSecond(1_700_000_000L, 500_000_000));
    String json = render(out -> ApiV1Json.writeStatus(out, status, null));
    assertThat(json)
        .isEqualTo(
            "{\"status\":\"success\",\"data\":{"
                + "\"flags\":{\"data.dir\":\"/d \\\"q\\\"\",\"web.listen-address\":\":9091\"},"
                + "\"build_information\":{\"branch\":\"\",\"javaVersion\":\"17.0.9\","
                + "\"version\":\"1.0\"},"
                + "\"start_time\":\"2023-11-14T22:13:20.5Z\"}}");
    Instant oldest = Instant.parse("2026-11-25T03:00:00.123Z");
    assertThat(
            render(
                out ->
                    ApiV1Json.writeStatus(
                        out,
                        status,
                        new HistoryHorizon.Found(java.util.Optional.of(oldest), oldest))))
        .endsWith(
            "\"start_time\":\"2023-11-14T22:13:20.5Z\","
                + "\"history\":{\"oldest_time\":\"2026-11-25T03:00:00.123Z\"}}}");
    assertThat(
            render(
                out ->
                    ApiV1Json.writeStatus(
                        out, status, new HistoryHorizon.Found(java.util.Optional.empty(), oldest))))
        .endsWith("\"history\":{\"oldest_time\":null}}}");
  }

  @Test
  void metricsRendersGroupsWithSortedKeysAndGoFloats() throws IOException {
    MetricFamily counter =
        MetricFamily.newBuilder()
            .setName("jc")
            .setHelp("a counter")
            .setType(MetricType.COUNTER)
            .addMetric(
                Metric.newBuilder()
                    .addAllLabel(labels("a", "b", "instance", "", "job", "j", "x", "1"))
                    .setCounter(Counter.newBuilder().setValue(3.5)))
            .build();
    MetricFamily untyped =
        MetricFamily.newBuilder()
            .setName("ju")
            .setType(MetricType.UNTYPED)
            .addMetric(
                Metric.newBuilder()
                    .addAllLabel(labels("a", "b", "instance", "", "job", "j"))
                    .setUntyped(Untyped.newBuilder().setValue(1e30)))
            .build();
    GroupRecord group =
        GroupRecord.newBuilder()
            .addAllGrouping(labels("a", "b", "job", "j"))
            .addFamilies(StoredFamily.newBuilder().setFamily(counter).setWrittenAtUnixNanos(T1))
            .addFamilies(StoredFamily.newBuilder().setFamily(untyped).setWrittenAtUnixNanos(T2))
            .setPushTimeUnixNanos(T2)
            .build();
    String json = render(out -> ApiV1Json.writeMetrics(out, List.of(group)));
    String meta = "\"labels\":{\"a\":\"b\",\"instance\":\"\",\"job\":\"j\"}";
    assertThat(json)
        .isEqualTo(
            "{\"status\":\"success\",\"data\":[{"
                + "\"jc\":{\"time_stamp\":\"2023-11-14T22:13:20.123Z\",\"type\":\"COUNTER\","
                + "\"help\":\"a counter\",\"metrics\":[{\"labels\":{\"a\":\"b\",\"instance\":\"\","
                + "\"job\":\"j\",\"x\":\"1\"},\"value\":\"3.5\"}]},"
                + "\"ju\":{\"time_stamp\":\"2023-11-14T22:13:25Z\",\"type\":\"UNTYPED\","
                + "\"metrics\":[{"
                + meta
                + ",\"value\":\"1e+30\"}]},"
                + "\"labels\":{\"a\":\"b\",\"job\":\"j\"},"
                + "\"last_push_successful\":true,"
                + "\"push_failure_time_seconds\":{\"time_stamp\":\"2023-11-14T22:13:25Z\","
                + "\"type\":\"GAUGE\",\"help\":\"Last Unix time when changing this group in the"
                + " Pushgateway failed.\",\"metrics\":[{"
                + meta
                + ",\"value\":\"0\"}]},"
                + "\"push_time_seconds\":{\"time_stamp\":\"2023-11-14T22:13:25Z\","
                + "\"type\":\"GAUGE\",\"help\":\"Last Unix time when changing this group in the"
                + " Pushgateway succeeded.\",\"metrics\":[{"
                + meta
                + ",\"value\":\"1.700000005e+09\"}]}"
                + "}]}");
  }

  @Test
  void summariesAndHistogramsUseStringMapsAndCounts() throws IOException {
    MetricFamily summary =
        MetricFamily.newBuilder()
            .setName("s")
            .setType(MetricType.SUMMARY)
            .addMetric(
                Metric.newBuilder()
                    .addAllLabel(labels("job", "j"))
                    .setSummary(
                        Summary.newBuilder()
                            .setSampleCount(7)
                            .setSampleSum(0.1 + 0.2)
                            .addQuantile(Quantile.newBuilder().setQuantile(0.99).setValue(3))
                            .addQuantile(Quantile.newBuilder().setQuantile(0.5).setValue(1.5e-7))))
            .build();
    MetricFamily histogram =
        MetricFamily.newBuilder()
            .setName("h")
            .setType(MetricType.HISTOGRAM)
            .addMetric(
                Metric.newBuilder()
                    .addAllLabel(labels("job", "j"))
                    .setHistogram(
                        Histogram.newBuilder()
                            .setSampleCount(-1L) // uint64 max
                            .setSampleSum(12)
                            .addBucket(Bucket.newBuilder().setUpperBound(5).setCumulativeCount(2))
                            .addBucket(Bucket.newBuilder().setUpperBound(10).setCumulativeCount(3))
                            .addBucket(
                                Bucket.newBuilder()
                                    .setUpperBound(Double.POSITIVE_INFINITY)
                                    .setCumulativeCount(4))))
            .build();
    GroupRecord group =
        GroupRecord.newBuilder()
            .addAllGrouping(labels("job", "j"))
            .addFamilies(StoredFamily.newBuilder().setFamily(histogram).setWrittenAtUnixNanos(T1))
            .addFamilies(StoredFamily.newBuilder().setFamily(summary).setWrittenAtUnixNanos(T1))
            .setPushTimeUnixNanos(T1)
            .setPushFailureTimeUnixNanos(T2)
            .build();
    String json = render(out -> ApiV1Json.writeMetrics(out, List.of(group)));
    assertThat(json)
        .contains(
            "\"h\":{\"time_stamp\":\"2023-11-14T22:13:20.123Z\",\"type\":\"HISTOGRAM\","
                + "\"metrics\":[{\"labels\":{\"job\":\"j\"},"
                + "\"buckets\":{\"+Inf\":\"4\",\"10\":\"3\",\"5\":\"2\"},"
                + "\"count\":\"18446744073709551615\",\"sum\":\"12\"}]}")
        .contains(
            "\"s\":{\"time_stamp\":\"2023-11-14T22:13:20.123Z\",\"type\":\"SUMMARY\","
                + "\"metrics\":[{\"labels\":{\"job\":\"j\"},"
                + "\"quantiles\":{\"0.5\":\"1.5e-07\",\"0.99\":\"3\"},"
                + "\"count\":\"7\",\"sum\":\"0.30000000000000004\"}]}")
        .contains("\"last_push_successful\":false")
        .contains("\"push_failure_time_seconds\":{\"time_stamp\":\"2023-11-14T22:13:25Z\"")
        .contains("\"push_time_seconds\":{\"time_stamp\":\"2023-11-14T22:13:20.123Z\"");
  }

  @Test
  void aFamilyNamedLabelsReplacesTheMetaKeyAsUpstream() throws IOException {
    MetricFamily named =
        MetricFamily.newBuilder()
            .setName("labels")
            .setType(MetricType.GAUGE)
            .addMetric(Metric.newBuilder().addAllLabel(labels("job", "j")))
            .build();
    GroupRecord group =
        GroupRecord.newBuilder()
            .addAllGrouping(labels("job", "j"))
            .addFamilies(StoredFamily.newBuilder().setFamily(named).setWrittenAtUnixNanos(T1))
            .setPushTimeUnixNanos(T1)
            .build();
    String json = render(out -> ApiV1Json.writeMetrics(out, List.of(group)));
    assertThat(json)
        .contains("\"labels\":{\"time_stamp\":\"2023-11-14T22:13:20.123Z\",\"type\":\"GAUGE\"")
        .doesNotContain("\"labels\":{\"job\":\"j\"},\"last_push_successful\"");
  }

  @Test
  void emptyStoreIsAnEmptyArray() throws IOException {
    assertThat(render(out -> ApiV1Json.writeMetrics(out, List.of())))
        .isEqualTo("{\"status\":\"success\",\"data\":[]}");
  }

  @Test
  void rfc3339DropsTrailingZerosLikeGo() {
    assertThat(ApiV1Json.rfc3339(Instant.ofEpochSecond(0))).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(ApiV1Json.rfc3339(ApiV1Json.nanosToInstant(1_000_000_001L)))
        .isEqualTo("1970-01-01T00:00:01.000000001Z");
    assertThat(ApiV1Json.rfc3339(ApiV1Json.nanosToInstant(T1 + 450_000)))
        .isEqualTo("2023-11-14T22:13:20.12345Z");
  }

  private interface Writer {
    void write(ByteArrayOutputStream out) throws IOException;
  }

  private static String render(Writer w) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    w.write(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static List<LabelPair> labels(String... nameValues) {
    List<LabelPair> pairs = new java.util.ArrayList<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      pairs.add(LabelPair.newBuilder().setName(nameValues[i]).setValue(nameValues[i + 1]).build());
    }
    return pairs;
  }
}
