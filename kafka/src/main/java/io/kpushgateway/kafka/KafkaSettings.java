package io.kpushgateway.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

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

  private static final String READ_COMMITTED = "read_committed";

  /** Kafka's default producer buffer.memory. */
  private static final long DEFAULT_BUFFER_MEMORY = 32L * 1024 * 1024;

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
    long timeoutMs = options.producer().produceTimeout().toMillis();
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
    p.putAll(recordSize(""));
    return p;
  }

  /**
   * The snapshot producer: acks=all and idempotent like the pushes, but batched (a snapshot is many
   * records sent at once) and allowed to wait for buffer space, since the store's own thread writes
   * it between pushes.
   */
  public Properties snapshotProducer() {
    Properties p = common();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.putAll(recordSize(""));
    return p;
  }

  /**
   * A batch producer: the push producer's guarantees, and transactional, so the groups of one batch
   * become visible to read-committed readers together or not at all. It runs on a thread of its own
   * ({@link KafkaBatchPublisher}), so it may block for metadata and buffer space up to {@code
   * produceTimeout}. A transaction left open (its node killed) holds back every read-committed
   * reader of the partitions it touched until the broker aborts it: {@code transaction.timeout.ms}
   * is {@code produceTimeout} plus 1 s, just enough for a batch that ends within its timeout.
   *
   * @param transactionalId stable per node and producer, so a restarted node aborts what it left
   *     open at once (initTransactions fences the old producer)
   */
  public Properties batchProducer(String transactionalId) {
    long timeoutMs = options.producer().produceTimeout().toMillis();
    Properties p = producer();
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) (timeoutMs + 1000));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeoutMs);
    // a batch is many records sent at once: a short linger packs them into few requests
    p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    return p;
  }

  /** How often the producer refreshes metadata; see {@link #producer()}. */
  Duration metadataRefresh() {
    return Duration.ofMillis(Math.max(1, options.producer().produceTimeout().toMillis() / 2));
  }

  /**
   * The store's Kafka Streams application: one stream thread, at-least-once (applying a push is
   * idempotent), no record cache so interactive queries and the changelog see every update.
   */
  public Properties streams() {
    Properties p = common();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, options.streams().applicationId());
    p.put(StreamsConfig.STATE_DIR_CONFIG, options.streams().stateDir().toAbsolutePath().toString());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, options.streams().commitInterval().toMillis());
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) options.topics().replicationFactor());
    if (options.streams().applicationServer() != null) {
      p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, options.streams().applicationServer());
    }
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, options.streams().standbyReplicas());
    // Every store of every task shares one memory bound, opened by the store's owner.
    p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, RocksDBMemory.ConfigSetter.class);
    // A node killed without leaving the group hands its partitions over after this long.
    int sessionMs = (int) options.streams().sessionTimeout().toMillis();
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), sessionMs);
    p.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
        Math.max(100, sessionMs / 5));
    // The changelog is the store's only copy besides the push log: as durable as the pushes.
    p.put(
        StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
        Integer.toString(options.topics().minInsyncReplicas()));
    // New pushes return from a parked fetch at once (fetch.min.bytes=1); this bounds the rest,
    // e.g. a fetch parked before a partition was assigned.
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);
    // Changelog writes reach standby replicas within ~5 ms, not Streams' default 100 ms linger.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    // A group can be as large as the pushes that built it: the changelog must take it.
    recordSize(StreamsConfig.PRODUCER_PREFIX).forEach(p::put);
    p.put(
        StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG),
        Integer.toString(options.topics().maxRecordBytes()));
    // One record that cannot be read or applied is logged and skipped: it must not stop the
    // store for every other group (a stream thread replaced on it would fail on it forever).
    // A store that cannot write (a full disk) is no bad record: SkipBadRecords fails on it.
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class.getName());
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SkipBadRecords.class.getName());
    // A batch push is a transaction: the store applies its records once it committed, never
    // those of one aborted (or left open by a killed node). Without batches nothing changes.
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), READ_COMMITTED);
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
    // the history and a replay see what the store applied: committed batches only
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, READ_COMMITTED);
    return p;
  }

  /**
   * A reader of ranges of the push log and the snapshots (history reads, snapshot copies): like
   * {@link #consumer()}, but a fetch at the end of a range comes back at once instead of after
   * Kafka's default 500 ms wait, which the next range's first fetch would otherwise wait behind.
   */
  public Properties historyConsumer() {
    Properties p = consumer();
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
    return p;
  }

  /**
   * Producer limits for records up to {@code maxRecordBytes}: the request size, and a buffer that
   * can hold such a record (Kafka refuses a record larger than its buffer).
   */
  private Map<String, Object> recordSize(String prefix) {
    long buffer = Math.max(DEFAULT_BUFFER_MEMORY, 2L * options.topics().maxRecordBytes());
    return Map.of(
        prefix + ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        options.topics().maxRecordBytes(),
        prefix + ProducerConfig.BUFFER_MEMORY_CONFIG,
        buffer);
  }

  private Properties common() {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
    return p;
  }
}
