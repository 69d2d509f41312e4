package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.airlift.compress.snappy.SnappyFramedOutputStream;
import io.kpushgateway.core.format.DelimitedProtobuf;
import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import io.prometheus.client.Metrics.Bucket;
import io.prometheus.client.Metrics.BucketSpan;
import io.prometheus.client.Metrics.Counter;
import io.prometheus.client.Metrics.Exemplar;
import io.prometheus.client.Metrics.Histogram;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Push formats end to end on a real gateway: protobuf bodies with native histograms and exemplars
 * come back unchanged, compressed bodies, and UTF-8 names with {@code --push.enable-utf8-names}.
 */
class FormatsIT {

  private static final Duration READY = Duration.ofSeconds(60);
  private static final Duration VISIBLE = Duration.ofSeconds(10);
  private static final String PROTOBUF = DelimitedProtobuf.CONTENT_TYPE;

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Path data;
  private static Gateway legacy;
  private static Gateway utf8;

  @BeforeAll
  static void start() throws IOException {
    data = Files.createTempDirectory("kpushgateway-formats-");
    legacy = startReady(flags("legacy"));
    utf8 = startReady(flags("utf8", "--push.enable-utf8-names"));
  }

  @AfterAll
  static void stop() throws IOException {
    for (Gateway gw : new Gateway[] {legacy, utf8}) {
      if (gw != null) {
        gw.close();
      }
    }
    if (data != null) {
      try (var paths = Files.walk(data)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void nativeHistogramsAndExemplarsComeBackAsPushed() throws IOException {
    Timestamp t = Timestamp.newBuilder().setSeconds(1_795_000_000L).setNanos(123_000_000).build();
    Exemplar traced = exemplar("trace_id", "4bf92f3577b34da6", 0.42, t);
    Metric nativeOnly =
        Metric.newBuilder()
            .addLabel(label("path", "/a"))
            .setHistogram(
                Histogram.newBuilder()
                    .setSampleCount(12)
                    .setSampleSum(34.5)
                    .setSchema(3)
                    .setZeroThreshold(1e-128)
                    .setZeroCount(2)
                    .addPositiveSpan(BucketSpan.newBuilder().setOffset(0).setLength(2))
                    .addPositiveSpan(BucketSpan.newBuilder().setOffset(3).setLength(1))
                    .addPositiveDelta(1)
                    .addPositiveDelta(2)
                    .addPositiveDelta(-1)
                    .addNegativeSpan(BucketSpan.newBuilder().setOffset(-1).setLength(1))
                    .addNegativeDelta(3)
                    .addExemplars(traced)
                    .setCreatedTimestamp(t))
            .build();
    Metric classic =
        Metric.newBuilder()
            .setHistogram(
                Histogram.newBuilder()
                    .setSampleCount(4)
                    .setSampleSum(2.5)
                    .addBucket(bucket(0.5, 1, exemplar("trace_id", "a1", 0.3, t)))
                    .addBucket(bucket(1, 3, exemplar("trace_id", "b2", 0.9, t)))
                    .addBucket(bucket(Double.POSITIVE_INFINITY, 4, null)))
            .build();
    Metric counter =
        Metric.newBuilder()
            .addLabel(label("code", "200"))
            .setCounter(
                Counter.newBuilder()
                    .setValue(17)
                    .setExemplar(exemplar("trace_id", "c3", 1, t))
                    .setCreatedTimestamp(t))
            .build();
    List<MetricFamily> pushed =
        List.of(
            family("pb_native_seconds", MetricType.HISTOGRAM, nativeOnly),
            family("pb_classic_seconds", MetricType.HISTOGRAM, classic),
            family("pb_requests_total", MetricType.COUNTER, counter));

    HttpResponse<String> put =
        send(legacy, "PUT", "/metrics/job/pb/instance/i1", PROTOBUF, null, protobuf(pushed));
    assertThat(put.statusCode()).isEqualTo(200);

    Await.until(
        VISIBLE,
        "the pushed families on /metrics",
        () -> scrapeText(legacy).contains("pb_requests_total{"));
    Map<String, MetricFamily> scraped = scrapeProtobuf(legacy);
    for (MetricFamily family : pushed) {
      MetricFamily back = scraped.get(family.getName());
      assertThat(back).as(family.getName()).isNotNull();
      assertThat(back.getType()).isEqualTo(family.getType());
      // the only change is upstream's sanitation: grouping labels added, pairs sorted
      assertThat(back.getMetricList())
          .containsExactly(withGroupingLabels(family.getMetric(0), "i1", "pb"));
    }

    // a text scraper sees a native-only histogram as one +Inf bucket plus _sum and _count
    List<String> nativeLines =
        scrapeText(legacy).lines().filter(l -> l.startsWith("pb_native_seconds")).toList();
    assertThat(nativeLines)
        .containsExactly(
            "pb_native_seconds_bucket{instance=\"i1\",job=\"pb\",path=\"/a\",le=\"+Inf\"} 12",
            "pb_native_seconds_sum{instance=\"i1\",job=\"pb\",path=\"/a\"} 34.5",
            "pb_native_seconds_count{instance=\"i1\",job=\"pb\",path=\"/a\"} 12");
  }

  @Test
  void compressedBodiesThroughTheGateway() throws IOException {
    byte[] text = "# TYPE zipped gauge\nzipped 1\n".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(gz)) {
      out.write(text);
    }
    ByteArrayOutputStream sn = new ByteArrayOutputStream();
    try (OutputStream out = new SnappyFramedOutputStream(sn)) {
      out.write(text);
    }
    assertThat(send(legacy, "PUT", "/metrics/job/gz", null, "GZIP", gz.toByteArray()).statusCode())
        .isEqualTo(200);
    assertThat(
            send(legacy, "PUT", "/metrics/job/sn", null, "snappy", sn.toByteArray()).statusCode())
        .isEqualTo(200);
    HttpResponse<String> corrupt = send(legacy, "PUT", "/metrics/job/bad", null, "snappy", text);
    assertThat(corrupt.statusCode()).isEqualTo(400);
    assertThat(corrupt.body()).startsWith("snappy: corrupt input");
    Await.until(
        VISIBLE,
        "both compressed pushes on /metrics",
        () -> {
          String page = scrapeText(legacy);
          return page.contains("zipped{instance=\"\",job=\"gz\"} 1")
              && page.contains("zipped{instance=\"\",job=\"sn\"} 1");
        });
  }

  @Test
  void utf8NamesAreEscapedForScrapersThatDoNotAskForThem() {
    String body =
        "# HELP \"foo.bar\" Help text.\n# TYPE \"foo.bar\" counter\n"
            + "{\"foo.bar\",\"a.b\"=\"x\",c=\"y\"} 1\n{\"foo.bar\",\"a.b\"=\"z\",c=\"y\"} 2\n"
            + "plain{\"l.x\"=\"v\"} 3\n";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    assertThat(send(utf8, "PUT", "/metrics/job/u/U__g_2e_k/w", null, null, bytes).statusCode())
        .isEqualTo(200);
    // the same push without the flag: quoted UTF-8 names are a parse error
    HttpResponse<String> refused = send(legacy, "PUT", "/metrics/job/u", null, null, bytes);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("invalid metric name \"foo.bar\"");

    Await.until(VISIBLE, "the UTF-8 group", () -> scrapeText(utf8).contains("foo_bar{"));
    // what upstream 1.11 serves for this push, per escaping scheme
    HttpResponse<String> plain = send(utf8, "GET", "/metrics", null, null, null);
    assertThat(plain.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8; escaping=underscores");
    assertThat(plain.body())
        .contains(
            """
            # HELP foo_bar Help text.
            # TYPE foo_bar counter
            foo_bar{a_b="x",c="y",g_k="w",instance="",job="u"} 1
            foo_bar{a_b="z",c="y",g_k="w",instance="",job="u"} 2
            """,
            """
            # TYPE plain untyped
            plain{g_k="w",instance="",job="u",l_x="v"} 3
            """);
    HttpResponse<String> quoted =
        get(utf8, "/metrics", "text/plain;version=0.0.4;escaping=allow-utf-8");
    assertThat(quoted.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8; escaping=allow-utf-8");
    assertThat(quoted.body())
        .contains(
            """
            # HELP "foo.bar" Help text.
            # TYPE "foo.bar" counter
            {"foo.bar","a.b"="x",c="y","g.k"="w",instance="",job="u"} 1
            {"foo.bar","a.b"="z",c="y","g.k"="w",instance="",job="u"} 2
            """,
            """
            # TYPE plain untyped
            plain{"g.k"="w",instance="",job="u","l.x"="v"} 3
            """)
        .contains("push_time_seconds{\"g.k\"=\"w\",instance=\"\",job=\"u\"} ");
    assertThat(get(utf8, "/metrics", "text/plain;escaping=values").body())
        .contains(
            "U__foo_2e_bar{U__a_2e_b=\"x\",c=\"y\",U__g_2e_k=\"w\",instance=\"\",job=\"u\"} 1");

    assertThat(get(utf8, "/api/v1/status", null).body())
        .contains("\"push.enable-utf8-names\":\"true\"");
    assertThat(get(legacy, "/api/v1/status", null).body())
        .contains("\"push.enable-utf8-names\":\"false\"");
    // the escaped path name deletes the group
    assertThat(send(utf8, "DELETE", "/metrics/job/u/U__g_2e_k/w", null, null, null).statusCode())
        .isEqualTo(202);
    Await.until(VISIBLE, "the group deleted", () -> !scrapeText(utf8).contains("foo_bar{"));
  }

  // ---- fixtures -------------------------------------------------------------------------------

  private static Metric withGroupingLabels(Metric pushed, String instance, String job) {
    List<LabelPair> labels = new ArrayList<>(pushed.getLabelList());
    labels.add(label("instance", instance));
    labels.add(label("job", job));
    labels.sort(Comparator.comparing(LabelPair::getName));
    return pushed.toBuilder().clearLabel().addAllLabel(labels).build();
  }

  private static MetricFamily family(String name, MetricType type, Metric metric) {
    return MetricFamily.newBuilder()
        .setName(name)
        .setHelp("h")
        .setType(type)
        .addMetric(metric)
        .build();
  }

  private static LabelPair label(String name, String value) {
    return LabelPair.newBuilder().setName(name).setValue(value).build();
  }

  private static Exemplar exemplar(String name, String value, double v, Timestamp t) {
    return Exemplar.newBuilder().addLabel(label(name, value)).setValue(v).setTimestamp(t).build();
  }

  private static Bucket bucket(double le, long count, Exemplar exemplar) {
    Bucket.Builder b = Bucket.newBuilder().setUpperBound(le).setCumulativeCount(count);
    if (exemplar != null) {
      b.setExemplar(exemplar);
    }
    return b.build();
  }

  private static byte[] protobuf(List<MetricFamily> families) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DelimitedProtobuf.write(out, families);
    return out.toByteArray();
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  private static String[] flags(String name, String... more) {
    String unique = KAFKA.uniqueName(name);
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--web.listen-address=127.0.0.1:0",
                "--data.dir=" + data.resolve(name),
                "--kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
                "--kafka.topic-prefix=" + unique,
                "--kafka.application-id=" + unique));
    flags.addAll(List.of(more));
    return flags.toArray(String[]::new);
  }

  private static Gateway startReady(String... flags) {
    Gateway gw = Gateway.start(GatewayConfig.parse(flags));
    Await.until(READY, "gateway ready", () -> get(gw, "/-/ready", null).statusCode() == 200);
    return gw;
  }

  private static String scrapeText(Gateway gw) {
    HttpResponse<String> r = get(gw, "/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static Map<String, MetricFamily> scrapeProtobuf(Gateway gw) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + "/metrics"))
            .header("Accept", PROTOBUF)
            .timeout(Duration.ofSeconds(30))
            .build();
    HttpResponse<byte[]> r = call(request, HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith(PROTOBUF));
    return DelimitedProtobuf.read(new ByteArrayInputStream(r.body())).stream()
        .collect(Collectors.toMap(MetricFamily::getName, f -> f));
  }

  private static HttpResponse<String> get(Gateway gw, String path, String accept) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + path))
            .timeout(Duration.ofSeconds(30));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return call(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> send(
      Gateway gw, String method, String path, String contentType, String encoding, byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body))
            .timeout(Duration.ofSeconds(30));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return call(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static <T> HttpResponse<T> call(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return HTTP.send(request, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
