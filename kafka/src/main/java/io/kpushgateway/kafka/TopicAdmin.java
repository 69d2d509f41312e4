package io.kpushgateway.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the gateway's topics at start-up. Kafka Streams creates its own (changelogs). */
public final class TopicAdmin {

  private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

  /** Covers a broker that is still starting next to us (the all-in-one mode). */
  static final Duration ENSURE_TIMEOUT = Duration.ofSeconds(30);

  private static final long SEGMENT_MS_MAX = Duration.ofDays(1).toMillis();
  private static final Duration SNAPSHOT_MARGIN = Duration.ofDays(1);
  private static final List<String> PUSHES_RECONCILED =
      List.of(
          TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
          TopicConfig.RETENTION_MS_CONFIG,
          TopicConfig.SEGMENT_MS_CONFIG);
  private static final List<String> SNAPSHOTS_RECONCILED =
      List.of(TopicConfig.RETENTION_MS_CONFIG, TopicConfig.SEGMENT_MS_CONFIG);

  private TopicAdmin() {}

  /**
   * Makes sure the gateway's topics exist and every partition has a leader, creating a missing one:
   * the pushes topic with the configured partitions, replication factor and retention, the catalog
   * with one partition, compacted. An existing topic is left as it is (a different partition count
   * is logged, not changed).
   *
   * @return the partitions of the pushes topic, as it is
   * @throws IllegalStateException if that is not done within 30 s, or Kafka refuses a topic
   */
  public static int ensureTopics(KafkaSettings settings, Topics topics, KafkaOptions kafka) {
    TopicOptions options = kafka.topics();
    long deadline = System.nanoTime() + ENSURE_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(settings.admin())) {
      int partitions =
          ensureTopic(
              admin,
              new NewTopic(topics.pushes(), options.partitions(), options.replicationFactor())
                  .configs(pushesConfig(options)),
              deadline);
      ensureTopic(
          admin,
          new NewTopic(topics.catalog(), 1, options.replicationFactor())
              .configs(catalogConfig(options)),
          deadline);
      // one snapshots partition per pushes partition: the snapshot of pushes partition P is
      // written to snapshots partition P
      ensureTopic(
          admin,
          new NewTopic(topics.snapshots(), partitions, options.replicationFactor())
              .configs(snapshotsConfig(options)),
          deadline);
      // the retention flags apply to a gateway that already has its topics too
      reconcile(admin, topics.pushes(), pushesConfig(options), PUSHES_RECONCILED);
      reconcile(admin, topics.snapshots(), snapshotsConfig(options), SNAPSHOTS_RECONCILED);
      return partitions;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the gateway's topics", e);
    }
  }

  /**
   * @return the topic's partitions
   */
  private static int ensureTopic(Admin admin, NewTopic wanted, long deadline)
      throws InterruptedException {
    String topic = wanted.name();
    Exception last = null;
    boolean checkedPartitions = false;
    while (System.nanoTime() < deadline) {
      int timeoutMs =
          (int) Math.max(1, Math.min(5_000, (deadline - System.nanoTime()) / 1_000_000));
      try {
        TopicDescription description = describe(admin, topic, timeoutMs);
        if (description == null) {
          create(admin, wanted, timeoutMs);
          continue;
        }
        if (!checkedPartitions && description.partitions().size() != wanted.numPartitions()) {
          log.warn(
              "Topic {} has {} partitions, not the configured {}: keeping it as it is",
              topic,
              description.partitions().size(),
              wanted.numPartitions());
        }
        checkedPartitions = true;
        if (description.partitions().stream()
            .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
          return description.partitions().size();
        }
        last = null;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException)) {
          throw new IllegalStateException(
              "Kafka refused topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
        last = (Exception) e.getCause();
      } catch (TimeoutException e) {
        last = e;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        "topic "
            + topic
            + " not ready within "
            + ENSURE_TIMEOUT
            + (last != null ? ": " + last.getMessage() : ""),
        last);
  }

  /** The catalog's configuration: only the latest shape of each group matters. */
  static Map<String, String> catalogConfig(TopicOptions options) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    config.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(options.maxRecordBytes()));
    config.put(
        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(options.minInsyncReplicas()));
    return config;
  }

  /**
   * The push log's configuration: deleted by age, never compacted (it is the history), stamped by
   * the broker when it appends, so that offsets and timestamps rise together and "the state as of
   * T" is a prefix of each partition that {@code offsetsForTimes} finds.
   */
  static Map<String, String> pushesConfig(TopicOptions options) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
    config.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
    config.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(options.maxRecordBytes()));
    // With acks=all, a push is acknowledged once this many replicas have it.
    config.put(
        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(options.minInsyncReplicas()));
    retention(config, options.pushRetention());
    return config;
  }

  /**
   * The snapshots' configuration: kept a day and a segment longer than the pushes, so that the
   * first snapshot after the oldest retained push is still there to replay from.
   */
  static Map<String, String> snapshotsConfig(TopicOptions options) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
    config.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(options.maxRecordBytes()));
    config.put(
        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(options.minInsyncReplicas()));
    Duration pushes = options.pushRetention();
    retention(
        config, pushes == null ? null : pushes.plus(SNAPSHOT_MARGIN).plusMillis(segmentMs(pushes)));
    return config;
  }

  private static void retention(Map<String, String> config, Duration retention) {
    if (retention == null) {
      config.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
    } else {
      config.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
      // Retention deletes whole segments: roll daily so history goes within a day of expiry,
      // not after another 7-day segment.
      config.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(segmentMs(retention)));
    }
  }

  private static long segmentMs(Duration retention) {
    return Math.min(retention.toMillis(), SEGMENT_MS_MAX);
  }

  /**
   * Sets the given keys of an existing topic to the configured values (nothing else is touched). A
   * cluster that refuses (no ALTER_CONFIGS permission) keeps its settings, with a warning.
   */
  private static void reconcile(
      Admin admin, String topic, Map<String, String> wanted, List<String> keys)
      throws InterruptedException {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    List<AlterConfigOp> ops = new ArrayList<>();
    for (String key : keys) {
      String value = wanted.get(key);
      ops.add(
          value == null
              ? new AlterConfigOp(new ConfigEntry(key, ""), AlterConfigOp.OpType.DELETE)
              : new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET));
    }
    try {
      admin
          .incrementalAlterConfigs(Map.of(resource, ops))
          .all()
          .get(ENSURE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "Could not set {} of topic {}: keeping its settings ({})",
          keys,
          topic,
          e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
    }
  }

  /** The topic's description, or null if it does not exist. */
  private static TopicDescription describe(Admin admin, String topic, int timeoutMs)
      throws ExecutionException, InterruptedException, TimeoutException {
    try {
      return admin
          .describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(timeoutMs))
          .allTopicNames()
          .get(timeoutMs, TimeUnit.MILLISECONDS)
          .get(topic);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return null;
      }
      throw e;
    }
  }

  private static void create(Admin admin, NewTopic newTopic, int timeoutMs)
      throws ExecutionException, InterruptedException, TimeoutException {
    try {
      admin
          .createTopics(List.of(newTopic), new CreateTopicsOptions().timeoutMs(timeoutMs))
          .all()
          .get(timeoutMs, TimeUnit.MILLISECONDS);
      log.info(
          "Created topic {} ({} partitions, replication factor {})",
          newTopic.name(),
          newTopic.numPartitions(),
          newTopic.replicationFactor());
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
      // Another node created it meanwhile: fine.
    }
  }
}
