package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.FreePorts;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kpushgateway replay} on a real broker, run in this JVM through {@link Replay#run}: the
 * pages a gateway served at recorded instants ({@code /federate?match[]={job!=""}&at=}, with {@code
 * match[]} in protobuf, OpenMetrics) are printed again byte for byte, with the snapshot index read
 * from its changelog and, once that is deleted, from the snapshots topic; bad input gives one line
 * and its exit status; and an all-in-one gateway's data directory is replayed once the gateway
 * stopped (refused while it runs).
 */
class ReplayIT {

  private static final Duration SETTLED = Duration.ofSeconds(60);
  private static final String PUSHED = "/federate?match[]=" + encode("{job!=\"\"}");
  private static final String OPENMETRICS_ACCEPT = "application/openmetrics-text;version=1.0.0";

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private final HttpClient http = HttpClient.newHttpClient();

  /** What a gateway served as of {@code at}. */
  @SuppressWarnings("ArrayRecordComponent") // compared with assertThat(byte[])
  private record Served(Instant at, String text, byte[] matchedProtobuf, String openMetrics) {}

  /** What a replay wrote and said. */
  private record Run(int status, byte[] out, String err) {
    String text() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  @Test
  void replayPrintsWhatTheGatewayServedAtRecordedInstants(@TempDir Path data) throws Exception {
    String name = KAFKA.uniqueName("replay");
    List<Served> served = new ArrayList<>();
    try (TestNodes nodes = new TestNodes(KAFKA, name, data)) {
      TestGateway a =
          nodes.start("a", "--history.snapshot-interval=1s", "--web.enable-openmetrics");
      a.push("job/a", "# TYPE m gauge\nm 1\n");
      a.push("job/b/instance/x", "# TYPE m gauge\nm 2\n# TYPE n counter\nn 3\n");
      served.add(serve(a, "n{instance=\"x\",job=\"b\"} 3"));
      Await.until(SETTLED, "a snapshot", () -> snapshotRecords(name) > 0);
      expect(a.send("POST", "/metrics/job/a", "# TYPE k gauge\nk 4\n"), 200);
      served.add(serve(a, "k{instance=\"\",job=\"a\"} 4"));
      expect(a.send("DELETE", "/metrics/job/b/instance/x", null), 202);
      a.push("job@base64/L3Zhci90bXA/le/0.5", "# TYPE m gauge\nm 5\n");
      served.add(serve(a, "job=\"/var/tmp\",le=\"0.5\"} 5"));
      assertThat(served.get(2).text()).doesNotContain("job=\"b\"");

      // while the gateway runs: the snapshot index from its changelog
      assertThat(topics()).contains(name + "-snapshot-index-changelog");
      assertReplayed(name, served, data);
      nodes.stop(a);
    }

    // after an application reset the changelog is gone: the index from the snapshots topic
    try (Admin admin = admin()) {
      admin.deleteTopics(List.of(name + "-snapshot-index-changelog")).all().get();
    }
    Await.until(
        SETTLED,
        "the changelog deleted",
        () -> !topics().contains(name + "-snapshot-index-changelog"));
    assertReplayed(name, served, data);

    // once retention deleted pushes, an instant before what is left is refused
    deleteAllPushes(name);
    Run early = replay(cluster(name, "--at=" + served.get(0).at()));
    assertThat(early.status()).as(early.err()).isEqualTo(Replay.FAILED);
    assertOneLine(early.err());
    assertThat(early.err())
        .startsWith("kpushgateway replay: bad --at: ")
        .containsAnyOf("is before the retained history", "no instant can be rebuilt");
    assertThat(early.out()).isEmpty();
  }

  @Test
  void badInputIsOneLineAndItsExitStatus(@TempDir Path data) throws Exception {
    String name = KAFKA.uniqueName("badreplay");
    String now = "--at=" + Instant.now();
    assertFails(
        Replay.USAGE, "bad --at: cannot parse \"yesterday\"", cluster(name, "--at=yesterday"));
    assertFails(Replay.USAGE, "Missing required option: '--at=TIME'", cluster(name));
    assertFails(
        Replay.USAGE,
        "is in the future (now is",
        cluster(name, "--at=" + Instant.now().plusSeconds(3600)));
    assertFails(
        Replay.USAGE,
        "Invalid value for option '--format': expected one of [text, protobuf, openmetrics]",
        cluster(name, now, "--format=xml"));
    assertFails(
        Replay.USAGE, "bad --match \"{job=\": ", cluster(name, now, "--match=m", "--match={job="));
    assertFails(Replay.FAILED, "has no topic " + name + ".pushes", cluster(name, now));
    assertFails(
        Replay.FAILED,
        "cannot reach the Kafka cluster at 127.0.0.1:",
        now,
        "--kafka.bootstrap-servers=127.0.0.1:" + FreePorts.next(),
        "--timeout=2s");
    assertFails(
        Replay.FAILED,
        "holds no all-in-one gateway's data",
        now,
        "--data.dir=" + data.resolve("empty"));
    assertThat(data.resolve("empty")).doesNotExist();
  }

  @Test
  void theDataDirOfAStoppedAllInOneGatewayIsReplayed(@TempDir Path data) throws Exception {
    Path dir = data.resolve("all-in-one");
    Served served;
    try (TestGateway gateway =
        TestGateway.startReady(
            "--web.listen-address=127.0.0.1:" + FreePorts.next(),
            "--data.dir=" + dir,
            "--web.enable-openmetrics",
            "--log.level=warn")) {
      gateway.push("job/backup/instance/db1", "# TYPE backup_ok gauge\nbackup_ok 1\n");
      gateway.push("job/batch", "# TYPE batch_runs_total counter\nbatch_runs_total 7\n");
      served = serve(gateway, "batch_runs_total{instance=\"\",job=\"batch\"} 7");
      String page = gateway.send("GET", "/metrics?at=" + served.at(), null).body();
      assertThat(page).isEqualTo(served.text());

      assertFails(
          Replay.FAILED,
          "a gateway is running on --data.dir " + dir,
          "--at=" + served.at(),
          "--data.dir=" + dir);
    }
    Run run = replay("--at=" + served.at(), "--data.dir=" + dir);
    assertThat(run.err()).isEmpty();
    assertThat(run.status()).isZero();
    assertThat(run.text()).isEqualTo(served.text()).contains("backup_ok{instance=\"db1\"");
  }

  /** Every recorded page, replayed in each form, and once to a file. */
  private static void assertReplayed(String name, List<Served> served, Path data)
      throws IOException {
    for (Served page : served) {
      String at = "--at=" + page.at();
      Run text = replay(cluster(name, at));
      assertThat(text.err()).isEmpty();
      assertThat(text.status()).isZero();
      assertThat(text.text()).as("text at " + page.at()).isEqualTo(page.text());

      Run protobuf = replay(cluster(name, at, "--match=m", "--format=protobuf"));
      assertThat(protobuf.err()).isEmpty();
      assertThat(protobuf.out()).as("protobuf at " + page.at()).isEqualTo(page.matchedProtobuf());

      Run openMetrics = replay(cluster(name, at, "--format=openmetrics"));
      assertThat(openMetrics.err()).isEmpty();
      assertThat(openMetrics.text())
          .as("openmetrics at " + page.at())
          .isEqualTo(page.openMetrics());
    }
    Served last = served.get(served.size() - 1);
    Path file = data.resolve("page.txt");
    Run toFile = replay(cluster(name, "--at=" + last.at(), "--output=" + file));
    assertThat(toFile.status()).as(toFile.err()).isZero();
    assertThat(toFile.out()).isEmpty();
    assertThat(Files.readString(file)).isEqualTo(last.text());
  }

  /**
   * Once {@code applied} is on the page: an instant at which the store holds what it shows, and the
   * gateway's own answers as of that instant.
   */
  private Served serve(TestGateway node, String applied) {
    Await.until(SETTLED, applied, () -> get(node, PUSHED, null).contains(applied));
    Instant at = Instant.now();
    long ms = at.toEpochMilli();
    while (System.currentTimeMillis() <= ms) { // later pushes land in a later millisecond
      Thread.onSpinWait();
    }
    String text = get(node, PUSHED + "&at=" + at, null);
    assertThat(text).contains(applied);
    byte[] protobuf = getBytes(node, "/federate?match[]=m&at=" + at, TestGateway.PROTOBUF_ACCEPT);
    String openMetrics = get(node, "/metrics?at=" + at, OPENMETRICS_ACCEPT);
    assertThat(openMetrics).endsWith("# EOF\n");
    return new Served(at, text, protobuf, openMetrics);
  }

  private String get(TestGateway node, String path, String accept) {
    return new String(getBytes(node, path, accept), StandardCharsets.UTF_8);
  }

  private byte[] getBytes(TestGateway node, String path, String accept) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(node.url(path))).timeout(Duration.ofSeconds(30));
    if (accept != null) {
      request.header("Accept", accept);
    }
    try {
      HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      return r.body();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String[] cluster(String name, String... more) {
    return Stream.concat(
            Stream.of(
                "--kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
                "--kafka.topic-prefix=" + name,
                "--kafka.application-id=" + name),
            Stream.of(more))
        .toArray(String[]::new);
  }

  private static Run replay(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Replay.run(args, out, new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  private static void assertFails(int status, String message, String... args) {
    Run run = replay(args);
    assertThat(run.status()).as(run.err()).isEqualTo(status);
    assertOneLine(run.err());
    assertThat(run.err()).startsWith("kpushgateway replay: ").contains(message);
    assertThat(run.out()).isEmpty();
  }

  private static void assertOneLine(String err) {
    assertThat(err).endsWith("\n").doesNotContain("\tat ");
    assertThat(err.strip()).doesNotContain("\n");
  }

  private static void expect(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
  }

  private static Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", (Object) KAFKA.bootstrapServers()));
  }

  private static java.util.Set<String> topics() {
    try (Admin admin = admin()) {
      return admin.listTopics().names().get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long snapshotRecords(String name) {
    try {
      return KAFKA.endOffsets(name + ".snapshots");
    } catch (IllegalStateException e) {
      return 0; // not created yet
    }
  }

  /** What retention does to old segments, at once: every push so far is gone. */
  private static void deleteAllPushes(String name) throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, RecordsToDelete> all = new HashMap<>();
      for (int p = 0; p < 6; p++) {
        TopicPartition tp = new TopicPartition(name + ".pushes", p);
        long end =
            admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
        all.put(tp, RecordsToDelete.beforeOffset(end));
      }
      admin.deleteRecords(all).all().get();
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
