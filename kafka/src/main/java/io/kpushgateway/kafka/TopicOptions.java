package io.kpushgateway.kafka;

import java.time.Duration;

/**
 * The topics the gateway creates: its own ({@code <prefix>.pushes}, {@code <prefix>.catalog}) and,
 * for replicas and record size, Kafka Streams' internal ones.
 *
 * @param prefix prefix of every topic the gateway owns
 * @param partitions partitions of the pushes topic when the gateway creates it: the unit of
 *     scale-out of the store
 * @param replicationFactor replicas of the topics the gateway creates (pushes, changelogs)
 * @param minInsyncReplicas {@code min.insync.replicas} of the topics the gateway creates
 * @param maxRecordBytes the largest record on the gateway's topics
 * @param pushRetention how long the push log (the history) keeps pushes; null keeps them forever
 */
public record TopicOptions(
    String prefix,
    int partitions,
    short replicationFactor,
    int minInsyncReplicas,
    int maxRecordBytes,
    Duration pushRetention) {

  public TopicOptions {
    Checks.requireTopicNamePart(prefix, "topicPrefix");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replicationFactor must be at least 1: " + replicationFactor);
    }
    if (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
      throw new IllegalArgumentException(
          "minInsyncReplicas must be between 1 and the replication factor: " + minInsyncReplicas);
    }
    if (maxRecordBytes < 1024) {
      throw new IllegalArgumentException("maxRecordBytes must be at least 1024: " + maxRecordBytes);
    }
    if (pushRetention != null) {
      Checks.requirePositive(pushRetention, "pushRetention");
    }
  }
}
