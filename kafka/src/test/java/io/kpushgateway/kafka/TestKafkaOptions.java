package io.kpushgateway.kafka;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@link KafkaOptions} for tests, built by name: a single-broker gateway with the flags' default
 * values (GatewayConfigTest checks those), any of them changed. Shared with other modules' tests
 * through this module's test jar.
 */
public final class TestKafkaOptions {

  /** Kafka's own default record limit (max.request.size, message.max.bytes) is about 1 MiB. */
  public static final int MAX_RECORD_BYTES = 1024 * 1024;

  private final String bootstrapServers;
  private String topicPrefix = "kpushgateway";
  private int partitions = 4;
  private short replicationFactor = 1;
  private int minInsyncReplicas = 1;
  private int maxRecordBytes = MAX_RECORD_BYTES;
  private Duration pushRetention = KafkaOptions.PUSH_RETENTION;
  private Duration snapshotInterval = KafkaOptions.SNAPSHOT_INTERVAL;
  private String applicationId = "kpushgateway";
  private final Path stateDir;
  private String applicationServer;
  private int standbyReplicas;
  private Duration sessionTimeout = Duration.ofSeconds(10);
  private long rocksdbMemoryBytes = 256L << 20;
  private Duration produceTimeout = Duration.ofSeconds(10);
  private int maxInFlightPushes = KafkaOptions.MAX_IN_FLIGHT_PUSHES;

  private TestKafkaOptions(String bootstrapServers, Path stateDir) {
    this.bootstrapServers = bootstrapServers;
    this.stateDir = stateDir;
  }

  /** The defaults, without an application server. */
  public static TestKafkaOptions of(String bootstrapServers, Path stateDir) {
    return new TestKafkaOptions(bootstrapServers, stateDir);
  }

  /** {@code options} as they are, to change some. */
  public static TestKafkaOptions from(KafkaOptions options) {
    TestKafkaOptions b = of(options.bootstrapServers(), options.streams().stateDir());
    TopicOptions t = options.topics();
    b.topicPrefix = t.prefix();
    b.partitions = t.partitions();
    b.replicationFactor = t.replicationFactor();
    b.minInsyncReplicas = t.minInsyncReplicas();
    b.maxRecordBytes = t.maxRecordBytes();
    b.pushRetention = t.pushRetention();
    StreamsOptions s = options.streams();
    b.applicationId = s.applicationId();
    b.applicationServer = s.applicationServer();
    b.standbyReplicas = s.standbyReplicas();
    b.sessionTimeout = s.sessionTimeout();
    b.rocksdbMemoryBytes = s.rocksdbMemoryBytes();
    b.produceTimeout = options.producer().produceTimeout();
    b.maxInFlightPushes = options.producer().maxInFlightPushes();
    return b;
  }

  public TestKafkaOptions topicPrefix(String topicPrefix) {
    this.topicPrefix = topicPrefix;
    return this;
  }

  public TestKafkaOptions partitions(int partitions) {
    this.partitions = partitions;
    return this;
  }

  public TestKafkaOptions replicationFactor(short replicationFactor) {
    this.replicationFactor = replicationFactor;
    return this;
  }

  public TestKafkaOptions maxRecordBytes(int maxRecordBytes) {
    this.maxRecordBytes = maxRecordBytes;
    return this;
  }

  /** {@code null} keeps pushes forever. */
  public TestKafkaOptions pushRetention(Duration pushRetention) {
    this.pushRetention = pushRetention;
    return this;
  }

  public TestKafkaOptions applicationId(String applicationId) {
    this.applicationId = applicationId;
    return this;
  }

  public TestKafkaOptions applicationServer(String applicationServer) {
    this.applicationServer = applicationServer;
    return this;
  }

  public TestKafkaOptions produceTimeout(Duration produceTimeout) {
    this.produceTimeout = produceTimeout;
    return this;
  }

  /** Null takes no snapshots. */
  public TestKafkaOptions snapshotInterval(Duration snapshotInterval) {
    this.snapshotInterval = snapshotInterval;
    return this;
  }

  public TestKafkaOptions maxInFlightPushes(int maxInFlightPushes) {
    this.maxInFlightPushes = maxInFlightPushes;
    return this;
  }

  public TestKafkaOptions rocksdbMemoryBytes(long rocksdbMemoryBytes) {
    this.rocksdbMemoryBytes = rocksdbMemoryBytes;
    return this;
  }

  public KafkaOptions build() {
    return new KafkaOptions(
        bootstrapServers,
        new TopicOptions(
            topicPrefix,
            partitions,
            replicationFactor,
            minInsyncReplicas,
            maxRecordBytes,
            pushRetention),
        new StreamsOptions(
            applicationId,
            stateDir,
            KafkaOptions.COMMIT_INTERVAL,
            applicationServer,
            standbyReplicas,
            sessionTimeout,
            snapshotInterval,
            rocksdbMemoryBytes),
        new ProducerOptions(produceTimeout, maxInFlightPushes));
  }
}
