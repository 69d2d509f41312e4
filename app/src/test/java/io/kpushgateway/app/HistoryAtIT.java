package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ?at=} on a real broker: pages recorded with their instants during PUT, POST, DELETE, a
 * rejected push, a record the store cannot read and a wipe, over six partitions with snapshots
 * taken in between, are served again byte for byte when asked at those instants: on the node that
 * served them, after it restarted, and through either of two store nodes.
 */
class HistoryAtIT {

  private static final Duration SETTLED = Duration.ofSeconds(60);
  private static final String PUSHED = "/federate?match[]=" + encode("{job!=\"\"}");

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  /** A page as it was served, and when. */
  private record Served(Instant at, String federated, String json) {}

  /** One change and how to see on the current page that the store applied it. */
  private record Step(String what, Consumer<TestGateway> change, Predicate<String> applied) {}

  @Test
  void pagesAtRecordedInstantsAreServedAgainByteForByte(@TempDir Path data) throws Exception {
    String name = KAFKA.uniqueName("history");
    try (TestNodes nodes = new TestNodes(KAFKA, name, data)) {
      String[] flags = {"--history.snapshot-interval=1s", "--web.enable-admin-api"};
      TestGateway a = nodes.start("a", flags);
      Instant beforeAnyPush = Instant.now();
      List<Served> served = new ArrayList<>();
      List<Step> steps =
          List.of(
              step("PUT a", gw -> gw.push("job/a", "# TYPE m gauge\nm 1\n"), has("job=\"a\"} 1")),
              step(
                  "PUT b",
                  gw -> gw.push("job/b/instance/x", "# TYPE m gauge\nm 2\n# TYPE n counter\nn 3\n"),
                  has("n{instance=\"x\",job=\"b\"} 3")),
              step(
                  "a PUT to a that the store cannot read (and skips), then POST a",
                  gw -> {
                    produceUnreadablePut(name, "a");
                    expect(gw.send("POST", "/metrics/job/a", "# TYPE k gauge\nk 4\n"), 200);
                  },
                  has("k{instance=\"\",job=\"a\"} 4")),
              step(
                  "PUT base64 key",
                  gw -> gw.push("job@base64/L3Zhci90bXA/le/0.5", "# TYPE m gauge\nm 5\n"),
                  has("job=\"/var/tmp\",le=\"0.5\"} 5")),
              step(
                  "rejected POST a",
                  gw -> expect(gw.send("POST", "/metrics/job/a", "# TYPE n gauge\nn 6\n"), 400),
                  page -> !page.contains("push_failure_time_seconds{instance=\"\",job=\"a\"} 0\n")),
              step(
                  "DELETE b",
                  gw -> expect(gw.send("DELETE", "/metrics/job/b/instance/x", null), 202),
                  page -> !page.contains("job=\"b\"")),
              step(
                  "PUT b again",
                  gw -> gw.push("job/b/instance/x", "# TYPE m gauge\nm 7\n"),
                  has("m{instance=\"x\",job=\"b\"} 7")),
              step(
                  "wipe",
                  gw -> expect(gw.send("PUT", "/api/v1/admin/wipe", null), 202),
                  page -> !page.contains("job=")),
              step("PUT e", gw -> gw.push("job/e", "# TYPE m gauge\nm 8\n"), has("job=\"e\"} 8")),
              step(
                  "POST e",
                  gw -> expect(gw.send("POST", "/metrics/job/e", "# TYPE m gauge\nm 9\n"), 200),
                  has("job=\"e\"} 9")));
      long snapshots = 0;
      for (int i = 0; i < steps.size(); i++) {
        Step step = steps.get(i);
        step.change().accept(a);
        Await.until(SETTLED, step.what() + " applied", () -> step.applied().test(pushed(a)));
        served.add(serve(a));
        if (i == 3 || i == 7) { // a snapshot between these steps and the next ones
          long before = snapshots;
          Await.until(SETTLED, "a snapshot", () -> snapshotRecords(name) > before);
          snapshots = snapshotRecords(name);
        }
      }

      assertServedAgain(a, served);

      // while retention has deleted nothing, the page before the first push is empty
      HttpResponse<String> early = a.send("GET", "/metrics?at=" + beforeAnyPush, null);
      assertThat(early.statusCode()).isEqualTo(200);
      assertThat(early.body()).isEmpty();
      Await.until(
          SETTLED,
          "the status: nothing deleted yet",
          () ->
              a.send("GET", "/api/v1/status", null)
                  .body()
                  .contains("\"history\":{\"oldest_time\":null}"));
      HttpResponse<String> bad = a.send("GET", "/api/v1/metrics?at=yesterday", null);
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body())
          .contains("\"errorType\":\"bad_data\"")
          .contains("cannot parse \\\"yesterday\\\"");
      HttpResponse<String> future =
          a.send("GET", "/federate?match[]=m&at=" + Instant.now().plusSeconds(3600), null);
      assertThat(future.statusCode()).isEqualTo(400);
      assertThat(future.body()).contains("is in the future");

      nodes.stop(a);
      TestGateway restarted = nodes.start("a", flags);
      assertServedAgain(restarted, served);

      TestGateway b = nodes.start("b", "--roles=store");
      Await.until(
          SETTLED,
          "both store nodes serving",
          () -> b.send("GET", PUSHED, null).statusCode() == 200 && activePartitions(b) > 0);
      assertServedAgain(b, served);
      assertServedAgain(restarted, served);
    }
  }

  @Test
  void onceRetentionDeletedPushesTheOldestSnapshotIsTheBound(@TempDir Path data) throws Exception {
    String name = KAFKA.uniqueName("trimmed");
    try (TestNodes nodes = new TestNodes(KAFKA, name, data)) {
      TestGateway a = nodes.start("a", "--history.snapshot-interval=1s");
      for (int i = 0; i < 12; i++) {
        a.push("job/t" + i, "# TYPE m gauge\nm " + i + "\n");
      }
      Await.until(SETTLED, "every group", () -> pushed(a).contains("job=\"t11\"} 11"));
      Served before = serve(a);
      // what retention does to old segments, at once: every push so far is gone
      try (Admin admin =
          Admin.create(Map.of("bootstrap.servers", (Object) KAFKA.bootstrapServers()))) {
        Map<TopicPartition, RecordsToDelete> all = new java.util.HashMap<>();
        for (int p = 0; p < 6; p++) {
          TopicPartition tp = new TopicPartition(name + ".pushes", p);
          long end =
              admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
          all.put(tp, RecordsToDelete.beforeOffset(end));
        }
        admin.deleteRecords(all).all().get();
      }
      // the groups are still in the store, and so in its snapshots: the page now is rebuilt
      // from them, and the page before them is refused, naming where the history starts
      Instant now = Instant.now();
      Await.until(
          SETTLED,
          "the state now rebuilt from snapshots",
          () -> {
            HttpResponse<String> r = a.send("GET", PUSHED + "&at=" + now, null);
            return r.statusCode() == 200 && r.body().equals(before.federated());
          });
      HttpResponse<String> early =
          a.send("GET", PUSHED + "&at=" + before.at().minusSeconds(60), null);
      assertThat(early.statusCode()).isEqualTo(400);
      assertThat(early.body()).contains("is before the retained history, which starts at");
      Await.until(
          SETTLED,
          "the status and a self-metric name the oldest answerable instant",
          () ->
              a.send("GET", "/api/v1/status", null)
                      .body()
                      .contains("\"history\":{\"oldest_time\":\"20")
                  && a.scrape().contains("kpushgateway_history_oldest_timestamp_seconds 1."));

      // a store rebuilt from scratch, as Kafka's application reset tool leaves it (no committed
      // offsets, no changelogs) and without its state dir, starts from the newest snapshot: the
      // groups whose pushes retention deleted are all there
      nodes.stop(a);
      try (Admin admin =
          Admin.create(Map.of("bootstrap.servers", (Object) KAFKA.bootstrapServers()))) {
        admin.deleteConsumerGroups(List.of(name)).all().get();
        admin
            .deleteTopics(List.of(name + "-groups-changelog", name + "-snapshot-index-changelog"))
            .all()
            .get();
      }
      deleteRecursively(data.resolve("a"));
      TestGateway rebuilt = nodes.start("a", "--history.snapshot-interval=1s");
      Await.until(SETTLED, "the rebuilt store", () -> pushed(rebuilt).equals(before.federated()));
    }
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(p);
      }
    }
  }

  private static void assertServedAgain(TestGateway node, List<Served> served) {
    for (Served page : served) {
      HttpResponse<String> federated = node.send("GET", PUSHED + "&at=" + page.at(), null);
      assertThat(federated.statusCode()).as(federated.body()).isEqualTo(200);
      assertThat(federated.body()).as("/federate at " + page.at()).isEqualTo(page.federated());
      assertThat(node.send("GET", "/metrics?at=" + page.at(), null).body())
          .as("/metrics at " + page.at() + ": the pushed groups, without the gateway's own")
          .isEqualTo(page.federated());
      assertThat(node.send("GET", "/api/v1/metrics?at=" + page.at(), null).body())
          .as("/api/v1/metrics at " + page.at())
          .isEqualTo(page.json());
    }
  }

  /** The current pages, and an instant at which they are what the store holds. */
  private static Served serve(TestGateway node) {
    String federated = pushed(node);
    String json = node.send("GET", "/api/v1/metrics", null).body();
    Instant at = Instant.now();
    // the next push lands in a later millisecond than the one "at" names
    long ms = at.toEpochMilli();
    while (System.currentTimeMillis() <= ms) {
      Thread.onSpinWait();
    }
    return new Served(at, federated, json);
  }

  private static String pushed(TestGateway node) {
    HttpResponse<String> r = node.send("GET", PUSHED, null);
    return r.statusCode() == 200 ? r.body() : "";
  }

  /**
   * Writes to the push log a PUT of {@code job} that reads as a PUT but does not parse (its ingest
   * node is not UTF-8): it decides nothing, and a read of the past skips it as the store did.
   */
  private static void produceUnreadablePut(String name, String job) {
    GroupingKey key = GroupingKey.of(Map.of("job", job));
    long now = System.currentTimeMillis();
    byte[] put =
        PushRecord.newBuilder()
            .setMethod(Method.PUT)
            .addAllGrouping(key.toLabelPairs())
            .setReceivedAtUnixNanos(now * 1_000_000L)
            .build()
            .toByteArray();
    byte[] unreadable = Arrays.copyOf(put, put.length + 3);
    unreadable[put.length] = 6 << 3 | 2; // ingest_node, length-delimited
    unreadable[put.length + 1] = 1;
    unreadable[put.length + 2] = (byte) 0xff;
    Map<String, Object> config = Map.of("bootstrap.servers", KAFKA.bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer
          .send(new ProducerRecord<>(name + ".pushes", null, now, key.toBytes(), unreadable))
          .get();
    } catch (Exception e) {
      throw new AssertionError("could not write to the push log", e);
    }
  }

  private static long snapshotRecords(String name) {
    try {
      return KAFKA.endOffsets(name + ".snapshots");
    } catch (IllegalStateException e) {
      return 0; // not created yet
    }
  }

  private static double activePartitions(TestGateway node) {
    for (String line : node.scrape().split("\n")) {
      if (line.startsWith("kpushgateway_store_partitions{kind=\"active\"}")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  private static Step step(String what, Consumer<TestGateway> change, Predicate<String> applied) {
    return new Step(what, change, applied);
  }

  private static Predicate<String> has(String text) {
    return page -> page.contains(text);
  }

  private static void expect(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
