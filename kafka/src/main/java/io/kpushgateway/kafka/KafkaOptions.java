package io.kpushgateway.kafka;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Everything the Kafka adapter needs to know, resolved once from the gateway's configuration.
 *
 * @param bootstrapServers Kafka's {@code bootstrap.servers}
 * @param topicPrefix prefix of every topic the gateway owns ({@code <prefix>.pushes})
 * @param applicationId Kafka Streams {@code application.id}: consumer group and internal topic
 *     prefix, shared by all store nodes of one gateway
 * @param partitions partitions of the pushes topic when the gateway creates it: the unit of
 *     scale-out of the store
 * @param replicationFactor replicas of the topics the gateway creates (pushes, changelogs)
 * @param stateDir Kafka Streams {@code state.dir} (RocksDB stores)
 * @param commitInterval Kafka Streams {@code commit.interval.ms}
 * @param produceTimeout longest wait for the broker to acknowledge a push before it fails
 * @param applicationServer this node's {@code host:port} for interactive queries, or null when the
 *     node does not serve reads
 * @param nodeName this node's name, written into each push for audit
 * @param pushRetention how long the push log (the history) keeps pushes; null keeps them forever
 * @param maxInFlightPushes pushes waiting for an acknowledgement beyond which a publish fails at
 *     once instead of queuing
 * @param maxRecordBytes the largest record on the gateway's topics
 * @param minInsyncReplicas {@code min.insync.replicas} of the topics the gateway creates
 * @param standbyReplicas Kafka Streams {@code num.standby.replicas}: warm copies of each store
 *     partition on other store nodes
 * @param sessionTimeout how long a store node may stay silent before its partitions move (the
 *     Streams consumer's {@code session.timeout.ms})
 */
public record KafkaOptions(
    String bootstrapServers,
    String topicPrefix,
    String applicationId,
    int partitions,
    short replicationFactor,
    Path stateDir,
    Duration commitInterval,
    Duration produceTimeout,
    String applicationServer,
    String nodeName,
    Duration pushRetention,
    int maxInFlightPushes,
    int maxRecordBytes,
    int minInsyncReplicas,
    int standbyReplicas,
    Duration sessionTimeout) {

  public static final String DEFAULT_TOPIC_PREFIX = "kpushgateway";
  public static final String DEFAULT_APPLICATION_ID = "kpushgateway";
  public static final int DEFAULT_PARTITIONS = 4;
  public static final short DEFAULT_REPLICATION_FACTOR = 1;

  /** Short, so that the changelog and the committed offsets follow the store closely. */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);

  public static final Duration DEFAULT_PRODUCE_TIMEOUT = Duration.ofSeconds(10);

  /** A week of history; a replay further back needs a longer retention. */
  public static final Duration DEFAULT_PUSH_RETENTION = Duration.ofDays(7);

  /** The Pushgateway queues 1,000 writes; acks come back in ~1 ms, so 10,000 is generous. */
  public static final int DEFAULT_MAX_IN_FLIGHT_PUSHES = 10_000;
  /** Kafka's own default record limit (max.request.size, message.max.bytes) is about 1 MiB. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
  /** Fail-over within seconds; Kafka Streams' own default is 45 s. */
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);

  // Kafka's legal topic characters; the application id prefixes internal topic names too.
  private static final Pattern TOPIC_NAME_PART = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

  public KafkaOptions {
    requireNonBlank(bootstrapServers, "bootstrapServers");
    requireTopicNamePart(topicPrefix, "topicPrefix");
    requireTopicNamePart(applicationId, "applicationId");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replicationFactor must be at least 1: " + replicationFactor);
    }
    Objects.requireNonNull(stateDir, "stateDir");
    requirePositive(commitInterval, "commitInterval");
    requirePositive(produceTimeout, "produceTimeout");
    if (produceTimeout.toMillis() < 2) {
      throw new IllegalArgumentException("produceTimeout must be at least 2 ms: " + produceTimeout);
    }
    if (applicationServer != null) {
      requireNonBlank(applicationServer, "applicationServer");
    }
    requireNonBlank(nodeName, "nodeName");
    if (pushRetention != null) {
      requirePositive(pushRetention, "pushRetention");
    }
    if (maxRecordBytes < 1024) {
      throw new IllegalArgumentException("maxRecordBytes must be at least 1024: " + maxRecordBytes);
    }
    if (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
      throw new IllegalArgumentException(
          "minInsyncReplicas must be between 1 and the replication factor: " + minInsyncReplicas);
    }
    if (standbyReplicas < 0) {
      throw new IllegalArgumentException("standbyReplicas must not be negative: " + standbyReplicas);
    }
    requirePositive(sessionTimeout, "sessionTimeout");
    if (maxInFlightPushes < 1) {
      throw new IllegalArgumentException(
          "maxInFlightPushes must be at least 1: " + maxInFlightPushes);
    }
  }

  /**
   * The defaults: topic prefix and application id {@value #DEFAULT_TOPIC_PREFIX}, 4 partitions,
   * replication factor 1, commit interval 100 ms, produce timeout 10 s, no application server, this
   * host's name as node name, 7 days of push history, 10,000 pushes in flight, min.insync.replicas 1,
   * no standby replicas, a 10 s session timeout.
   */
  public static KafkaOptions defaults(String bootstrapServers, Path stateDir) {
    return new KafkaOptions(
        bootstrapServers,
        DEFAULT_TOPIC_PREFIX,
        DEFAULT_APPLICATION_ID,
        DEFAULT_PARTITIONS,
        DEFAULT_REPLICATION_FACTOR,
        stateDir,
        DEFAULT_COMMIT_INTERVAL,
        DEFAULT_PRODUCE_TIMEOUT,
        null,
        defaultNodeName(),
        DEFAULT_PUSH_RETENTION,
        DEFAULT_MAX_IN_FLIGHT_PUSHES,
        DEFAULT_MAX_RECORD_BYTES,
        1,
        0,
        DEFAULT_SESSION_TIMEOUT);
  }

  public KafkaOptions withTopicPrefix(String topicPrefix) {
    return copy(c -> c.topicPrefix = topicPrefix);
  }

  public KafkaOptions withApplicationId(String applicationId) {
    return copy(c -> c.applicationId = applicationId);
  }

  public KafkaOptions withApplicationServer(String applicationServer) {
    return copy(c -> c.applicationServer = applicationServer);
  }

  public KafkaOptions withProduceTimeout(Duration produceTimeout) {
    return copy(c -> c.produceTimeout = produceTimeout);
  }

  public KafkaOptions withMaxRecordBytes(int maxRecordBytes) {
    return copy(c -> c.maxRecordBytes = maxRecordBytes);
  }

  public KafkaOptions withStandbyReplicas(int standbyReplicas) {
    return copy(c -> c.standbyReplicas = standbyReplicas);
  }

  public KafkaOptions withSessionTimeout(Duration sessionTimeout) {
    return copy(c -> c.sessionTimeout = sessionTimeout);
  }

  public KafkaOptions withMaxInFlightPushes(int maxInFlightPushes) {
    return copy(c -> c.maxInFlightPushes = maxInFlightPushes);
  }

  /** {@code null} keeps pushes forever. */
  public KafkaOptions withPushRetention(Duration pushRetention) {
    return copy(c -> c.pushRetention = pushRetention);
  }

  /**
   * A copy with some components changed: the one place besides {@link #defaults} that lists
   * every component, so a new one is added here and nowhere else. Validation runs again.
   */
  private KafkaOptions copy(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return new KafkaOptions(
        c.bootstrapServers,
        c.topicPrefix,
        c.applicationId,
        c.partitions,
        c.replicationFactor,
        c.stateDir,
        c.commitInterval,
        c.produceTimeout,
        c.applicationServer,
        c.nodeName,
        c.pushRetention,
        c.maxInFlightPushes,
        c.maxRecordBytes,
        c.minInsyncReplicas,
        c.standbyReplicas,
        c.sessionTimeout);
  }

  /** The components of a copy being made, mutable until {@link #copy} builds the record. */
  private static final class Copy {
    String bootstrapServers;
    String topicPrefix;
    String applicationId;
    int partitions;
    short replicationFactor;
    Path stateDir;
    Duration commitInterval;
    Duration produceTimeout;
    String applicationServer;
    String nodeName;
    Duration pushRetention;
    int maxInFlightPushes;
    int maxRecordBytes;
    int minInsyncReplicas;
    int standbyReplicas;
    Duration sessionTimeout;

    Copy(KafkaOptions o) {
      bootstrapServers = o.bootstrapServers;
      topicPrefix = o.topicPrefix;
      applicationId = o.applicationId;
      partitions = o.partitions;
      replicationFactor = o.replicationFactor;
      stateDir = o.stateDir;
      commitInterval = o.commitInterval;
      produceTimeout = o.produceTimeout;
      applicationServer = o.applicationServer;
      nodeName = o.nodeName;
      pushRetention = o.pushRetention;
      maxInFlightPushes = o.maxInFlightPushes;
      maxRecordBytes = o.maxRecordBytes;
      minInsyncReplicas = o.minInsyncReplicas;
      standbyReplicas = o.standbyReplicas;
      sessionTimeout = o.sessionTimeout;
    }
  }

  /** The container's or host's name; never a DNS lookup when the environment has it. */
  public static String defaultNodeName() {
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

  private static void requireNonBlank(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  private static void requireTopicNamePart(String value, String name) {
    if (value == null || !TOPIC_NAME_PART.matcher(value).matches()) {
      throw new IllegalArgumentException(
          name
              + " must be 1-200 of [a-zA-Z0-9._-] (it becomes part of Kafka topic names): "
              + value);
    }
  }

  private static void requirePositive(Duration value, String name) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
