package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The whole path, HTTP → Kafka → Streams → RocksDB → HTTP, on real brokers. */
class GatewayIT {

  private static final Duration READY = Duration.ofSeconds(60);
  private static final Duration VISIBLE = Duration.ofSeconds(10);

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void allInOnePushScrapeDeleteAndRestartKeepsEveryGroup(@TempDir Path data) throws Exception {
    String[] flags = {"--web.listen-address=127.0.0.1:0", "--data.dir=" + data};
    try (Gateway gw = startReady(flags)) {
      assertThat(
              send(gw, "PUT", "/metrics/job/it/instance/a", "# TYPE it_total counter\nit_total 3\n")
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              send(
                      gw,
                      "POST",
                      "/metrics/job/it/instance/b",
                      "# TYPE it_total counter\nit_total 4\n")
                  .statusCode())
          .isEqualTo(200);
      Await.until(
          VISIBLE,
          "both groups on /metrics",
          () -> {
            String page = scrape(gw);
            return page.contains("it_total{instance=\"a\",job=\"it\"} 3")
                && page.contains("it_total{instance=\"b\",job=\"it\"} 4");
          });
      assertThat(send(gw, "DELETE", "/metrics/job/it/instance/b", "").statusCode()).isEqualTo(202);
      Await.until(VISIBLE, "group b deleted", () -> !scrape(gw).contains("instance=\"b\""));
    }
    // Same data directory: the broker's log and the store come back with every group.
    try (Gateway gw = startReady(flags)) {
      String page = scrape(gw);
      assertThat(page)
          .contains("# TYPE it_total counter")
          .contains("it_total{instance=\"a\",job=\"it\"} 3")
          .contains("push_time_seconds{instance=\"a\",job=\"it\"}")
          .doesNotContain("instance=\"b\"");
    }
  }

  @Test
  void upstreamAnswersForOddRequests(@TempDir Path data) throws Exception {
    try (Gateway gw =
        startReady(
            "--web.listen-address=127.0.0.1:0",
            "--data.dir=" + data,
            "--kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
            "--kafka.topic-prefix=" + KAFKA.uniqueName("odd"),
            "--kafka.application-id=" + KAFKA.uniqueName("odd"))) {
      assertThat(send(gw, "PUT", "/metrics", "m 1\n").statusCode()).isEqualTo(405);
      assertThat(send(gw, "PUT", "/metrics/job", "m 1\n").statusCode()).isEqualTo(404);
      assertThat(send(gw, "GET", "/metrics/job/x", null).statusCode()).isEqualTo(405);
      assertThat(send(gw, "PUT", "/metrics/job/x/a/1/", "m 1\n").statusCode()).isEqualTo(400);
      assertThat(send(gw, "PUT", "/-/quit", "").statusCode()).isEqualTo(403);
      HttpResponse<String> healthy = send(gw, "GET", "/-/healthy", null);
      assertThat(healthy.statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = send(gw, "GET", "/metrics", null);
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValueSatisfying(
              ct -> assertThat(ct).startsWith("text/plain").contains("version=0.0.4"));
      assertThat(metrics.body()).contains("pushgateway_build_info{");

      HttpResponse<String> status = send(gw, "GET", "/api/v1/status", null);
      assertThat(status.statusCode()).isEqualTo(200);
      assertThat(status.headers().firstValue("Content-Type"))
          .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
      assertThat(status.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
      assertThat(status.body())
          .startsWith("{\"status\":\"success\",\"data\":{\"flags\":{")
          .contains("\"web.listen-address\":\"127.0.0.1:0\"", "\"start_time\":\"");
      assertThat(
              send(gw, "PUT", "/metrics/job/api/a/b", "# TYPE api_m gauge\napi_m 2.5\n")
                  .statusCode())
          .isEqualTo(200);
      Await.until(
          VISIBLE,
          "group in /api/v1/metrics",
          () ->
              send(gw, "GET", "/api/v1/metrics", null)
                  .body()
                  .contains("\"labels\":{\"a\":\"b\",\"job\":\"api\"}"));
      HttpResponse<String> api = send(gw, "GET", "/api/v1/metrics", null);
      assertThat(api.headers().firstValue("Cache-Control"))
          .hasValue("no-cache, no-store, must-revalidate");
      assertThat(api.body())
          .startsWith("{\"status\":\"success\",\"data\":[")
          .contains(
              "\"api_m\":{",
              "\"type\":\"GAUGE\"",
              "\"value\":\"2.5\"",
              "\"last_push_successful\":true",
              "\"push_time_seconds\":{");
      HttpResponse<String> preflight = send(gw, "OPTIONS", "/api/v1/metrics", null);
      assertThat(preflight.statusCode()).isEqualTo(200);
      assertThat(preflight.body()).isEmpty();
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods"))
          .hasValue("GET, POST, DELETE, OPTIONS");
    }
  }

  @Test
  void pushesLargerThanKafkasDefaultRecordLimitAreStoredWhole(@TempDir Path data) {
    String name = KAFKA.uniqueName("big");
    try (Gateway gw =
        startReady(
            "--web.listen-address=127.0.0.1:0",
            "--data.dir=" + data,
            "--kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
            "--kafka.topic-prefix=" + name,
            "--kafka.application-id=" + name)) {
      StringBuilder body = new StringBuilder("# TYPE big gauge\n");
      String pad = "p".repeat(80);
      int series = 30_000; // ~3.5 MB of text, well over Kafka's 1 MiB default
      for (int i = 0; i < series; i++) {
        body.append("big{i=\"")
            .append(i)
            .append("\",pad=\"")
            .append(pad)
            .append("\"} ")
            .append(i)
            .append('\n');
      }
      assertThat(body.length()).isGreaterThan(3 << 20);
      assertThat(send(gw, "PUT", "/metrics/job/big", body.toString()).statusCode()).isEqualTo(200);
      Await.until(
          VISIBLE,
          "the last series on /metrics",
          () ->
              scrape(gw)
                  .contains(
                      "big{i=\""
                          + (series - 1)
                          + "\",instance=\"\",job=\"big\",pad=\""
                          + pad
                          + "\"} "
                          + (series - 1)));
    }
  }

  @Test
  void brokerDownAnswers503AndNotReady(@TempDir Path data) throws Exception {
    String name = KAFKA.uniqueName("down");
    try (Gateway gw =
        startReady(
            "--web.listen-address=127.0.0.1:0",
            "--data.dir=" + data,
            "--kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
            "--kafka.topic-prefix=" + name,
            "--kafka.application-id=" + name,
            "--kafka.produce-timeout=2s")) {
      assertThat(send(gw, "PUT", "/metrics/job/down", "m 1\n").statusCode()).isEqualTo(200);
      KAFKA.stop();
      try {
        HttpResponse<String> r = send(gw, "PUT", "/metrics/job/down", "m 2\n");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        Await.until(
            Duration.ofSeconds(30),
            "/-/ready turns 503",
            () -> send(gw, "GET", "/-/ready", null).statusCode() == 503);
      } finally {
        KAFKA.restart();
      }
    }
  }

  private Gateway startReady(String... flags) {
    Gateway gw = Gateway.start(GatewayConfig.parse(flags));
    Await.until(
        READY, "gateway ready", () -> send(gw, "GET", "/-/ready", null).statusCode() == 200);
    return gw;
  }

  private String scrape(Gateway gw) {
    HttpResponse<String> r = send(gw, "GET", "/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private HttpResponse<String> send(Gateway gw, String method, String path, String body) {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + path))
            .method(method, publisher)
            .timeout(Duration.ofSeconds(30))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
