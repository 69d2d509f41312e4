package io.kpushgateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.core.model.GroupState;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.model.UnixNanos;
import io.kpushgateway.kafka.ProtoSerdes;
import io.kpushgateway.kafka.Stores;
import io.kpushgateway.kafka.TestKafkaOptions;
import io.kpushgateway.kafka.Topics;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.GroupShape;
import io.kpushgateway.proto.HistoryEntry;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.Outcome;
import io.kpushgateway.proto.PushRecord;
import io.prometheus.client.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Expiry through the real topology, on the driver's wall clock: the deadline index, the EXPIRE
 * records the check writes to the pushes topic and their coming back as pushes.
 */
class ExpiryTopologyTest {

  private static final Topics TOPICS =
      Topics.from(TestKafkaOptions.of("unused:9092", Path.of("unused")).topicPrefix("t").build());
  private static final GroupingKey KEY = GroupingKey.of(Map.of("job", "batch", "instance", "a"));
  private static final GroupingKey OTHER = GroupingKey.of(Map.of("job", "batch", "instance", "b"));
  private static final Instant START = Instant.parse("2026-12-02T00:00:00Z");
  private static final HistoryQuery ALL =
      new HistoryQuery(Long.MIN_VALUE, Long.MAX_VALUE, 1000, HistoryQuery.NEWEST);

  private final Expiries expiries = new Expiries("store-1");
  private TopologyTestDriver driver;
  private TestInputTopic<Bytes, PushRecord> pushes;
  private TestOutputTopic<Bytes, PushRecord> written;
  private TestOutputTopic<Bytes, GroupShape> catalog;
  private KeyValueStore<Bytes, byte[]> groups;
  private Instant now = START;

  @BeforeEach
  void setUp() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "expiry-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(PushTopology.build(TOPICS, null, null, expiries), props, START);
    pushes =
        driver.createInputTopic(
            TOPICS.pushes(), Serdes.Bytes().serializer(), ProtoSerdes.pushRecord().serializer());
    written =
        driver.createOutputTopic(
            TOPICS.pushes(),
            Serdes.Bytes().deserializer(),
            ProtoSerdes.pushRecord().deserializer());
    catalog =
        driver.createOutputTopic(
            TOPICS.catalog(),
            Serdes.Bytes().deserializer(),
            ProtoSerdes.groupShape().deserializer());
    groups = driver.getKeyValueStore(Stores.GROUPS);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void aGroupExpiresAtItsDeadlineNotBefore() {
    push(KEY, Method.PUT, Duration.ofSeconds(5));
    push(OTHER, Method.PUT, Duration.ZERO); // no TTL: never
    advance(Duration.ofMillis(4_900));
    assertThat(group(KEY)).isNotNull();
    assertThat(expiryRecords()).isEmpty();
    assertThat(deadlines()).hasSize(1);

    advance(Duration.ofSeconds(1)); // past the deadline: the next check writes the expiry
    assertThat(group(KEY)).isNull();
    assertThat(group(OTHER)).isNotNull();
    List<PushRecord> expired = expiryRecords();
    assertThat(expired).hasSize(1);
    assertThat(expired.get(0).getMethod()).isEqualTo(Method.EXPIRE);
    assertThat(expired.get(0).getIngestNode()).isEqualTo("store-1");
    assertThat(expired.get(0).getExpiresPushTimeUnixNanos()).isEqualTo(UnixNanos.of(START));
    assertThat(expired.get(0).getReceivedAtUnixNanos())
        .isGreaterThanOrEqualTo(UnixNanos.of(START.plusSeconds(5)));
    assertThat(deadlines()).isEmpty();
    assertThat(expiries.count()).isEqualTo(1);
    // the catalog forgets its shape, as on DELETE
    List<KeyValue<Bytes, GroupShape>> shapes = catalog.readKeyValuesToList();
    assertThat(shapes.get(shapes.size() - 1).value).isNull();

    List<HistoryEntry> history = history(KEY);
    assertThat(history)
        .extracting(HistoryEntry::getMethod)
        .containsExactly(Method.EXPIRE, Method.PUT);
    assertThat(history.get(0).getOutcome()).isEqualTo(Outcome.OUTCOME_EXPIRED);
    assertThat(history.get(0).getRemovedList()).containsExactly("m");

    advance(Duration.ofSeconds(10)); // once
    assertThat(expiryRecords()).isEmpty();
    assertThat(expiries.count()).isEqualTo(1);
  }

  @Test
  void aLaterPushRenewsItAndItsOwnTtlApplies() {
    push(KEY, Method.PUT, Duration.ofSeconds(5));
    advance(Duration.ofSeconds(3));
    push(KEY, Method.POST, Duration.ofSeconds(5)); // now at START+3s: due at START+8s
    advance(Duration.ofSeconds(4));
    assertThat(group(KEY)).isNotNull();
    assertThat(GroupState.deadline(group(KEY))).isEqualTo(UnixNanos.of(START.plusSeconds(8)));
    push(KEY, Method.POST, Duration.ZERO); // 0: never
    advance(Duration.ofSeconds(30));
    assertThat(group(KEY)).isNotNull();
    assertThat(expiryRecords()).isEmpty();
    assertThat(deadlines()).isEmpty();
  }

  @Test
  void aLateOrRepeatedExpiryChangesNothingAndIsNotInTheHistory() {
    push(KEY, Method.PUT, Duration.ofSeconds(5));
    GroupRecord first = group(KEY);
    PushRecord late = GroupState.expiry(first, UnixNanos.of(START.plusSeconds(6)), "other");
    advance(Duration.ofSeconds(1));
    push(KEY, Method.PUT, Duration.ofSeconds(5)); // renewed before the late expiry arrives
    pushes.pipeInput(Bytes.wrap(KEY.toBytes()), late);
    assertThat(group(KEY)).isNotNull();
    assertThat(history(KEY)).extracting(HistoryEntry::getMethod).containsOnly(Method.PUT);

    advance(Duration.ofSeconds(6));
    assertThat(group(KEY)).isNull();
    pushes.pipeInput(Bytes.wrap(KEY.toBytes()), late); // and again after it is gone
    assertThat(group(KEY)).isNull();
    assertThat(history(KEY))
        .extracting(HistoryEntry::getOutcome)
        .containsExactly(Outcome.OUTCOME_EXPIRED, Outcome.OUTCOME_APPLIED, Outcome.OUTCOME_APPLIED);
    assertThat(expiries.count()).isEqualTo(1);
  }

  @Test
  void aDeleteRemovesTheDeadline() {
    push(KEY, Method.PUT, Duration.ofSeconds(5));
    push(KEY, Method.DELETE, Duration.ZERO);
    assertThat(deadlines()).isEmpty();
    advance(Duration.ofSeconds(10));
    assertThat(expiryRecords()).isEmpty();
  }

  private void push(GroupingKey key, Method method, Duration ttl) {
    PushRecord.Builder push =
        PushRecord.newBuilder()
            .setMethod(method)
            .addAllGrouping(key.toLabelPairs())
            .setReceivedAtUnixNanos(UnixNanos.of(now))
            .setTtlNanos(ttl.toNanos())
            .setIngestNode("node-1");
    if (method != Method.DELETE) {
      push.addFamilies(
          Metrics.MetricFamily.newBuilder()
              .setName("m")
              .setType(Metrics.MetricType.UNTYPED)
              .addMetric(
                  Metrics.Metric.newBuilder()
                      .addAllLabel(key.toLabelPairs())
                      .setUntyped(Metrics.Untyped.newBuilder().setValue(1))));
    }
    pushes.pipeInput(Bytes.wrap(key.toBytes()), push.build(), now);
    written.readValuesToList(); // what was piped in is on the topic too
  }

  private void advance(Duration d) {
    now = now.plus(d);
    driver.advanceWallClockTime(d);
  }

  private List<PushRecord> expiryRecords() {
    return written.readValuesToList().stream().filter(p -> p.getMethod() == Method.EXPIRE).toList();
  }

  private GroupRecord group(GroupingKey key) {
    byte[] stored = groups.get(Bytes.wrap(key.toBytes()));
    return stored == null ? null : StoredGroups.parse(stored);
  }

  private List<Bytes> deadlines() {
    KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(Stores.DEADLINES);
    List<Bytes> keys = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    return keys;
  }

  private List<HistoryEntry> history(GroupingKey key) {
    return HistoryIndex.read(driver.getKeyValueStore(Stores.HISTORY), key.toBytes(), ALL)
        .getEntriesList();
  }
}
