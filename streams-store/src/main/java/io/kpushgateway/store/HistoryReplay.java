package io.kpushgateway.store;

import io.kpushgateway.kafka.KafkaOptions;
import io.kpushgateway.kafka.KafkaSettings;
import io.kpushgateway.kafka.Stores;
import io.kpushgateway.kafka.Topics;
import io.kpushgateway.proto.SnapshotChunk;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Bytes;

/**
 * The pushed groups as of an instant, read offline, without a running store: what {@code
 * /metrics?at=} serves, from the same {@link AsOfReader}. There is no Streams store to hold the
 * snapshot index, so each partition's index is read into memory from the index's changelog ({@code
 * <application.id>-snapshot-index-changelog}, compacted and small), or, where that has nothing (an
 * application reset deletes it), from the manifest records of the snapshots topic.
 */
public final class HistoryReplay {

  private final KafkaSettings settings;
  private final Topics topics;
  private final String indexChangelog;
  private final Duration timeout;
  private final int partitions;

  /** Partitions of the index's changelog: 0 when it is gone. */
  private final int changelogPartitions;

  private HistoryReplay(
      KafkaSettings settings,
      Topics topics,
      String indexChangelog,
      Duration timeout,
      int partitions,
      int changelogPartitions) {
    this.settings = settings;
    this.topics = topics;
    this.indexChangelog = indexChangelog;
    this.timeout = timeout;
    this.partitions = partitions;
    this.changelogPartitions = changelogPartitions;
  }

  /**
   * Finds the gateway's topics on the cluster.
   *
   * @param timeout how long to wait for the cluster, and for the read of each partition
   * @throws ReplayFailedException when the cluster does not answer in time or lacks the topics
   */
  public static HistoryReplay open(
      String bootstrapServers, String topicPrefix, String applicationId, Duration timeout) {
    KafkaSettings settings =
        new KafkaSettings(KafkaOptions.reader(bootstrapServers, topicPrefix, applicationId));
    Topics topics = Topics.from(settings.options());
    String changelog = Stores.changelogTopic(applicationId, Stores.SNAPSHOT_INDEX);
    Map<String, List<PartitionInfo>> existing;
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(settings)) {
      existing = consumer.listTopics(timeout);
    } catch (TimeoutException e) {
      throw new ReplayFailedException(
          "cannot reach the Kafka cluster at "
              + bootstrapServers
              + " within "
              + timeout.toMillis()
              + " ms");
    } catch (KafkaException e) {
      throw new ReplayFailedException(
          "cannot use the Kafka cluster at " + bootstrapServers + ": " + e.getMessage());
    }
    for (String topic : List.of(topics.pushes(), topics.snapshots())) {
      if (!existing.containsKey(topic)) {
        throw new ReplayFailedException(
            "the Kafka cluster at "
                + bootstrapServers
                + " has no topic "
                + topic
                + ": no gateway with --kafka.topic-prefix="
                + topicPrefix
                + " wrote there");
      }
    }
    return new HistoryReplay(
        settings,
        topics,
        changelog,
        timeout,
        existing.get(topics.pushes()).size(),
        existing.getOrDefault(changelog, List.of()).size());
  }

  /** The partitions of the push log. */
  public int partitions() {
    return partitions;
  }

  /**
   * What a replay at an instant found: the groups in grouping-key order (the page's order), or,
   * when some partition's retained history starts after the instant, the latest such start.
   */
  public record Result(List<StoredGroup> groups, Optional<Instant> beforeHistory) {}

  /**
   * The groups of every partition as they were at {@code at}, one partition after the other.
   *
   * @param partitionDone told the number of each partition once it is read
   * @throws ReplayFailedException when a partition cannot be read (the cluster stopped answering, a
   *     snapshot that should be there is not)
   */
  public Result readAt(Instant at, IntConsumer partitionDone) {
    AsOfReader reader = new AsOfReader(settings, topics, timeout);
    List<StoredGroup> groups = new ArrayList<>();
    Optional<Instant> beforeHistory = Optional.empty();
    for (int p = 0; p < partitions; p++) {
      MemoryIndex index;
      try {
        index = index(p);
      } catch (RuntimeException e) {
        throw new ReplayFailedException(
            "the snapshot index of partition " + p + " could not be read: " + e.getMessage());
      }
      PartitionRead read = reader.readAt(List.of(p), at, partition -> index);
      if (!read.unavailable().isEmpty()) {
        throw new ReplayFailedException("partition " + p + ": " + read.unavailable().get(p));
      }
      for (Instant oldest : read.beforeHistory().values()) {
        if (beforeHistory.isEmpty() || oldest.isAfter(beforeHistory.get())) {
          beforeHistory = Optional.of(oldest);
        }
      }
      groups.addAll(read.groups());
      partitionDone.accept(p);
    }
    groups.sort(StoredGroup.KEY_ORDER);
    return new Result(groups, beforeHistory);
  }

  /** The snapshot index of {@code partition}: from its changelog, else from the manifests. */
  private MemoryIndex index(int partition) {
    MemoryIndex index = new MemoryIndex();
    SnapshotTopic.Deadline deadline = SnapshotTopic.Deadline.in(timeout);
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(settings)) {
      if (partition < changelogPartitions) {
        readWhole(
            consumer,
            new TopicPartition(indexChangelog, partition),
            deadline,
            (key, value) -> {
              if (key != null) {
                index.put(Bytes.wrap(key), value);
              }
            });
      }
      if (index.isEmpty()) {
        readWhole(
            consumer,
            new TopicPartition(topics.snapshots(), partition),
            deadline,
            (key, value) -> {
              SnapshotChunk chunk = SnapshotTopic.parse(value);
              if (chunk != null && chunk.hasManifest()) {
                index.put(
                    SnapshotIndex.key(chunk.getManifest().getPushOffset()),
                    chunk.getManifest().toByteArray());
              }
            });
      }
    }
    return index;
  }

  private interface RecordSink {
    void accept(byte[] key, byte[] value);
  }

  /** Every retained record of {@code tp}; nothing when the topic lacks the partition. */
  private static void readWhole(
      KafkaConsumer<byte[], byte[]> consumer,
      TopicPartition tp,
      SnapshotTopic.Deadline deadline,
      RecordSink sink) {
    List<TopicPartition> one = List.of(tp);
    long start = consumer.beginningOffsets(one, deadline.left()).getOrDefault(tp, 0L);
    long end = consumer.endOffsets(one, deadline.left()).getOrDefault(tp, 0L);
    SnapshotTopic.read(
        consumer, tp, start, end, deadline, record -> sink.accept(record.key(), record.value()));
  }

  private static KafkaConsumer<byte[], byte[]> consumer(KafkaSettings settings) {
    return new KafkaConsumer<>(
        settings.consumer(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
