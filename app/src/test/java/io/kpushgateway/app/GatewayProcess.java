package io.kpushgateway.app;

import io.kpushgateway.app.GatewayConfig.Role;
import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One gateway as its own JVM ({@code java -jar} the fat jar), so a test can {@code kill -9} it. The
 * process writes its output to a log file for diagnosis and is killed when closed, or when the test
 * JVM exits first.
 */
final class GatewayProcess implements AutoCloseable {

  /** The fat jar; failsafe runs after {@code package}, in the module directory. */
  static final Path JAR = Path.of("target", "kpushgateway.jar");

  /**
   * Three gateway JVMs and a broker share two cores here: C1 only and the serial collector start
   * them faster and leave the cores to the work instead of JIT and GC threads.
   */
  private static final List<String> JVM_FLAGS =
      List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  /**
   * What every node of one cluster shares: the broker, the application id and topic prefix (so
   * Kafka Streams spreads the partitions over the nodes), and further flags for every node.
   */
  record Cluster(String bootstrapServers, String name, List<String> flags) {
    Cluster {
      flags = List.copyOf(flags);
    }
  }

  private final String name;
  private final Set<Role> roles;
  private final int port;
  private final ChildProcess process;

  private GatewayProcess(String name, Set<Role> roles, int port, ChildProcess process) {
    this.name = name;
    this.roles = roles;
    this.port = port;
    this.process = process;
  }

  /** Starts node {@code name} with {@code roles}; its output goes to {@code logDir/<name>.log}. */
  static GatewayProcess start(
      Cluster cluster, String name, Set<Role> roles, Path dataDir, Path logDir) {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(
          "no fat jar at " + JAR.toAbsolutePath() + ": run the ITs with mvn verify");
    }
    int port = FreePorts.next();
    ChildProcess process =
        ChildProcess.start(name, commandLine(cluster, roles, port, dataDir), logDir);
    return new GatewayProcess(name, Set.copyOf(roles), port, process);
  }

  /** The one place a node's command line is built. */
  static List<String> commandLine(Cluster cluster, Set<Role> roles, int port, Path dataDir) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_FLAGS);
    cmd.add("-jar");
    cmd.add(JAR.toAbsolutePath().toString());
    cmd.add("--web.listen-address=127.0.0.1:" + port);
    cmd.add("--data.dir=" + dataDir.toAbsolutePath());
    cmd.add("--kafka.bootstrap-servers=" + cluster.bootstrapServers());
    cmd.add("--kafka.application-id=" + cluster.name());
    cmd.add("--kafka.topic-prefix=" + cluster.name());
    cmd.add("--roles=" + rolesFlag(roles));
    cmd.addAll(cluster.flags());
    return cmd;
  }

  private static String rolesFlag(Set<Role> roles) {
    return new TreeSet<>(roles).stream().map(Role::name).collect(Collectors.joining(","));
  }

  String name() {
    return name;
  }

  /** {@code name (roles)}, as reports name a node. */
  String describe() {
    return name + " (" + rolesFlag(roles) + ")";
  }

  boolean runs(Role role) {
    return roles.contains(role);
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /**
   * Waits until {@code /-/ready} answers 200; fails at once, with the end of the log, if the
   * process exits meanwhile.
   */
  void awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create(url("/-/ready"))).timeout(Duration.ofSeconds(5)).build();
    Await.until(
        timeout,
        name + " ready",
        () -> {
          if (!process.isAlive()) {
            return true; // reported below, without waiting for the deadline
          }
          try {
            return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        });
    if (!process.isAlive()) {
      throw new AssertionError(
          name + " exited with " + process.exitValue() + " before it was ready:\n" + logTail());
    }
  }

  /**
   * {@code kill -9}: no shutdown hook runs, the store does not leave its consumer group, open
   * connections are reset. Returns {@link System#nanoTime()} just before the signal.
   */
  long kill() {
    return process.kill();
  }

  /**
   * {@code kill -STOP} when {@code pause}, else {@code kill -CONT}: the node stops answering
   * everyone (brokers, peers, clients) without closing a connection, as behind a network partition.
   */
  long pause(boolean pause) {
    return process.signal(pause);
  }

  /** The last lines of the node's output, for failure messages. */
  String logTail() {
    return process.logTail();
  }

  /** Kills the process if it still runs and waits for it to be gone. */
  @Override
  public void close() {
    process.close();
  }
}
