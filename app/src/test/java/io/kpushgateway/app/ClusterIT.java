package io.kpushgateway.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.FreePorts;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several nodes of one gateway in one JVM (distinct ports and state dirs) on a real broker: the
 * store's partitions spread over the store nodes, and any store node answers for all of them.
 */
class ClusterIT {

  private static final Duration SETTLED = Duration.ofSeconds(60);
  private static final Pattern GROUP = Pattern.compile("push_time_seconds\\{[^}]*job=\"(c_\\d+)\"");

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void pushesThroughAnyNodeAreServedByEveryNodeAndSurviveANodeLeaving(@TempDir Path data) {
    try (TestNodes nodes = new TestNodes(KAFKA, KAFKA.uniqueName("cluster"), data)) {
      TestGateway a = nodes.start("a", "--roles=ingest,store");
      TestGateway b = nodes.start("b", "--roles=store");
      TestGateway c = nodes.start("c", "--roles=ingest,store");
      for (int i = 0; i < 30; i++) {
        (i % 2 == 0 ? a : c).push("job/c_" + i, "# TYPE m gauge\nm " + i + "\n");
      }
      Set<String> all = groups(0, 30);
      for (TestGateway node : List.of(a, b, c)) {
        Await.until(SETTLED, "every group on " + node.url("/"), () -> all.equals(served(node)));
        assertThat(node.send("GET", "/api/v1/metrics", null).body()).contains("\"c_29\"");
      }
      assertThat(a.scrape()).contains("m{instance=\"\",job=\"c_7\"} 7");
      // /federate selects from the same cluster-wide page, here on a store-only node
      assertThat(groupsIn(b.send("GET", "/federate?match[]=push_time_seconds", null).body()))
          .isEqualTo(all);

      // sharded scraping: every group on exactly one node
      Await.until(
          SETTLED,
          "the shards cover every group once",
          () -> {
            List<String> shards = new ArrayList<>();
            for (TestGateway node : List.of(a, b, c)) {
              HttpResponse<String> r = node.send("GET", "/metrics?scope=local", null);
              if (r.statusCode() != 200) {
                return false;
              }
              shards.addAll(groupsIn(r.body()));
            }
            return shards.size() == 30 && all.equals(new HashSet<>(shards));
          });

      // each node's own metrics show its share: the six partitions once each
      Await.until(
          SETTLED,
          "every partition served by exactly one node",
          () -> List.of(a, b, c).stream().mapToDouble(ClusterIT::activePartitions).sum() == 6);

      // the peers' endpoint: a partition it does not serve is named, a malformed one refused
      HttpResponse<String> unknown = b.send("GET", "/internal/v1/groups?partition=99", null);
      assertThat(unknown.statusCode()).isEqualTo(200);
      assertThat(unknown.body()).as("no group, only the end mark").isEqualTo("\0\0");
      assertThat(unknown.headers().firstValue("Kpushgateway-Unavailable-Partitions"))
          .hasValue("99");
      assertThat(b.send("GET", "/internal/v1/groups?partition=x", null).statusCode())
          .isEqualTo(400);

      // a store-only node takes no pushes, and says where to push
      HttpResponse<String> refused = b.send("PUT", "/metrics/job/x", "m 1\n");
      assertThat(refused.statusCode()).isEqualTo(404);
      assertThat(refused.body()).contains("push to an ingest node");

      // b leaves: a and c take over its partitions and serve everything again
      nodes.stop(b);
      a.push("job/c_30", "# TYPE m gauge\nm 30\n");
      Set<String> after = groups(0, 31);
      for (TestGateway node : List.of(a, c)) {
        Await.until(
            SETTLED, "every group again on " + node.url("/"), () -> after.equals(served(node)));
      }
    }
  }

  @Test
  void anIngestNodeServesOnlyItsOwnMetrics(@TempDir Path data) {
    try (TestNodes nodes = new TestNodes(KAFKA, KAFKA.uniqueName("ingest"), data)) {
      TestGateway store = nodes.start("s", "--roles=store");
      TestGateway ingest = nodes.start("i", "--roles=ingest");
      ingest.push("job/c_1", "# TYPE m gauge\nm 1\n");
      Await.until(SETTLED, "the push on the store node", () -> Set.of("c_1").equals(served(store)));
      String own = ingest.scrape();
      assertThat(own).contains("pushgateway_build_info").doesNotContain("c_1");
      assertThat(ingest.send("GET", "/federate?match[]=m", null).body()).isEmpty();
      HttpResponse<String> api = ingest.send("GET", "/api/v1/metrics", null);
      assertThat(api.statusCode()).isEqualTo(404);
      assertThat(api.body()).contains("served by the store nodes");
    }
  }

  @Test
  void aPeerThatCannotBeReachedFailsTheReadOrIsLeftOutWhenAsked(@TempDir Path data) {
    try (TestNodes nodes = new TestNodes(KAFKA, KAFKA.uniqueName("partial"), data)) {
      TestGateway strict = nodes.start("f", "--roles=ingest,store");
      TestGateway lenient = nodes.start("s", "--roles=store", "--cluster.partial-reads=serve");
      // advertises an address where nothing listens: its partitions cannot be read by peers
      int nowhere = FreePorts.next();
      TestGateway lost =
          nodes.start(
              "l",
              "--roles=store",
              "--cluster.advertise-address=127.0.0.1:" + nowhere,
              "--cluster.peer-timeout=1s");
      for (int i = 0; i < 12; i++) {
        strict.push("job/c_" + i, "# TYPE m gauge\nm " + i + "\n");
      }
      Set<String> all = groups(0, 12);
      // the unreachable node itself reads its peers fine
      Await.until(SETTLED, "every group on the unreachable node", () -> all.equals(served(lost)));
      Set<String> lostShare = groupsIn(lost.send("GET", "/metrics?scope=local", null).body());
      assertThat(lostShare).isNotEmpty();

      Await.until(
          SETTLED,
          "a 503 naming the unreachable node's partitions",
          () -> {
            HttpResponse<String> r = strict.send("GET", "/metrics", null);
            return r.statusCode() == 503
                && r.headers().firstValue("Retry-After").isPresent()
                && r.body().contains("127.0.0.1:" + nowhere + " did not answer");
          });
      HttpResponse<String> api = strict.send("GET", "/api/v1/metrics", null);
      assertThat(api.statusCode()).isEqualTo(503);

      Await.until(
          SETTLED,
          "the rest, counted as partial",
          () -> {
            HttpResponse<String> r = lenient.send("GET", "/metrics", null);
            Set<String> served = groupsIn(r.body());
            return r.statusCode() == 200
                && served.size() == all.size() - lostShare.size()
                && served.stream().noneMatch(lostShare::contains)
                && value(r.body(), "kpushgateway_cluster_unavailable_partitions") > 0
                && value(r.body(), "kpushgateway_cluster_partial_reads_total") > 0;
          });
    }
  }

  @Test
  void aStandbyCopyStandsInForAnActiveThatDoesNotAnswer(@TempDir Path data) {
    try (TestNodes nodes = new TestNodes(KAFKA, KAFKA.uniqueName("standby"), data)) {
      TestGateway reader =
          nodes.start(
              "r",
              "--roles=ingest,store",
              "--store.standby-replicas=1",
              "--cluster.peer-timeout=1s",
              "--cluster.standby-reads");
      int nowhere = FreePorts.next();
      TestGateway lost =
          nodes.start(
              "l",
              "--roles=store",
              "--store.standby-replicas=1",
              "--cluster.advertise-address=127.0.0.1:" + nowhere);
      for (int i = 0; i < 12; i++) {
        reader.push("job/c_" + i, "# TYPE m gauge\nm " + i + "\n");
      }
      Await.until(
          SETTLED,
          "the unreachable node's partitions on the reader",
          () -> groupsIn(lost.send("GET", "/metrics?scope=local", null).body()).size() > 0);
      // its partitions come from the reader's own standby copies, not a 503
      Set<String> all = groups(0, 12);
      Await.until(
          SETTLED, "every group, some from standby copies", () -> all.equals(served(reader)));
      assertThat(value(reader.scrape(), "kpushgateway_cluster_standby_reads_total")).isPositive();
    }
  }

  @Test
  void peersSendCredentialsWhenBasicAuthGuardsTheNodes(@TempDir Path data) throws Exception {
    Path web = data.resolve("web.yml");
    Files.writeString(
        web,
        "basic_auth_users:\n  peer: '"
            + BCrypt.withDefaults().hashToString(6, "s3cret".toCharArray())
            + "'\n");
    Path credentials = data.resolve("peer.credentials");
    Files.writeString(credentials, "peer:s3cret\n");
    String auth = "Basic " + Base64.getEncoder().encodeToString("peer:s3cret".getBytes(UTF_8));
    try (TestNodes nodes = new TestNodes(KAFKA, KAFKA.uniqueName("auth"), data)) {
      TestGateway with =
          nodes.startWith(
              auth,
              "w",
              "--web.config.file=" + web,
              "--cluster.peer-credentials-file=" + credentials);
      TestGateway without =
          nodes.startWith(
              auth, "o", "--web.config.file=" + web, "--roles=store", "--cluster.peer-timeout=2s");
      for (int i = 0; i < 8; i++) {
        with.push("job/c_" + i, "# TYPE m gauge\nm " + i + "\n");
      }
      Await.until(
          SETTLED,
          "every group through the node with credentials",
          () -> groups(0, 8).equals(served(with)));
      Await.until(
          SETTLED,
          "a 503 from the node without",
          () -> {
            HttpResponse<String> r = without.send("GET", "/metrics", null);
            return r.statusCode() == 503 && r.body().contains("answered 401");
          });
    }
  }

  /** The groups of a full cluster read through this node, or an empty set while it answers 503. */
  private static Set<String> served(TestGateway node) {
    HttpResponse<String> r = node.send("GET", "/metrics", null);
    return r.statusCode() == 200 ? groupsIn(r.body()) : Set.of();
  }

  private static double activePartitions(TestGateway node) {
    return value(node.scrape(), "kpushgateway_store_partitions\\{kind=\"active\"\\}");
  }

  /** The value of a series on a text page ({@code name} a regex of its name and labels). */
  private static double value(String page, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(page);
    assertThat(m.find()).as(name + " on the page").isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static Set<String> groupsIn(String page) {
    Set<String> groups = new HashSet<>();
    Matcher m = GROUP.matcher(page);
    while (m.find()) {
      groups.add(m.group(1));
    }
    return groups;
  }

  private static Set<String> groups(int from, int to) {
    Set<String> groups = new HashSet<>();
    for (int i = from; i < to; i++) {
      groups.add("c_" + i);
    }
    return groups;
  }
}
