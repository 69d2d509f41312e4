package io.kpushgateway.app;

import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One Kafka broker of a KRaft quorum as its own JVM, started from the Kafka server classes inside
 * the fat jar ({@code kafka.Kafka server.properties}, as {@code kafka-server-start.sh} does), so a
 * test can {@code kill -9} it and start it again on the same data and ports. Each node is a
 * combined broker and controller; every controller is a voter of the quorum.
 */
final class BrokerProcess implements AutoCloseable {

  private static final List<String> JVM_FLAGS =
      List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private static final Duration FORMATTED = Duration.ofSeconds(60);

  /** The ports of one node of the quorum. */
  private record Node(int id, int port, int controllerPort) {}

  private final Node node;
  private final List<Node> quorum;
  private final String clusterId;
  private final Path dataDir;
  private final Path logDir;
  private final Map<String, String> overrides;
  private ChildProcess process;
  private int starts;

  private BrokerProcess(
      Node node,
      List<Node> quorum,
      String clusterId,
      Path dataDir,
      Path logDir,
      Map<String, String> overrides) {
    this.node = node;
    this.quorum = quorum;
    this.clusterId = clusterId;
    this.dataDir = dataDir;
    this.logDir = logDir;
    this.overrides = overrides;
  }

  /**
   * {@code size} brokers of one new cluster (not started), each replicating every topic {@code
   * size} times with {@code minInsync} in-sync replicas, also Kafka's own topics.
   */
  static List<BrokerProcess> quorum(int size, int minInsync, Path dataDir, Path logDir) {
    List<Node> nodes = new ArrayList<>();
    for (int id = 1; id <= size; id++) {
      nodes.add(new Node(id, FreePorts.next(), FreePorts.next()));
    }
    String rf = Integer.toString(size);
    String isr = Integer.toString(minInsync);
    Map<String, String> replication =
        Map.of(
            "default.replication.factor", rf,
            "min.insync.replicas", isr,
            "offsets.topic.replication.factor", rf,
            "transaction.state.log.replication.factor", rf,
            "transaction.state.log.min.isr", isr,
            "share.coordinator.state.topic.replication.factor", rf,
            "share.coordinator.state.topic.min.isr", isr);
    String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
    return nodes.stream()
        .map(
            n ->
                new BrokerProcess(
                    n,
                    List.copyOf(nodes),
                    clusterId,
                    dataDir.resolve("broker" + n.id()),
                    logDir,
                    replication))
        .toList();
  }

  /** {@code host:port,...} of every broker of {@code brokers}. */
  static String bootstrapServers(List<BrokerProcess> brokers) {
    return brokers.stream().map(b -> "127.0.0.1:" + b.node.port()).collect(Collectors.joining(","));
  }

  /**
   * Waits until every broker of {@code brokers} is registered and unfenced (listed in the cluster's
   * metadata): before that, a topic with one replica on each cannot be created.
   */
  static void awaitRegistered(List<BrokerProcess> brokers, Duration timeout) {
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(brokers),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
    try (Admin admin = Admin.create(config)) {
      Await.until(
          timeout,
          brokers.size() + " brokers registered",
          () -> {
            for (BrokerProcess b : brokers) {
              if (!b.process.isAlive()) {
                throw new IllegalStateException(b.name() + " exited:\n" + b.process.logTail());
              }
            }
            try {
              return admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).size()
                  == brokers.size();
            } catch (ExecutionException | TimeoutException e) {
              return false;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException(e);
            }
          });
    }
  }

  String name() {
    return "broker" + node.id();
  }

  /**
   * Starts the JVM: formats the log directory first (Kafka's {@code StorageTool}, as {@code
   * kafka-storage.sh format}) when it is new. Returns at once; Kafka clients find out when it
   * serves.
   */
  void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name() + " runs already");
    }
    Path config = dataDir.resolve("server.properties");
    try {
      Files.createDirectories(dataDir);
      Files.writeString(config, properties(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + config, e);
    }
    if (!Files.exists(dataDir.resolve("kafka-logs").resolve("meta.properties"))) {
      format(config);
    }
    starts++;
    process =
        ChildProcess.start(
            name() + (starts > 1 ? "-" + starts : ""),
            command("kafka.Kafka", config.toString()),
            logDir);
  }

  private void format(Path config) {
    ChildProcess tool =
        ChildProcess.start(
            name() + "-format",
            command(
                "kafka.tools.StorageTool",
                "format",
                "--cluster-id",
                clusterId,
                "--config",
                config.toString(),
                "--ignore-formatted"),
            logDir);
    int exit = tool.awaitExit(FORMATTED);
    if (exit != 0) {
      throw new IllegalStateException(
          "formatting " + name() + " exited with " + exit + ":\n" + tool.logTail());
    }
  }

  private static List<String> command(String mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_FLAGS);
    cmd.add("-cp");
    cmd.add(GatewayProcess.JAR.toAbsolutePath().toString());
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return cmd;
  }

  private String properties() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("process.roles", "broker,controller");
    c.put("node.id", Integer.toString(node.id()));
    c.put(
        "controller.quorum.voters",
        quorum.stream()
            .map(n -> n.id() + "@127.0.0.1:" + n.controllerPort())
            .collect(Collectors.joining(",")));
    c.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:"
            + node.port()
            + ",CONTROLLER://127.0.0.1:"
            + node.controllerPort());
    c.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + node.port());
    c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    c.put("controller.listener.names", "CONTROLLER");
    c.put("inter.broker.listener.name", "PLAINTEXT");
    c.put("log.dirs", dataDir.resolve("kafka-logs").toAbsolutePath().toString());
    c.put("auto.create.topics.enable", "false");
    c.put("group.initial.rebalance.delay.ms", "0");
    // as the embedded broker: small heaps, three brokers and two gateways on two cores
    c.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
    c.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    c.putAll(overrides);
    return c.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue() + "\n")
        .collect(Collectors.joining());
  }

  /** {@code kill -9}; returns {@link System#nanoTime()} just before the signal. */
  long kill() {
    return process.kill();
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }
}
