package io.kpushgateway.core.batch;

import static io.kpushgateway.core.TestFamilies.delete;
import static io.kpushgateway.core.TestFamilies.family;
import static io.kpushgateway.core.TestFamilies.gauge;
import static io.kpushgateway.core.TestFamilies.key;
import static io.kpushgateway.core.TestFamilies.put;
import static io.prometheus.client.Metrics.MetricType.GAUGE;
import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.core.merge.GroupFamilies;
import io.kpushgateway.core.model.GroupState;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.prometheus.client.Metrics.MetricFamily;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A batch push's groups are shown all together or not at all; {@link GroupState} keeps them. */
class BatchVisibilityTest {

  private static final GroupingKey A = key("j", "instance", "a");
  private static final GroupingKey B = key("j", "instance", "b");
  private static final long T = 1_700_000_000_000_000_000L;
  private static final long SECOND = 1_000_000_000L;

  private static MetricFamily value(GroupingKey key, double v) {
    return family("x", GAUGE, gauge(v, "instance", key.labels().get("instance"), "job", "j"));
  }

  private static PushRecord batch(String id, int groups, PushRecord push) {
    return push.toBuilder().setBatchId(id).setBatchGroups(groups).build();
  }

  private static double x(GroupRecord group) {
    return group.getFamilies(0).getFamily().getMetric(0).getGauge().getValue();
  }

  @Test
  void aBatchGroupKeepsItsEarlierStateAndAnyOtherRecordDropsIt() {
    GroupRecord first = GroupState.apply(null, put(A, T, value(A, 1)));
    GroupRecord batched = GroupState.apply(first, batch("b1", 2, put(A, T + 1, value(A, 2))));
    assertThat(batched.getPending().getBatchId()).isEqualTo("b1");
    assertThat(batched.getPending().getBatchGroups()).isEqualTo(2);
    assertThat(batched.getPending().getBefore()).isEqualTo(first.toByteString());
    assertThat(x(batched)).isEqualTo(2);

    // a second batch keeps the state the first one made, not the first one's pending state
    GroupRecord again = GroupState.apply(batched, batch("b2", 1, put(A, T + 2, value(A, 3))));
    assertThat(again.getPending().getBefore())
        .isEqualTo(batched.toBuilder().clearPending().build().toByteString());

    GroupRecord single = GroupState.apply(batched, put(A, T + 3, value(A, 4)));
    assertThat(single.hasPending()).isFalse();
    GroupRecord restored =
        GroupState.apply(
            single,
            PushRecord.newBuilder()
                .setMethod(Method.RESTORE)
                .addAllGrouping(A.toLabelPairs())
                .setRestored(batched)
                .build());
    assertThat(restored.hasPending()).isFalse();
    assertThat(x(restored)).isEqualTo(2);
    assertThat(GroupState.apply(batched, delete(A, T + 4))).isNull();

    GroupRecord created = GroupState.apply(null, batch("b3", 1, put(B, T, value(B, 1))));
    assertThat(created.getPending().getBefore().isEmpty()).isTrue();
  }

  @Test
  void aBatchIsShownOnceEveryGroupIsAppliedAndBeforeThatAsItWas() {
    GroupRecord oldA = GroupState.apply(null, put(A, T, value(A, 1)));
    GroupRecord newA = GroupState.apply(oldA, batch("b", 2, put(A, T + SECOND, value(A, 2))));
    GroupRecord newB = GroupState.apply(null, batch("b", 2, put(B, T + SECOND, value(B, 2))));
    long now = T + 2 * SECOND;

    // one of two applied: A as it was, B (new) not at all
    List<GroupRecord> one = shown(List.of(newA), Map.of("b", 1), now);
    assertThat(one).hasSize(1);
    assertThat(x(one.get(0))).isEqualTo(1);
    assertThat(one.get(0).hasPending()).isFalse();
    // both applied, however the counts were split over the partitions read
    assertThat(shown(List.of(newA, newB), Map.of("b", 2), now)).containsExactly(newA, newB);
    assertThat(shown(List.of(newA, newB), Map.of(), now)).containsExactly(oldA);
    // another batch's count does not count
    assertThat(shown(List.of(newB), Map.of("c", 5), now)).isEmpty();
    // groups of no batch pass as they are, the list itself when nothing is held back
    List<GroupFamilies> plain = List.of(GroupFamilies.of(oldA.toByteArray()));
    assertThat(BatchVisibility.shown(plain, Map.of(), now)).isSameAs(plain);
  }

  @Test
  void aBatchOlderThanTheWaitIsShownWhateverTheCounts() {
    GroupRecord newB = GroupState.apply(null, batch("b", 2, put(B, T, value(B, 2))));
    long justBefore = T + BatchVisibility.SHOWN_WHOLE_AFTER.toNanos();
    assertThat(shown(List.of(newB), Map.of("b", 1), justBefore)).isEmpty();
    assertThat(shown(List.of(newB), Map.of("b", 1), justBefore + 1)).containsExactly(newB);
  }

  /** The records a scrape shows of {@code groups}, read from their bytes as a store's are. */
  private static List<GroupRecord> shown(
      List<GroupRecord> groups, Map<String, Integer> applied, long nowNanos) {
    List<GroupFamilies> stored =
        groups.stream().map(g -> GroupFamilies.of(g.toByteArray())).toList();
    return BatchVisibility.shown(stored, applied, nowNanos).stream()
        .map(GroupFamilies::record)
        .toList();
  }
}
