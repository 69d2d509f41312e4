package io.kpushgateway.app;

import io.kpushgateway.broker.EmbeddedKafka;
import io.kpushgateway.core.space.FreeSpaceThreshold;
import io.kpushgateway.core.validate.PushLimits;
import io.kpushgateway.kafka.KafkaOptions;
import io.kpushgateway.kafka.ProducerOptions;
import io.kpushgateway.kafka.StreamsOptions;
import io.kpushgateway.kafka.TopicOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * Every setting of a gateway process, read once from the command line ({@link Flags}) with
 * everything derived from the flags computed then, and files named by them read then: a bad value
 * stops the start before anything runs, and every part of the process sees the same values.
 *
 * @param roles what this node does
 * @param logLevel the lowest severity logged
 * @param flags every flag with its value as written (or its default), for {@code /api/v1/status}
 *     and the start-up log; computed defaults as they are in effect
 */
public record GatewayConfig(
    Set<Role> roles,
    Web web,
    Cluster cluster,
    Data data,
    Kafka kafka,
    Push push,
    String logLevel,
    Map<String, String> flags) {

  /** The flag of the data directory's threshold, as refusals name it. */
  static final String MIN_FREE_SPACE = "--data.min-free-space";

  /** What a process does; see README "Running a cluster". */
  enum Role {
    /** The push API: validates pushes and publishes them to Kafka. */
    ingest,
    /** The Kafka Streams store with /metrics, /federate, /api/v1/*, the UI and admin wipe. */
    store
  }

  /** When the embedded broker forces its log to disk ({@code --storage.fsync}). */
  enum Fsync {
    /** Never itself: the operating system writes the page cache back (Kafka's default). */
    os,
    /** Every append, before it is acknowledged. */
    always,
    /** Every {@code --storage.fsync-interval}. */
    interval
  }

  /** Partial-failure policy of a cluster-wide read. */
  enum PartialReads {
    /** Answer 503 naming the unavailable partitions. */
    fail,
    /** Answer with what could be read and count it in kpushgateway_cluster_partial_reads_total. */
    serve
  }

  public GatewayConfig {
    roles = Collections.unmodifiableSet(EnumSet.copyOf(roles));
    flags = Collections.unmodifiableMap(new LinkedHashMap<>(flags));
  }

  /** Parses the command line; {@code null} when help or version was printed instead. */
  static GatewayConfig parse(String... args) {
    Flags flags = new Flags();
    CommandLine cli = new CommandLine(flags);
    cli.parseArgs(args);
    if (cli.isUsageHelpRequested()) {
      cli.usage(System.out);
      return null;
    }
    if (cli.isVersionHelpRequested()) {
      cli.printVersionHelp(System.out);
      return null;
    }
    return flags.config(cli.getCommandSpec());
  }

  boolean runs(Role role) {
    return roles.contains(role);
  }

  /**
   * The HTTP server ({@code --web.*}).
   *
   * @param listenSocket where it listens; {@code :9091} is every interface, like Go's net.Listen
   * @param configFile the exporter-toolkit web configuration, {@code ""} for none
   * @param routePrefix where every route lives, as upstream computes it: {@code
   *     --web.route-prefix}, else the path of {@code --web.external-url}; one leading slash, {@code
   *     ""} for the root
   */
  public record Web(
      InetSocketAddress listenSocket,
      String configFile,
      String telemetryPath,
      String routePrefix,
      boolean enableLifecycle,
      boolean enableAdminApi,
      boolean enableOpenMetrics) {}

  /**
   * Cluster-wide reads ({@code --cluster.*}).
   *
   * @param advertisedAddress HOST:PORT where peers reach this node: the flag, else the listen
   *     address (this host's name when listening on every interface); also its node name
   * @param peerAuthorization the {@code Authorization} header peers are sent, from the credentials
   *     file; {@code null} without one
   */
  public record Cluster(
      String advertisedAddress,
      Duration peerTimeout,
      PartialReads partialReads,
      boolean standbyReads,
      String peerAuthorization) {}

  /**
   * Local state ({@code --data.*}).
   *
   * @param minFreeSpace the flag, or its default for the largest record
   */
  public record Data(Path dir, FreeSpaceThreshold minFreeSpace) {

    /** Where the embedded broker of a gateway on the data directory {@code dir} keeps its log. */
    static Path brokerDir(Path dir) {
      return dir.resolve("kafka");
    }
  }

  /**
   * The Kafka cluster and what the gateway keeps in it ({@code --kafka.*}, {@code --store.*}).
   *
   * @param bootstrapServers the cluster's, or {@code null} to start an embedded broker
   * @param embeddedBrokerPort that broker's port, 0 for a free one
   * @param embeddedBrokerFlush when that broker forces its log to disk
   */
  public record Kafka(
      String bootstrapServers,
      int embeddedBrokerPort,
      EmbeddedKafka.Flush embeddedBrokerFlush,
      TopicOptions topics,
      StreamsOptions streams,
      ProducerOptions producer) {

    boolean embeddedBroker() {
      return bootstrapServers == null;
    }

    /** The Kafka adapter's options, once the cluster is known (an embedded one once started). */
    KafkaOptions at(String bootstrapServers) {
      return new KafkaOptions(bootstrapServers, topics, streams, producer);
    }
  }

  /**
   * What a push may be ({@code --push.*}).
   *
   * @param limits what one push may hold
   * @param decodeBudgetBytes the flag, or its default for this JVM
   * @param ttl how long a group lives after its last push without a {@code Pushgateway-TTL} of its
   *     own; zero: forever
   */
  public record Push(
      long maxBodyBytes,
      PushLimits limits,
      long decodeBudgetBytes,
      boolean disableConsistencyCheck,
      boolean enableUtf8Names,
      Duration ttl) {}
}
