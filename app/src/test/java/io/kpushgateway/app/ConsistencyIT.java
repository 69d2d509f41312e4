package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.PushValidator;
import io.kpushgateway.kafka.ProtoSerdes;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import io.prometheus.client.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The cross-group consistency check through the catalog topic, and races, on a real broker. */
class ConsistencyIT {

  private static final Duration READY = Duration.ofSeconds(60);
  private static final Duration SETTLED = Duration.ofSeconds(20);

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aRaceIsSettledAgainstTheLargerGroupingKey(@TempDir Path data) throws Exception {
    String name = KAFKA.uniqueName("race");
    try (Gateway gw = startReady(flags(name, data))) {
      // Two conflicting pushes that both passed ingest: written to the log directly, as two
      // nodes would have written them before either saw the other's shape.
      publish(name, GroupingKey.of(Map.of("job", "race_b")), Metrics.MetricType.GAUGE);
      publish(name, GroupingKey.of(Map.of("job", "race_a")), Metrics.MetricType.COUNTER);

      Await.until(
          SETTLED,
          "race_b gives up m and records the failure",
          () -> {
            String page = send(gw, "GET", "/metrics", null).body();
            return page.contains("m{instance=\"\",job=\"race_a\"} 1")
                && !page.contains("m{instance=\"\",job=\"race_b\"}")
                && !page.contains("push_failure_time_seconds{instance=\"\",job=\"race_b\"} 0");
          });
      String api = send(gw, "GET", "/api/v1/metrics", null).body();
      assertThat(api).contains("\"last_push_successful\":false");
      // settled for good: the next conflicting push is refused at once
      HttpResponse<String> next = send(gw, "PUT", "/metrics/job/race_c", "# TYPE m gauge\nm 1\n");
      assertThat(next.statusCode()).isEqualTo(400);
      assertThat(next.body()).contains("is not a COUNTER");
    }
  }

  @Test
  void anotherNodeSeesAGroupThroughTheCatalogTopic(@TempDir Path data) throws Exception {
    String name = KAFKA.uniqueName("two");
    try (Gateway first = startReady(flags(name, data.resolve("1")));
        Gateway second = startReady(flags(name, data.resolve("2")))) {
      assertThat(send(first, "PUT", "/metrics/job/a1", "# TYPE m counter\nm 1\n").statusCode())
          .isEqualTo(200);
      // a push the second node takes before the shape reaches it is settled as a race
      // ({job="zz"} loses); once the shape has arrived, the second node refuses at once
      Await.until(
          SETTLED,
          "the second node refuses m as a gauge",
          () ->
              send(second, "PUT", "/metrics/job/zz", "# TYPE m gauge\nm 1\n").statusCode() == 400);
    }
  }

  @Test
  void withTheCheckDisabledPushesAre202(@TempDir Path data) throws Exception {
    String name = KAFKA.uniqueName("unchecked");
    String[] flags =
        List.of(flags(name, data), new String[] {"--push.disable-consistency-check"}).stream()
            .flatMap(java.util.Arrays::stream)
            .toArray(String[]::new);
    try (Gateway gw = startReady(flags)) {
      assertThat(send(gw, "PUT", "/metrics/job/u1", "# TYPE m counter\nm 1\n").statusCode())
          .isEqualTo(202);
      assertThat(send(gw, "PUT", "/metrics/job/u2", "# TYPE m gauge\nm 1\n").statusCode())
          .isEqualTo(202);
      Await.until(
          SETTLED,
          "both stored, one type served",
          () -> {
            String page = send(gw, "GET", "/metrics", null).body();
            return page.contains("push_time_seconds{instance=\"\",job=\"u2\"}")
                && page.contains("m{instance=\"\",job=\"u1\"} 1");
          });
      String page = send(gw, "GET", "/metrics", null).body();
      assertThat(page).contains("# TYPE m counter").doesNotContain("# TYPE m gauge");
    }
  }

  private static String[] flags(String name, Path data) {
    return new String[] {
      "--web.listen-address=127.0.0.1:0",
      "--data.dir=" + data,
      "--kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
      "--kafka.topic-prefix=" + name,
      "--kafka.application-id=" + name
    };
  }

  private static void publish(String prefix, GroupingKey key, Metrics.MetricType type)
      throws Exception {
    Metrics.Metric.Builder metric = Metrics.Metric.newBuilder();
    if (type == Metrics.MetricType.COUNTER) {
      metric.setCounter(Metrics.Counter.newBuilder().setValue(1));
    } else {
      metric.setGauge(Metrics.Gauge.newBuilder().setValue(1));
    }
    Metrics.MetricFamily family =
        Metrics.MetricFamily.newBuilder().setName("m").setType(type).addMetric(metric).build();
    long now = System.currentTimeMillis() * 1_000_000L;
    PushRecord record =
        PushRecord.newBuilder()
            .setMethod(Method.PUT)
            .addAllGrouping(key.toLabelPairs())
            .addAllFamilies(PushValidator.sanitizeAndValidate(List.of(family), key))
            .setReceivedAtUnixNanos(now)
            .build();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    try (KafkaProducer<byte[], PushRecord> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), ProtoSerdes.pushRecord().serializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  prefix + ".pushes", null, now / 1_000_000L, key.toBytes(), record))
          .get();
    }
  }

  private Gateway startReady(String... flags) {
    Gateway gw = Gateway.start(GatewayConfig.parse(flags));
    Await.until(
        READY, "gateway ready", () -> send(gw, "GET", "/-/ready", null).statusCode() == 200);
    return gw;
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
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
