package io.kpushgateway.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the Kafka adapter needs to know, resolved once from the gateway's configuration: where
 * the cluster is, and the settings of the topics, the store's Streams application and the push
 * producer, each a small record of its own.
 *
 * @param bootstrapServers Kafka's {@code bootstrap.servers}
 */
public record KafkaOptions(
    String bootstrapServers,
    TopicOptions topics,
    StreamsOptions streams,
    ProducerOptions producer) {

  // Settings that are no flags, in this one place.

  /** Short, so that the changelog and the committed offsets follow the store closely. */
  public static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);

  /** A week of history; a replay further back needs a longer retention. */
  public static final Duration PUSH_RETENTION = Duration.ofDays(7);

  /** At most an hour of pushes to replay after a snapshot, 168 snapshots a week at most. */
  public static final Duration SNAPSHOT_INTERVAL = Duration.ofHours(1);

  /** The Pushgateway queues 1,000 writes; acks come back in ~1 ms, so 10,000 is generous. */
  public static final int MAX_IN_FLIGHT_PUSHES = 10_000;

  /**
   * The options of a process that only reads what a gateway wrote (the offline replay): the
   * cluster, the topic prefix and the application id name everything it reads; the settings of
   * writing are left at their defaults, unused.
   */
  public static KafkaOptions reader(
      String bootstrapServers, String topicPrefix, String applicationId) {
    return new KafkaOptions(
        bootstrapServers,
        new TopicOptions(topicPrefix, 1, (short) 1, 1, 1 << 20, PUSH_RETENTION),
        new StreamsOptions(
            applicationId,
            Path.of("."),
            COMMIT_INTERVAL,
            null,
            0,
            Duration.ofSeconds(10),
            SNAPSHOT_INTERVAL,
            RocksDBMemory.MIN_BYTES), // opens no store
        new ProducerOptions(Duration.ofSeconds(10), MAX_IN_FLIGHT_PUSHES));
  }

  public KafkaOptions {
    Checks.requireNonBlank(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(streams, "streams");
    Objects.requireNonNull(producer, "producer");
  }
}
