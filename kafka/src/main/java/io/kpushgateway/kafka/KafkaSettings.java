package io.kpushgateway.kafka;

import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The one place that turns {@link KafkaOptions} into client {@link Properties}. Every call returns
 * a fresh copy. Serializers are not configured here: callers pass {@link ProtoSerdes} instances, so
 * nothing relies on default serdes.
 */
public final class KafkaSettings {

  /**
   * The producer never blocks a caller: with no topic metadata yet it fails the send at once and
   * {@link KafkaPushPublisher} retries off the caller's thread, within {@code produceTimeout}.
   */
  static final int PRODUCER_MAX_BLOCK_MS = 0;

  private final KafkaOptions options;

  public KafkaSettings(KafkaOptions options) {
    this.options = Objects.requireNonNull(options);
  }

  public KafkaOptions options() {
    return options;
  }

  /**
   * The push producer: an acknowledgement means every in-sync replica has the push (acks=all), and
   * retries never duplicate or reorder it (idempotence, at most 5 requests in flight). A push is
   * sent at once (linger 0: send→ack p50 1.1 ms instead of 6.3 ms with Kafka's default 5 ms) and
   * fails after {@code produceTimeout} if not acknowledged by then.
   */
  public Properties producer() {
    long timeoutMs = options.produceTimeout().toMillis();
    Properties p = common();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeoutMs);
    // Leaves room for one more attempt within the delivery timeout (Kafka requires
    // delivery.timeout >= linger + request.timeout).
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, timeoutMs / 2));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, PRODUCER_MAX_BLOCK_MS);
    // Refreshed twice per timeout even when idle, so a stale metadata age means "broker gone":
    // the readiness signal of KafkaPushPublisher.isReady().
    p.put(ProducerConfig.METADATA_MAX_AGE_CONFIG, (int) metadataRefresh().toMillis());
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return p;
  }

  /** How often the producer refreshes metadata; see {@link #producer()}. */
  Duration metadataRefresh() {
    return Duration.ofMillis(Math.max(1, options.produceTimeout().toMillis() / 2));
  }

  /**
   * The store's Kafka Streams application: one stream thread, at-least-once (applying a push is
   * idempotent), no record cache so interactive queries and the changelog see every update.
   */
  public Properties streams() {
    Properties p = common();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, options.applicationId());
    p.put(StreamsConfig.STATE_DIR_CONFIG, options.stateDir().toAbsolutePath().toString());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, options.commitInterval().toMillis());
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) options.replicationFactor());
    if (options.applicationServer() != null) {
      p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, options.applicationServer());
    }
    // New pushes return from a parked fetch at once (fetch.min.bytes=1); this bounds the rest,
    // e.g. a fetch parked before a partition was assigned.
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);
    // Changelog writes reach standby replicas within ~5 ms, not Streams' default 100 ms linger.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    return p;
  }

  /** Admin client for topic management; callers bound each call with its own timeout. */
  public Properties admin() {
    return common();
  }

  /**
   * A reader of the push log outside Kafka Streams (history, replay, tests): no consumer group, so
   * nothing is committed; starts from the oldest retained push.
   */
  public Properties consumer() {
    Properties p = common();
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return p;
  }

  private Properties common() {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
    return p;
  }
}
