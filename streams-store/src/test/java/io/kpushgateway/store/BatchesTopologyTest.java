package io.kpushgateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.model.UnixNanos;
import io.kpushgateway.kafka.ProtoSerdes;
import io.kpushgateway.kafka.Stores;
import io.kpushgateway.kafka.TestKafkaOptions;
import io.kpushgateway.kafka.Topics;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.prometheus.client.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batch counts through the real topology, on the driver's wall clock: each group of a batch counted
 * once, the counts a reader sums, and the sweep that forgets a batch and clears its groups' pending
 * state {@link Batches#KEEP} after it.
 */
class BatchesTopologyTest {

  private static final Topics TOPICS =
      Topics.from(TestKafkaOptions.of("unused:9092", Path.of("unused")).topicPrefix("t").build());
  private static final GroupingKey A = GroupingKey.of(Map.of("job", "batch", "instance", "a"));
  private static final GroupingKey B = GroupingKey.of(Map.of("job", "batch", "instance", "b"));
  private static final Instant START = Instant.parse("2026-12-03T00:00:00Z");

  private TopologyTestDriver driver;
  private TestInputTopic<Bytes, PushRecord> pushes;
  private KeyValueStore<Bytes, byte[]> groups;
  private KeyValueStore<Bytes, byte[]> batches;

  @BeforeEach
  void setUp() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "batches-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver =
        new TopologyTestDriver(
            PushTopology.build(TOPICS, null, null, new Expiries("store-1")), props, START);
    pushes =
        driver.createInputTopic(
            TOPICS.pushes(), Serdes.Bytes().serializer(), ProtoSerdes.pushRecord().serializer());
    groups = driver.getKeyValueStore(Stores.GROUPS);
    batches = driver.getKeyValueStore(Stores.BATCHES);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  private static PushRecord put(GroupingKey key, Instant at, String batch, int batchGroups) {
    PushRecord.Builder push =
        PushRecord.newBuilder()
            .setMethod(Method.PUT)
            .addAllGrouping(key.toLabelPairs())
            .setReceivedAtUnixNanos(UnixNanos.of(at))
            .addFamilies(
                Metrics.MetricFamily.newBuilder()
                    .setName("x")
                    .setType(Metrics.MetricType.GAUGE)
                    .addMetric(
                        Metrics.Metric.newBuilder()
                            .setGauge(Metrics.Gauge.newBuilder().setValue(1))));
    if (batch != null) {
      push.setBatchId(batch).setBatchGroups(batchGroups);
    }
    return push.build();
  }

  private void pipe(GroupingKey key, PushRecord push) {
    pushes.pipeInput(Bytes.wrap(key.toBytes()), push, START);
  }

  private GroupRecord group(GroupingKey key) {
    return StoredGroups.parse(groups.get(Bytes.wrap(key.toBytes())));
  }

  @Test
  void eachGroupOfABatchIsCountedOnceAndTheBatchForgottenAfterItsTime() {
    pipe(A, put(A, START, "b1", 3));
    pipe(B, put(B, START, "b1", 3));
    assertThat(Batches.applied(batches)).containsExactlyEntriesOf(Map.of("b1", 2));
    assertThat(group(A).getPending().getBatchId()).isEqualTo("b1");

    // a group processed again (after a crash: the same offset) is not counted again
    Batches direct = new Batches(batches, groups);
    direct.applied(1, Bytes.wrap(B.toBytes()), put(B, START, "b1", 3));
    assertThat(Batches.applied(batches)).containsExactlyEntriesOf(Map.of("b1", 2));

    // B pushed again alone: its pending state goes now, A's stays until the sweep
    pipe(B, put(B, START.plusSeconds(1), null, 0));
    assertThat(group(B).hasPending()).isFalse();

    driver.advanceWallClockTime(Batches.KEEP.minus(Batches.SWEEP_INTERVAL));
    assertThat(group(A).hasPending()).isTrue();
    driver.advanceWallClockTime(Batches.SWEEP_INTERVAL.plus(Duration.ofSeconds(1)));
    assertThat(group(A).hasPending()).isFalse();
    assertThat(group(A).getFamiliesCount()).isEqualTo(1);
    assertThat(Batches.applied(batches)).isEmpty();
    try (var all = batches.all()) {
      assertThat(all.hasNext()).as("every entry of the batch gone").isFalse();
    }
  }

  @Test
  void aGroupOfALaterBatchKeepsThatBatchsPendingState() {
    pipe(A, put(A, START, "b1", 1));
    pipe(A, put(A, START.plusSeconds(120), "b2", 1));
    // b1 goes first; A belongs to b2 now, whose time has not come
    driver.advanceWallClockTime(Batches.KEEP.plusSeconds(30));
    assertThat(group(A).getPending().getBatchId()).isEqualTo("b2");
    assertThat(Batches.applied(batches)).containsExactlyEntriesOf(Map.of("b2", 1));
  }
}
