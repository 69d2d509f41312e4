package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.app.GatewayConfig.Role;
import io.kpushgateway.app.GatewayProcess.Cluster;
import io.kpushgateway.app.KillReport.AfterKill;
import io.kpushgateway.app.KillReport.Kill;
import io.kpushgateway.app.KillReport.Read;
import io.kpushgateway.app.PushLoad.Attempt;
import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateway processes on one broker under a steady push load; {@code kill -9} a store node,
 * then an ingest node, and check that every push answered 2xx is served by the survivor with its
 * value. Prints a summary (also in {@code target/kill-test-summary.txt}); node logs and every push
 * attempt are under {@code target/kill-test/}.
 */
class KillNodesIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  // The schedule. Times only shape the load; correctness never waits on a fixed sleep.
  private static final int CLIENTS = 4;
  private static final Duration PUSH_INTERVAL = Duration.ofMillis(20); // per client
  private static final Duration BEFORE_FIRST_KILL = Duration.ofSeconds(5);
  private static final Duration BETWEEN_KILLS = Duration.ofSeconds(4);
  private static final Duration AFTER_LAST_KILL = Duration.ofSeconds(8);
  private static final Duration READ_INTERVAL = Duration.ofMillis(200);

  private static final Duration READY = Duration.ofSeconds(120);
  private static final Duration FIRST_PUSHES = Duration.ofSeconds(60);
  private static final Duration SERVED = Duration.ofSeconds(90);

  /**
   * Every node: fail-over as soon as the broker allows (its group.min.session.timeout.ms is 6 s),
   * from a warm standby copy; more flags from the system property {@code kill.flags} (e.g. {@code
   * -Dkill.flags=--cluster.standby-reads}).
   */
  private static final List<String> CLUSTER_FLAGS =
      Stream.concat(
              Stream.of("--store.session-timeout=6s", "--store.standby-replicas=1"),
              Stream.of(System.getProperty("kill.flags", "").split(" ")).filter(f -> !f.isBlank()))
          .toList();

  private static final Path OUT = Path.of("target", "kill-test");
  private static final Path SUMMARY = Path.of("target", "kill-test-summary.txt");

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Read> reads = Collections.synchronizedList(new ArrayList<>());
  private volatile Map<Integer, Double> lastServed = Map.of();

  @Test
  void everyAcknowledgedPushSurvivesKillingAStoreAndAnIngestNode(@TempDir Path data)
      throws Exception {
    Cluster cluster =
        new Cluster(KAFKA.bootstrapServers(), KAFKA.uniqueName("kill"), CLUSTER_FLAGS);
    List<GatewayProcess> nodes = new ArrayList<>();
    try {
      // node1 and node2 share the partitions; node1 and node3 take the pushes.
      nodes.add(start(cluster, "node1", Set.of(Role.ingest, Role.store), data));
      nodes.add(start(cluster, "node2", Set.of(Role.store), data));
      nodes.add(start(cluster, "node3", Set.of(Role.ingest), data));
      for (GatewayProcess node : nodes) {
        node.awaitReady(READY);
      }
      killTwoUnderLoad(nodes.get(0), nodes.get(1), nodes.get(2));
    } finally {
      for (GatewayProcess node : nodes) {
        node.close();
      }
    }
  }

  private static GatewayProcess start(Cluster cluster, String name, Set<Role> roles, Path data) {
    return GatewayProcess.start(cluster, name, roles, data.resolve(name), OUT);
  }

  private void killTwoUnderLoad(
      GatewayProcess survivor, GatewayProcess storeNode, GatewayProcess ingestNode)
      throws Exception {
    List<GatewayProcess> ingest =
        Stream.of(survivor, storeNode, ingestNode).filter(n -> n.runs(Role.ingest)).toList();
    PushLoad load = new PushLoad(ingest, CLIENTS, PUSH_INTERVAL);
    Thread reader = PushLoad.reader("survivor-reader", READ_INTERVAL, () -> read(survivor));
    List<Kill> kills = new ArrayList<>();
    long origin = System.nanoTime();
    long loadStop;
    load.start();
    reader.start();
    try {
      Await.until(FIRST_PUSHES, "first pushes acknowledged", () -> load.acknowledged() > 0);
      PushLoad.keepLoad(origin, BEFORE_FIRST_KILL);
      kills.add(new Kill(storeNode.describe(), storeNode.kill()));
      PushLoad.keepLoad(kills.get(0).atNanos(), BETWEEN_KILLS);
      kills.add(new Kill(ingestNode.describe(), ingestNode.kill()));
      PushLoad.keepLoad(kills.get(1).atNanos(), AFTER_LAST_KILL);
    } finally {
      loadStop = load.stop();
      reader.interrupt();
      reader.join();
    }

    List<Attempt> attempts = load.attempts();
    BitSet acknowledged = KillReport.acknowledgedBefore(attempts, Long.MAX_VALUE);
    AssertionError notServed = null;
    try {
      Await.until(
          SERVED,
          survivor.name() + " serving every acknowledged push",
          () -> {
            Read r = read(survivor);
            return r.status() == 200 && KillReport.servesAll(r.served(), acknowledged);
          });
    } catch (AssertionError e) {
      notServed = e;
    }

    KillReport report = new KillReport(attempts, kills, loadStop, reads, lastServed);
    String summary =
        report.summary(setup(survivor, storeNode, ingestNode, ingest), origin, loadStop);
    System.out.print(summary);
    Files.writeString(SUMMARY, summary, StandardCharsets.UTF_8);
    writeAttempts(attempts, origin);
    if (notServed != null) {
      throw new AssertionError(notServed.getMessage() + "\n" + summary, notServed);
    }

    assertThat(report.acknowledged()).as("pushes acknowledged").isPositive();
    assertThat(report.acknowledgedButMissing()).as("acknowledged but missing").isZero();
    for (AfterKill k : report.afterKills()) {
      assertThat(k.completeRead())
          .as("a complete read of %s after killing %s", survivor.name(), k.kill().node())
          .isNotNull();
    }
  }

  private List<String> setup(
      GatewayProcess survivor,
      GatewayProcess storeNode,
      GatewayProcess ingestNode,
      List<GatewayProcess> ingest) {
    return List.of(
        String.format(
            "nodes: %s survives, %s, %s; all with %s, their own processes on one broker",
            survivor.describe(),
            storeNode.describe(),
            ingestNode.describe(),
            String.join(" ", CLUSTER_FLAGS)),
        String.format(
            "load: %d clients, one push (PUT of a new group) every %d ms each, to %s; %s's /metrics"
                + " read every %d ms",
            CLIENTS,
            PUSH_INTERVAL.toMillis(),
            ingest.stream().map(GatewayProcess::name).collect(Collectors.joining(", ")),
            survivor.name(),
            READ_INTERVAL.toMillis()));
  }

  /** One GET of the survivor's /metrics, recorded in {@link #reads}. */
  private Read read(GatewayProcess survivor) {
    HttpRequest get =
        HttpRequest.newBuilder(URI.create(survivor.url("/metrics")))
            .timeout(Duration.ofSeconds(30))
            .build();
    long start = System.nanoTime();
    int status = 0;
    BitSet served = new BitSet();
    try {
      HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
      status = r.statusCode();
      if (status == 200) {
        Map<Integer, Double> values = PushLoad.servedValues(r.body());
        served = PushLoad.servedRight(values);
        lastServed = values;
      }
    } catch (IOException e) {
      // recorded as status 0: the survivor did not answer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Read read = new Read(start, System.nanoTime(), status, served);
    reads.add(read);
    return read;
  }

  private static void writeAttempts(List<Attempt> attempts, long origin) throws IOException {
    StringBuilder csv = new StringBuilder("id,client,push,node,start_ms,end_ms,status,error\n");
    for (Attempt a : attempts) {
      csv.append(a.id())
          .append(',')
          .append(a.client())
          .append(',')
          .append(a.push())
          .append(',')
          .append(a.node())
          .append(',')
          .append((a.startNanos() - origin) / 1_000_000)
          .append(',')
          .append((a.endNanos() - origin) / 1_000_000)
          .append(',')
          .append(a.status())
          .append(',')
          .append(a.error() == null ? "" : '"' + a.error().replace('"', '\'') + '"')
          .append('\n');
    }
    Files.createDirectories(OUT);
    Files.writeString(OUT.resolve("attempts.csv"), csv, StandardCharsets.UTF_8);
  }
}
