package io.kpushgateway.app;

import io.kpushgateway.broker.EmbeddedKafka;
import io.kpushgateway.core.space.Bytes;
import io.kpushgateway.core.space.FreeSpaceThreshold;
import io.kpushgateway.core.time.GoDuration;
import io.kpushgateway.core.validate.PushLimits;
import io.kpushgateway.ingest.DecodeBudget;
import io.kpushgateway.kafka.KafkaOptions;
import io.kpushgateway.kafka.ProducerOptions;
import io.kpushgateway.kafka.RocksDBMemory;
import io.kpushgateway.kafka.StreamsOptions;
import io.kpushgateway.kafka.TopicOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line of a gateway process, as picocli reads it: the flags, their defaults and their
 * help, written once here. Flag names are the Pushgateway's where the meaning is the same; ours are
 * grouped under {@code --kafka.*}, {@code --data.*} and {@code --push.*}. Only {@link
 * GatewayConfig#parse} uses it, to compute the {@link GatewayConfig} the process runs with.
 */
@Command(
    name = "kpushgateway",
    mixinStandardHelpOptions = true,
    versionProvider = Flags.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = "A Prometheus Pushgateway that scales out on Apache Kafka.",
    // listed in --help; Main runs it before these flags are parsed
    subcommands = Replay.class)
final class Flags {

  @Option(
      names = "--web.listen-address",
      defaultValue = ":9091",
      description =
          "Address to listen on for the web interface, API and telemetry (default ${DEFAULT-VALUE}).")
  String listenAddress;

  @Option(
      names = "--web.config.file",
      defaultValue = "",
      paramLabel = "FILE",
      description =
          "[EXPERIMENTAL] Path to configuration file that can enable TLS or authentication"
              + " (the Prometheus exporter-toolkit's web configuration).")
  String webConfigFile;

  @Option(
      names = "--web.telemetry-path",
      defaultValue = "/metrics",
      description = "Path under which to expose metrics (default ${DEFAULT-VALUE}).")
  String telemetryPath;

  @Option(
      names = "--web.external-url",
      defaultValue = "",
      description = "The URL under which the Pushgateway is externally reachable.")
  String externalUrl;

  @Option(
      names = "--web.route-prefix",
      defaultValue = "",
      description =
          "Prefix for the internal routes of web endpoints. Defaults to the path of"
              + " --web.external-url.")
  String routePrefix;

  @Option(
      names = "--web.enable-lifecycle",
      description = "Enable shutdown via HTTP request (PUT or POST /-/quit).")
  boolean enableLifecycle;

  @Option(
      names = "--web.enable-admin-api",
      description = "Enable API endpoints for admin control actions (PUT /api/v1/admin/wipe).")
  boolean enableAdminApi;

  @Option(
      names = "--web.enable-openmetrics",
      description =
          "Answer OpenMetrics to scrapers that ask for it. Off by default, as in the Pushgateway:"
              + " OpenMetrics types a counter without the _total suffix as unknown.")
  boolean enableOpenMetrics;

  @Option(
      names = "--roles",
      split = ",",
      defaultValue = "ingest,store",
      paramLabel = "ROLE[,ROLE]",
      description =
          "What this node does: ingest (the push API), store (the state, /metrics, /federate,"
              + " /api/v1/*, the web UI), or both (default ${DEFAULT-VALUE}).")
  java.util.Set<GatewayConfig.Role> roles;

  @Option(
      names = "--cluster.advertise-address",
      defaultValue = "",
      paramLabel = "HOST:PORT",
      description =
          "Address other nodes reach this node's HTTP port at, for cluster-wide reads (Kafka"
              + " Streams' application.server). Default: the listen address, with this host's"
              + " name when listening on every interface.")
  String advertiseAddress;

  @Option(
      names = "--cluster.peer-timeout",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description =
          "How long a cluster-wide read waits for each peer's groups (default ${DEFAULT-VALUE}).")
  Duration peerTimeout;

  @Option(
      names = "--cluster.partial-reads",
      defaultValue = "fail",
      description =
          "When some partitions cannot be read (a peer down, partitions moving): fail (503"
              + " naming them) or serve (answer with the rest; counted in"
              + " kpushgateway_cluster_partial_reads_total) (default ${DEFAULT-VALUE}).")
  GatewayConfig.PartialReads partialReads;

  @Option(
      names = "--cluster.standby-reads",
      description =
          "While a partition's active node does not answer, read it from a standby copy (with"
              + " --store.standby-replicas) instead of answering by --cluster.partial-reads. The"
              + " copy lacks the pushes its node had not yet applied when it died, until the"
              + " partition is handed over.")
  boolean standbyReads;

  @Option(
      names = "--cluster.peer-credentials-file",
      defaultValue = "",
      paramLabel = "FILE",
      description =
          "File holding USER:PASSWORD that this node sends to its peers for cluster-wide reads,"
              + " when --web.config.file sets basic_auth_users (the user must be one of them).")
  String peerCredentialsFile;

  @Option(
      names = "--store.standby-replicas",
      defaultValue = "0",
      description =
          "Warm copies of each partition's state kept on other store nodes, for fast fail-over"
              + " (Kafka Streams num.standby.replicas) (default ${DEFAULT-VALUE}).")
  int standbyReplicas;

  @Option(
      names = "--store.session-timeout",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "How soon Kafka gives a store node's partitions to the others when it stops answering"
              + " (the store consumer's session.timeout.ms; at least the broker's"
              + " group.min.session.timeout.ms, 6s by default) (default ${DEFAULT-VALUE}).")
  Duration sessionTimeout;

  // 256MiB: half for memtables (eight of Kafka Streams' 16 MiB before the largest is flushed),
  // half for the blocks scrapes read, index and filter blocks first. In a 2 GiB container with
  // the Dockerfile's heap of half of it, the JVM's own ~270 MiB beside leave ~0.5 GiB for
  // malloc's slack (README "Memory in a container"). Kafka Streams' defaults, per store and
  // partition, add up to ~2 GiB for the 20 stores of four partitions (RocksDBMemory).
  @Option(
      names = "--store.rocksdb-memory",
      defaultValue = "256MiB",
      converter = ByteSizeConverter.class,
      paramLabel = "SIZE",
      description =
          "Memory that all RocksDB stores of this node share, off the Java heap: one block cache"
              + " holding their data, index and filter blocks and their memtables; at least 16MiB"
              + " (default ${DEFAULT-VALUE}).")
  long rocksdbMemory;

  @Option(
      names = "--history.retention",
      defaultValue = "7d",
      converter = DurationConverter.class,
      description =
          "How long the push log keeps pushes, and so how far back ?at= and the push history"
              + " reach; 0 keeps them forever (retention.ms of the pushes and snapshots topics)"
              + " (default ${DEFAULT-VALUE}).")
  Duration historyRetention;

  @Option(
      names = "--history.snapshot-interval",
      defaultValue = "1h",
      converter = DurationConverter.class,
      description =
          "The longest time between two snapshots of a partition that received pushes (one is"
              + " also taken once the pushes since the last outweigh four times the partition's"
              + " state); a read of the state as of a time replays at most this much of the log."
              + " 0 takes none (default ${DEFAULT-VALUE}).")
  Duration snapshotInterval;

  @Option(
      names = "--kafka.bootstrap-servers",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      description =
          "Kafka cluster to use. When absent, a single-node Kafka broker (KRaft) is started inside"
              + " this process with its data under --data.dir.")
  String bootstrapServers;

  @Option(
      names = "--kafka.embedded-broker-port",
      defaultValue = "0",
      description =
          "Port of the embedded broker (on 127.0.0.1) when no --kafka.bootstrap-servers is given;"
              + " 0 picks a free one. Other nodes on this host can then join it"
              + " (default ${DEFAULT-VALUE}).")
  int embeddedBrokerPort;

  @Option(
      names = "--data.dir",
      defaultValue = "./data",
      description =
          "Directory for local state: the Kafka Streams stores (RocksDB) and, in all-in-one mode,"
              + " the embedded broker's log (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = GatewayConfig.MIN_FREE_SPACE,
      paramLabel = "SIZE|N%",
      converter = FreeSpaceConverter.class,
      description =
          "Refuse pushes (503) while the filesystem of --data.dir has less free space than this:"
              + " a size (512MiB), a share of the filesystem (10%), or 0 for never; they are"
              + " taken again by themselves once it has 10% more. Default: room for two of the"
              + " largest push records (2 x --push.max-body-size + 1MiB each) or 5% of the"
              + " filesystem, whichever is more.")
  FreeSpaceThreshold minFreeSpace;

  @Option(
      names = "--storage.fsync",
      defaultValue = "os",
      description =
          "When the embedded broker forces the push log to disk: os (never itself; the operating"
              + " system writes it back, which survives a crash of the process but not a power"
              + " loss), always (each push before its 200) or interval (every"
              + " --storage.fsync-interval). For a Kafka cluster, set flush.messages on its"
              + " brokers (default ${DEFAULT-VALUE}).")
  GatewayConfig.Fsync fsync;

  @Option(
      names = "--storage.fsync-interval",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description =
          "With --storage.fsync=interval, how often the embedded broker forces its log to disk:"
              + " a power loss can take the pushes of this long (default ${DEFAULT-VALUE}).")
  Duration fsyncInterval;

  @Option(
      names = "--kafka.topic-prefix",
      defaultValue = "kpushgateway",
      description =
          "Prefix of the topics this gateway uses: <prefix>.pushes (default ${DEFAULT-VALUE}).")
  String topicPrefix;

  @Option(
      names = "--kafka.application-id",
      defaultValue = "kpushgateway",
      description = "Kafka Streams application id of the store (default ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(
      names = "--kafka.partitions",
      defaultValue = "4",
      description =
          "Partitions of the pushes topic when this gateway creates it: the most store nodes that"
              + " can share the work (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--kafka.replication-factor",
      defaultValue = "1",
      description =
          "Replication factor of the topics this gateway creates (default ${DEFAULT-VALUE}).")
  short replicationFactor;

  @Option(
      names = "--kafka.min-insync-replicas",
      paramLabel = "N",
      description =
          "min.insync.replicas of the topics this gateway creates: how many replicas must have a"
              + " push before it is acknowledged. Default: 2 when the replication factor is 3 or"
              + " more, else 1.")
  Integer minInsyncReplicas;

  @Option(
      names = "--kafka.produce-timeout",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "How long a push waits for the broker's acknowledgement before it is answered 503"
              + " (default ${DEFAULT-VALUE}).")
  Duration produceTimeout;

  @Option(
      names = "--push.max-body-size",
      defaultValue = "32MiB",
      converter = ByteSizeConverter.class,
      description =
          "Largest push body accepted, after decompression; larger pushes are answered 413"
              + " (default ${DEFAULT-VALUE}).")
  long maxBodyBytes;

  // What one push may hold; see README "Limits". Upstream has none: each default lies far above
  // what a real client sends, so only a body built to exhaust memory meets it.
  @Option(
      names = "--push.max-families",
      defaultValue = "100000",
      paramLabel = "N",
      description =
          "Most metric families in one push (protobuf: messages, repeated names included);"
              + " more are answered 413 (default ${DEFAULT-VALUE}).")
  int maxFamilies;

  @Option(
      names = "--push.max-series",
      defaultValue = "2000000",
      paramLabel = "N",
      description =
          "Most series in one push, over all its families; more are answered 413"
              + " (default ${DEFAULT-VALUE}).")
  long maxSeries;

  @Option(
      names = "--push.max-labels-per-series",
      defaultValue = "256",
      paramLabel = "N",
      description =
          "Most labels of one series as pushed; more are answered 400 (default ${DEFAULT-VALUE}).")
  int maxLabelsPerSeries;

  @Option(
      names = "--push.max-label-name-length",
      defaultValue = "1024",
      paramLabel = "BYTES",
      description =
          "Longest label name, in UTF-8 bytes; longer ones are answered 400"
              + " (default ${DEFAULT-VALUE}).")
  int maxLabelNameLength;

  @Option(
      names = "--push.max-label-value-length",
      defaultValue = "16384",
      paramLabel = "BYTES",
      description =
          "Longest label value or metric name (the value of __name__), in UTF-8 bytes; longer"
              + " ones are answered 400 (default ${DEFAULT-VALUE}).")
  int maxLabelValueLength;

  @Option(
      names = "--push.decode-budget",
      converter = ByteSizeConverter.class,
      paramLabel = "SIZE",
      description =
          "Memory that the pushes being decoded at one time may take together, as estimated"
              + " while they are read. A push that cannot have its share within a few seconds is"
              + " answered 503 with Retry-After; one that alone needs more, 413. Default: an"
              + " eighth of the JVM's largest heap (-Xmx).")
  Long decodeBudget;

  @Option(
      names = "--push.disable-consistency-check",
      description =
          "Do not check pushed metrics for consistency with other groups and the gateway's own"
              + " metrics; pushes are then answered 202. DANGEROUS: inconsistent groups are"
              + " stored (the exposition hides their conflicting series).")
  boolean disableConsistencyCheck;

  @Option(
      names = "--push.ttl",
      defaultValue = "0",
      converter = DurationConverter.class,
      description =
          "Remove a group this long after its last successful push, unless that push set its own"
              + " with the Pushgateway-TTL header (0 there: never). 0: groups never expire, as in"
              + " the Pushgateway (default ${DEFAULT-VALUE}).")
  Duration ttl;

  @Option(
      names = "--push.enable-utf8-names",
      description = "Allow UTF-8 characters in metric and label names.")
  boolean enableUtf8Names;

  @Option(
      names = "--log.level",
      defaultValue = "info",
      description =
          "Only log messages with the given severity or above: debug, info, warn, error (default ${DEFAULT-VALUE}).")
  String logLevel;

  /**
   * The configuration these flags give, everything computed once; refuses what picocli cannot (a
   * malformed address, a limit out of range, an unreadable credentials file), in this order.
   */
  GatewayConfig config(CommandLine.Model.CommandSpec parsed) {
    InetSocketAddress listenSocket = listenSocket();
    if (!telemetryPath.startsWith("/")) {
      throw refused("--web.telemetry-path must start with '/': " + telemetryPath);
    }
    String routePrefix = routePrefix();
    if (roles.isEmpty()) {
      throw refused("--roles must name a role");
    }
    if (standbyReplicas < 0) {
      throw refused("--store.standby-replicas must not be negative");
    }
    if (rocksdbMemory < RocksDBMemory.MIN_BYTES) {
      throw refused(
          "--store.rocksdb-memory must be at least 16MiB: " + Bytes.format(rocksdbMemory));
    }
    if (minInsyncReplicas != null
        && (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor)) {
      throw refused(
          "--kafka.min-insync-replicas must be between 1 and --kafka.replication-factor ("
              + replicationFactor
              + ")");
    }
    EmbeddedKafka.Flush flush = embeddedBrokerFlush();
    PushLimits limits;
    try {
      limits =
          new PushLimits(
              maxFamilies, maxSeries, maxLabelsPerSeries, maxLabelNameLength, maxLabelValueLength);
    } catch (IllegalArgumentException e) {
      throw refused("--push.max-* limits must be positive");
    }
    String advertisedAddress = advertisedAddress(listenSocket);
    GatewayConfig.Push push =
        new GatewayConfig.Push(
            maxBodyBytes,
            limits,
            decodeBudget != null ? decodeBudget : DecodeBudget.defaultBytes(),
            disableConsistencyCheck,
            enableUtf8Names,
            ttl);
    int maxRecordBytes = maxRecordBytes();
    GatewayConfig.Data data =
        new GatewayConfig.Data(
            dataDir,
            minFreeSpace != null ? minFreeSpace : FreeSpaceThreshold.defaultFor(maxRecordBytes));
    return new GatewayConfig(
        roles,
        new GatewayConfig.Web(
            listenSocket,
            webConfigFile,
            telemetryPath,
            routePrefix,
            enableLifecycle,
            enableAdminApi,
            enableOpenMetrics),
        new GatewayConfig.Cluster(
            advertisedAddress, peerTimeout, partialReads, standbyReads, peerAuthorization()),
        data,
        new GatewayConfig.Kafka(
            embedded() ? null : bootstrapServers,
            embeddedBrokerPort,
            flush,
            new TopicOptions(
                topicPrefix,
                partitions,
                replicationFactor,
                minInsyncReplicas != null ? minInsyncReplicas : replicationFactor >= 3 ? 2 : 1,
                maxRecordBytes,
                historyRetention.isZero() ? null : historyRetention),
            new StreamsOptions(
                applicationId,
                dataDir.resolve("streams"),
                KafkaOptions.COMMIT_INTERVAL,
                advertisedAddress, // application.server: where peers ask for this node's partitions
                standbyReplicas,
                sessionTimeout,
                snapshotInterval.isZero() ? null : snapshotInterval,
                rocksdbMemory),
            new ProducerOptions(produceTimeout, KafkaOptions.MAX_IN_FLIGHT_PUSHES)),
        push,
        logLevel,
        flags(parsed, routePrefix, data.minFreeSpace(), push.decodeBudgetBytes()));
  }

  private boolean embedded() {
    return bootstrapServers == null || bootstrapServers.isBlank();
  }

  /** {@code --storage.fsync}, which only the embedded broker takes from this process. */
  private EmbeddedKafka.Flush embeddedBrokerFlush() {
    if (fsync != GatewayConfig.Fsync.os && !embedded()) {
      throw refused(
          "--storage.fsync="
              + fsync
              + " applies to the embedded broker only: with --kafka.bootstrap-servers, set"
              + " flush.messages (or log.flush.interval.messages) on the cluster's brokers");
    }
    if (fsync == GatewayConfig.Fsync.interval && fsyncInterval.toMillis() < 1) {
      throw refused("--storage.fsync-interval must be at least 1ms: " + fsyncInterval);
    }
    return switch (fsync) {
      case os -> EmbeddedKafka.Flush.OPERATING_SYSTEM;
      case always -> EmbeddedKafka.Flush.EVERY_APPEND;
      case interval -> EmbeddedKafka.Flush.every(fsyncInterval);
    };
  }

  private CommandLine.ParameterException refused(String message) {
    return new CommandLine.ParameterException(new CommandLine(this), message);
  }

  /**
   * The {@code Authorization} header value peers are sent, from {@code
   * --cluster.peer-credentials-file}; {@code null} without the flag.
   */
  private String peerAuthorization() {
    if (peerCredentialsFile.isBlank()) {
      return null;
    }
    String credentials;
    try {
      credentials = Files.readString(Path.of(peerCredentialsFile)).strip();
    } catch (IOException e) {
      throw refused(
          "--cluster.peer-credentials-file " + peerCredentialsFile + ": cannot read: " + e);
    }
    if (credentials.indexOf(':') <= 0 || credentials.contains("\n")) {
      throw refused(
          "--cluster.peer-credentials-file " + peerCredentialsFile + " must hold USER:PASSWORD");
    }
    return "Basic "
        + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Kafka's record limit for the body limit: sanitation adds the grouping labels and instance="" to
   * every series, so a record can outgrow the body it came from.
   */
  private int maxRecordBytes() {
    return (int) Math.min(Integer.MAX_VALUE / 2, 2 * maxBodyBytes + (1 << 20));
  }

  /**
   * HOST:PORT where peers reach this node: the flag, else the listen address (this host's name when
   * listening on every interface).
   */
  private String advertisedAddress(InetSocketAddress listen) {
    if (!advertiseAddress.isBlank()) {
      int colon = advertiseAddress.lastIndexOf(':');
      if (colon <= 0 || !advertiseAddress.substring(colon + 1).matches("[0-9]{1,5}")) {
        throw refused("--cluster.advertise-address must be HOST:PORT, got " + advertiseAddress);
      }
      return advertiseAddress;
    }
    String host =
        listen.getAddress() != null && listen.getAddress().isAnyLocalAddress()
            ? hostName()
            : listen.getHostString();
    return host + ":" + listen.getPort();
  }

  /** The container's or host's name; never a DNS lookup when the environment has it. */
  private static String hostName() {
    String host = System.getenv("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /**
   * Where every route lives, as upstream computes it: the flag, else the path of the external URL;
   * without slashes at either end, then with one leading slash; {@code ""} for the root.
   */
  private String routePrefix() {
    String prefix = routePrefix;
    if (prefix.isEmpty() && !externalUrl.isEmpty()) {
      try {
        prefix = Objects.requireNonNullElse(new URI(externalUrl).getPath(), "");
      } catch (URISyntaxException e) {
        throw refused("--web.external-url is not a valid URL: " + e.getMessage());
      }
    }
    String trimmed = prefix.replaceAll("^/+|/+$", "");
    return trimmed.isEmpty() ? "" : "/" + trimmed;
  }

  /** {@code :9091} listens on every interface, like Go's net.Listen. */
  private InetSocketAddress listenSocket() {
    int colon = listenAddress.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "--web.listen-address must be [host]:port, got " + listenAddress);
    }
    String host = listenAddress.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = Integer.parseInt(listenAddress.substring(colon + 1));
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  /** The flags and their values, for the status API and the start-up log. */
  private Map<String, String> flags(
      CommandLine.Model.CommandSpec parsed,
      String routePrefix,
      FreeSpaceThreshold minFreeSpace,
      long decodeBudgetBytes) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (CommandLine.Model.OptionSpec option : parsed.options()) {
      if (option.usageHelp() || option.versionHelp()) {
        continue;
      }
      // As written on the command line (or the default), like upstream: "10s", not "PT10S".
      List<String> given = option.originalStringValues();
      String value =
          !given.isEmpty()
              ? given.get(given.size() - 1)
              : option.defaultValue() != null
                  ? option.defaultValue()
                  : String.valueOf(option.getValue() == null ? "" : option.getValue());
      flags.put(option.longestName().substring(2), value);
    }
    // upstream reports the prefix it routes under, e.g. the external URL's path
    flags.put("web.route-prefix", routePrefix);
    flags.put("data.min-free-space", minFreeSpace.toString());
    if (decodeBudget == null) {
      // its default depends on the heap: report the value in effect, as for the threshold
      flags.put("push.decode-budget", Bytes.format(decodeBudgetBytes));
    }
    return flags;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"kpushgateway " + BuildInfo.version()};
    }
  }

  /** {@code 512MiB}, {@code 10%}, or {@code 0}. */
  static final class FreeSpaceConverter implements CommandLine.ITypeConverter<FreeSpaceThreshold> {
    @Override
    public FreeSpaceThreshold convert(String value) {
      String v = value.trim();
      if (v.equals("0")) {
        return FreeSpaceThreshold.NONE;
      }
      if (!v.endsWith("%")) {
        return FreeSpaceThreshold.ofBytes(new ByteSizeConverter().convert(v));
      }
      try {
        return FreeSpaceThreshold.ofPercent(Integer.parseInt(v.substring(0, v.length() - 1)));
      } catch (IllegalArgumentException e) { // NumberFormatException included
        throw new CommandLine.TypeConversionException(
            "not a share of the filesystem (0% to 99%): " + value);
      }
    }
  }

  /** Go-style durations (500ms, 10s, 1h30m), Prometheus' days and weeks (7d, 2w), and 0. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return GoDuration.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** Sizes like 512KiB, 32MiB, 1GiB or a plain number of bytes. */
  static final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String v = value.trim();
      long unit = 1;
      for (String[] suffix :
          new String[][] {{"KiB", "1024"}, {"MiB", "1048576"}, {"GiB", "1073741824"}, {"B", "1"}}) {
        if (v.endsWith(suffix[0])) {
          unit = Long.parseLong(suffix[1]);
          v = v.substring(0, v.length() - suffix[0].length()).trim();
          break;
        }
      }
      try {
        long n = Long.parseLong(v);
        if (n <= 0) {
          throw new CommandLine.TypeConversionException("size must be positive: " + value);
        }
        return Math.multiplyExact(n, unit);
      } catch (NumberFormatException | ArithmeticException e) {
        throw new CommandLine.TypeConversionException("not a size (e.g. 32MiB): " + value);
      }
    }
  }
}
