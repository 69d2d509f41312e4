package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP API on two real gateways, one without a route prefix and one whose prefix comes from
 * {@code --web.external-url}: every row of {@code upstream-routes.tsv} (what the Pushgateway 1.5.1
 * answers, checked against the real binary), and the self-metrics that count them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Path data;
  private Gateway plain;
  private Gateway prefixed;

  @BeforeAll
  void startGateways() throws IOException {
    data = Files.createTempDirectory("routes-it");
    plain = start("plain", "--push.max-body-size=1KiB");
    prefixed = start("prefixed", "--web.external-url=http://example.com:8080/pgw/");
  }

  @AfterAll
  void stopGateways() throws IOException {
    for (Gateway gw : new Gateway[] {plain, prefixed}) {
      if (gw != null) {
        gw.close();
      }
    }
    try (Stream<Path> files = Files.walk(data)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    }
  }

  /** One line of the table. */
  record Row(
      String prefix,
      String method,
      String path,
      int status,
      String location,
      String contentType,
      String body,
      String allow) {
    @Override
    public String toString() {
      return (prefix.isEmpty() ? "" : "[" + prefix + "] ") + method + " " + path + " -> " + status;
    }
  }

  static Stream<Row> upstreamRoutes() throws IOException {
    try (InputStream in = HttpApiIT.class.getResourceAsStream("/upstream-routes.tsv")) {
      List<Row> rows =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .filter(line -> !line.startsWith("#") && !line.isBlank())
              .map(
                  line -> Arrays.stream(line.split("\t")).map(f -> f.equals("-") ? "" : f).toList())
              .map(
                  f ->
                      new Row(
                          f.get(0),
                          f.get(1),
                          f.get(2),
                          Integer.parseInt(f.get(3)),
                          f.get(4),
                          f.get(5),
                          f.get(6).replace("\\n", "\n"),
                          f.get(7)))
              .toList();
      return rows.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("upstreamRoutes")
  void answersAsUpstream(Row row) {
    HttpResponse<String> r =
        send(row.prefix().isEmpty() ? plain : prefixed, row.method(), row.path());
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(r.statusCode()).as("status").isEqualTo(row.status());
    soft.assertThat(r.headers().firstValue("Location").orElse(""))
        .as("Location")
        .isEqualTo(row.location());
    // the table is 1.5.1's; 1.11 (whose UTF-8 escaping we follow) names the escaping of a scrape
    String contentType =
        r.headers().firstValue("Content-Type").orElse("").replace("; escaping=underscores", "");
    soft.assertThat(contentType).as("Content-Type").isEqualTo(row.contentType());
    soft.assertThat(r.headers().firstValue("Allow").orElse("")).as("Allow").isEqualTo(row.allow());
    if (row.body().isEmpty()) {
      soft.assertThat(r.body()).as("body").isEmpty();
    } else {
      soft.assertThat(r.body()).as("body").startsWith(row.body());
    }
    soft.assertAll();
  }

  @Test
  void countsAnsweredRequestsPerHandlerAndPushesLikeUpstream() {
    String big = "m 1\n".repeat(400);
    Map<String, Double> before = samples(scrape(plain));
    assertThat(send(plain, "PUT", "/metrics/job/self", "m 1\n").statusCode()).isEqualTo(200);
    assertThat(send(plain, "POST", "/metrics/job/self", "n 2\n").statusCode()).isEqualTo(200);
    assertThat(send(plain, "PUT", "/metrics/job/self", "m{ 1\n").statusCode()).isEqualTo(400);
    assertThat(send(plain, "POST", "/metrics/job/self", "m 1 17\n").statusCode()).isEqualTo(400);
    assertThat(send(plain, "PUT", "/metrics/job/self", big).statusCode()).isEqualTo(413);
    assertThat(send(plain, "DELETE", "/metrics/job/self", null).statusCode()).isEqualTo(202);
    assertThat(send(plain, "DELETE", "/metrics/job/self/a", null).statusCode()).isEqualTo(400);
    for (String path : List.of("/-/healthy", "/-/ready", "/api/v1/status", "/api/v1/metrics")) {
      assertThat(send(plain, "GET", path, null).statusCode()).isEqualTo(200);
    }
    assertThat(send(plain, "OPTIONS", "/api/v1/anything", null).statusCode()).isEqualTo(200);
    // not counted, as upstream: unknown paths, wrong methods, redirects, scrapes, /-/quit
    assertThat(send(plain, "GET", "/nope", null).statusCode()).isEqualTo(404);
    assertThat(send(plain, "PUT", "/-/healthy", null).statusCode()).isEqualTo(405);
    assertThat(send(plain, "GET", "/metrics/", null).statusCode()).isEqualTo(301);
    assertThat(send(plain, "PUT", "/-/quit", null).statusCode()).isEqualTo(403);
    String page = scrape(plain);
    Map<String, Double> after = samples(page);

    Map<String, Double> counted = new TreeMap<>();
    after.forEach(
        (series, value) -> {
          if (series.startsWith("pushgateway_http_requests_total{")) {
            double delta = value - before.getOrDefault(series, 0.0);
            if (delta != 0) {
              counted.put(series, delta);
            }
          }
        });
    assertThat(counted)
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry(requests("200", "push", "put"), 1.0),
                Map.entry(requests("200", "push", "post"), 1.0),
                Map.entry(requests("400", "push", "put"), 1.0),
                Map.entry(requests("400", "push", "post"), 1.0),
                Map.entry(requests("413", "push", "put"), 1.0),
                Map.entry(requests("202", "delete", "delete"), 1.0),
                Map.entry(requests("400", "delete", "delete"), 1.0),
                Map.entry(requests("200", "healthy", "get"), 1.0),
                Map.entry(requests("200", "ready", "get"), 1.0),
                Map.entry(requests("200", "api/v1/status", "get"), 1.0),
                Map.entry(requests("200", "api/v1/metrics", "get"), 1.0),
                Map.entry(requests("200", "api/v1/options", "options"), 1.0)));
    // pushes of every outcome are timed and sized; deletes are not
    String count = "pushgateway_http_push_duration_seconds_count{method=\"put\"}";
    assertThat(after.get(count) - before.getOrDefault(count, 0.0)).isEqualTo(3.0);
    String posts = "pushgateway_http_push_size_bytes_count{method=\"post\"}";
    assertThat(after.get(posts) - before.getOrDefault(posts, 0.0)).isEqualTo(2.0);
    assertThat(after)
        .doesNotContainKey("pushgateway_http_push_size_bytes_count{method=\"delete\"}");
    assertThat(page)
        .contains(
            "# HELP pushgateway_http_requests_total Total HTTP requests processed by the"
                + " Pushgateway, excluding scrapes.\n# TYPE pushgateway_http_requests_total counter\n")
        .contains(
            "# HELP pushgateway_http_push_duration_seconds HTTP request duration for pushes"
                + " to the Pushgateway.\n# TYPE pushgateway_http_push_duration_seconds summary\n")
        .contains(
            "# HELP pushgateway_http_push_size_bytes HTTP request size for pushes to the"
                + " Pushgateway.\n# TYPE pushgateway_http_push_size_bytes summary\n")
        .contains("pushgateway_http_push_duration_seconds{method=\"put\",quantile=\"0.1\"} ")
        .contains("pushgateway_http_push_duration_seconds{method=\"put\",quantile=\"0.5\"} ")
        .contains("pushgateway_http_push_size_bytes{method=\"post\",quantile=\"0.9\"} ");
  }

  @Test
  void pushesUnderThePrefixAreCountedToo() {
    String series = requests("200", "push", "put");
    double before =
        samples(send(prefixed, "GET", "/pgw/metrics", null).body()).getOrDefault(series, 0.0);
    assertThat(send(prefixed, "PUT", "/pgw/metrics/job/p", "m 1\n").statusCode()).isEqualTo(200);
    assertThat(samples(send(prefixed, "GET", "/pgw/metrics", null).body()).get(series))
        .isEqualTo(before + 1);
  }

  private static String requests(String code, String handler, String method) {
    return "pushgateway_http_requests_total{code=\""
        + code
        + "\",handler=\""
        + handler
        + "\",method=\""
        + method
        + "\"}";
  }

  /** Series (name and labels, as written) to value, from a text exposition. */
  private static Map<String, Double> samples(String page) {
    Map<String, Double> samples = new TreeMap<>();
    for (String line : page.split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        int space = line.lastIndexOf(' ');
        samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
    }
    return samples;
  }

  private String scrape(Gateway gw) {
    HttpResponse<String> r = send(gw, "GET", "/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  void apiRedirectsKeepTheMountUnlikeUpstream() {
    // upstream's /api/v1 router redirects GET /api/v1/status/ to /status (the UI)
    HttpResponse<String> r = send(plain, "GET", "/api/v1/status/");
    assertThat(r.statusCode()).isEqualTo(301);
    assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/status");
    assertThat(send(prefixed, "GET", "/pgw/api/v1/STATUS").headers().firstValue("Location"))
        .hasValue("/pgw/api/v1/status");
  }

  @Test
  void statusReportsThePrefixItRoutesUnder() {
    String status = send(prefixed, "GET", "/pgw/api/v1/status").body();
    assertThat(status)
        .contains("\"web.external-url\":\"http://example.com:8080/pgw/\"")
        .contains("\"web.route-prefix\":\"/pgw\"");
  }

  private Gateway start(String name, String... extra) {
    String unique = KAFKA.uniqueName(name);
    String[] flags =
        Stream.concat(
                Stream.of(
                    "--web.listen-address=127.0.0.1:0",
                    "--data.dir=" + data.resolve(name),
                    "--kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
                    "--kafka.topic-prefix=" + unique,
                    "--kafka.application-id=" + unique),
                Stream.of(extra))
            .toArray(String[]::new);
    GatewayConfig config = GatewayConfig.parse(flags);
    Gateway gw = Gateway.start(config);
    String ready = config.web().routePrefix() + "/-/ready";
    Await.until(
        Duration.ofSeconds(60), "gateway ready", () -> send(gw, "GET", ready).statusCode() == 200);
    return gw;
  }

  private HttpResponse<String> send(Gateway gw, String method, String path) {
    return send(gw, method, path, null);
  }

  private HttpResponse<String> send(Gateway gw, String method, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(30))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
