package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.app.GatewayConfig.Role;
import io.kpushgateway.app.GatewayProcess.Cluster;
import io.kpushgateway.app.KillReport.Kill;
import io.kpushgateway.app.KillReport.Read;
import io.kpushgateway.app.PushLoad.Attempt;
import io.kpushgateway.testkit.Await;
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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Kafka brokers (KRaft, each broker and controller, replication factor 3, {@code
 * min.insync.replicas=2}) as their own JVMs and two gateway JVMs on them, under a steady push load:
 * {@code kill -9} one broker, later a second (the quorum and every partition's min ISR are lost),
 * then restart the second and the first; at last cut one gateway off from everyone (brokers, its
 * peer, clients) by {@code kill -STOP} for longer than the store's session timeout, then {@code
 * kill -CONT} it. Every push answered 2xx must be served with its value at the end; while two
 * brokers are down no push may be acknowledged, and scrapes must keep answering; while a gateway is
 * paused the other must take over its partitions and serve every push acknowledged before. Prints a
 * summary (also in {@code target/broker-deaths-summary.txt}); the JVMs' logs and every push attempt
 * are under {@code target/broker-deaths/}.
 *
 * <p>{@code -Dbroker.deaths.phase=30s} makes each phase of the schedule longer (default 8 s).
 */
class BrokerDeathsIT {

  private static final Duration PHASE =
      Duration.parse(
          "PT" + System.getProperty("broker.deaths.phase", "8s").toUpperCase(Locale.ROOT));
  private static final int CLIENTS = 4;
  private static final Duration PUSH_INTERVAL = Duration.ofMillis(50); // per client
  private static final Duration READ_INTERVAL = Duration.ofMillis(500);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  private static final Duration READY = Duration.ofSeconds(120);
  private static final Duration FIRST_PUSHES = Duration.ofSeconds(60);
  private static final Duration RECOVERED = Duration.ofSeconds(120);
  private static final Duration SERVED = Duration.ofSeconds(90);
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);

  /** How long a gateway stays paused: well past its session timeout, so the other takes over. */
  private static final Duration PARTITIONED = SESSION_TIMEOUT.multipliedBy(3);

  /** What each gateway is told about the cluster: fail over fast, refuse within 5 s. */
  private static final List<String> GATEWAY_FLAGS =
      List.of(
          "--kafka.replication-factor=3",
          "--kafka.min-insync-replicas=2",
          "--kafka.produce-timeout=5s",
          "--store.session-timeout=" + SESSION_TIMEOUT.toSeconds() + "s",
          "--store.standby-replicas=1");

  private static final Path OUT = Path.of("target", "broker-deaths");
  private static final Path SUMMARY = Path.of("target", "broker-deaths-summary.txt");

  /** One scrape of one gateway's {@code /metrics}: status 0 when it did not answer. */
  private record Scrape(String node, long startNanos, int status) {}

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final List<Read> reads = Collections.synchronizedList(new ArrayList<>());
  private final List<Scrape> scrapes = Collections.synchronizedList(new ArrayList<>());
  private volatile Map<Integer, Double> lastServed = Map.of();

  @Test
  void everyAcknowledgedPushSurvivesTwoBrokerDeathsAndNoneIsAcknowledgedWithoutMinIsr(
      @TempDir Path data) throws Exception {
    long testStart = System.nanoTime();
    List<BrokerProcess> brokers = BrokerProcess.quorum(3, 2, data, OUT);
    List<GatewayProcess> nodes = new ArrayList<>();
    try {
      for (BrokerProcess b : brokers) {
        b.start();
      }
      BrokerProcess.awaitRegistered(brokers, READY);
      Cluster cluster =
          new Cluster(BrokerProcess.bootstrapServers(brokers), "deaths", GATEWAY_FLAGS);
      for (String name : List.of("gw1", "gw2")) {
        nodes.add(
            GatewayProcess.start(
                cluster, name, Set.of(Role.ingest, Role.store), data.resolve(name), OUT));
      }
      for (GatewayProcess node : nodes) {
        node.awaitReady(READY);
      }
      killTwoBrokersUnderLoad(brokers.get(0), brokers.get(1), nodes, testStart);
    } finally {
      for (GatewayProcess node : nodes) {
        node.close();
      }
      for (BrokerProcess b : brokers) {
        b.close();
      }
    }
  }

  private void killTwoBrokersUnderLoad(
      BrokerProcess first, BrokerProcess second, List<GatewayProcess> nodes, long testStart)
      throws Exception {
    PushLoad load = new PushLoad(nodes, CLIENTS, PUSH_INTERVAL);
    // a reader per node, so that a node that hangs does not hold up the other's reads
    List<Thread> readers = new ArrayList<>();
    for (GatewayProcess node : nodes) {
      Thread reader = PushLoad.reader("reader-" + node.name(), READ_INTERVAL, () -> read(node));
      readers.add(reader);
    }
    List<Kill> kills = new ArrayList<>();
    long origin = System.nanoTime();
    long secondDown;
    long secondRestart;
    long firstRestart;
    long firstAckAfterRestart;
    long pauseStart;
    long pauseEnd;
    long loadStop;
    GatewayProcess cutOff = nodes.get(1);
    load.start();
    readers.forEach(Thread::start);
    try {
      Await.until(FIRST_PUSHES, "first pushes acknowledged", () -> load.acknowledged() > 0);
      PushLoad.keepLoad(origin, PHASE);
      kills.add(new Kill(first.name(), first.kill()));
      long firstKill = kills.get(0).atNanos();
      Await.until(
          RECOVERED,
          "a push acknowledged after killing " + first.name(),
          () -> firstAckAfter(load.attempts(), firstKill) > 0);
      PushLoad.keepLoad(firstKill, PHASE.multipliedBy(2));
      kills.add(new Kill(second.name(), second.kill()));
      secondDown = System.nanoTime(); // the JVM is gone: no replica can acknowledge for it
      PushLoad.keepLoad(kills.get(1).atNanos(), PHASE);
      secondRestart = System.nanoTime();
      second.start();
      Await.until(
          RECOVERED,
          "a push acknowledged after restarting " + second.name(),
          () -> firstAckAfter(load.attempts(), secondRestart) > 0);
      firstAckAfterRestart = firstAckAfter(load.attempts(), secondRestart);
      PushLoad.keepLoad(firstAckAfterRestart, PHASE);
      firstRestart = System.nanoTime();
      first.start();
      PushLoad.keepLoad(firstRestart, PHASE.multipliedBy(2));
      pauseStart = cutOff.pause(true);
      PushLoad.keepLoad(pauseStart, PARTITIONED);
      pauseEnd = cutOff.pause(false);
      PushLoad.keepLoad(pauseEnd, PHASE);
    } finally {
      loadStop = load.stop();
      for (Thread reader : readers) {
        reader.interrupt();
        reader.join();
      }
    }

    List<Attempt> attempts = load.attempts();
    Read takenOver =
        KillReport.firstCompleteRead(
            reads, pauseStart, KillReport.acknowledgedBefore(attempts, pauseStart));
    long cutOffBack = firstAckAfter(attempts, pauseEnd, cutOff.name());
    BitSet acknowledged = KillReport.acknowledgedBefore(attempts, Long.MAX_VALUE);
    GatewayProcess reading = nodes.get(0);
    AssertionError notServed = null;
    try {
      Await.until(
          SERVED,
          reading.name() + " serving every acknowledged push",
          () -> {
            Read r = read(reading);
            return r.status() == 200 && KillReport.servesAll(r.served(), acknowledged);
          });
    } catch (AssertionError e) {
      notServed = e;
    }

    KillReport report = new KillReport(attempts, kills, loadStop, reads, lastServed);
    List<Attempt> ackedWhileTwoDown =
        attempts.stream()
            .filter(
                a ->
                    a.acknowledged() && a.startNanos() > secondDown && a.endNanos() < secondRestart)
            .toList();
    List<String> setup =
        List.of(
            "brokers: 3 KRaft JVMs (broker+controller, RF 3, min.insync.replicas=2); gateways gw1,"
                + " gw2 (ingest,store) with "
                + String.join(" ", GATEWAY_FLAGS),
            String.format(
                Locale.ROOT,
                "load: %d clients, one PUT of a new group every %d ms each, to gw1 and gw2; both"
                    + " gateways' /metrics read every %d ms; phase %s",
                CLIENTS,
                PUSH_INTERVAL.toMillis(),
                READ_INTERVAL.toMillis(),
                PHASE));
    StringBuilder summary =
        new StringBuilder(
            report.summary(setup, origin, loadStop).replace("kill test", "broker deaths"));
    summary.append(
        String.format(
            Locale.ROOT,
            "two brokers down from %.1f s to the restart of %s at %.1f s: %d pushes acknowledged"
                + " (must be 0), attempt outcomes %s%n",
            seconds(secondDown - origin),
            second.name(),
            seconds(secondRestart - origin),
            ackedWhileTwoDown.size(),
            outcomes(attempts, secondDown, secondRestart)));
    summary.append(
        String.format(
            Locale.ROOT,
            "scrapes while two brokers were down, by node and status: %s%n",
            scrapeStatuses(secondDown, secondRestart)));
    summary.append(
        String.format(
            Locale.ROOT,
            "recovery: first 2xx %.2f s after starting %s again; %s restarted at %.1f s, pushes"
                + " longest gap after it %d ms%n",
            seconds(firstAckAfterRestart - secondRestart),
            second.name(),
            first.name(),
            seconds(firstRestart - origin),
            report.longestPushGap(firstRestart, loadStop) / 1_000_000));
    summary.append(
        String.format(
            Locale.ROOT,
            "%s paused (kill -STOP) from %.1f s for %d s (session timeout %d s): %s served every"
                + " push acknowledged before it %s; pushes' longest gap %d ms; scrapes by node and"
                + " status %s; %s's first 2xx %s after kill -CONT%n",
            cutOff.name(),
            seconds(pauseStart - origin),
            PARTITIONED.toSeconds(),
            SESSION_TIMEOUT.toSeconds(),
            nodes.get(0).name(),
            takenOver == null
                ? "never"
                : String.format(
                    Locale.ROOT, "%.2f s after", seconds(takenOver.endNanos() - pauseStart)),
            report.longestPushGap(pauseStart, pauseEnd) / 1_000_000,
            scrapeStatuses(pauseStart, pauseEnd),
            cutOff.name(),
            cutOffBack == 0
                ? "never came"
                : String.format(Locale.ROOT, "%.2f s", seconds(cutOffBack - pauseEnd))));
    summary.append(
        String.format(
            Locale.ROOT, "test duration %.0f s%n", seconds(System.nanoTime() - testStart)));
    System.out.print(summary);
    Files.writeString(SUMMARY, summary, StandardCharsets.UTF_8);
    if (notServed != null) {
      throw new AssertionError(notServed.getMessage() + "\n" + summary, notServed);
    }

    assertThat(report.acknowledged()).as("pushes acknowledged").isPositive();
    assertThat(report.acknowledgedButMissing()).as("acknowledged but missing").isZero();
    assertThat(ackedWhileTwoDown).as("pushes acknowledged while two brokers were down").isEmpty();
    Map<String, Map<Integer, Integer>> twoDown = scrapeStatuses(secondDown, secondRestart);
    for (GatewayProcess node : nodes) {
      assertThat(twoDown.getOrDefault(node.name(), Map.of()))
          .as("%s's scrapes while two brokers were down", node.name())
          .isNotEmpty()
          .doesNotContainKey(0);
    }
    assertThat(takenOver)
        .as(
            "%s serving every push acknowledged before %s was paused",
            nodes.get(0).name(), cutOff.name())
        .isNotNull();
    assertThat(takenOver.endNanos())
        .as("%s taking over while %s was paused", nodes.get(0).name(), cutOff.name())
        .isLessThan(pauseEnd);
    assertThat(cutOffBack).as("a 2xx from %s after kill -CONT", cutOff.name()).isPositive();
  }

  /** When the first attempt acknowledged after {@code from} ended; 0 if none. */
  private static long firstAckAfter(List<Attempt> attempts, long from) {
    return firstAckAfter(attempts, from, null);
  }

  /** {@link #firstAckAfter(List, long)} of the attempts sent to {@code node} (null: any). */
  private static long firstAckAfter(List<Attempt> attempts, long from, String node) {
    return attempts.stream()
        .filter(a -> a.acknowledged() && a.endNanos() > from)
        .filter(a -> node == null || a.node().equals(node))
        .mapToLong(Attempt::endNanos)
        .min()
        .orElse(0);
  }

  private static Map<String, Integer> outcomes(List<Attempt> attempts, long from, long until) {
    Map<String, Integer> counts = new TreeMap<>();
    for (Attempt a : attempts) {
      if (a.startNanos() > from && a.endNanos() < until) {
        counts.merge(a.outcome(), 1, Integer::sum);
      }
    }
    return counts;
  }

  private Map<String, Map<Integer, Integer>> scrapeStatuses(long from, long until) {
    Map<String, Map<Integer, Integer>> counts = new TreeMap<>();
    synchronized (scrapes) {
      for (Scrape s : scrapes) {
        if (s.startNanos() > from && s.startNanos() < until) {
          counts.computeIfAbsent(s.node(), n -> new TreeMap<>()).merge(s.status(), 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  /**
   * One GET of a gateway's /metrics, recorded in {@link #scrapes}; the first gateway's also in
   * {@link #reads}, for the report.
   */
  private Read read(GatewayProcess node) {
    HttpRequest get =
        HttpRequest.newBuilder(URI.create(node.url("/metrics"))).timeout(READ_TIMEOUT).build();
    long start = System.nanoTime();
    int status = 0;
    BitSet served = new BitSet();
    Map<Integer, Double> values = null;
    try {
      HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
      status = r.statusCode();
      if (status == 200) {
        values = PushLoad.servedValues(r.body());
        served = PushLoad.servedRight(values);
      }
    } catch (IOException e) {
      // recorded as status 0: the node did not answer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scrapes.add(new Scrape(node.name(), start, status));
    Read read = new Read(start, System.nanoTime(), status, served);
    if (node.name().equals("gw1")) {
      if (values != null) {
        lastServed = values;
      }
      reads.add(read);
    }
    return read;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
