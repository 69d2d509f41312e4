package io.kpushgateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.core.format.TextParser;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.PushValidator;
import io.kpushgateway.kafka.ProtoSerdes;
import io.kpushgateway.kafka.Stores;
import io.kpushgateway.kafka.Topics;
import io.kpushgateway.proto.FamilyShape;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.GroupShape;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.proto.StoredFamily;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PushTopologyTest {

  private static final Topics TOPICS =
      Topics.from(
          io.kpushgateway.kafka.TestKafkaOptions.of("unused:9092", java.nio.file.Path.of("unused"))
              .topicPrefix("test")
              .build());
  private static final GroupingKey KEY = GroupingKey.of(Map.of("job", "batch", "instance", "a"));
  private static final GroupingKey OTHER = GroupingKey.of(Map.of("job", "batch", "instance", "b"));

  private TopologyTestDriver driver;
  private TestInputTopic<Bytes, PushRecord> pushes;
  private KeyValueStore<Bytes, byte[]> groups;
  private long clock = 1_700_000_000_000_000_000L;

  @BeforeEach
  void setUp() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(PushTopology.build(TOPICS), props);
    pushes =
        driver.createInputTopic(
            TOPICS.pushes(), Serdes.Bytes().serializer(), ProtoSerdes.pushRecord().serializer());
    groups = driver.getKeyValueStore(Stores.GROUPS);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void theCatalogGetsAShapeOnlyWhenItChanges() throws IOException {
    TestOutputTopic<Bytes, GroupShape> catalog =
        driver.createOutputTopic(
            TOPICS.catalog(),
            Serdes.Bytes().deserializer(),
            ProtoSerdes.groupShape().deserializer());

    long first = push(KEY, Method.PUT, "a 1\nb 2\n");
    push(KEY, Method.PUT, "a 3\nb 4\n"); // same families, new values: nothing to tell
    long third = push(KEY, Method.POST, "# TYPE a counter\na 5\n");
    push(KEY, Method.DELETE, "");
    push(OTHER, Method.DELETE, ""); // absent: still a tombstone

    List<TestRecord<Bytes, GroupShape>> records = catalog.readRecordsToList();
    assertThat(records).hasSize(4);
    assertThat(records.get(0).key().get()).isEqualTo(KEY.toBytes());
    assertThat(records.get(0).value().getAsOfUnixNanos()).isEqualTo(first);
    assertThat(records.get(0).value().getFamiliesList())
        .extracting(FamilyShape::getName)
        .containsExactly("a", "b");
    assertThat(records.get(1).value().getAsOfUnixNanos()).isEqualTo(third);
    assertThat(records.get(1).value().getFamilies(0).getType())
        .isEqualTo(io.prometheus.client.Metrics.MetricType.COUNTER);
    assertThat(records.get(2).value()).isNull();
    assertThat(records.get(3).key().get()).isEqualTo(OTHER.toBytes());
    assertThat(records.get(3).value()).isNull();
  }

  @Test
  void putCreatesTheGroupWithPushTime() throws IOException {
    long t = push(KEY, Method.PUT, "a 1\nb 2\n");

    GroupRecord g = group(KEY);
    assertThat(names(g)).containsExactly("a", "b");
    assertThat(g.getPushTimeUnixNanos()).isEqualTo(t);
    assertThat(g.getPushFailureTimeUnixNanos()).isZero();
    assertThat(g.getFamilies(0).getWrittenAtUnixNanos()).isEqualTo(t);
  }

  @Test
  void putReplacesTheWholeGroup() throws IOException {
    push(KEY, Method.PUT, "a 1\nb 2\n");
    push(KEY, Method.PUT, "c 3\n");

    assertThat(names(group(KEY))).containsExactly("c");
  }

  @Test
  void postReplacesOnlyFamiliesOfTheSameName() throws IOException {
    long first = push(KEY, Method.PUT, "a{x=\"1\"} 1\na{x=\"2\"} 2\nb 2\n");
    long second = push(KEY, Method.POST, "a{x=\"1\"} 5\nd 4\n");

    GroupRecord g = group(KEY);
    assertThat(names(g)).containsExactly("a", "b", "d");
    StoredFamily a = g.getFamilies(0);
    assertThat(a.getFamily().getMetricCount()).as("whole family replaced").isEqualTo(1);
    assertThat(a.getWrittenAtUnixNanos()).isEqualTo(second);
    assertThat(g.getFamilies(1).getWrittenAtUnixNanos()).as("b untouched").isEqualTo(first);
    assertThat(g.getPushTimeUnixNanos()).isEqualTo(second);
  }

  @Test
  void emptyPutKeepsTheGroupWithTimestampsOnly() throws IOException {
    push(KEY, Method.PUT, "a 1\n");
    long t = push(KEY, Method.PUT, "");

    GroupRecord g = group(KEY);
    assertThat(g.getFamiliesList()).isEmpty();
    assertThat(g.getPushTimeUnixNanos()).isEqualTo(t);
  }

  @Test
  void deleteRemovesOnlyTheExactGroup() throws IOException {
    push(KEY, Method.PUT, "a 1\n");
    push(OTHER, Method.PUT, "a 2\n");
    push(KEY, Method.DELETE, null);

    assertThat(groups.get(Bytes.wrap(KEY.toBytes()))).isNull();
    assertThat(names(group(OTHER))).containsExactly("a");
  }

  @Test
  void deleteOfAnAbsentGroupIsANoOp() {
    pushes.pipeInput(Bytes.wrap(KEY.toBytes()), record(KEY, Method.DELETE).build());

    assertThat(groups.approximateNumEntries()).isZero();
  }

  @Test
  void rejectedPushOnlySetsTheFailureTime() throws IOException {
    long ok = push(KEY, Method.PUT, "a 1\n");
    long failed = tick();
    pushes.pipeInput(
        Bytes.wrap(KEY.toBytes()),
        record(KEY, Method.PUT).setReceivedAtUnixNanos(failed).setRejection("timestamps").build());

    GroupRecord g = group(KEY);
    assertThat(names(g)).containsExactly("a");
    assertThat(g.getPushTimeUnixNanos()).isEqualTo(ok);
    assertThat(g.getPushFailureTimeUnixNanos()).isEqualTo(failed);
  }

  @Test
  void rejectedPushCreatesAnAbsentGroup() {
    long failed = tick();
    pushes.pipeInput(
        Bytes.wrap(OTHER.toBytes()),
        record(OTHER, Method.POST).setReceivedAtUnixNanos(failed).setRejection("x").build());

    GroupRecord g = group(OTHER);
    assertThat(g.getFamiliesList()).isEmpty();
    assertThat(g.getPushTimeUnixNanos()).isZero();
    assertThat(g.getPushFailureTimeUnixNanos()).isEqualTo(failed);
  }

  @Test
  void aRedeliveredPushLeavesTheSameState() throws IOException {
    PushRecord put = record(KEY, Method.PUT, "a 1\n").setReceivedAtUnixNanos(tick()).build();
    pushes.pipeInput(Bytes.wrap(KEY.toBytes()), put);
    GroupRecord once = group(KEY);
    pushes.pipeInput(Bytes.wrap(KEY.toBytes()), put);

    assertThat(group(KEY)).isEqualTo(once);
  }

  @Test
  void aRecordWithoutValueIsSkipped() throws IOException {
    push(KEY, Method.PUT, "a 1\n");
    pushes.pipeInput(Bytes.wrap(KEY.toBytes()), null);

    assertThat(names(group(KEY))).containsExactly("a");
  }

  private long push(GroupingKey key, Method method, String body) throws IOException {
    long t = tick();
    pushes.pipeInput(
        Bytes.wrap(key.toBytes()), record(key, method, body).setReceivedAtUnixNanos(t).build());
    return t;
  }

  private static PushRecord.Builder record(GroupingKey key, Method method) {
    return PushRecord.newBuilder().setMethod(method).addAllGrouping(key.toLabelPairs());
  }

  private static PushRecord.Builder record(GroupingKey key, Method method, String body)
      throws IOException {
    PushRecord.Builder b = record(key, method);
    if (body != null) {
      b.addAllFamilies(
          PushValidator.sanitizeAndValidate(
              TextParser.parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))),
              key));
    }
    return b;
  }

  private long tick() {
    clock += 1_000_000_000L;
    return clock;
  }

  private GroupRecord group(GroupingKey key) {
    byte[] stored = groups.get(Bytes.wrap(key.toBytes()));
    assertThat(stored).as("group %s", key).isNotNull();
    return StoredGroups.parse(stored);
  }

  private static List<String> names(GroupRecord g) {
    return g.getFamiliesList().stream().map(f -> f.getFamily().getName()).toList();
  }
}
