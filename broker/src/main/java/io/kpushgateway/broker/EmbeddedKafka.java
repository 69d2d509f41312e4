package io.kpushgateway.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.BrokerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM:
 * the all-in-one gateway's broker and the integration tests' broker.
 *
 * <p>The data directory is formatted on first start and reused afterwards, so topics and records
 * survive a restart on the same directory. Listeners bind to 127.0.0.1 only. This is the only class
 * that touches Kafka's internal server APIs ({@code KafkaRaftServer}, {@code Formatter}), which may
 * move between minor releases.
 *
 * <p><b>Never ending the process.</b> On a fatal error, above all a failed log directory (a full
 * disk), Kafka halts the JVM: right for a broker process, wrong for a gateway that can still serve
 * scrapes from its store. So the first broker started sets Kafka's {@link Exit} procedures to stop
 * the calling Kafka thread instead and mark every running embedded broker as failed ({@link
 * #failure()}; Kafka says not which broker, and a process runs one). Such a broker answers nothing
 * useful until {@link #restartIfFailed()} starts it anew on the same data and ports.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final String BROKER_LISTENER = "PLAINTEXT";
  private static final String CONTROLLER_LISTENER = "CONTROLLER";

  /** Kafka's log directories live in this subdirectory of the data dir. */
  private static final String LOG_DIR = "kafka-logs";

  /** What Kafka's LogManager locks in a log directory while a broker runs on it. */
  private static final String LOCK_FILE = ".lock";

  /** What formatting writes into a log directory. */
  private static final String META_FILE = "meta.properties";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** Auto-chosen ports can be taken between probing and binding; retry that race a few times. */
  private static final int BIND_ATTEMPTS = 3;

  /** How long a failed broker waits for its dead controller to approve its shutdown. */
  private static final Duration FAILED_BROKER_SHUTDOWN = Duration.ofSeconds(2);

  /** After a failed restart, the next try waits this long. */
  private static final Duration RESTART_BACKOFF = Duration.ofSeconds(10);

  /** Brokers of this JVM that have started and are not closed: a halt marks them failed. */
  private static final Set<EmbeddedKafka> RUNNING = ConcurrentHashMap.newKeySet();

  private static final AtomicBoolean EXIT_PROCEDURES_SET = new AtomicBoolean();

  private final Path logDir;
  private final int port;
  private final int controllerPort;
  private final String bootstrapServers;
  private final String clusterId;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile KafkaRaftServer server;
  private volatile String failure;
  private long nextRestartNanos; // guarded by this

  /** The failed server's shutdown, while it runs on; guarded by this. */
  private Thread stopping;

  private final Flush flush;

  /**
   * When the broker forces what it appended to disk (fsync), which decides what a power loss can
   * take of what it acknowledged. A crash of the process alone loses nothing either way: what was
   * appended is in the operating system's page cache, which writes it back.
   *
   * @param everyAppend each append is forced to disk before it is acknowledged ({@code
   *     log.flush.interval.messages=1})
   * @param interval when not every append: the log is forced to disk this often ({@code
   *     log.flush.interval.ms}); null: never by the broker, the operating system writes the page
   *     cache back when it will (Kafka's default)
   */
  public record Flush(boolean everyAppend, Duration interval) {

    /** Kafka's default: the broker never forces its log to disk itself. */
    public static final Flush OPERATING_SYSTEM = new Flush(false, null);

    public static final Flush EVERY_APPEND = new Flush(true, null);

    public Flush {
      if (interval != null && (everyAppend || interval.toMillis() < 1)) {
        throw new IllegalArgumentException("a flush interval is at least 1 ms: " + interval);
      }
    }

    public static Flush every(Duration interval) {
      return new Flush(false, interval);
    }

    void configure(Map<String, String> broker) {
      if (everyAppend) {
        broker.put("log.flush.interval.messages", "1");
      } else if (interval != null) {
        String ms = Long.toString(interval.toMillis());
        broker.put("log.flush.interval.ms", ms);
        broker.put("log.flush.scheduler.interval.ms", ms); // the check: never, by default
      }
    }
  }

  private EmbeddedKafka(
      KafkaRaftServer server,
      Path logDir,
      int port,
      int controllerPort,
      String clusterId,
      Flush flush) {
    this.server = server;
    this.logDir = logDir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.bootstrapServers = HOST + ":" + port;
    this.clusterId = clusterId;
    this.flush = flush;
  }

  /** Starts a broker on {@code dataDir} with free ports on 127.0.0.1. */
  public static EmbeddedKafka start(Path dataDir) {
    return start(dataDir, 0);
  }

  /** As {@link #start(Path, int, Flush)}, the log written back by the operating system. */
  public static EmbeddedKafka start(Path dataDir, int brokerPort) {
    return start(dataDir, brokerPort, Flush.OPERATING_SYSTEM);
  }

  /**
   * Starts a broker on {@code dataDir}, formatting it if it is new; {@code brokerPort} 0 picks a
   * free port. Returns once the broker answers metadata requests.
   *
   * @throws IllegalStateException if the broker does not start or become ready in time
   */
  public static EmbeddedKafka start(Path dataDir, int brokerPort, Flush flush) {
    if (brokerPort < 0 || brokerPort > 65535) {
      throw new IllegalArgumentException("brokerPort must be 0..65535: " + brokerPort);
    }
    BrokerLogging.quietUnlessConfigured();
    stopThreadsInsteadOfExiting();
    Path logDir = dataDir.toAbsolutePath().resolve(LOG_DIR);
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create Kafka log dir " + logDir, e);
    }
    String clusterId = existingClusterId(logDir);
    if (clusterId == null) {
      clusterId = Uuid.randomUuid().toString();
    }
    for (int attempt = 1; ; attempt++) {
      int port = brokerPort != 0 ? brokerPort : freePort();
      int controllerPort = freePort(port);
      try {
        return start(logDir, clusterId, port, controllerPort, flush);
      } catch (RuntimeException e) {
        // Only our own port choice can be retried; an explicit port that is taken is the caller's.
        if (attempt >= BIND_ATTEMPTS || !causedByBind(e)) {
          throw e;
        }
        log.warn("Kafka ports {}/{} were taken meanwhile, retrying", port, controllerPort);
      }
    }
  }

  /** Whether {@code dataDir} holds a broker's log: one {@link #start} formatted before. */
  public static boolean hasLog(Path dataDir) {
    return Files.isRegularFile(dataDir.toAbsolutePath().resolve(LOG_DIR).resolve(META_FILE));
  }

  /**
   * Whether a running broker holds the log in {@code dataDir}: Kafka locks {@value #LOCK_FILE} in
   * each log directory while it runs, so a second broker on it would fail its start.
   */
  public static boolean inUse(Path dataDir) {
    Path lock = dataDir.toAbsolutePath().resolve(LOG_DIR).resolve(LOCK_FILE);
    if (!Files.exists(lock)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
      FileLock held = channel.tryLock();
      if (held == null) {
        return true; // another process holds it
      }
      held.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true; // a broker of this JVM holds it
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check the Kafka log lock " + lock, e);
    }
  }

  private static EmbeddedKafka start(
      Path logDir, String clusterId, int port, int controllerPort, Flush flush) {
    KafkaRaftServer server = launch(logDir, clusterId, port, controllerPort, flush);
    EmbeddedKafka broker =
        new EmbeddedKafka(server, logDir, port, controllerPort, clusterId, flush);
    RUNNING.add(broker);
    return broker;
  }

  /** A started and ready server on these ports. */
  private static KafkaRaftServer launch(
      Path logDir, String clusterId, int port, int controllerPort, Flush flush) {
    long startNanos = System.nanoTime();
    Map<String, String> brokerConfig = brokerConfig(logDir, port, controllerPort);
    flush.configure(brokerConfig);
    KafkaConfig config = new KafkaConfig(brokerConfig, false);
    format(logDir, clusterId);
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    String bootstrap = HOST + ":" + port;
    try {
      server.startup();
      awaitReady(bootstrap);
    } catch (RuntimeException e) {
      shutdown(server);
      throw e;
    }
    log.info(
        "Kafka broker ready at {} (cluster {}, data {}) in {} ms",
        bootstrap,
        clusterId,
        logDir,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    return server;
  }

  /**
   * Sets Kafka's halt and exit procedures, once per JVM, to stop the Kafka thread that calls them
   * (Kafka's code after a halt was not written to run) and mark the running brokers failed.
   */
  private static void stopThreadsInsteadOfExiting() {
    if (EXIT_PROCEDURES_SET.compareAndSet(false, true)) {
      Exit.setHaltProcedure((status, message) -> failInsteadOfExiting("halt", status, message));
      Exit.setExitProcedure((status, message) -> failInsteadOfExiting("exit", status, message));
    }
  }

  private static void failInsteadOfExiting(String call, int status, String message) {
    String why =
        "Kafka stopped the embedded broker after a fatal error (it called "
            + call
            + "("
            + status
            + ")"
            + (message == null ? "" : ": " + message)
            + "; a failed log directory, such as a full disk, is the usual cause)";
    log.error("{}; the process goes on without it", why);
    for (EmbeddedKafka broker : RUNNING) {
      if (broker.failure == null) {
        broker.failure = why;
      }
    }
    throw new BrokerHaltedException(why);
  }

  /** What a Kafka thread that wanted to end the process gets instead. */
  static final class BrokerHaltedException extends RuntimeException {
    BrokerHaltedException(String message) {
      super(message);
    }
  }

  /** Why this broker stopped serving (Kafka wanted to end the process); null while it serves. */
  public String failure() {
    return failure;
  }

  /**
   * Starts a failed broker anew on the same data directory and ports, so the clients of the process
   * reconnect by themselves; after a failed try, the next one waits 10 s. Blocks for the restart
   * (seconds). Does nothing for a broker that serves or is closed.
   *
   * @return true when the broker serves (again)
   */
  public synchronized boolean restartIfFailed() {
    if (failure == null || closed.get()) {
      return failure == null;
    }
    if (System.nanoTime() - nextRestartNanos < 0) {
      return false;
    }
    log.warn("restarting the embedded Kafka broker at {} ({})", bootstrapServers, failure);
    // The old server holds the log directory's lock until its shutdown is through.
    KafkaRaftServer failed = server;
    stopping = stopping != null ? stopping : stopAside(() -> shutdownFailed(failed));
    if (!joined(stopping, CLOSE_TIMEOUT)) {
      nextRestartNanos = System.nanoTime() + RESTART_BACKOFF.toNanos();
      return false;
    }
    stopping = null;
    try {
      server = launch(logDir, clusterId, port, controllerPort, flush);
      failure = null;
      return true;
    } catch (RuntimeException e) {
      nextRestartNanos = System.nanoTime() + RESTART_BACKOFF.toNanos();
      log.warn("the embedded Kafka broker did not restart; trying again in {}", RESTART_BACKOFF, e);
      return false;
    }
  }

  /** {@code host:port} of the broker listener, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The cluster id stored in the data directory: the same after a restart on it. */
  public String clusterId() {
    return clusterId;
  }

  /** Shuts the broker down and waits for it, at most 30 s (then logs and returns). Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    RUNNING.remove(this);
    long startNanos = System.nanoTime();
    if (stopWithin(server, CLOSE_TIMEOUT)) {
      log.info(
          "Kafka broker at {} stopped in {} ms",
          bootstrapServers,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }
  }

  /** Kafka's shutdown has no timeout of its own: run it aside so callers stay bounded. */
  private boolean stopWithin(KafkaRaftServer server, Duration timeout) {
    return joined(stopAside(() -> shutdown(server)), timeout);
  }

  private static Thread stopAside(Runnable shutdown) {
    Thread stopper = new Thread(shutdown, "embedded-kafka-shutdown");
    stopper.setDaemon(true);
    stopper.start();
    return stopper;
  }

  private boolean joined(Thread stopper, Duration timeout) {
    try {
      stopper.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (stopper.isAlive()) {
      log.warn("Kafka broker at {} did not stop within {}", bootstrapServers, timeout);
      return false;
    }
    return true;
  }

  /**
   * Shuts down a server whose controller died with the log directory. Its broker's controlled
   * shutdown would wait 5 min for the controller's approval (KafkaRaftServer passes no timeout), so
   * the broker is shut down first with a short one; KafkaRaftServer keeps it private.
   */
  private static void shutdownFailed(KafkaRaftServer server) {
    try {
      Field field = KafkaRaftServer.class.getDeclaredField("broker");
      field.setAccessible(true);
      if (field.get(server) instanceof scala.Option<?> broker
          && broker.isDefined()
          && broker.get() instanceof BrokerServer brokerServer) {
        brokerServer.shutdown(FAILED_BROKER_SHUTDOWN);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("cannot shorten the failed broker's shutdown, it may take 5 min: {}", e.toString());
    }
    shutdown(server);
  }

  private static void shutdown(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      log.warn("Kafka broker shutdown failed", e);
    }
  }

  private static Map<String, String> brokerConfig(Path logDir, int port, int controllerPort) {
    Map<String, String> c = new HashMap<>();
    c.put("process.roles", "broker,controller");
    c.put("node.id", Integer.toString(NODE_ID));
    c.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    c.put(
        "listeners",
        listener(BROKER_LISTENER, port) + "," + listener(CONTROLLER_LISTENER, controllerPort));
    c.put("advertised.listeners", listener(BROKER_LISTENER, port));
    c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    c.put("controller.listener.names", CONTROLLER_LISTENER);
    c.put("inter.broker.listener.name", BROKER_LISTENER);
    c.put("log.dirs", logDir.toString());
    // One node: every internal topic has one replica, and one in-sync replica is enough.
    c.put("offsets.topic.replication.factor", "1");
    c.put("transaction.state.log.replication.factor", "1");
    c.put("transaction.state.log.min.isr", "1");
    // A batch transaction left open by a killed node holds back read-committed readers until the
    // broker aborts it: look for timed-out ones every second, not every 10 s.
    c.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    c.put("share.coordinator.state.topic.replication.factor", "1");
    c.put("share.coordinator.state.topic.min.isr", "1");
    c.put("min.insync.replicas", "1");
    c.put("default.replication.factor", "1");
    // The gateway creates its topics itself; a typo must not create a topic.
    c.put("auto.create.topics.enable", "false");
    // Nobody else joins: do not wait for more group members before the first assignment.
    c.put("group.initial.rebalance.delay.ms", "0");
    // The cleaner (compacted changelogs) allocates this on the heap at start; 128 MiB by
    // default is most of an all-in-one heap, 16 MiB still dedupes ~600k keys per pass.
    c.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
    return c;
  }

  private static String listener(String name, int port) {
    return name + "://" + HOST + ":" + port;
  }

  /** The cluster id of an already formatted log dir, or null when it is new. */
  private static String existingClusterId(Path logDir) {
    try {
      MetaPropertiesEnsemble ensemble =
          new MetaPropertiesEnsemble.Loader().addLogDirs(List.of(logDir.toString())).load();
      return ensemble.clusterId().orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Kafka metadata in " + logDir, e);
    }
  }

  /** Formats a new log dir; on a formatted one it only checks the cluster and node ids match. */
  private static void format(Path logDir, String clusterId) {
    try {
      new Formatter()
          .setPrintStream(
              new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8))
          .setNodeId(NODE_ID)
          .setClusterId(clusterId)
          .addDirectory(logDir.toString())
          .setMetadataLogDirectory(logDir.toString())
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setReleaseVersion(MetadataVersion.latestProduction())
          .setIgnoreFormatted(true)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("cannot format Kafka log dir " + logDir, e);
    }
  }

  /** Polls a metadata request until it lists our node, i.e. the broker is unfenced and serving. */
  private static void awaitReady(String bootstrap) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Map<String, Object> adminConfig =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000,
            AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 20);
    Exception last = null;
    try (Admin admin = Admin.create(adminConfig)) {
      while (System.nanoTime() < deadline) {
        try {
          boolean listed =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                  .nodes()
                  .get(2_000, TimeUnit.MILLISECONDS)
                  .stream()
                  .anyMatch(node -> node.id() == NODE_ID);
          if (listed) {
            return;
          }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          last = e;
        }
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
    }
    throw new IllegalStateException(
        "Kafka broker at " + bootstrap + " not ready within " + READY_TIMEOUT, last);
  }

  private static int freePort(int... exclude) {
    for (int i = 0; i < 10; i++) {
      int port;
      try (ServerSocket socket =
          new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
        port = socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free port on " + HOST, e);
      }
      boolean excluded = false;
      for (int x : exclude) {
        excluded |= x == port;
      }
      if (!excluded) {
        return port;
      }
    }
    throw new IllegalStateException("cannot find a free port on " + HOST);
  }

  private static boolean causedByBind(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }
}
