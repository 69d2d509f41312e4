package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.app.GatewayConfig.Role;
import io.kpushgateway.app.GatewayProcess.Cluster;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/v1/batch} on a real broker and real nodes: a large batch, and again with new values,
 * watched by a polling scraper that must never see part of either, bad batches that change nothing,
 * and an ingest process killed in the middle of a batch that leaves all of its groups or none. What
 * the scraper saw is printed (and written to {@code target/batch-visibility.txt}).
 */
class BatchIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final int PARTITIONS = 6;
  private static final Duration VISIBLE = Duration.ofSeconds(60);
  private static final Path REPORT = Path.of("target", "batch-visibility.txt");

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** {@code groups} groups of job {@code job}, one series {@code batch_value} each. */
  private static String batch(String job, int groups, double value) {
    StringBuilder sb = new StringBuilder("# TYPE batch_value gauge\n");
    for (int i = 0; i < groups; i++) {
      sb.append("batch_value{job=\"")
          .append(job)
          .append("\",instance=\"i")
          .append(i)
          .append("\"} ")
          .append(value)
          .append('\n');
    }
    return sb.toString();
  }

  /** How many series of {@code job}'s {@code batch_value} a scrape shows. */
  private static int seen(String scrape, String job) {
    return seen(scrape, job, "");
  }

  /** How many series of {@code job}'s {@code batch_value} a scrape shows valued {@code value}. */
  private static int seen(String scrape, String job, String value) {
    String prefix = "batch_value{instance=\"";
    String jobLabel = "job=\"" + job + "\"";
    String end = value.isEmpty() ? "" : "} " + value;
    int n = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith(prefix) && line.contains(jobLabel) && line.endsWith(end)) {
        n++;
      }
    }
    return n;
  }

  @Test
  void aPollingScraperSeesALargeBatchWholeOrNotAtAll(@TempDir Path data) throws Exception {
    int groups = 3000;
    try (TestNodes nodes = new TestNodes(KAFKA, KAFKA.uniqueName("batch-vis"), data)) {
      TestGateway a = nodes.start("a");
      TestGateway b = nodes.start("b", "--roles=store");
      // both store nodes hold partitions: a scrape of b reads some here, some from a
      Await.until(VISIBLE, "a first push seen on b", () -> pushSeen(a, b));

      List<int[]> scrapes = Collections.synchronizedList(new ArrayList<>());
      long origin = System.nanoTime();
      Thread scraper =
          new Thread(
              () -> {
                while (!stop) {
                  String page = b.scrape();
                  scrapes.add(
                      new int[] {
                        (int) ((System.nanoTime() - origin) / 1_000_000),
                        seen(page, "big"),
                        seen(page, "big", "2")
                      });
                }
              },
              "scraper");
      scraper.start();
      HttpResponse<String> r;
      HttpResponse<String> second;
      long sent;
      long answered;
      try {
        Await.until(VISIBLE, "first scrapes", () -> scrapes.size() >= 3);
        sent = (System.nanoTime() - origin) / 1_000_000;
        r = a.send("PUT", "/api/v1/batch?group_by=job,instance", batch("big", groups, 1));
        answered = (System.nanoTime() - origin) / 1_000_000;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Await.until(VISIBLE, "the whole batch scraped", () -> last(scrapes)[1] == groups);
        int after = scrapes.size();
        Await.until(VISIBLE, "more scrapes", () -> scrapes.size() >= after + 3);
        // the same groups again with new values: each scrape shows all old ones or all new ones
        second = a.send("PUT", "/api/v1/batch?group_by=job,instance", batch("big", groups, 2));
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        Await.until(VISIBLE, "the second batch scraped", () -> last(scrapes)[2] == groups);
        int again = scrapes.size();
        Await.until(VISIBLE, "more scrapes", () -> scrapes.size() >= again + 3);
      } finally {
        stop = true;
        scraper.join();
      }
      assertThat(r.body()).contains("\"outcome\":\"pushed\"");
      assertThat(r.body().split("\"outcome\"")).hasSize(groups + 1);

      // a group once seen stays: counts never go down, and end with every group
      List<int[]> all = List.copyOf(scrapes);
      for (int i = 1; i < all.size(); i++) {
        assertThat(all.get(i)[1]).isGreaterThanOrEqualTo(all.get(i - 1)[1]);
        assertThat(all.get(i)[2]).isGreaterThanOrEqualTo(all.get(i - 1)[2]);
      }
      assertThat(all.get(all.size() - 1)[1]).isEqualTo(groups);
      List<int[]> partial =
          all.stream().filter(s -> s[1] > 0 && s[1] < groups || s[2] > 0 && s[2] < groups).toList();
      int firstSeen =
          all.stream().filter(s -> s[1] > 0).mapToInt(s -> s[0]).findFirst().orElseThrow();
      int firstWhole =
          all.stream().filter(s -> s[1] == groups).mapToInt(s -> s[0]).findFirst().orElseThrow();
      String report =
          String.format(
              "batch of %d groups over %d partitions on 2 store nodes: request sent at %d ms,"
                  + " answered 200 at %d ms; %d scrapes; first scrape with any group at %d ms,"
                  + " first with all at %d ms; %d scrapes saw part of the batch (counts %s)%n",
              groups,
              PARTITIONS,
              sent,
              answered,
              all.size(),
              firstSeen,
              firstWhole,
              partial.size(),
              partial.stream()
                  .map(s -> s[0] + "ms:" + s[1] + "/" + s[2])
                  .collect(Collectors.joining(" ")));
      System.out.print(report);
      Files.createDirectories(REPORT.getParent());
      Files.writeString(REPORT, report);
      assertThat(partial).as("scrapes that saw part of a batch").isEmpty();
    }
  }

  private volatile boolean stop;

  private static int[] last(List<int[]> scrapes) {
    synchronized (scrapes) {
      return scrapes.isEmpty() ? new int[] {0, -1, -1} : scrapes.get(scrapes.size() - 1);
    }
  }

  private static boolean pushSeen(TestGateway a, TestGateway b) {
    a.push("job/warmup", "warm 1\n");
    return b.scrape().contains("warm{");
  }

  @Test
  void badBatchesChangeNothing(@TempDir Path data) {
    String name = KAFKA.uniqueName("batch-bad");
    try (TestNodes nodes = new TestNodes(KAFKA, name, data)) {
      TestGateway a = nodes.start("a");
      HttpResponse<String> ok =
          a.send("PUT", "/api/v1/batch?group_by=job,instance", batch("good", 20, 1));
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      Await.until(VISIBLE, "the good batch", () -> seen(a.scrape(), "good") == 20);
      String before = withoutSelf(a.scrape());
      long end = endOffsets(name + ".pushes", "read_uncommitted");

      Map<String, String> bad =
          Map.of(
              "/api/v1/batch?group_by=instance",
              "group_by must include job",
              "/api/v1/batch?group_by=job,instance,zone",
              "lacks the group_by label zone",
              "/api/v1/batch?group_by=job,instance&x=",
              "text format parsing error");
      for (Map.Entry<String, String> e : bad.entrySet()) {
        String body =
            e.getValue().startsWith("text")
                ? batch("good", 20, 2) + "batch_value{job=\"good\",instance=\"x\" 1\n"
                : batch("good", 20, 2);
        HttpResponse<String> r = a.send("PUT", e.getKey(), body);
        assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
        assertThat(r.body()).contains(e.getValue());
      }
      // one invalid group (a timestamp) among valid ones, and a group whose type clashes
      HttpResponse<String> invalid =
          a.send(
              "PUT",
              "/api/v1/batch?group_by=job,instance",
              batch("good", 20, 3) + "batch_value{job=\"good\",instance=\"t\"} 1 1700000000000\n");
      assertThat(invalid.statusCode()).isEqualTo(400);
      assertThat(invalid.body()).contains("group {instance=\\\"t\\\",job=\\\"good\\\"}");
      HttpResponse<String> clash =
          a.send(
              "POST",
              "/api/v1/batch?group_by=job",
              "# TYPE fresh gauge\nfresh{job=\"new\"} 1\n# TYPE batch_value counter\n"
                  + "batch_value{job=\"other\"} 1\n");
      assertThat(clash.statusCode()).isEqualTo(400);
      assertThat(clash.body()).contains("group {job=\\\"other\\\"}");

      assertThat(endOffsets(name + ".pushes", "read_uncommitted"))
          .as("nothing written to the push log")
          .isEqualTo(end);
      // a push after the bad batches is seen: by then the store would show anything they wrote
      a.push("job/after", "after 1\n");
      Await.until(VISIBLE, "the push after", () -> a.scrape().contains("after{"));
      assertThat(withoutSelf(a.scrape()).replaceAll("(?m)^.*job=\"after\".*\n", ""))
          .isEqualTo(before);
    }
  }

  /** The scrape's groups: without the gateway's own metrics, which change by themselves. */
  private static String withoutSelf(String scrape) {
    return scrape
        .lines()
        .filter(l -> l.contains("job=\""))
        .map(l -> l + "\n")
        .collect(Collectors.joining());
  }

  @Test
  void anIngestNodeKilledMidBatchLeavesAllOfItOrNone(@TempDir Path data) throws Exception {
    String name = KAFKA.uniqueName("batch-kill");
    String pushes = name + ".pushes";
    int groups = 40_000;
    Cluster cluster =
        new Cluster(
            KAFKA.bootstrapServers(),
            name,
            List.of("--kafka.partitions=" + PARTITIONS, "--kafka.produce-timeout=2s"));
    try (TestNodes nodes = new TestNodes(KAFKA, name, data);
        GatewayProcess doomed =
            GatewayProcess.start(
                cluster,
                "doomed",
                Set.of(Role.ingest),
                data.resolve("doomed"),
                Path.of("target", "batch-kill"))) {
      TestGateway store = nodes.start("store");
      doomed.awaitReady(VISIBLE);
      String body = batch("killed", groups, 1);
      // the transaction's producer starts with the first batch: a small one first
      assertThat(send(doomed, "/api/v1/batch?group_by=job,instance", batch("first", 1, 1)))
          .isEqualTo(200);
      long before = endOffsets(pushes, "read_uncommitted");

      CompletableFuture<Integer> answer =
          CompletableFuture.supplyAsync(
              () -> send(doomed, "/api/v1/batch?group_by=job,instance", body));
      // kill -9 as soon as the batch's first records are in the log, before its commit if we can
      try (KafkaConsumer<byte[], byte[]> uncommitted = consumer("read_uncommitted")) {
        List<TopicPartition> tps = partitions(uncommitted, pushes);
        Await.until(
            VISIBLE,
            "the batch's first records in the log",
            () -> sum(uncommitted.endOffsets(tps)) > before || answer.isDone());
      }
      doomed.kill();
      boolean answered = answer.isDone() && answer.getNow(0) == 200;

      // the broker aborts a transaction left open after transaction.timeout.ms (3 s here)
      Await.until(
          VISIBLE,
          "the transaction resolved (committed or aborted)",
          () -> endOffsets(pushes, "read_committed") == endOffsets(pushes, "read_uncommitted"));
      // a push on every partition, seen: the store has applied all before it, the batch included
      List<String> sentinels = sentinelJobs();
      for (String job : sentinels) {
        store.push("job/" + job, "sentinel 1\n");
      }
      Await.until(
          VISIBLE,
          "every sentinel seen",
          () -> {
            String s = store.scrape();
            return sentinels.stream().allMatch(j -> s.contains("job=\"" + j + "\""));
          });
      int seen = seen(store.scrape(), "killed");
      String report =
          String.format(
              "kill -9 mid-batch (%d groups): the client %s; the store shows %d groups%n",
              groups, answered ? "had its 200" : "got no answer", seen);
      System.out.print(report);
      Files.writeString(REPORT.resolveSibling("batch-kill.txt"), report);
      assertThat(seen).as("all or none").isIn(0, groups);
      if (answered) {
        assertThat(seen).isEqualTo(groups);
      }
    }
  }

  private int send(GatewayProcess node, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(node.url(path)))
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(60))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1; // the node was killed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One job per partition of the pushes topic, by Kafka's default partitioner. */
  private static List<String> sentinelJobs() {
    BitSet covered = new BitSet(PARTITIONS);
    List<String> jobs = new ArrayList<>();
    for (int i = 0; covered.cardinality() < PARTITIONS; i++) {
      String job = "sentinel" + i;
      byte[] key = GroupingKey.of(Map.of("job", job)).toBytes();
      int partition = Utils.toPositive(Utils.murmur2(key)) % PARTITIONS;
      if (!covered.get(partition)) {
        covered.set(partition);
        jobs.add(job);
      }
    }
    return jobs;
  }

  private static long endOffsets(String topic, String isolation) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(isolation)) {
      return sum(c.endOffsets(partitions(c, topic)));
    }
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
    List<TopicPartition> tps = new ArrayList<>();
    for (PartitionInfo p : c.partitionsFor(topic)) {
      tps.add(new TopicPartition(topic, p.partition()));
    }
    return tps;
  }

  private static long sum(Map<TopicPartition, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String isolation) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
