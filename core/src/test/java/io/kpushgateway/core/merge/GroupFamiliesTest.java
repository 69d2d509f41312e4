package io.kpushgateway.core.merge;

import static io.kpushgateway.core.TestFamilies.counter;
import static io.kpushgateway.core.TestFamilies.family;
import static io.kpushgateway.core.TestFamilies.gauge;
import static io.kpushgateway.core.TestFamilies.group;
import static io.kpushgateway.core.TestFamilies.histogram;
import static io.kpushgateway.core.TestFamilies.key;
import static io.prometheus.client.Metrics.MetricType.COUNTER;
import static io.prometheus.client.Metrics.MetricType.GAUGE;
import static io.prometheus.client.Metrics.MetricType.HISTOGRAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.PendingBatch;
import io.kpushgateway.proto.StoredFamily;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupFamiliesTest {

  private static final GroupRecord GROUP =
      group(
              key("a", "x", "1"),
              1_000_000_000L,
              family("h", HISTOGRAM, histogram(3, 1.5, "job", "a")),
              family(
                  "m", "help", COUNTER, counter(1, "job", "a"), counter(2, "job", "a", "k", "v")),
              family("n", GAUGE, gauge(7, "job", "a")))
          .toBuilder()
          .setPushFailureTimeUnixNanos(5)
          .setTtlNanos(6)
          .setPending(
              PendingBatch.newBuilder()
                  .setBatchId("b")
                  .setBatchGroups(2)
                  .setBefore(ByteString.copyFromUtf8("x")))
          .build();

  @Test
  void readsNamesTypesAndTheHeaderWithoutTheFamilies() {
    GroupFamilies scanned = GroupFamilies.of(GROUP.toByteArray());
    assertThat(scanned.header()).isEqualTo(GROUP.toBuilder().clearFamilies().build());
    assertThat(names(scanned)).containsExactly("h", "m", "n");
    assertThat(scanned.type(0)).isEqualTo(HISTOGRAM);
    assertThat(scanned.type(1)).isEqualTo(COUNTER);
    for (int i = 0; i < 3; i++) {
      assertThat(scanned.hasSeries(i)).isTrue();
      assertThat(scanned.family(i)).isEqualTo(GROUP.getFamilies(i).getFamily());
    }
    assertThat(scanned.record()).isEqualTo(GROUP);
    assertThat(scanned.hasPending()).isTrue();
    assertThat(
            GroupFamilies.of(GROUP.toBuilder().clearPending().build().toByteArray()).hasPending())
        .isFalse();
  }

  @Test
  void addsAFamilysSeriesAsTheFamilyHoldsThem() {
    for (GroupFamilies group :
        List.of(GroupFamilies.of(GROUP.toByteArray()), GroupFamilies.of(GROUP))) {
      List<Metric> series = new ArrayList<>();
      group.addSeries(1, series);
      group.addSeries(2, series);
      List<Metric> expected = new ArrayList<>(GROUP.getFamilies(1).getFamily().getMetricList());
      expected.addAll(GROUP.getFamilies(2).getFamily().getMetricList());
      assertThat(series).isEqualTo(expected);
    }
  }

  @Test
  void twoGroupsShareTheirFamilyNames() {
    GroupFamilies one = GroupFamilies.of(GROUP.toByteArray());
    GroupFamilies other = GroupFamilies.of(GROUP.toByteArray());
    for (int i = 0; i < 3; i++) {
      assertThat(other.name(i)).isSameAs(one.name(i));
    }
  }

  @Test
  void answersAsTheRecordItWasMadeFrom() {
    GroupFamilies parsed = GroupFamilies.of(GROUP);
    assertThat(parsed.header()).isSameAs(GROUP);
    assertThat(names(parsed)).containsExactly("h", "m", "n");
    assertThat(parsed.family(2)).isSameAs(GROUP.getFamilies(2).getFamily());
  }

  @Test
  void aFamilyWithoutSeriesOrWithoutAFamilyIsSeenAsEmpty() {
    GroupRecord record =
        GroupRecord.newBuilder()
            .addFamilies(
                StoredFamily.newBuilder()
                    .setFamily(MetricFamily.newBuilder().setName("bare").setType(GAUGE)))
            .addFamilies(StoredFamily.newBuilder().setWrittenAtUnixNanos(1))
            .build();
    GroupFamilies scanned = GroupFamilies.of(record.toByteArray());
    assertThat(names(scanned)).containsExactly("bare", "");
    assertThat(scanned.hasSeries(0)).isFalse();
    assertThat(scanned.hasSeries(1)).isFalse();
    assertThat(scanned.type(0)).isEqualTo(GAUGE);
  }

  @Test
  void aTypeNumberThisVersionDoesNotKnowReadsAsProtobufDoes() throws Exception {
    byte[] bytes = GROUP.toByteArray();
    // the histogram family's type is the varint 4 after tag 0x18 (field 3) inside the first family
    int at = indexOf(bytes, new byte[] {0x18, 0x04});
    bytes[at + 1] = 0x7f;
    GroupFamilies scanned = GroupFamilies.of(bytes);
    assertThat(scanned.type(0))
        .isEqualTo(GroupRecord.parseFrom(bytes).getFamilies(0).getFamily().getType());
  }

  @Test
  void aFamilyGivenInPartsIsMergedAsProtobufMergesIt() throws Exception {
    MetricFamily first = family("m", COUNTER, counter(1, "job", "a"));
    MetricFamily second = MetricFamily.newBuilder().setHelp("later help").build();
    byte[] stored =
        concat(
            StoredFamily.newBuilder().setFamily(first).build().toByteArray(),
            StoredFamily.newBuilder().setFamily(second).build().toByteArray());
    byte[] bytes = concat(new byte[] {0x12}, varint(stored.length), stored); // GroupRecord field 2
    GroupRecord parsed = GroupRecord.parseFrom(bytes);
    GroupFamilies scanned = GroupFamilies.of(bytes);
    assertThat(scanned.familyCount()).isEqualTo(1);
    assertThat(scanned.family(0)).isEqualTo(parsed.getFamilies(0).getFamily());
    assertThat(scanned.family(0).getHelp()).isEqualTo("later help");
  }

  @Test
  void bytesThatAreNoGroupRecordAreRefusedWhenRead() {
    GroupFamilies broken = GroupFamilies.of(new byte[] {0x12, 0x7f, 0x01});
    assertThatThrownBy(broken::familyCount)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not a GroupRecord");
  }

  private static List<String> names(GroupFamilies group) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < group.familyCount(); i++) {
      names.add(group.name(i));
    }
    return names;
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    outer:
    for (int i = 0; i + part.length <= bytes.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (bytes[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  private static byte[] varint(int value) {
    return value < 0x80
        ? new byte[] {(byte) value}
        : new byte[] {(byte) (value | 0x80), (byte) (value >>> 7)};
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }
}
