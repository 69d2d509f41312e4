package io.kpushgateway.core.model;

import static io.kpushgateway.core.TestFamilies.delete;
import static io.kpushgateway.core.TestFamilies.family;
import static io.kpushgateway.core.TestFamilies.gauge;
import static io.kpushgateway.core.TestFamilies.key;
import static io.kpushgateway.core.TestFamilies.post;
import static io.kpushgateway.core.TestFamilies.put;
import static io.kpushgateway.core.TestFamilies.rejected;
import static io.prometheus.client.Metrics.MetricType.GAUGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.prometheus.client.Metrics.MetricFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DecidingRecordsTest {

  private static final GroupingKey KEY = key("j", "instance", "i");

  private static MetricFamily fam(String name, double value) {
    return family(name, GAUGE, gauge(value, "instance", "i", "job", "j"));
  }

  /** What the store does: every record applied in turn, one it cannot apply skipped. */
  private static GroupRecord applyEach(GroupRecord start, List<byte[]> records) {
    GroupRecord state = start;
    for (byte[] record : records) {
      try {
        state = GroupState.apply(state, PushRecord.parseFrom(record));
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        // skipped
      }
    }
    return state;
  }

  private static GroupRecord decided(GroupRecord start, List<byte[]> records) {
    return decided(start, records, DecidingRecords.MAX_HELD);
  }

  private static GroupRecord decided(GroupRecord start, List<byte[]> records, int maxHeld) {
    DecidingRecords deciding =
        new DecidingRecords(
            () -> start,
            () -> start == null ? 0 : DecidingRecords.failureTime(start.toByteArray()),
            maxHeld);
    records.forEach(deciding::add);
    return deciding.state();
  }

  @Test
  void aPutMakesTheRecordsBeforeItMootButKeepsTheirFailureTime() {
    List<byte[]> records =
        List.of(
            post(KEY, 10, fam("a", 1)).toByteArray(),
            rejected(Method.PUT, KEY, 20).toByteArray(),
            put(KEY, 30, fam("b", 2)).toByteArray(),
            post(KEY, 40, fam("c", 3)).toByteArray());
    AtomicInteger startAsked = new AtomicInteger();
    DecidingRecords deciding =
        new DecidingRecords(
            () -> {
              startAsked.incrementAndGet();
              return null;
            },
            () -> 0L);
    records.forEach(deciding::add);

    GroupRecord state = deciding.state();

    assertThat(deciding.size()).isEqualTo(2);
    assertThat(startAsked).hasValue(0);
    assertThat(state).isEqualTo(applyEach(null, records));
    assertThat(state.getPushFailureTimeUnixNanos()).isEqualTo(20);
  }

  @Test
  void aPutAfterAnExpireKeepsWhatCameBefore() {
    GroupRecord start =
        GroupState.apply(null, put(KEY, 5, fam("a", 1)).toBuilder().setTtlNanos(10).build());
    PushRecord expire = GroupState.expiry(start, 16, "store");
    List<byte[]> records = List.of(expire.toByteArray(), put(KEY, 30, fam("b", 2)).toByteArray());
    DecidingRecords deciding = new DecidingRecords(() -> start, () -> 0L);
    records.forEach(deciding::add);

    assertThat(deciding.size()).isEqualTo(2);
    assertThat(decided(start, records)).isEqualTo(applyEach(start, records));
  }

  @Test
  void theFailureTimeIsReadWithoutTheFamilies() {
    GroupRecord group =
        GroupState.apply(
            GroupState.apply(null, put(KEY, 5, fam("a", 1))), rejected(Method.POST, KEY, 77));

    assertThat(DecidingRecords.failureTime(group.toByteArray())).isEqualTo(77);
    assertThat(DecidingRecords.failureTime(new byte[0])).isZero();
  }

  @Test
  void anUnreadableRecordIsKeptAndSkippedWhenApplied() {
    byte[] cut = {0x08, 0x01, 0x1a, 0x05, 0x01}; // a PUT whose families are cut short
    List<byte[]> records = List.of(put(KEY, 1, fam("a", 1)).toByteArray(), cut);

    assertThat(decided(null, records)).isEqualTo(applyEach(null, records)).isNotNull();
  }

  @Test
  void aDecidingPutThatCannotBeParsedIsAnError() {
    byte[] whole = put(KEY, 1, fam("a", 1)).toByteArray();
    byte[] corrupt = whole.clone();
    corrupt[whole.length - 1] = (byte) 0xff; // the ingest node's name: no longer UTF-8
    DecidingRecords deciding = new DecidingRecords(() -> null, () -> 0L);
    deciding.add(corrupt);

    assertThatThrownBy(() -> PushRecord.parseFrom(corrupt))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(deciding::state).isInstanceOf(DecidingRecords.CorruptLogException.class);
  }

  @Test
  void aLongRunOfPostsIsFoldedIntoItsState() {
    GroupRecord start = GroupState.apply(null, put(KEY, 5, fam("a", 1)));
    List<byte[]> records = new ArrayList<>();
    DecidingRecords deciding = new DecidingRecords(() -> start, () -> 0L);
    for (int i = 0; i < 1000; i++) {
      byte[] post = post(KEY, 10 + i, fam("p" + i % 50, i)).toByteArray();
      records.add(post);
      deciding.add(post);
      assertThat(deciding.size()).isLessThanOrEqualTo(DecidingRecords.MAX_HELD);
    }

    assertThat(deciding.state()).isEqualTo(applyEach(start, records));
  }

  /** Random histories of one group: the deciding records give what every record gives. */
  @Test
  void agreesWithApplyingEveryRecord() {
    Random random = new Random(20261203);
    for (int round = 0; round < 20_000; round++) {
      boolean folds = round % 2 == 1; // few records held, long histories: folded often
      GroupRecord start = randomStart(random);
      List<byte[]> records = new ArrayList<>();
      List<Long> pushTimes = new ArrayList<>();
      if (start != null) {
        pushTimes.add(start.getPushTimeUnixNanos());
      }
      long now = 100;
      int n = random.nextInt(folds ? 40 : 12);
      for (int i = 0; i < n; i++) {
        now += 1 + random.nextInt(5);
        records.add(randomRecord(random, now, pushTimes));
      }
      GroupRecord expected = applyEach(start, records);
      int maxHeld = folds ? 1 + random.nextInt(5) : DecidingRecords.MAX_HELD;
      assertThat(decided(start, records, maxHeld)).as("round %d", round).isEqualTo(expected);
    }
  }

  private static GroupRecord randomStart(Random random) {
    if (random.nextInt(4) == 0) {
      return null;
    }
    GroupRecord group =
        GroupState.apply(
            null,
            put(KEY, 50, fam("s", random.nextInt(3))).toBuilder()
                .setTtlNanos(random.nextBoolean() ? 30 : 0)
                .build());
    return random.nextBoolean()
        ? GroupState.apply(group, rejected(Method.POST, KEY, 60 + random.nextInt(5)))
        : group;
  }

  private static byte[] randomRecord(Random random, long now, List<Long> pushTimes) {
    MetricFamily family = fam(String.valueOf((char) ('a' + random.nextInt(3))), random.nextInt(3));
    PushRecord record =
        switch (random.nextInt(11)) {
          case 0, 1, 2 -> put(KEY, now, family);
          case 3, 4 -> post(KEY, now, family);
          case 5 -> delete(KEY, now);
          case 6 ->
              rejected(random.nextBoolean() ? Method.PUT : Method.DELETE, KEY, now); // any method
          case 7 ->
              (random.nextBoolean() ? put(KEY, now, family) : post(KEY, now, family))
                  .toBuilder().setBatchId("batch").setBatchGroups(2).build();
          case 8 -> {
            PushRecord.Builder restore =
                PushRecord.newBuilder()
                    .setMethod(Method.RESTORE)
                    .addAllGrouping(KEY.toLabelPairs())
                    .setReceivedAtUnixNanos(now);
            if (random.nextBoolean()) {
              GroupRecord restored = GroupState.apply(null, put(KEY, now - 1, family));
              restore.setRestored(
                  random.nextBoolean()
                      ? restored.toBuilder().setPushFailureTimeUnixNanos(now - 2).build()
                      : restored);
            }
            yield restore.build();
          }
          case 9 ->
              PushRecord.newBuilder()
                  .setMethod(Method.EXPIRE)
                  .addAllGrouping(KEY.toLabelPairs())
                  .setReceivedAtUnixNanos(now)
                  .setExpiresPushTimeUnixNanos(
                      pushTimes.isEmpty() || random.nextInt(3) == 0
                          ? now
                          : pushTimes.get(random.nextInt(pushTimes.size())))
                  .build();
          default -> put(KEY, now, family).toBuilder().setTtlNanos(3).build();
        };
    if (record.getRejection().isEmpty()
        && (record.getMethod() == Method.PUT || record.getMethod() == Method.POST)) {
      pushTimes.add(now);
    }
    return random.nextInt(40) == 0 ? new byte[] {0x1a, 0x7f} : record.toByteArray();
  }
}
