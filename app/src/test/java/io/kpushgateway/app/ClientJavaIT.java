package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.core.format.DelimitedProtobuf;
import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.pushgateway.Format;
import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Java client's pusher (prometheus-metrics-exporter-pushgateway) against a real
 * gateway. It sends delimited protobuf by default, takes any 2xx as success, and writes grouping
 * values with a {@code /} or empty as {@code @base64}.
 */
class ClientJavaIT {

  private static final Duration READY = Duration.ofSeconds(60);
  private static final Duration VISIBLE = Duration.ofSeconds(10);

  /** The group {job="cj/batch",path="/var/tmp",shard=""}, as its series show it. */
  private static final String GROUP = "instance=\"\",job=\"cj/batch\",path=\"/var/tmp\",shard=\"\"";

  /** The counter's series in that group: its own label sorts among the grouping labels. */
  private static final String RECORDS =
      "cj_records_total{instance=\"\",job=\"cj/batch\",outcome=\"ok\",path=\"/var/tmp\",shard=\"\"} 3";

  /** {job="cj/batch",path="/var/tmp"}: same job and path, a group of its own. */
  private static final String OTHER = "instance=\"\",job=\"cj/batch\",path=\"/var/tmp\"";

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void pushPushAddAndDelete(@TempDir Path data) throws Exception {
    String name = KAFKA.uniqueName("client-java");
    try (Gateway gw =
        startReady(
            "--web.listen-address=127.0.0.1:0",
            "--data.dir=" + data,
            "--kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
            "--kafka.topic-prefix=" + name,
            "--kafka.application-id=" + name)) {
      String address = "127.0.0.1:" + gw.port();

      PrometheusRegistry batch = new PrometheusRegistry();
      Counter.builder()
          .name("cj_records_total")
          .help("Records.")
          .labelNames("outcome")
          .register(batch)
          .labelValues("ok")
          .inc(3);
      Gauge.builder().name("cj_temperature_celsius").help("Temperature.").register(batch).set(21.5);
      // client_java histograms carry classic buckets and a native histogram at once
      Histogram.builder()
          .name("cj_duration_seconds")
          .help("Duration.")
          .classicUpperBounds(0.1, 1)
          .register(batch)
          .observe(0.5);
      PushGateway group = pusher(address, batch, Format.PROMETHEUS_PROTOBUF, "");
      group.push();
      Await.until(
          VISIBLE,
          "the pushed group",
          () -> scrape(gw).contains("cj_temperature_celsius{" + GROUP + "} 21.5"));
      String page = scrape(gw);
      assertThat(page)
          .contains(RECORDS)
          .contains("cj_duration_seconds_bucket{" + GROUP + ",le=\"1\"} 1")
          .contains("cj_duration_seconds_count{" + GROUP + "} 1")
          .contains("push_time_seconds{" + GROUP + "} ");
      MetricFamily duration = scrapeProtobuf(gw, "cj_duration_seconds");
      assertThat(duration.getMetric(0).getHistogram().hasSchema()).as("native part kept").isTrue();
      assertThat(duration.getMetric(0).getHistogram().getBucketCount()).isEqualTo(3);

      // pushAdd (POST) replaces only the families it pushes
      PrometheusRegistry more = new PrometheusRegistry();
      Gauge.builder()
          .name("cj_last_success_seconds")
          .help("Last success.")
          .register(more)
          .set(1700);
      Gauge.builder().name("cj_temperature_celsius").help("Temperature.").register(more).set(22);
      pusher(address, more, Format.PROMETHEUS_PROTOBUF, "").pushAdd();
      Await.until(
          VISIBLE,
          "the added family",
          () -> scrape(gw).contains("cj_last_success_seconds{" + GROUP + "} 1700"));
      assertThat(scrape(gw)).contains("cj_temperature_celsius{" + GROUP + "} 22").contains(RECORDS);

      // the text format works too; without the empty label it is another group
      PrometheusRegistry other = new PrometheusRegistry();
      Gauge.builder().name("cj_other").help("Other.").register(other).set(7);
      pusher(address, other, Format.PROMETHEUS_TEXT, null).push();
      Await.until(
          VISIBLE, "the other group", () -> scrape(gw).contains("cj_other{" + OTHER + "} 7"));

      // a TTL of its own: the Pushgateway-TTL header, set on the client's connections
      PrometheusRegistry expiring = new PrometheusRegistry();
      Gauge.builder().name("cj_expiring").help("Expiring.").register(expiring).set(1);
      PushGateway.builder()
          .address(address)
          .job("cj-ttl")
          .registry(expiring)
          .connectionFactory(
              url -> {
                HttpURLConnection c = (HttpURLConnection) url.openConnection();
                c.setRequestProperty("Pushgateway-TTL", "1h");
                return c;
              })
          .build()
          .push();
      Await.until(
          VISIBLE,
          "the group with a deadline",
          () -> get(gw, "/api/v1/metrics", null).body().contains("\"expires_at\""));

      // delete removes exactly its group
      group.delete();
      Await.until(VISIBLE, "the group deleted", () -> !scrape(gw).contains(GROUP));
      assertThat(scrape(gw))
          .contains("cj_other{" + OTHER + "} 7")
          .contains("push_time_seconds{" + OTHER + "} ")
          .doesNotContain("cj_records_total");
    }
  }

  /** A pusher for job "cj/batch", path "/var/tmp" and, unless null, shard={@code shard}. */
  private static PushGateway pusher(
      String address, PrometheusRegistry registry, Format format, String shard) {
    PushGateway.Builder b =
        PushGateway.builder()
            .address(address)
            .job("cj/batch")
            .groupingKey("path", "/var/tmp")
            .registry(registry)
            .format(format);
    if (shard != null) {
      b.groupingKey("shard", shard);
    }
    return b.build();
  }

  private Gateway startReady(String... flags) {
    Gateway gw = Gateway.start(GatewayConfig.parse(flags));
    Await.until(READY, "gateway ready", () -> get(gw, "/-/ready", null).statusCode() == 200);
    return gw;
  }

  private String scrape(Gateway gw) {
    HttpResponse<String> r = get(gw, "/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private MetricFamily scrapeProtobuf(Gateway gw, String family) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + "/metrics"))
            .header("Accept", DelimitedProtobuf.CONTENT_TYPE)
            .build();
    byte[] body = call(request, HttpResponse.BodyHandlers.ofByteArray()).body();
    return DelimitedProtobuf.read(new ByteArrayInputStream(body)).stream()
        .filter(f -> f.getName().equals(family))
        .findFirst()
        .orElseThrow();
  }

  private HttpResponse<String> get(Gateway gw, String path, String accept) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + path))
            .timeout(Duration.ofSeconds(30));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return call(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private <T> HttpResponse<T> call(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return http.send(request, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
