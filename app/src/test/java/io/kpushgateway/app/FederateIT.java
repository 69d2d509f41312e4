package io.kpushgateway.app;

import static io.kpushgateway.app.TestGateway.PROMETHEUS_2_ACCEPT;
import static io.kpushgateway.app.TestGateway.PROTOBUF_ACCEPT;
import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.core.format.DelimitedProtobuf;
import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /federate?match[]=...} on a real gateway, in every scrape format. */
class FederateIT {

  private static final Duration VISIBLE = Duration.ofSeconds(10);
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesTheMatchingSeriesInEveryFormat(@TempDir Path data) throws IOException {
    try (TestGateway gw = start(data, "--web.enable-openmetrics", "--push.enable-utf8-names")) {
      pushGroups(gw, true);

      // text: the union of two selectors; a histogram is kept whole for its _count
      Answer text = get(gw, null, false, "fed_temp", "fed_lat_count{job=\"fed_a\"}");
      assertThat(text.status()).isEqualTo(200);
      assertThat(text.contentType())
          .isEqualTo("text/plain; version=0.0.4; charset=utf-8; escaping=underscores");
      assertThat(text.text())
          .isEqualTo(
              """
              # TYPE fed_lat histogram
              fed_lat_bucket{instance="",job="fed_a",le="0.5"} 1
              fed_lat_bucket{instance="",job="fed_a",le="+Inf"} 2
              fed_lat_sum{instance="",job="fed_a"} 1.2
              fed_lat_count{instance="",job="fed_a"} 2
              # TYPE fed_temp gauge
              fed_temp{instance="",job="fed_a",room="x"} 21.5
              fed_temp{instance="",job="fed_b",room="y"} 19
              """);

      // protobuf, parsed back: everything of one group, its timestamps included
      Answer protobuf = get(gw, PROTOBUF_ACCEPT, false, "{job=\"fed_b\"}");
      assertThat(protobuf.contentType()).startsWith("application/vnd.google.protobuf;");
      List<MetricFamily> families =
          DelimitedProtobuf.read(new ByteArrayInputStream(protobuf.body()));
      assertThat(families)
          .extracting(MetricFamily::getName)
          .containsExactly("fed_temp", "push_failure_time_seconds", "push_time_seconds");
      assertThat(families)
          .allSatisfy(
              f ->
                  assertThat(f.getMetricList())
                      .singleElement()
                      .satisfies(
                          m -> assertThat(m.getLabelList()).contains(label("job", "fed_b"))));

      // OpenMetrics, as Prometheus asks for it when the gateway offers it
      Answer om = get(gw, PROMETHEUS_2_ACCEPT, false, "fed_req_total");
      assertThat(om.contentType())
          .isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
      assertThat(om.text())
          .isEqualTo(
              "# TYPE fed_req counter\nfed_req_total{instance=\"\",job=\"fed_a\"} 3.0\n# EOF\n");

      // names match as stored; the scraper's escaping only changes how they are written
      assertThat(get(gw, null, false, "{\"fed.dotted\"}").text())
          .isEqualTo("# TYPE fed_dotted untyped\nfed_dotted{instance=\"\",job=\"fed_a\"} 7\n");
      assertThat(
              get(gw, "text/plain;version=0.0.4;escaping=allow-utf-8", false, "{\"fed.dotted\"}")
                  .text())
          .isEqualTo(
              "# TYPE \"fed.dotted\" untyped\n{\"fed.dotted\",instance=\"\",job=\"fed_a\"} 7\n");

      // gzip, in each format, when the scraper accepts it
      for (String accept : new String[] {null, PROTOBUF_ACCEPT, PROMETHEUS_2_ACCEPT}) {
        Answer gzipped = get(gw, accept, true, "{__name__=~\".+\"}");
        assertThat(gzipped.encoding()).as("Content-Encoding for %s", accept).isEqualTo("gzip");
        byte[] plain = new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes();
        if (PROTOBUF_ACCEPT.equals(accept)) {
          assertThat(DelimitedProtobuf.read(new ByteArrayInputStream(plain)))
              .extracting(MetricFamily::getName)
              .contains("fed_temp", "fed_unrelated", "pushgateway_build_info");
        } else {
          assertThat(new String(plain, StandardCharsets.UTF_8))
              .contains("fed_temp{instance=\"\",job=\"fed_b\",room=\"y\"} 19")
              .contains("fed_unrelated{instance=\"\",job=\"fed_c\"} 1");
        }
      }

      // no match[] at all is an empty page, as from Prometheus
      Answer none = get(gw, null, false);
      assertThat(none.status()).isEqualTo(200);
      assertThat(none.body()).isEmpty();
    }
  }

  @Test
  void aBadSelectorIs400AndChangesNothing(@TempDir Path data) {
    try (TestGateway gw = start(data)) {
      pushGroups(gw, false);
      String before = fedLines(gw.scrape());

      Answer bad = get(gw, null, false, "fed_temp", "fed_temp{room=\"x\"");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.contentType()).isEqualTo("text/plain; charset=utf-8");
      assertThat(bad.text())
          .isEqualTo(
              "bad match[] \"fed_temp{room=\\\"x\\\"\": 1:18: parse error:"
                  + " unexpected end of input inside braces\n");
      // as Prometheus' /federate: matchers that all match "" select every series
      Answer everything = get(gw, null, false, "{room=~\".*\"}");
      assertThat(everything.status()).isEqualTo(200);
      assertThat(everything.text()).contains("fed_temp{").contains("fed_unrelated{");

      HttpResponse<String> post = gw.send("POST", "/federate?match[]=fed_temp", "");
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.headers().firstValue("Allow")).hasValue("GET, OPTIONS");

      String page = gw.scrape();
      assertThat(fedLines(page)).isEqualTo(before);
      // counted under their own handler label, as every other route
      assertThat(page)
          .contains(
              "pushgateway_http_requests_total{code=\"400\",handler=\"federate\",method=\"get\"}"
                  + " 1");
      assertThat(get(gw, null, false, "fed_temp{room=\"x\"}").text())
          .isEqualTo(
              "# TYPE fed_temp gauge\nfed_temp{instance=\"\",job=\"fed_a\",room=\"x\"} 21.5\n");
    }
  }

  private static TestGateway start(Path data, String... more) {
    return TestGateway.startOn(KAFKA, "fed", data, more);
  }

  /**
   * Three groups: a gauge in two of them, a counter, a histogram, an unrelated family; with {@code
   * utf8} a name outside the legacy set too.
   */
  private static void pushGroups(TestGateway gw, boolean utf8) {
    gw.push(
        "job/fed_a",
        """
        # TYPE fed_temp gauge
        fed_temp{room="x"} 21.5
        # TYPE fed_req_total counter
        fed_req_total 3
        # TYPE fed_lat histogram
        fed_lat_bucket{le="0.5"} 1
        fed_lat_bucket{le="+Inf"} 2
        fed_lat_sum 1.2
        fed_lat_count 2
        """
            + (utf8 ? "{\"fed.dotted\"} 7\n" : ""));
    gw.push("job/fed_b", "# TYPE fed_temp gauge\nfed_temp{room=\"y\"} 19\n");
    gw.push("job/fed_c", "fed_unrelated 1\n");
    Await.until(
        VISIBLE,
        "the three groups on /metrics",
        () -> {
          String page = gw.scrape();
          return page.contains("job=\"fed_a\"")
              && page.contains("job=\"fed_b\"")
              && page.contains("job=\"fed_c\"");
        });
  }

  /** The lines of a page about the pushed families, to compare pages. */
  private static String fedLines(String page) {
    return page.lines().filter(l -> l.contains("fed_")).collect(Collectors.joining("\n"));
  }

  private static LabelPair label(String name, String value) {
    return LabelPair.newBuilder().setName(name).setValue(value).build();
  }

  record Answer(int status, String contentType, String encoding, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private Answer get(TestGateway gw, String accept, boolean gzip, String... selectors) {
    String query =
        Arrays.stream(selectors)
            .map(s -> "match[]=" + URLEncoder.encode(s, StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(gw.url("/federate" + (query.isEmpty() ? "" : "?" + query))))
            .timeout(Duration.ofSeconds(30));
    if (accept != null) {
      request.header("Accept", accept);
    }
    if (gzip) {
      request.header("Accept-Encoding", "gzip");
    }
    try {
      HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(
          r.statusCode(),
          r.headers().firstValue("Content-Type").orElse(null),
          r.headers().firstValue("Content-Encoding").orElse(null),
          r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
