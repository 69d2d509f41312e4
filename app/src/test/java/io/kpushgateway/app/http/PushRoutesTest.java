package io.kpushgateway.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.airlift.compress.snappy.SnappyFramedOutputStream;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.FamilyCatalog;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushLimits;
import io.kpushgateway.ingest.DecodeBudget;
import io.kpushgateway.ingest.IngestLimits;
import io.kpushgateway.ingest.IngestRoutes;
import io.kpushgateway.kafka.PublishFailedException;
import io.kpushgateway.kafka.PushPublisher;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.testkit.Await;
import io.prometheus.client.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The push API over real HTTP (Javalin on a free port), with a publisher that records what it was
 * given instead of a broker: what is answered, and what would be written to Kafka.
 */
class PushRoutesTest {

  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00.123456789Z");
  private static final MediaType TEXT = MediaType.get("text/plain; version=0.0.4");
  private static final MediaType PROTOBUF =
      MediaType.get(
          "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;"
              + " encoding=delimited");

  private final RecordingPublisher publisher = new RecordingPublisher();

  /** --push.ttl of the node under test. */
  private Duration ttl = Duration.ZERO;

  /** What the node's gate says: null while it takes pushes. */
  private volatile String refusal;

  private Javalin app(long maxBody) {
    return app(maxBody, new FamilyCatalog());
  }

  private Javalin app(long maxBody, FamilyCatalog catalog) {
    return app(maxBody, catalog, NameValidationScheme.LEGACY);
  }

  private Javalin app(long maxBody, NameValidationScheme names) {
    return app(maxBody, new FamilyCatalog(), names);
  }

  private Javalin app(long maxBody, FamilyCatalog catalog, NameValidationScheme names) {
    return app(IngestLimits.ofBodySize(maxBody), catalog, names);
  }

  private Javalin app(IngestLimits limits, FamilyCatalog catalog, NameValidationScheme names) {
    return TestEdge.ingesting(
        new IngestRoutes(
            publisher,
            Clock.fixed(NOW, ZoneOffset.UTC),
            "node-1",
            limits,
            Optional.ofNullable(catalog),
            names,
            () -> refusal,
            ttl));
  }

  private Javalin app() {
    return app(1 << 20);
  }

  private Javalin app(IngestLimits limits) {
    return app(limits, new FamilyCatalog(), NameValidationScheme.LEGACY);
  }

  @Test
  void putIsAnsweredAfterTheRecordIsPublished() {
    JavalinTest.test(
        app(),
        (server, client) -> {
          Response r =
              client.request("/metrics/job/batch/instance/a", b -> b.put(text("m{x=\"y\"} 1\n")));
          assertThat(r.code()).isEqualTo(200);
          assertThat(publisher.records).hasSize(1);
          Published p = publisher.records.get(0);
          assertThat(GroupingKey.fromBytes(p.key()))
              .isEqualTo(GroupingKey.of(Map.of("job", "batch", "instance", "a")));
          PushRecord rec = p.record();
          assertThat(rec.getMethod()).isEqualTo(Method.PUT);
          assertThat(rec.getRejection()).isEmpty();
          assertThat(rec.getIngestNode()).isEqualTo("node-1");
          assertThat(rec.getReceivedAtUnixNanos())
              .isEqualTo(NOW.getEpochSecond() * 1_000_000_000L + NOW.getNano());
          Metrics.Metric m = rec.getFamilies(0).getMetric(0);
          assertThat(m.getLabelList())
              .extracting(Metrics.LabelPair::getName, Metrics.LabelPair::getValue)
              .as("sanitized: grouping labels set, sorted")
              .containsExactly(
                  org.assertj.core.groups.Tuple.tuple("instance", "a"),
                  org.assertj.core.groups.Tuple.tuple("job", "batch"),
                  org.assertj.core.groups.Tuple.tuple("x", "y"));
        });
  }

  @Test
  void aPushConflictingWithAnotherGroupIs400AndRecordedAsFailed() {
    JavalinTest.test(
        app(),
        (server, client) -> {
          String counter = "# TYPE m counter\nm 1\n";
          String gauge = "# TYPE m gauge\nm 1\n";
          assertThat(client.request("/metrics/job/a", b -> b.put(text(counter))).code())
              .isEqualTo(200);

          Response r = client.request("/metrics/job/b", b -> b.put(text(gauge)));

          assertThat(r.code()).isEqualTo(400);
          assertThat(r.body().string())
              .isEqualTo(
                  "pushed metrics are invalid or inconsistent with existing metrics: collected"
                      + " metric \"m\" {instance=\"\",job=\"b\"} is not a COUNTER\n");
          PushRecord failed = publisher.records.get(1).record();
          assertThat(failed.getRejection()).contains("is not a COUNTER");
          assertThat(failed.getFamiliesList()).isEmpty();
          // the group that holds it may change it, and once it is deleted anyone may
          assertThat(client.request("/metrics/job/a", b -> b.put(text(gauge))).code())
              .isEqualTo(200);
          assertThat(client.request("/metrics/job/b", b -> b.put(text(gauge))).code())
              .isEqualTo(200);
        });
  }

  @Test
  void withTheCheckDisabledPushesAre202AndInvalidOnesRecordedAsFailed() {
    JavalinTest.test(
        app(1 << 20, (FamilyCatalog) null),
        (server, client) -> {
          assertThat(
                  client
                      .request("/metrics/job/a", b -> b.put(text("# TYPE m counter\nm 1\n")))
                      .code())
              .isEqualTo(202);
          assertThat(
                  client
                      .request("/metrics/job/b", b -> b.post(text("# TYPE m gauge\nm 1\n")))
                      .code())
              .isEqualTo(202);
          assertThat(client.request("/metrics/job/c", b -> b.put(text("m 1 1000\n"))).code())
              .isEqualTo(202);
          assertThat(publisher.records).hasSize(3);
          assertThat(publisher.records.get(1).record().getRejection()).isEmpty();
          assertThat(publisher.records.get(2).record().getRejection())
              .endsWith("pushed metrics must not have timestamps");
        });
  }

  @Test
  void eachPushIsStampedWithItsHeadersTtlElseTheFlags() {
    ttl = Duration.ofMinutes(5);
    JavalinTest.test(
        app(),
        (server, client) -> {
          assertThat(client.request("/metrics/job/a", b -> b.put(text("m 1\n"))).code())
              .isEqualTo(200);
          assertThat(
                  client
                      .request(
                          "/metrics/job/b",
                          b -> b.post(text("m 1\n")).header("Pushgateway-TTL", "1h30m"))
                      .code())
              .isEqualTo(200);
          assertThat(
                  client
                      .request(
                          "/metrics/job/c",
                          b -> b.put(text("m 1\n")).header("pushgateway-ttl", "0"))
                      .code())
              .isEqualTo(200);
          assertThat(publisher.records)
              .extracting(p -> p.record().getTtlNanos())
              .containsExactly(
                  Duration.ofMinutes(5).toNanos(), Duration.ofMinutes(90).toNanos(), 0L);
        });
  }

  @Test
  void aMalformedTtlHeaderIs400NamingItAndNothingIsPublished() {
    JavalinTest.test(
        app(),
        (server, client) -> {
          for (String bad : List.of("soon", "-5s", "10", "5y")) {
            Response r =
                client.request(
                    "/metrics/job/a", b -> b.put(text("m 1\n")).header("Pushgateway-TTL", bad));
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.body().string())
                .startsWith("invalid Pushgateway-TTL header: not a duration: \"" + bad + "\"");
          }
          assertThat(publisher.records).isEmpty();
        });
  }

  @Test
  void postAndDeleteUseTheirMethodsAndCodes() {
    JavalinTest.test(
        app(),
        (server, client) -> {
          assertThat(client.request("/metrics/job/j", b -> b.post(text("m 1\n"))).code())
              .isEqualTo(200);
          assertThat(client.delete("/metrics/job/j").code()).isEqualTo(202);
          assertThat(publisher.records)
              .extracting(p -> p.record().getMethod())
              .containsExactly(Method.POST, Method.DELETE);
          assertThat(publisher.records.get(1).record().getFamiliesList()).isEmpty();
        });
  }

  @Test
  void base64PathsAreDecoded() {
    JavalinTest.test(
        app(),
        (server, client) -> {
          // job "a/b", path "/var/x", empty label e
          Response r =
              client.request(
                  "/metrics/job@base64/YS9i/path@base64/L3Zhci94/e@base64/=",
                  b -> b.put(text("m 1\n")));
          assertThat(r.code()).isEqualTo(200);
          assertThat(GroupingKey.fromBytes(publisher.records.get(0).key()).labels())
              .containsExactlyInAnyOrderEntriesOf(Map.of("job", "a/b", "path", "/var/x", "e", ""));
        });
  }

  @Test
  void percentEncodedBytesThatAreNotUtf8Are400() {
    JavalinTest.test(
        app(),
        (server, client) -> {
          Response r = client.request("/metrics/job/j/a/x%ffy", b -> b.put(text("m 1\n")));
          assertThat(r.code()).isEqualTo(400);
          assertThat(r.body().string())
              .isEqualTo("invalid UTF-8 after percent-decoding the push path \"job/j/a/x%ffy\"\n");
          Response utf8 = client.request("/metrics/job/j/a/%C3%A9", b -> b.put(text("m 1\n")));
          assertThat(utf8.code()).isEqualTo(200);
          assertThat(GroupingKey.fromBytes(publisher.records.get(0).key()).labels())
              .containsEntry("a", "\u00e9");
          assertThat(publisher.records).hasSize(1);
        });
  }

  @Test
  void malformedPushesAre400AndWriteNothing() {
    JavalinTest.test(
        app(),
        (server, client) -> {
          for (String path :
              List.of(
                  "/metrics/job/j/a",
                  "/metrics/job/j/a/1/",
                  "/metrics/job/j/1abc/x",
                  "/metrics/job@base64/=")) {
            Response r = client.request(path, b -> b.put(text("m 1\n")));
            assertThat(r.code()).as(path).isEqualTo(400);
          }
          Response bad = client.request("/metrics/job/j", b -> b.put(text("m one\n")));
          assertThat(bad.code()).isEqualTo(400);
          assertThat(bad.body().string()).contains("text format parsing error in line 1");
          Response noNewline = client.request("/metrics/job/j", b -> b.put(text("m 1")));
          assertThat(noNewline.code()).isEqualTo(400);
          assertThat(publisher.records).isEmpty();
        });
  }

  @Test
  void notAPushPathIs404() {
    JavalinTest.test(
        app(),
        (server, client) -> {
          assertThat(client.request("/metrics/job", b -> b.put(text("m 1\n"))).code())
              .isEqualTo(404);
          assertThat(client.request("/metrics/foo/bar", b -> b.put(text("m 1\n"))).code())
              .isEqualTo(404);
          assertThat(publisher.records).isEmpty();
        });
  }

  @Test
  void invalidMetricsAre400AndRecordTheFailure() {
    JavalinTest.test(
        app(),
        (server, client) -> {
          Response r = client.request("/metrics/job/j", b -> b.put(text("m 1 1700000000000\n")));
          assertThat(r.code()).isEqualTo(400);
          assertThat(r.body().string())
              .contains("pushed metrics are invalid or inconsistent with existing metrics")
              .contains("timestamps");
          assertThat(publisher.records).hasSize(1);
          PushRecord rec = publisher.records.get(0).record();
          assertThat(rec.getRejection()).contains("timestamps");
          assertThat(rec.getFamiliesList()).isEmpty();
          assertThat(rec.getBodyBytes()).isEqualTo("m 1 1700000000000\n".length());
        });
  }

  @Test
  void gzipAndProtobufBodiesAreDecoded() throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write("m 1\n".getBytes(StandardCharsets.UTF_8));
    }
    ByteArrayOutputStream pb = new ByteArrayOutputStream();
    Metrics.MetricFamily.newBuilder()
        .setName("p")
        .setType(Metrics.MetricType.GAUGE)
        .addMetric(Metrics.Metric.newBuilder().setGauge(Metrics.Gauge.newBuilder().setValue(2)))
        .build()
        .writeDelimitedTo(pb);
    JavalinTest.test(
        app(),
        (server, client) -> {
          Response g =
              client.request(
                  "/metrics/job/j",
                  b ->
                      b.put(RequestBody.create(gz.toByteArray(), TEXT))
                          .header("Content-Encoding", "gzip"));
          assertThat(g.code()).isEqualTo(200);
          Response p =
              client.request(
                  "/metrics/job/j",
                  b ->
                      b.put(
                          RequestBody.create(
                              pb.toByteArray(),
                              MediaType.get(
                                  "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"))));
          assertThat(p.code()).isEqualTo(200);
          assertThat(publisher.records)
              .extracting(r -> r.record().getFamilies(0).getName())
              .containsExactly("m", "p");
          // the body as sent: compressed, not what it decompressed to
          assertThat(publisher.records)
              .extracting(r -> r.record().getBodyBytes())
              .containsExactly(gz.size(), pb.size());
          Response badGzip =
              client.request(
                  "/metrics/job/j",
                  b ->
                      b.put(RequestBody.create(new byte[] {1, 2, 3}, TEXT))
                          .header("Content-Encoding", "gzip"));
          assertThat(badGzip.code()).isEqualTo(400);
        });
  }

  @Test
  void contentEncodingIsCaseInsensitiveAndTrimmed() throws IOException {
    byte[] gz = gzip("m 1\n".getBytes(StandardCharsets.UTF_8));
    byte[] sn = snappy("s 2\n".getBytes(StandardCharsets.UTF_8));
    JavalinTest.test(
        app(),
        (server, client) -> {
          for (String encoding : List.of("gzip", "GZIP", "Gzip", " gzip\t")) {
            assertThat(push(client, "/metrics/job/" + encoding.trim(), gz, encoding).code())
                .as(encoding)
                .isEqualTo(200);
          }
          for (String encoding : List.of("snappy", "SNAPPY", " Snappy ")) {
            assertThat(push(client, "/metrics/job/s", sn, encoding).code())
                .as(encoding)
                .isEqualTo(200);
          }
          assertThat(publisher.records)
              .extracting(r -> r.record().getFamilies(0).getName())
              .containsExactly("m", "m", "m", "m", "s", "s", "s");
        });
  }

  @Test
  void snappyIsTheFramedStreamFormatOverManyChunks() throws IOException {
    // over 64 KiB: several compressed chunks, as Go's snappy.NewBufferedWriter writes them
    StringBuilder text = new StringBuilder("# TYPE big gauge\n");
    for (int i = 0; i < 5_000; i++) {
      text.append("big{i=\"").append(i).append("\",pad=\"").append("p".repeat(20)).append("\"} ");
      text.append(i).append('\n');
    }
    byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
    assertThat(body.length).isGreaterThan(3 * 65536);
    byte[] framed = snappy(body);
    assertThat(framed.length).isLessThan(body.length);
    JavalinTest.test(
        app(),
        (server, client) -> {
          assertThat(push(client, "/metrics/job/big", framed, "snappy").code()).isEqualTo(200);
          assertThat(publisher.records.get(0).record().getFamilies(0).getMetricCount())
              .isEqualTo(5_000);
        });
  }

  @Test
  void otherEncodingsLeaveTheBodyAsItIsLikeUpstream() throws IOException {
    byte[] plain = "m 1\n".getBytes(StandardCharsets.UTF_8);
    JavalinTest.test(
        app(),
        (server, client) -> {
          assertThat(push(client, "/metrics/job/d", plain, "deflate").code()).isEqualTo(200);
          assertThat(push(client, "/metrics/job/i", plain, "identity").code()).isEqualTo(200);
          // a gzip body under a name upstream does not know is parsed as text, and fails
          Response xgzip = push(client, "/metrics/job/x", gzip(plain), "x-gzip");
          assertThat(xgzip.code()).isEqualTo(400);
          assertThat(xgzip.body().string()).startsWith("text format parsing error in line 1");
          assertThat(publisher.records).hasSize(2);
        });
  }

  @Test
  void emptyBodies() throws IOException {
    JavalinTest.test(
        app(),
        (server, client) -> {
          // Go's snappy reader takes nothing for an empty stream; its gzip reader wants a header
          assertThat(push(client, "/metrics/job/s", new byte[0], "snappy").code()).isEqualTo(200);
          Response gz = push(client, "/metrics/job/g", new byte[0], "gzip");
          assertThat(gz.code()).isEqualTo(400);
          assertThat(gz.body().string()).startsWith("gzip: unexpected EOF");
          assertThat(publisher.records).hasSize(1);
          assertThat(publisher.records.get(0).record().getFamiliesList()).isEmpty();
        });
  }

  /** The stream identifier, then a compressed chunk whose varint length is 2^32 - 1. */
  private static final byte[] HUGE_SNAPPY_CHUNK = {
    (byte) 0xff,
    6,
    0,
    0,
    's',
    'N',
    'a',
    'P',
    'p',
    'Y',
    0,
    11,
    0,
    0,
    0,
    0,
    0,
    0,
    (byte) 0xff,
    (byte) 0xff,
    (byte) 0xff,
    (byte) 0xff,
    0x0f,
    0,
    'a'
  };

  static Stream<Arguments> corruptBodies() throws IOException {
    byte[] text = "m 1\n".getBytes(StandardCharsets.UTF_8);
    byte[] gz = gzip(text);
    byte[] framed = snappy(text);
    byte[] badCrc = framed.clone();
    badCrc[14] ^= 0x55; // inside the CRC-32C of the first data chunk
    // the block format of remote write, without the framing: not what upstream reads
    byte[] longer = "some_metric_name 12345\nother_metric 2\n".getBytes(StandardCharsets.UTF_8);
    byte[] rawBlock = new byte[128];
    int rawLength =
        new io.airlift.compress.snappy.SnappyCompressor()
            .compress(longer, 0, longer.length, rawBlock, 0, rawBlock.length);
    return Stream.of(
        Arguments.of(
            "gzip", "not gzip at all".getBytes(StandardCharsets.UTF_8), "gzip: invalid header"),
        Arguments.of("gzip", Arrays.copyOf(gz, gz.length - 6), "gzip: unexpected EOF"),
        Arguments.of("gzip", Arrays.copyOf(gz, 5), "gzip: unexpected EOF"),
        Arguments.of("snappy", badCrc, "snappy: corrupt input: invalid checksum"),
        Arguments.of("snappy", Arrays.copyOf(framed, framed.length - 2), "snappy: unexpected EOF"),
        Arguments.of(
            "snappy",
            Arrays.copyOf(rawBlock, rawLength),
            "snappy: corrupt input: no snappy stream identifier (the framed format is expected)"),
        Arguments.of(
            "snappy",
            "garbage, not snappy".getBytes(StandardCharsets.UTF_8),
            "snappy: corrupt input"),
        // a chunk announcing 4 GiB uncompressed: aircompressor throws an unchecked exception
        Arguments.of("snappy", HUGE_SNAPPY_CHUNK, "snappy: corrupt input"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("corruptBodies")
  void corruptCompressedBodiesAre400AndWriteNothing(String encoding, byte[] body, String message) {
    JavalinTest.test(
        app(),
        (server, client) -> {
          Response r = push(client, "/metrics/job/c", body, encoding);
          assertThat(r.code()).isEqualTo(400);
          assertThat(r.body().string())
              .startsWith(message)
              .contains("(Content-Encoding: " + encoding + ")");
          assertThat(publisher.records).isEmpty();
        });
  }

  @Test
  void theLimitCountsDecompressedBytes() throws IOException {
    // ~2 MiB of one comment line: compresses to a few KiB, and the parser reads all of it
    byte[] bomb = ("# " + "x".repeat(2 << 20) + "\nm 1\n").getBytes(StandardCharsets.UTF_8);
    byte[] gz = gzip(bomb);
    byte[] sn = snappy(bomb);
    assertThat(gz.length).isLessThan(64 << 10);
    assertThat(sn.length).isLessThan(200 << 10);
    JavalinTest.test(
        app(256 << 10),
        (server, client) -> {
          for (var encoded : Map.of("gzip", gz, "snappy", sn).entrySet()) {
            Response r = push(client, "/metrics/job/bomb", encoded.getValue(), encoded.getKey());
            assertThat(r.code()).as(encoded.getKey()).isEqualTo(413);
            assertThat(r.body().string()).contains("--push.max-body-size");
          }
          assertThat(publisher.records).isEmpty();
        });
  }

  @Test
  void utf8NamesNeedTheFlag() {
    JavalinTest.test(
        app(1 << 20, NameValidationScheme.LEGACY),
        (server, client) -> {
          // without the flag a U__ name is an ordinary legacy name ...
          assertThat(
                  client
                      .request("/metrics/job/j/U__foo_2e_bar/v", b -> b.put(text("m 1\n")))
                      .code())
              .isEqualTo(200);
          assertThat(GroupingKey.fromBytes(publisher.records.get(0).key()).labels())
              .containsKey("U__foo_2e_bar");
          // ... and a quoted UTF-8 name is a parse error
          Response quoted = client.request("/metrics/job/j", b -> b.put(text("{\"a.b\"} 1\n")));
          assertThat(quoted.code()).isEqualTo(400);
          assertThat(quoted.body().string())
              .isEqualTo("text format parsing error in line 1: invalid metric name \"a.b\"\n");
          Response dotted = client.request("/metrics/job/j/a.b/v", b -> b.put(text("m 1\n")));
          assertThat(dotted.code()).isEqualTo(400);
          assertThat(dotted.body().string()).isEqualTo("improper label name \"a.b\"\n");
          assertThat(publisher.records).hasSize(1);
        });
  }

  @Test
  void utf8NamesWithTheFlag() {
    JavalinTest.test(
        app(1 << 20, NameValidationScheme.UTF8),
        (server, client) -> {
          Response r =
              client.request(
                  "/metrics/job/j/U__foo_2e_bar/v",
                  b ->
                      b.put(text("# TYPE \"my.count\" counter\n{\"my.count\",\"a.b\"=\"x\"} 1\n")));
          assertThat(r.code()).isEqualTo(200);
          Published p = publisher.records.get(0);
          assertThat(GroupingKey.fromBytes(p.key()).labels())
              .containsExactlyInAnyOrderEntriesOf(Map.of("job", "j", "foo.bar", "v"));
          Metrics.MetricFamily family = p.record().getFamilies(0);
          assertThat(family.getName()).isEqualTo("my.count");
          assertThat(family.getMetric(0).getLabelList())
              .extracting(Metrics.LabelPair::getName)
              .containsExactly("a.b", "foo.bar", "instance", "job");
          Response empty = client.request("/metrics/job/j/U__/v", b -> b.put(text("m 1\n")));
          assertThat(empty.code()).isEqualTo(400);
          assertThat(empty.body().string()).isEqualTo("improper label name \"U__\"\n");
          // the path is read the same way for DELETE
          assertThat(client.delete("/metrics/job/j/U__foo_2e_bar/v").code()).isEqualTo(202);
          assertThat(GroupingKey.fromBytes(publisher.records.get(1).key()))
              .isEqualTo(GroupingKey.fromBytes(p.key()));
        });
  }

  private static Response push(
      io.javalin.testtools.HttpClient client, String path, byte[] body, String encoding) {
    return client.request(
        path, b -> b.put(RequestBody.create(body, TEXT)).header("Content-Encoding", encoding));
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  static byte[] snappy(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SnappyFramedOutputStream sn = new SnappyFramedOutputStream(out)) {
      sn.write(data);
    }
    return out.toByteArray();
  }

  @Test
  void bodiesOverTheLimitAre413() {
    JavalinTest.test(
        app(64),
        (server, client) -> {
          String big = "m{x=\"" + "a".repeat(100) + "\"} 1\n";
          Response r = client.request("/metrics/job/j", b -> b.put(text(big)));
          assertThat(r.code()).isEqualTo(413);
          assertThat(r.body().string()).contains("--push.max-body-size");
          assertThat(publisher.records).isEmpty();
        });
  }

  @Test
  void aBodyAnnouncedLargerThanTheLimitIs413BeforeItIsRead() {
    JavalinTest.test(
        app(1 << 20),
        (server, client) -> {
          try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000); // a deadline only: the answer comes at once
            OutputStream out = socket.getOutputStream();
            // Jetty dispatches a request with a body once some of it has arrived
            out.write(
                ("PUT /metrics/job/j HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[4096]);
            out.flush();
            String answer =
                new String(socket.getInputStream().readNBytes(512), StandardCharsets.UTF_8);
            assertThat(answer)
                .startsWith("HTTP/1.1 413 ")
                .contains("push body exceeds the limit of 1048576 bytes (--push.max-body-size)");
          }
          assertThat(publisher.records).isEmpty();
        });
  }

  @Test
  void aProtobufBodyOfEmptyMessagesIsRefusedAtTheFirst() {
    JavalinTest.test(
        app(32 << 20),
        (server, client) -> {
          Response r =
              client.request(
                  "/metrics/job/j", b -> b.put(RequestBody.create(new byte[8 << 20], PROTOBUF)));
          assertThat(r.code()).isEqualTo(400);
          assertThat(r.body().string())
              .isEqualTo(
                  "pushed metrics are invalid or inconsistent with existing metrics:"
                      + " \"\" is not a valid metric name\n");
          // refused like any invalid metric name: recorded as a failed push of the group
          assertThat(publisher.records).hasSize(1);
          assertThat(publisher.records.get(0).record().getRejection())
              .endsWith("\"\" is not a valid metric name");
        });
  }

  static Stream<Arguments> overLimits() {
    PushLimits limits = new PushLimits(2, 3, 2, 8, 8);
    return Stream.of(
        Arguments.of(limits, "a 1\nb 1\nc 1\n", 413, "--push.max-families"),
        Arguments.of(
            limits, "a{x=\"1\"} 1\na{x=\"2\"} 1\nb 1\nb{x=\"1\"} 1\n", 413, "--push.max-series"),
        Arguments.of(limits, "a{x=\"1\",y=\"2\",z=\"3\"} 1\n", 400, "--push.max-labels-per-series"),
        Arguments.of(limits, "a{abcdefghi=\"1\"} 1\n", 400, "--push.max-label-name-length"),
        Arguments.of(limits, "a{x=\"123456789\"} 1\n", 400, "--push.max-label-value-length"));
  }

  @ParameterizedTest(name = "{3}")
  @MethodSource("overLimits")
  void pushesOverALimitAreRefusedNamingItsFlagAndTouchNoGroup(
      PushLimits push, String body, int status, String flag) {
    DecodeBudget budget = new DecodeBudget(1 << 20, Duration.ZERO);
    JavalinTest.test(
        app(new IngestLimits(1 << 20, push, budget)),
        (server, client) -> {
          Response r = client.request("/metrics/job/j", b -> b.put(text(body)));
          assertThat(r.code()).isEqualTo(status);
          assertThat(r.body().string())
              .contains("exceeds the limit of")
              .endsWith("(" + flag + ")\n");
          assertThat(publisher.records).isEmpty();
          assertThat(budget.availableBytes()).isEqualTo(budget.totalBytes());
        });
  }

  @Test
  void aPushNeedingMoreThanTheWholeDecodeBudgetIs413() {
    DecodeBudget budget = new DecodeBudget(256 << 10, Duration.ZERO);
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      big.append("m{i=\"").append(i).append("\"} 1\n");
    }
    JavalinTest.test(
        app(new IngestLimits(1 << 20, PushLimits.NONE, budget)),
        (server, client) -> {
          Response r = client.request("/metrics/job/j", b -> b.put(text(big.toString())));
          assertThat(r.code()).isEqualTo(413);
          assertThat(r.body().string())
              .isEqualTo(
                  "push needs more memory to decode than the budget of 262144 bytes"
                      + " (--push.decode-budget)\n");
          assertThat(publisher.records).isEmpty();
          assertThat(budget.availableBytes()).isEqualTo(budget.totalBytes());
        });
  }

  @Test
  void aPushThatCannotHaveItsShareInTimeIs503AndTheShareComesBackAfterEachAnswer() {
    DecodeBudget budget = new DecodeBudget(1 << 20, Duration.ofMillis(50));
    JavalinTest.test(
        app(new IngestLimits(1 << 20, PushLimits.NONE, budget)),
        (server, client) -> {
          DecodeBudget.Grant others = budget.open();
          others.charge(budget.totalBytes()); // pushes being decoded hold it all
          Response busy = client.request("/metrics/job/j", b -> b.put(text("m 1\n")));
          assertThat(busy.code()).isEqualTo(503);
          assertThat(busy.header("Retry-After")).isEqualTo("5");
          assertThat(busy.body().string()).contains("--push.decode-budget");
          assertThat(publisher.records).isEmpty();
          others.close();

          assertThat(client.request("/metrics/job/j", b -> b.put(text("m 1\n"))).code())
              .isEqualTo(200);
          assertThat(client.request("/metrics/job/j", b -> b.put(text("m 1 5\n"))).code())
              .as("invalid metrics")
              .isEqualTo(400);
          assertThat(client.request("/metrics/job/j", b -> b.put(text("m{"))).code())
              .as("malformed")
              .isEqualTo(400);
          publisher.failWith =
              new PublishFailedException(PublishFailedException.Reason.UNAVAILABLE, "down");
          assertThat(client.request("/metrics/job/j", b -> b.put(text("m 1\n"))).code())
              .isEqualTo(503);
          Await.until(
              Duration.ofSeconds(10),
              "every push's share given back",
              () -> budget.availableBytes() == budget.totalBytes());
        });
  }

  @Test
  void brokerFailureIs503WithRetryAfter() {
    publisher.failWith =
        new PublishFailedException(
            PublishFailedException.Reason.UNAVAILABLE, "broker unavailable: timed out after 10s");
    JavalinTest.test(
        app(),
        (server, client) -> {
          Response r = client.request("/metrics/job/j", b -> b.put(text("m 1\n")));
          assertThat(r.code()).isEqualTo(503);
          assertThat(r.header("Retry-After")).isNotBlank();
          assertThat(r.body().string()).contains("broker unavailable");
        });
  }

  @Test
  void aClosedGateRefusesPutAndPostWith503UntilItOpensAndDeletesStillPass() {
    refusal = "pushes refused: the data directory /d has 1MiB free";
    JavalinTest.test(
        app(),
        (server, client) -> {
          for (String method : List.of("PUT", "POST")) {
            Response r = client.request("/metrics/job/j", b -> b.method(method, text("m 1\n")));
            assertThat(r.code()).as(method).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("30");
            assertThat(r.body().string())
                .isEqualTo("pushes refused: the data directory /d has 1MiB free\n");
          }
          assertThat(publisher.records).isEmpty();
          assertThat(client.request("/metrics/job/j", Request.Builder::delete).code())
              .isEqualTo(202);
          refusal = null;
          assertThat(client.request("/metrics/job/j", b -> b.put(text("m 1\n"))).code())
              .isEqualTo(200);
          assertThat(publisher.records)
              .extracting(p -> p.record().getMethod())
              .containsExactly(Method.DELETE, Method.PUT);
        });
  }

  @Test
  void otherMethodsOnPushPathsAre405() {
    JavalinTest.test(
        app(),
        (server, client) -> {
          assertThat(client.get("/metrics/job/j").code()).isEqualTo(405);
          assertThat(client.request("/metrics/job/j", Request.Builder::head).code()).isEqualTo(405);
        });
  }

  private static RequestBody text(String body) {
    return RequestBody.create(body.getBytes(StandardCharsets.UTF_8), TEXT);
  }

  record Published(byte[] key, PushRecord record) {}

  static final class RecordingPublisher implements PushPublisher {
    final List<Published> records = new CopyOnWriteArrayList<>();
    volatile RuntimeException failWith;

    @Override
    public CompletableFuture<Void> publish(byte[] key, PushRecord record) {
      if (failWith != null) {
        return CompletableFuture.failedFuture(failWith);
      }
      records.add(new Published(key, record));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void close() {}
  }
}
