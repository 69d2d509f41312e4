package io.kpushgateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.core.format.TextParser;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.PushValidator;
import io.kpushgateway.kafka.ProtoSerdes;
import io.kpushgateway.kafka.Stores;
import io.kpushgateway.kafka.TestKafkaOptions;
import io.kpushgateway.kafka.Topics;
import io.kpushgateway.proto.HistoryEntry;
import io.kpushgateway.proto.HistoryPage;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.Outcome;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.proto.Revocation;
import io.prometheus.client.Metrics.MetricType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The history index through the real topology: what each push enters, reads, trimming. */
class HistoryIndexTest {

  private static final Topics TOPICS =
      Topics.from(TestKafkaOptions.of("unused:9092", Path.of("unused")).topicPrefix("t").build());
  private static final GroupingKey KEY = GroupingKey.of(Map.of("job", "batch", "instance", "a"));
  private static final GroupingKey OTHER = GroupingKey.of(Map.of("job", "batch", "instance", "b"));
  private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");
  private static final HistoryQuery ALL =
      new HistoryQuery(Long.MIN_VALUE, Long.MAX_VALUE, 1000, HistoryQuery.NEWEST);

  private TopologyTestDriver driver;
  private TestInputTopic<Bytes, PushRecord> pushes;
  private KeyValueStore<Bytes, byte[]> history;
  private Instant clock = START;

  private void start(Duration retention) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "history-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(PushTopology.build(TOPICS, retention), props, START);
    pushes =
        driver.createInputTopic(
            TOPICS.pushes(), Serdes.Bytes().serializer(), ProtoSerdes.pushRecord().serializer());
    history = driver.getKeyValueStore(Stores.HISTORY);
  }

  @AfterEach
  void tearDown() {
    if (driver != null) {
      driver.close();
    }
  }

  @Test
  void entriesAreNewestFirstWithWhatEachPushChanged() throws IOException {
    start(null);
    push(KEY, Method.PUT, "a 1\nb 2\n");
    push(OTHER, Method.PUT, "z 1\n");
    push(KEY, Method.POST, "b 3\nc 4\n");
    push(KEY, Method.PUT, "c 5\n");
    push(KEY, Method.DELETE, null);

    List<HistoryEntry> entries = read(KEY, ALL).getEntriesList();
    assertThat(entries).extracting(HistoryEntry::getOffset).containsExactly(4L, 3L, 2L, 0L);
    assertThat(entries)
        .extracting(HistoryEntry::getMethod)
        .containsExactly(Method.DELETE, Method.PUT, Method.POST, Method.PUT);
    assertThat(entries).extracting(HistoryEntry::getOutcome).containsOnly(Outcome.OUTCOME_APPLIED);
    assertThat(entries.get(3).getFamiliesList())
        .extracting(f -> f.getName())
        .containsExactly("a", "b");
    assertThat(entries.get(3).getRemovedList()).isEmpty();
    assertThat(entries.get(2).getFamiliesList())
        .extracting(f -> f.getName())
        .containsExactly("b", "c");
    assertThat(entries.get(2).getFamilies(0).getMetric(0).getUntyped().getValue()).isEqualTo(3);
    assertThat(entries.get(2).getRemovedList()).isEmpty();
    assertThat(entries.get(1).getRemovedList()).containsExactly("a", "b"); // PUT replaced them
    assertThat(entries.get(0).getFamiliesList()).isEmpty();
    assertThat(entries.get(0).getRemovedList()).containsExactly("c"); // DELETE removed all
    assertThat(entries.get(0).getReceivedAtUnixNanos())
        .isGreaterThan(entries.get(1).getReceivedAtUnixNanos());
    assertThat(entries.get(0).getIngestNode()).isEqualTo("node-1");
    assertThat(entries.get(1).getBodyBytes()).isEqualTo(4);
    assertThat(read(OTHER, ALL).getEntriesList())
        .extracting(HistoryEntry::getOffset)
        .containsExactly(1L);
  }

  @Test
  void groupsWhoseKeysArePrefixesOfEachOtherKeepTheirOwnRanges() throws IOException {
    start(null);
    GroupingKey a = GroupingKey.of(Map.of("job", "a"));
    GroupingKey ab = GroupingKey.of(Map.of("job", "ab"));
    GroupingKey aWithLabel = GroupingKey.of(Map.of("job", "a", "x", "1"));
    push(a, Method.PUT, "m 1\n");
    push(ab, Method.PUT, "m 1\n");
    push(aWithLabel, Method.PUT, "m 1\n");
    push(a, Method.PUT, "m 2\n");

    assertThat(read(a, ALL).getEntriesList())
        .extracting(HistoryEntry::getOffset)
        .containsExactly(3L, 0L);
    assertThat(read(ab, ALL).getEntriesList())
        .extracting(HistoryEntry::getOffset)
        .containsExactly(1L);
    assertThat(read(aWithLabel, ALL).getEntriesList())
        .extracting(HistoryEntry::getOffset)
        .containsExactly(2L);
    assertThat(read(GroupingKey.of(Map.of("job", "none")), ALL).getEntriesList()).isEmpty();
  }

  @Test
  void pagesGoOnBeforeTheLastOffsetAndSayWhetherMoreRemain() throws IOException {
    start(null);
    for (int i = 0; i < 5; i++) {
      push(KEY, Method.PUT, "a " + i + "\n");
    }
    HistoryPage first =
        read(KEY, new HistoryQuery(Long.MIN_VALUE, Long.MAX_VALUE, 2, HistoryQuery.NEWEST));
    assertThat(first.getEntriesList()).extracting(HistoryEntry::getOffset).containsExactly(4L, 3L);
    assertThat(first.getMore()).isTrue();
    HistoryPage second = read(KEY, new HistoryQuery(Long.MIN_VALUE, Long.MAX_VALUE, 2, 3));
    assertThat(second.getEntriesList()).extracting(HistoryEntry::getOffset).containsExactly(2L, 1L);
    assertThat(second.getMore()).isTrue();
    HistoryPage last = read(KEY, new HistoryQuery(Long.MIN_VALUE, Long.MAX_VALUE, 2, 1));
    assertThat(last.getEntriesList()).extracting(HistoryEntry::getOffset).containsExactly(0L);
    assertThat(last.getMore()).isFalse();
    HistoryPage exact =
        read(KEY, new HistoryQuery(Long.MIN_VALUE, Long.MAX_VALUE, 5, HistoryQuery.NEWEST));
    assertThat(exact.getEntriesCount()).isEqualTo(5);
    assertThat(exact.getMore()).isFalse();
    assertThat(read(KEY, new HistoryQuery(Long.MIN_VALUE, Long.MAX_VALUE, 2, 0)).getEntriesList())
        .isEmpty();
  }

  @Test
  void sinceAndUntilSelectByReceiveTimeInclusive() throws IOException {
    start(null);
    long t0 = push(KEY, Method.PUT, "a 0\n");
    long t1 = push(KEY, Method.PUT, "a 1\n");
    long t2 = push(KEY, Method.PUT, "a 2\n");
    push(KEY, Method.PUT, "a 3\n");

    HistoryPage middle = read(KEY, new HistoryQuery(t1, t2, 10, HistoryQuery.NEWEST));
    assertThat(middle.getEntriesList()).extracting(HistoryEntry::getOffset).containsExactly(2L, 1L);
    assertThat(middle.getMore()).isFalse();
    HistoryPage oneOfTwo = read(KEY, new HistoryQuery(t0, t1, 1, HistoryQuery.NEWEST));
    assertThat(oneOfTwo.getEntriesList()).extracting(HistoryEntry::getOffset).containsExactly(1L);
    assertThat(oneOfTwo.getMore()).isTrue();
  }

  @Test
  void rejectedAndWithdrawnPushesAreEntered() throws IOException {
    start(null);
    push(KEY, Method.PUT, "a 1\nb 2\n");
    pushes.pipeInput(
        Bytes.wrap(KEY.toBytes()),
        record(KEY, Method.PUT, null).setRejection("pushed metrics are invalid").build());
    pushes.pipeInput(
        Bytes.wrap(KEY.toBytes()),
        record(KEY, Method.POST, null)
            .setRejection("lost a race")
            .addRevoked(Revocation.newBuilder().setName("a").setType(MetricType.UNTYPED))
            .build());

    List<HistoryEntry> entries = read(KEY, ALL).getEntriesList();
    assertThat(entries)
        .extracting(HistoryEntry::getOutcome)
        .containsExactly(
            Outcome.OUTCOME_WITHDRAWN, Outcome.OUTCOME_REJECTED, Outcome.OUTCOME_APPLIED);
    assertThat(entries.get(0).getReason()).isEqualTo("lost a race");
    assertThat(entries.get(0).getRemovedList()).containsExactly("a");
    assertThat(entries.get(1).getReason()).isEqualTo("pushed metrics are invalid");
    assertThat(entries.get(1).getRemovedList()).isEmpty();
    assertThat(entries.get(2).getReason()).isEmpty();
  }

  @Test
  void aDeletedGroupPushedAgainKeepsItsHistory() throws IOException {
    start(null);
    push(KEY, Method.PUT, "a 1\n");
    push(KEY, Method.DELETE, null);
    push(KEY, Method.PUT, "b 1\n");

    List<HistoryEntry> entries = read(KEY, ALL).getEntriesList();
    assertThat(entries)
        .extracting(HistoryEntry::getMethod)
        .containsExactly(Method.PUT, Method.DELETE, Method.PUT);
    assertThat(entries.get(0).getRemovedList()).isEmpty(); // nothing was there to replace
    assertThat(entries.get(1).getRemovedList()).containsExactly("a");
  }

  @Test
  void aPushTrimsItsGroupsEntriesOlderThanTheRetention() throws IOException {
    start(Duration.ofHours(1));
    push(KEY, Method.PUT, "a 1\n");
    push(OTHER, Method.PUT, "a 1\n");
    clock = clock.plus(Duration.ofMinutes(50));
    push(KEY, Method.PUT, "a 2\n");
    clock = clock.plus(Duration.ofMinutes(20));
    // the first is now 70 minutes old, the second 20: the next push that trims removes it
    long offset = 3;
    assertThat(HistoryIndex.trimsOn(offset)).isFalse();
    push(KEY, Method.PUT, "a 3\n");
    assertThat(offsets(KEY)).contains(0L);
    while (!HistoryIndex.trimsOn(++offset)) {
      push(KEY, Method.PUT, "a 3\n");
    }
    push(KEY, Method.PUT, "a 3\n");

    assertThat(offsets(KEY)).hasSize((int) offset - 1).doesNotContain(0L).contains(2L, offset);
    // the other group was not pushed: its entry waits for the sweep
    assertThat(read(OTHER, ALL).getEntriesCount()).isEqualTo(1);
  }

  @Test
  void aboutOnePushInEightTrimsAndNoGroupOfARoundRobinIsLeftOut() {
    int groups = 1000;
    int[] trims = new int[groups];
    int offsets = 1_000_000;
    for (int o = 0; o < offsets; o++) {
      if (HistoryIndex.trimsOn(o)) {
        trims[o % groups]++;
      }
    }
    int perGroup = offsets / groups / HistoryIndex.TRIM_EVERY;
    assertThat(Arrays.stream(trims).sum())
        .isBetween(
            offsets / HistoryIndex.TRIM_EVERY * 99 / 100,
            offsets / HistoryIndex.TRIM_EVERY * 101 / 100);
    assertThat(Arrays.stream(trims).min().orElseThrow()).isGreaterThan(perGroup / 2);
  }

  private List<Long> offsets(GroupingKey key) throws IOException {
    return read(key, ALL).getEntriesList().stream().map(HistoryEntry::getOffset).toList();
  }

  @Test
  void theSweepTrimsEveryGroupByWallClockInBoundedSteps() throws IOException {
    start(Duration.ofHours(1));
    int groups = HistoryIndex.SWEEP_ENTRIES + 10;
    for (int i = 0; i < groups; i++) {
      push(GroupingKey.of(Map.of("job", "j" + i)), Method.PUT, "a 1\n");
    }
    clock = clock.plus(Duration.ofMinutes(30));
    push(KEY, Method.PUT, "a 1\n");
    assertThat(count()).isEqualTo(groups + 1);

    // received a second apart from START on (84 minutes), KEY's 30 minutes later: with the wall
    // clock at START + 150 minutes every entry but KEY's is older than the hour
    driver.advanceWallClockTime(Duration.ofMinutes(150));
    assertThat(count()).as("one step examines a bounded batch").isEqualTo(11);
    driver.advanceWallClockTime(HistoryIndex.SWEEP_INTERVAL);
    assertThat(count()).isEqualTo(1);
    assertThat(read(KEY, ALL).getEntriesCount()).isEqualTo(1);
  }

  @Test
  void withoutRetentionNothingIsTrimmed() throws IOException {
    start(null);
    push(KEY, Method.PUT, "a 1\n");
    clock = clock.plus(Duration.ofDays(400));
    push(KEY, Method.PUT, "a 2\n");
    driver.advanceWallClockTime(Duration.ofDays(400));
    assertThat(read(KEY, ALL).getEntriesCount()).isEqualTo(2);
  }

  private HistoryPage read(GroupingKey key, HistoryQuery query) {
    return HistoryIndex.read(history, key.toBytes(), query);
  }

  private long count() {
    long n = 0;
    try (var it = history.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  /** A push received one second after the previous one. */
  private long push(GroupingKey key, Method method, String body) throws IOException {
    clock = clock.plusSeconds(1);
    long t = clock.getEpochSecond() * 1_000_000_000L + clock.getNano();
    PushRecord.Builder r = record(key, method, body).setReceivedAtUnixNanos(t);
    if (body != null) {
      r.setBodyBytes(body.length());
    }
    pushes.pipeInput(Bytes.wrap(key.toBytes()), r.build());
    return t;
  }

  private PushRecord.Builder record(GroupingKey key, Method method, String body)
      throws IOException {
    PushRecord.Builder b =
        PushRecord.newBuilder()
            .setMethod(method)
            .addAllGrouping(key.toLabelPairs())
            .setIngestNode("node-1");
    if (body == null) {
      return b.setReceivedAtUnixNanos(
          clock.getEpochSecond() * 1_000_000_000L + clock.getNano() + 1);
    }
    return b.addAllFamilies(
        PushValidator.sanitizeAndValidate(
            TextParser.parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))),
            key));
  }
}
