package io.kpushgateway.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The store's Kafka Streams application.
 *
 * @param applicationId Kafka Streams {@code application.id}: consumer group and internal topic
 *     prefix, shared by all store nodes of one gateway
 * @param stateDir Kafka Streams {@code state.dir} (RocksDB stores)
 * @param commitInterval Kafka Streams {@code commit.interval.ms}
 * @param applicationServer this node's {@code host:port} for interactive queries, or null when the
 *     node does not serve reads
 * @param standbyReplicas Kafka Streams {@code num.standby.replicas}: warm copies of each store
 *     partition on other store nodes
 * @param sessionTimeout how long a store node may stay silent before its partitions move (the
 *     Streams consumer's {@code session.timeout.ms})
 * @param snapshotInterval the longest time between two snapshots of a partition that received
 *     pushes; null takes none
 * @param rocksdbMemoryBytes the memory all RocksDB stores of the application share: block cache,
 *     index and filter blocks, memtables ({@link RocksDBMemory})
 */
public record StreamsOptions(
    String applicationId,
    Path stateDir,
    Duration commitInterval,
    String applicationServer,
    int standbyReplicas,
    Duration sessionTimeout,
    Duration snapshotInterval,
    long rocksdbMemoryBytes) {

  public StreamsOptions {
    Checks.requireTopicNamePart(applicationId, "applicationId");
    Objects.requireNonNull(stateDir, "stateDir");
    Checks.requirePositive(commitInterval, "commitInterval");
    if (applicationServer != null) {
      Checks.requireNonBlank(applicationServer, "applicationServer");
    }
    if (standbyReplicas < 0) {
      throw new IllegalArgumentException(
          "standbyReplicas must not be negative: " + standbyReplicas);
    }
    Checks.requirePositive(sessionTimeout, "sessionTimeout");
    if (snapshotInterval != null) {
      Checks.requirePositive(snapshotInterval, "snapshotInterval");
    }
    if (rocksdbMemoryBytes < RocksDBMemory.MIN_BYTES) {
      throw new IllegalArgumentException(
          "rocksdbMemoryBytes must be at least "
              + RocksDBMemory.MIN_BYTES
              + ": "
              + rocksdbMemoryBytes);
    }
  }
}
