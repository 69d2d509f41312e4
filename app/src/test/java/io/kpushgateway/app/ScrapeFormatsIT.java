package io.kpushgateway.app;

import static io.kpushgateway.app.TestGateway.PROMETHEUS_2_ACCEPT;
import static io.kpushgateway.app.TestGateway.PROTOBUF_ACCEPT;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.kpushgateway.core.format.DelimitedProtobuf;
import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import io.prometheus.client.Metrics.Counter;
import io.prometheus.client.Metrics.Exemplar;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} in every format, negotiated by Accept, identity or gzip, on a real gateway.
 */
class ScrapeFormatsIT {

  private static final Duration READY = Duration.ofSeconds(60);
  private static final Duration VISIBLE = Duration.ofSeconds(10);
  private static final String TEXT =
      "text/plain; version=0.0.4; charset=utf-8; escaping=underscores";
  private static final String OM_1_0_0 =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";
  private static final String OM_0_0_1 =
      "application/openmetrics-text; version=0.0.1; charset=utf-8";

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void withTheFlagOpenMetricsIsNegotiatedAndEveryFormatCanBeGzipped(@TempDir Path data)
      throws IOException {
    try (Gateway gw = startReady(data, "om", "--web.enable-openmetrics")) {
      pushSamples(gw);

      Scrape om = scrape(gw, PROMETHEUS_2_ACCEPT, false);
      assertThat(om.contentType()).isEqualTo(OM_1_0_0);
      assertThat(om.encoding()).isNull();
      assertThat(om.text())
          .contains(
              "# TYPE fmt_requests counter\n"
                  + "fmt_requests_total{instance=\"\",job=\"fmt\"} 3.0 # {trace_id=\"abc\"} 1.5"
                  + " 1.7e+09\n",
              "# TYPE fmt_legacy unknown\nfmt_legacy{instance=\"\",job=\"fmt\"} 2.0\n",
              "# TYPE fmt_temp gauge\nfmt_temp{instance=\"\",job=\"fmt\"} 21.5\n",
              "# TYPE pushgateway_build_info gauge\n")
          .endsWith("# EOF\n");
      // the counter claims the OpenMetrics family fmt_clash: the later gauge of that name goes
      assertThat(om.text())
          .contains("fmt_clash_total{instance=\"\",job=\"fmt\"} 1.0")
          .doesNotContain("# TYPE fmt_clash gauge");

      assertThat(scrape(gw, "application/openmetrics-text; version=0.0.1", false).contentType())
          .isEqualTo(OM_0_0_1);

      Scrape text = scrape(gw, null, false);
      assertThat(text.contentType()).isEqualTo(TEXT);
      assertThat(text.text())
          .contains(
              "fmt_requests_total{instance=\"\",job=\"fmt\"} 3\n",
              "# TYPE fmt_clash gauge\nfmt_clash{instance=\"\",job=\"fmtb\"} 7\n")
          .doesNotContain("# EOF");

      Scrape protobuf = scrape(gw, PROTOBUF_ACCEPT, false);
      assertThat(protobuf.contentType())
          .isEqualTo(
              "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;"
                  + " encoding=delimited; escaping=underscores");
      assertThat(names(protobuf.body())).contains("fmt_requests_total", "fmt_clash");

      for (String accept : new String[] {null, PROMETHEUS_2_ACCEPT, PROTOBUF_ACCEPT}) {
        Scrape gzipped = scrape(gw, accept, true);
        assertThat(gzipped.encoding()).as("Content-Encoding for %s", accept).isEqualTo("gzip");
        byte[] plain = new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes();
        if (PROTOBUF_ACCEPT.equals(accept)) {
          assertThat(names(plain)).contains("fmt_requests_total");
        } else {
          assertThat(new String(plain, StandardCharsets.UTF_8))
              .contains("fmt_temp{instance=\"\",job=\"fmt\"} 21.5");
        }
      }
    }
  }

  @Test
  void withoutTheFlagOpenMetricsScrapersGetTextAsFromUpstream(@TempDir Path data) {
    try (Gateway gw = startReady(data, "text")) {
      Scrape page = scrape(gw, PROMETHEUS_2_ACCEPT, false);
      assertThat(page.contentType()).isEqualTo(TEXT);
      assertThat(page.text())
          .contains("# TYPE pushgateway_build_info gauge\n")
          .doesNotContain("# EOF");
      assertThat(scrape(gw, "application/openmetrics-text", false).contentType()).isEqualTo(TEXT);
    }
  }

  /** One gauge, two counters (one with an exemplar, pushed as protobuf) and a name clash. */
  private void pushSamples(Gateway gw) {
    String body =
        "# TYPE fmt_temp gauge\nfmt_temp 21.5\n"
            + "# TYPE fmt_legacy counter\nfmt_legacy 2\n"
            + "# TYPE fmt_clash_total counter\nfmt_clash_total 1\n";
    assertThat(send(gw, "PUT", "/metrics/job/fmt", "text/plain", body.getBytes()).statusCode())
        .isEqualTo(200);
    MetricFamily requests =
        MetricFamily.newBuilder()
            .setName("fmt_requests_total")
            .setType(MetricType.COUNTER)
            .addMetric(
                Metric.newBuilder()
                    .setCounter(
                        Counter.newBuilder()
                            .setValue(3)
                            .setExemplar(
                                Exemplar.newBuilder()
                                    .addLabel(
                                        LabelPair.newBuilder().setName("trace_id").setValue("abc"))
                                    .setValue(1.5)
                                    .setTimestamp(
                                        Timestamp.newBuilder().setSeconds(1_700_000_000)))))
            .build();
    ByteArrayOutputStream pb = new ByteArrayOutputStream();
    try {
      DelimitedProtobuf.write(pb, List.of(requests));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(
            send(gw, "POST", "/metrics/job/fmt", DelimitedProtobuf.CONTENT_TYPE, pb.toByteArray())
                .statusCode())
        .isEqualTo(200);
    assertThat(
            send(
                    gw,
                    "PUT",
                    "/metrics/job/fmtb",
                    "text/plain",
                    "# TYPE fmt_clash gauge\nfmt_clash 7\n".getBytes())
                .statusCode())
        .isEqualTo(200);
    Await.until(
        VISIBLE,
        "the pushes on /metrics",
        () -> {
          String page = scrape(gw, null, false).text();
          return page.contains("fmt_requests_total{") && page.contains("fmt_clash{");
        });
  }

  private static List<String> names(byte[] delimited) {
    try {
      return DelimitedProtobuf.read(new ByteArrayInputStream(delimited)).stream()
          .map(MetricFamily::getName)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Gateway startReady(Path data, String name, String... extra) {
    String[] all = TestGateway.flags(KAFKA, name, data, extra);
    Gateway gw = Gateway.start(GatewayConfig.parse(all));
    Await.until(
        READY, "gateway ready", () -> send(gw, "GET", "/-/ready", null, null).statusCode() == 200);
    return gw;
  }

  record Scrape(String contentType, String encoding, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private Scrape scrape(Gateway gw, String accept, boolean gzip) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + "/metrics"))
            .timeout(Duration.ofSeconds(30));
    if (accept != null) {
      request.header("Accept", accept);
    }
    if (gzip) {
      request.header("Accept-Encoding", "gzip");
    }
    HttpResponse<byte[]> r = call(request.build());
    assertThat(r.statusCode()).isEqualTo(200);
    return new Scrape(
        r.headers().firstValue("Content-Type").orElse(null),
        r.headers().firstValue("Content-Encoding").orElse(null),
        r.body());
  }

  private HttpResponse<byte[]> send(
      Gateway gw, String method, String path, String contentType, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body))
            .timeout(Duration.ofSeconds(30));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return call(request.build());
  }

  private HttpResponse<byte[]> call(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
