package io.kpushgateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.kafka.ProtoSerdes;
import io.kpushgateway.kafka.Stores;
import io.kpushgateway.kafka.Topics;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.proto.SnapshotChunk;
import io.kpushgateway.proto.SnapshotGroup;
import io.kpushgateway.proto.SnapshotManifest;
import io.prometheus.client.Metrics.Gauge;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When the store takes a snapshot, and what it writes: the topology on a test driver. */
class SnapshotWriterTest {

  private static final Topics TOPICS =
      Topics.from(
          io.kpushgateway.kafka.TestKafkaOptions.of("unused:9092", java.nio.file.Path.of("unused"))
              .topicPrefix("test")
              .build());
  private static final Duration INTERVAL = Duration.ofMinutes(10);
  private static final Duration RETENTION = Duration.ofHours(2);

  /** The snapshots topic's partition 0 as a list; the push log's end as the test sets it. */
  private static final class Log implements SnapshotLog {
    final List<byte[]> records = new ArrayList<>();
    long pushesEnd;

    @Override
    public Appended append(int partition, Iterator<byte[]> chunks) {
      long first = records.size();
      chunks.forEachRemaining(records::add);
      return new Appended(first, records.size() - 1);
    }

    @Override
    public Appended copy(int partition, long firstOffset, long lastOffset) {
      return append(
          partition,
          new ArrayList<>(records.subList((int) firstOffset, (int) lastOffset + 1)).iterator());
    }

    @Override
    public SnapshotManifest newestManifest(int partition) {
      return null;
    }

    @Override
    public void load(SnapshotManifest snapshot, BiConsumer<Bytes, byte[]> group) {
      throw new UnsupportedOperationException("nothing to rebuild from here");
    }

    @Override
    public long pushesStartOffset(int partition) {
      return 0;
    }

    @Override
    public long pushesEndOffset(int partition) {
      return pushesEnd;
    }

    @Override
    public long snapshotsStartOffset(int partition) {
      return 0;
    }
  }

  private final Log log = new Log();
  private TopologyTestDriver driver;
  private TestInputTopic<Bytes, PushRecord> pushes;
  private KeyValueStore<Bytes, byte[]> index;
  private long offset = -1;

  @BeforeEach
  void setUp() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "snapshot-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver =
        new TopologyTestDriver(
            PushTopology.build(
                TOPICS,
                null,
                p -> new SnapshotWriter(p, log, INTERVAL, RETENTION, /* chunkBytes */ 200),
                new Expiries("test")),
            props,
            Instant.parse("2026-12-02T00:00:00Z"));
    pushes =
        driver.createInputTopic(
            TOPICS.pushes(), Serdes.Bytes().serializer(), ProtoSerdes.pushRecord().serializer());
    index = driver.getKeyValueStore(Stores.SNAPSHOT_INDEX);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void aSnapshotAfterTheIntervalHoldsEveryGroupInKeyOrderInChunks() throws Exception {
    for (int i = 0; i < 10; i++) {
      push("g" + i, Instant.parse("2026-12-02T00:00:00Z").plusSeconds(i));
    }
    driver.advanceWallClockTime(INTERVAL.minusSeconds(5));
    assertThat(log.records).as("not due yet").isEmpty();

    driver.advanceWallClockTime(Duration.ofSeconds(5));
    SnapshotManifest m = SnapshotIndex.newest(index);
    assertThat(m.getPushOffset()).isEqualTo(9);
    assertThat(m.getPushTimestampMs())
        .isEqualTo(Instant.parse("2026-12-02T00:00:09Z").toEpochMilli());
    assertThat(m.getGroups()).isEqualTo(10);
    assertThat(m.getChunks()).isGreaterThan(1).isEqualTo(log.records.size() - 1);
    assertThat(SnapshotChunk.parseFrom(log.records.get(m.getChunks())).getManifest())
        .as("the manifest follows the chunks")
        .isEqualTo(m);
    List<String> jobs = new ArrayList<>();
    for (byte[] record : log.records.subList(0, m.getChunks())) {
      SnapshotChunk chunk = SnapshotChunk.parseFrom(record);
      assertThat(chunk.getPushOffset()).isEqualTo(9);
      for (SnapshotGroup g : chunk.getGroupsList()) {
        jobs.add(GroupingKey.fromBytes(g.getKey().toByteArray()).job());
      }
    }
    assertThat(jobs).containsExactly("g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8", "g9");

    driver.advanceWallClockTime(INTERVAL);
    assertThat(log.records).as("no pushes since: nothing new").hasSize(m.getChunks() + 1);
  }

  @Test
  void pushesOutweighingSomeSnapshotsMakeTheNextOneDueBeforeTheInterval() {
    String help = "x".repeat(400_000);
    push("a", Instant.parse("2026-12-02T00:00:00Z"), help);
    driver.advanceWallClockTime(INTERVAL);
    SnapshotManifest first = SnapshotIndex.newest(index);
    long pushBytes = push("a", Instant.parse("2026-12-02T00:10:01Z"), help);
    long needed = SnapshotWriter.STATES_OF_PUSHES * first.getBytes();
    int pushesNeeded = (int) ((needed + pushBytes - 1) / pushBytes);
    assertThat(pushesNeeded * pushBytes).isGreaterThan(SnapshotWriter.MIN_PUSH_BYTES);
    for (int i = 1; i < pushesNeeded - 1; i++) {
      push("a", Instant.parse("2026-12-02T00:10:01Z").plusSeconds(i), help);
    }
    driver.advanceWallClockTime(GroupProcessor.SNAPSHOT_CHECK);
    assertThat(SnapshotIndex.newest(index)).as("one push short").isEqualTo(first);

    push("a", Instant.parse("2026-12-02T00:11:00Z"), help);
    driver.advanceWallClockTime(GroupProcessor.SNAPSHOT_CHECK);
    assertThat(SnapshotIndex.newest(index).getPushOffset()).isEqualTo(offset);
  }

  @Test
  void noSnapshotWhileTheStoreMayStillReapplyPushes() {
    push("a", Instant.parse("2026-12-02T00:00:00Z"));
    log.pushesEnd = 5; // pushes the store had applied before a restart, not processed again yet
    driver.advanceWallClockTime(INTERVAL.multipliedBy(2));
    assertThat(log.records).isEmpty();
  }

  @Test
  void aQuietPartitionsSnapshotIsWrittenAgainBeforeRetentionDeletesIt()
      throws InvalidProtocolBufferException {
    push("a", Instant.parse("2026-12-02T00:00:00Z"));
    driver.advanceWallClockTime(INTERVAL);
    SnapshotManifest first = SnapshotIndex.newest(index);
    driver.advanceWallClockTime(RETENTION.dividedBy(2));
    SnapshotManifest copied = SnapshotIndex.newest(index);
    assertThat(copied.getPushOffset()).isEqualTo(first.getPushOffset());
    assertThat(copied.getFirstChunkOffset()).isGreaterThan(first.getLastChunkOffset());
    assertThat(SnapshotChunk.parseFrom(log.records.get((int) copied.getFirstChunkOffset())))
        .isEqualTo(SnapshotChunk.parseFrom(log.records.get((int) first.getFirstChunkOffset())));
  }

  private void push(String job, Instant at) {
    push(job, at, null);
  }

  /** A PUT of {@code job}, with a gauge of this HELP unless null; its size in the log. */
  private long push(String job, Instant at, String help) {
    GroupingKey key = GroupingKey.of(Map.of("job", job));
    PushRecord.Builder record =
        PushRecord.newBuilder()
            .setMethod(Method.PUT)
            .addAllGrouping(key.toLabelPairs())
            .setReceivedAtUnixNanos(at.toEpochMilli() * 1_000_000L);
    if (help != null) {
      record.addFamilies(
          MetricFamily.newBuilder()
              .setName("big")
              .setHelp(help)
              .setType(MetricType.GAUGE)
              .addMetric(
                  Metric.newBuilder()
                      .addLabel(LabelPair.newBuilder().setName("job").setValue(job))
                      .setGauge(Gauge.newBuilder().setValue(1))));
    }
    PushRecord push = record.build();
    pushes.pipeInput(Bytes.wrap(key.toBytes()), push, at);
    log.pushesEnd = ++offset + 1;
    return push.getSerializedSize();
  }
}
