package io.kpushgateway.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.kpushgateway.core.format.DelimitedProtobuf;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.FamilyCatalog;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.ingest.IngestLimits;
import io.kpushgateway.ingest.IngestRoutes;
import io.kpushgateway.kafka.BatchPublisher;
import io.kpushgateway.kafka.PublishFailedException;
import io.kpushgateway.kafka.PushPublisher;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.prometheus.client.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /api/v1/batch} over real HTTP with a batch publisher that records what it was given: the
 * answer, what would be written in the transaction, and that a refused batch writes nothing.
 */
class BatchRoutesTest {

  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final MediaType TEXT = MediaType.get("text/plain; version=0.0.4");

  private final RecordingBatches batches = new RecordingBatches();
  private final FamilyCatalog catalog = new FamilyCatalog();

  private Javalin app() {
    return app(java.time.Duration.ZERO);
  }

  private Javalin app(java.time.Duration ttl) {
    return TestEdge.ingesting(
        new IngestRoutes(
            new NoPushes(),
            batches,
            Clock.fixed(NOW, ZoneOffset.UTC),
            "node-1",
            IngestLimits.ofBodySize(1 << 20),
            Optional.of(catalog),
            NameValidationScheme.LEGACY,
            () -> null,
            ttl));
  }

  @Test
  void everyGroupTakesTheBatchsTtlHeaderElseTheFlags() {
    JavalinTest.test(
        app(java.time.Duration.ofMinutes(10)),
        (server, client) -> {
          String body = "up{job=\"a\"} 1\nup{job=\"b\"} 1\n";
          assertThat(client.request("/api/v1/batch?group_by=job", b -> b.put(text(body))).code())
              .isEqualTo(200);
          assertThat(
                  client
                      .request(
                          "/api/v1/batch?group_by=job",
                          b -> b.put(text(body)).header("Pushgateway-TTL", "90s"))
                      .code())
              .isEqualTo(200);
          Response bad =
              client.request(
                  "/api/v1/batch?group_by=job",
                  b -> b.put(text(body)).header("Pushgateway-TTL", "soon"));
          assertThat(bad.code()).isEqualTo(400);
          assertThat(bad.body().string()).contains("invalid Pushgateway-TTL header");
          assertThat(batches.batches).hasSize(2);
          assertThat(batches.batches.get(0))
              .extracting(p -> p.record().getTtlNanos())
              .containsOnly(600_000_000_000L);
          assertThat(batches.batches.get(1))
              .extracting(p -> p.record().getTtlNanos())
              .containsOnly(90_000_000_000L);
        });
  }

  @Test
  void aBatchIsOneTransactionOfItsGroupsAnsweredWithEachGroup() {
    JavalinTest.test(
        app(),
        (server, client) -> {
          Response r =
              client.request(
                  "/api/v1/batch?group_by=job,instance",
                  b ->
                      b.put(
                          text(
                              """
                              # TYPE up gauge
                              up{job="b",instance="1"} 1
                              up{job="a",instance="2",zone="x"} 2
                              """)));
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.header("Content-Type")).startsWith("application/json");
          assertThat(r.body().string())
              .isEqualTo(
                  "{\"status\":\"success\",\"data\":{\"method\":\"PUT\",\"groups\":["
                      + "{\"labels\":{\"instance\":\"1\",\"job\":\"b\"},\"families\":1,"
                      + "\"series\":1,\"outcome\":\"pushed\"},"
                      + "{\"labels\":{\"instance\":\"2\",\"job\":\"a\"},\"families\":1,"
                      + "\"series\":1,\"outcome\":\"pushed\"}]}}\n");
          assertThat(batches.batches).hasSize(1);
          List<BatchPublisher.Push> batch = batches.batches.get(0);
          assertThat(batch)
              .extracting(p -> GroupingKey.fromBytes(p.key()))
              .as("grouping key order: instance sorts before job")
              .containsExactly(
                  GroupingKey.of(Map.of("job", "b", "instance", "1")),
                  GroupingKey.of(Map.of("job", "a", "instance", "2")));
          PushRecord a = batch.get(1).record();
          assertThat(a.getMethod()).isEqualTo(Method.PUT);
          assertThat(a.getIngestNode()).isEqualTo("node-1");
          assertThat(a.getReceivedAtUnixNanos()).isEqualTo(NOW.getEpochSecond() * 1_000_000_000L);
          assertThat(a.getFamilies(0).getMetric(0).getLabelList())
              .extracting(Metrics.LabelPair::getName, Metrics.LabelPair::getValue)
              .as("the grouping labels back on the series, as a path push has them")
              .containsExactly(
                  org.assertj.core.groups.Tuple.tuple("instance", "2"),
                  org.assertj.core.groups.Tuple.tuple("job", "a"),
                  org.assertj.core.groups.Tuple.tuple("zone", "x"));
          assertThat(catalog.size()).as("the catalog knows the committed groups").isEqualTo(2);
        });
  }

  @Test
  void postIsPushAddPerGroupAndGzipIsDecoded() throws IOException {
    byte[] gz = gzip("m{job=\"a\"} 1\n");
    JavalinTest.test(
        app(),
        (server, client) -> {
          Response r =
              client.request(
                  "/api/v1/batch?group_by=job",
                  b -> b.post(RequestBody.create(gz, TEXT)).header("Content-Encoding", "gzip"));
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.body().string()).contains("\"outcome\":\"pushAdded\"");
          PushRecord rec = batches.batches.get(0).get(0).record();
          assertThat(rec.getMethod()).isEqualTo(Method.POST);
          assertThat(rec.getFamilies(0).getMetric(0).getLabelList())
              .extracting(Metrics.LabelPair::getName, Metrics.LabelPair::getValue)
              .as("no instance in group_by: instance=\"\" as a path push without one")
              .containsExactly(
                  org.assertj.core.groups.Tuple.tuple("instance", ""),
                  org.assertj.core.groups.Tuple.tuple("job", "a"));
        });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no group_by|/api/v1/batch|m{job=\"a\"} 1\\n|group_by is required",
        "group_by without job|/api/v1/batch?group_by=instance|m{job=\"a\",instance=\"1\"} 1\\n"
            + "|group_by must include job",
        "series lacking a label|/api/v1/batch?group_by=job,instance"
            + "|m{job=\"a\",instance=\"1\"} 1\\nm{job=\"b\"} 2\\n"
            + "|a series of family m lacks the group_by label instance (labels {job=\\\"b\\\"})",
        "malformed body|/api/v1/batch?group_by=job|m{job=\"a\"} 1\\nm{job=\"b\" 2\\n"
            + "|text format parsing error in line 2",
        "empty body|/api/v1/batch?group_by=job||the batch has no series",
        "one invalid group|/api/v1/batch?group_by=job,instance"
            + "|m{job=\"a\",instance=\"1\"} 1\\nm{job=\"b\",instance=\"2\"} 2 1700000000000\\n"
            + "|group {instance=\\\"2\\\",job=\\\"b\\\"}: pushed metrics are invalid or inconsistent"
            + " with existing metrics: pushed metrics must not have timestamps (nothing was"
            + " written)",
      })
  void aBadBatchIs400NamingTheProblemAndWritesNothing(
      String name, String path, String body, String message) {
    String text = body == null ? "" : body.replace("\\n", "\n");
    JavalinTest.test(
        app(),
        (server, client) -> {
          Response r = client.request(path, b -> b.put(text(text)));
          assertThat(r.code()).isEqualTo(400);
          assertThat(r.body().string())
              .startsWith("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"")
              .contains(message);
          assertThat(batches.batches).isEmpty();
          assertThat(catalog.size()).isZero();
        });
  }

  @Test
  void groupsOfOneBatchInconsistentWithEachOtherRefuseIt() throws IOException {
    // (protobuf: a text body cannot give one name two types)
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DelimitedProtobuf.write(
        body,
        List.of(
            family("m", Metrics.MetricType.COUNTER, "a"),
            family("m", Metrics.MetricType.GAUGE, "b")));
    JavalinTest.test(
        app(),
        (server, client) -> {
          Response r =
              client.request(
                  "/api/v1/batch?group_by=job",
                  b ->
                      b.put(
                          RequestBody.create(
                              body.toByteArray(), MediaType.get(DelimitedProtobuf.CONTENT_TYPE))));
          assertThat(r.code()).isEqualTo(400);
          assertThat(r.body().string())
              .contains("group {job=\\\"b\\\"}: pushed metrics are invalid or inconsistent");
          assertThat(batches.batches).isEmpty();
        });
  }

  private static Metrics.MetricFamily family(String name, Metrics.MetricType type, String job) {
    Metrics.Metric.Builder series =
        Metrics.Metric.newBuilder()
            .addLabel(Metrics.LabelPair.newBuilder().setName("job").setValue(job));
    if (type == Metrics.MetricType.COUNTER) {
      series.setCounter(Metrics.Counter.newBuilder().setValue(1));
    } else {
      series.setGauge(Metrics.Gauge.newBuilder().setValue(1));
    }
    return Metrics.MetricFamily.newBuilder().setName(name).setType(type).addMetric(series).build();
  }

  @Test
  void aGroupInconsistentWithAnExistingGroupRefusesTheBatch() {
    JavalinTest.test(
        app(),
        (server, client) -> {
          assertThat(
                  client
                      .request(
                          "/api/v1/batch?group_by=job",
                          b -> b.put(text("# TYPE m counter\nm{job=\"a\"} 1\n")))
                      .code())
              .isEqualTo(200);
          Response r =
              client.request(
                  "/api/v1/batch?group_by=job",
                  b ->
                      b.put(
                          text(
                              "# TYPE n gauge\nn{job=\"c\"} 1\n# TYPE m gauge\nm{job=\"b\"} 1\n")));
          assertThat(r.code()).isEqualTo(400);
          assertThat(r.body().string()).contains("group {job=\\\"b\\\"}");
          assertThat(batches.batches).hasSize(1);
        });
  }

  @Test
  void aBatchTheBrokerDidNotTakeIs503() {
    batches.failWith =
        new PublishFailedException(
            PublishFailedException.Reason.UNAVAILABLE, "Kafka broker unavailable: test");
    JavalinTest.test(
        app(),
        (server, client) -> {
          Response r =
              client.request("/api/v1/batch?group_by=job", b -> b.put(text("m{job=\"a\"} 1\n")));
          assertThat(r.code()).isEqualTo(503);
          assertThat(r.header("Retry-After")).isEqualTo("5");
          assertThat(r.body().string()).contains("Kafka broker unavailable: test");
          assertThat(catalog.size()).isZero();
        });
  }

  private static RequestBody text(String body) {
    return RequestBody.create(body.getBytes(StandardCharsets.UTF_8), TEXT);
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  static final class RecordingBatches implements BatchPublisher {
    final List<List<Push>> batches = new CopyOnWriteArrayList<>();
    volatile RuntimeException failWith;

    @Override
    public CompletableFuture<Void> publishAll(List<Push> pushes) {
      if (failWith != null) {
        return CompletableFuture.failedFuture(failWith);
      }
      batches.add(List.copyOf(pushes));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
  }

  /** The single push API is not used here. */
  static final class NoPushes implements PushPublisher {
    @Override
    public CompletableFuture<Void> publish(byte[] key, PushRecord record) {
      throw new AssertionError("a batch publishes through the batch publisher");
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void close() {}
  }
}
