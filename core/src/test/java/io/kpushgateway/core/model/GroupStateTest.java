package io.kpushgateway.core.model;

import static io.kpushgateway.core.TestFamilies.delete;
import static io.kpushgateway.core.TestFamilies.family;
import static io.kpushgateway.core.TestFamilies.gauge;
import static io.kpushgateway.core.TestFamilies.key;
import static io.kpushgateway.core.TestFamilies.post;
import static io.kpushgateway.core.TestFamilies.put;
import static io.kpushgateway.core.TestFamilies.rejected;
import static io.kpushgateway.core.TestFamilies.render;
import static io.prometheus.client.Metrics.MetricType.GAUGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.proto.StoredFamily;
import io.prometheus.client.Metrics.MetricFamily;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GroupStateTest {

  private static final GroupingKey KEY = key("j", "instance", "i");

  private static MetricFamily fam(String name, double value) {
    return family(name, GAUGE, gauge(value, "instance", "i", "job", "j"));
  }

  private static final MetricFamily A1 = fam("a", 1);
  private static final MetricFamily A2 = fam("a", 2);
  private static final MetricFamily B1 = fam("b", 1);
  private static final MetricFamily C1 = fam("c", 1);
  private static final MetricFamily A_TWO_SERIES =
      family(
          "a",
          GAUGE,
          gauge(1, "instance", "i", "job", "j", "x", "1"),
          gauge(2, "instance", "i", "job", "j", "x", "2"));

  private static PushRecord revoke(
      GroupingKey key, long at, String name, io.prometheus.client.Metrics.MetricType type) {
    return rejected(Method.PUT, key, at).toBuilder()
        .addRevoked(io.kpushgateway.proto.Revocation.newBuilder().setName(name).setType(type))
        .build();
  }

  /** Each scenario applies its records in order to an absent group. */
  static Stream<Arguments> sequences() {
    return Stream.of(
        arguments(
            "PUT creates the group",
            List.of(put(KEY, 10, A1, B1)),
            "push=10 failure=0 a@10=1.0 b@10=1.0"),
        arguments(
            "PUT replaces the whole group",
            List.of(put(KEY, 10, A1, B1), put(KEY, 20, C1)),
            "push=20 failure=0 c@20=1.0"),
        arguments(
            "POST replaces same-named families only",
            List.of(put(KEY, 10, A1, B1), post(KEY, 20, A2, C1)),
            "push=20 failure=0 a@20=2.0 b@10=1.0 c@20=1.0"),
        arguments(
            "POST replaces a family wholesale, not series",
            List.of(put(KEY, 10, A_TWO_SERIES), post(KEY, 20, A1)),
            "push=20 failure=0 a@20=1.0"),
        arguments(
            "POST creates the group", List.of(post(KEY, 10, A1)), "push=10 failure=0 a@10=1.0"),
        arguments(
            "empty PUT keeps the group, without families",
            List.of(put(KEY, 10, A1), put(KEY, 20)),
            "push=20 failure=0"),
        arguments("empty PUT creates the group", List.of(put(KEY, 10)), "push=10 failure=0"),
        arguments(
            "empty POST only bumps the push time",
            List.of(put(KEY, 10, A1), post(KEY, 20)),
            "push=20 failure=0 a@10=1.0"),
        arguments("DELETE removes the group", List.of(put(KEY, 10, A1), delete(KEY, 20)), null),
        arguments("DELETE of an absent group", List.of(delete(KEY, 10)), null),
        arguments(
            "PUT after DELETE starts afresh",
            List.of(
                put(KEY, 10, A1), rejected(Method.PUT, KEY, 15), delete(KEY, 20), put(KEY, 30, B1)),
            "push=30 failure=0 b@30=1.0"),
        arguments(
            "a rejected push only sets the failure time",
            List.of(put(KEY, 10, A1), rejected(Method.PUT, KEY, 20)),
            "push=10 failure=20 a@10=1.0"),
        arguments(
            "a rejected POST likewise",
            List.of(put(KEY, 10, A1), rejected(Method.POST, KEY, 20)),
            "push=10 failure=20 a@10=1.0"),
        arguments(
            "a revocation withdraws the families that lost a race, if they kept their type",
            List.of(
                put(KEY, 10, A1, B1),
                revoke(KEY, 20, "a", GAUGE),
                revoke(KEY, 30, "b", io.prometheus.client.Metrics.MetricType.COUNTER)),
            "push=10 failure=30 b@10=1.0"),
        arguments(
            "a rejected push creates a group without families",
            List.of(rejected(Method.PUT, KEY, 10)),
            "push=0 failure=10"),
        arguments(
            "a rejected record never deletes",
            List.of(put(KEY, 10, A1), rejected(Method.DELETE, KEY, 20)),
            "push=10 failure=20 a@10=1.0"),
        arguments(
            "PUT keeps the failure time",
            List.of(rejected(Method.PUT, KEY, 10), put(KEY, 20, A1)),
            "push=20 failure=10 a@20=1.0"),
        arguments(
            "POST keeps the failure time",
            List.of(put(KEY, 5), rejected(Method.POST, KEY, 10), post(KEY, 20, A1)),
            "push=20 failure=10 a@20=1.0"),
        arguments(
            "POST of a family without series removes the stored one (protobuf)",
            List.of(put(KEY, 10, A1, B1), post(KEY, 20, family("a", GAUGE))),
            "push=20 failure=0 b@10=1.0"),
        arguments(
            "PUT of a family without series stores nothing for it",
            List.of(put(KEY, 10, A1), put(KEY, 20, family("a", GAUGE), B1)),
            "push=20 failure=0 b@20=1.0"),
        arguments(
            "families stay sorted whatever the push order",
            List.of(put(KEY, 10, C1, A1), post(KEY, 20, B1)),
            "push=20 failure=0 a@10=1.0 b@20=1.0 c@10=1.0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sequences")
  void applies(String scenario, List<PushRecord> records, String expected) {
    GroupRecord state = null;
    for (PushRecord record : records) {
      state = GroupState.apply(state, record);
    }
    assertThat(describe(state)).isEqualTo(expected);
    if (state != null) {
      assertThat(state.getGroupingList()).isEqualTo(KEY.toLabelPairs());
    }
  }

  /** At-least-once delivery: the store may see the last record twice. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("sequences")
  void applyingTheLastRecordAgainChangesNothing(
      String scenario, List<PushRecord> records, String expected) {
    GroupRecord state = null;
    for (PushRecord record : records) {
      state = GroupState.apply(state, record);
    }
    PushRecord last = records.get(records.size() - 1);
    assertThat(GroupState.apply(state, last)).isEqualTo(state);
  }

  @Test
  void storesThePushedFamiliesUnchanged() {
    GroupRecord state = GroupState.apply(null, put(KEY, 10, A_TWO_SERIES));
    assertThat(state.getFamilies(0).getFamily()).isSameAs(A_TWO_SERIES);
  }

  @Test
  void restoreSetsTheGroupAsItWasPushTimesAndAll() {
    GroupRecord then =
        GroupState.apply(
            GroupState.apply(GroupState.apply(null, put(KEY, 10, A1)), post(KEY, 20, B1)),
            rejected(Method.PUT, KEY, 25));
    GroupRecord now = GroupState.apply(then, put(KEY, 30, C1));
    PushRecord restore =
        PushRecord.newBuilder()
            .setMethod(Method.RESTORE)
            .addAllGrouping(KEY.toLabelPairs())
            .setReceivedAtUnixNanos(40)
            .setRestored(then)
            .build();
    assertThat(GroupState.apply(now, restore)).isEqualTo(then);
    assertThat(describe(GroupState.apply(null, restore)))
        .isEqualTo("push=20 failure=25 a@10=1.0 b@20=1.0");
    assertThat(GroupState.apply(now, restore.toBuilder().clearRestored().build())).isNull();
  }

  @Test
  void rejectsARecordWithoutMethod() {
    assertThatThrownBy(
            () ->
                GroupState.apply(
                    null, put(KEY, 10).toBuilder().setMethod(Method.METHOD_UNSPECIFIED).build()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void metaFamiliesCarryGroupingLabelsPlusEmptyInstance() {
    GroupRecord group =
        GroupState.apply(
            GroupState.apply(
                null, rejected(Method.PUT, key("j", "z", "1"), 1_600_000_000_000_000_000L)),
            put(key("j", "z", "1"), 1_700_000_000_123_456_789L));
    assertThat(render(GroupState.metaFamilies(group)))
        .isEqualTo(
            """
            # push_failure_time_seconds GAUGE Last Unix time when changing this group in the Pushgateway failed.
            push_failure_time_seconds{instance="",job="j",z="1"} gauge=1.6E9
            # push_time_seconds GAUGE Last Unix time when changing this group in the Pushgateway succeeded.
            push_time_seconds{instance="",job="j",z="1"} gauge=1.7000000001234567E9
            """);
  }

  @Test
  void metaFamiliesKeepAGroupingInstanceAndShowZeroForNever() {
    GroupRecord group = GroupState.apply(null, rejected(Method.PUT, KEY, 2_500_000_000L));
    assertThat(render(GroupState.metaFamilies(group)))
        .isEqualTo(
            """
            # push_failure_time_seconds GAUGE Last Unix time when changing this group in the Pushgateway failed.
            push_failure_time_seconds{instance="i",job="j"} gauge=2.5
            # push_time_seconds GAUGE Last Unix time when changing this group in the Pushgateway succeeded.
            push_time_seconds{instance="i",job="j"} gauge=0.0
            """);
  }

  private static PushRecord ttl(PushRecord push, long ttlNanos) {
    return push.toBuilder().setTtlNanos(ttlNanos).build();
  }

  private static PushRecord expire(GroupRecord group, long at) {
    return GroupState.expiry(group, at, "store-1");
  }

  @Test
  void aSuccessfulPushSetsTheTtlAndItsDeadline() {
    GroupRecord group = GroupState.apply(null, ttl(put(KEY, 10, A1), 5));
    assertThat(group.getTtlNanos()).isEqualTo(5);
    assertThat(GroupState.deadline(group)).isEqualTo(15);
    // a failed push neither renews nor clears it
    GroupRecord failed = GroupState.apply(group, ttl(rejected(Method.PUT, KEY, 12), 100));
    assertThat(GroupState.deadline(failed)).isEqualTo(15);
    // the next successful push renews it with its own TTL, 0 clearing it
    assertThat(GroupState.deadline(GroupState.apply(failed, ttl(post(KEY, 20, B1), 7))))
        .isEqualTo(27);
    assertThat(GroupState.deadline(GroupState.apply(failed, post(KEY, 20, B1))))
        .isEqualTo(GroupState.NO_DEADLINE);
    // a group that was only ever refused has none
    assertThat(GroupState.deadline(GroupState.apply(null, ttl(rejected(Method.PUT, KEY, 1), 5))))
        .isEqualTo(GroupState.NO_DEADLINE);
  }

  @Test
  void expireRemovesOnlyTheGroupThatExpired() {
    GroupRecord group = GroupState.apply(null, ttl(put(KEY, 10, A1), 5));
    PushRecord expiry = expire(group, 16);
    assertThat(expiry.getMethod()).isEqualTo(Method.EXPIRE);
    assertThat(expiry.getExpiresPushTimeUnixNanos()).isEqualTo(10);
    assertThat(GroupState.apply(group, expiry)).isNull();
    // pushed again in between: the expiry is late and changes nothing
    GroupRecord renewed = GroupState.apply(group, ttl(put(KEY, 14, A2), 5));
    assertThat(GroupState.apply(renewed, expiry)).isSameAs(renewed);
    // a failure in between does not renew it
    GroupRecord failed = GroupState.apply(group, rejected(Method.PUT, KEY, 14));
    assertThat(GroupState.apply(failed, expiry)).isNull();
    // a repeated expiry, after the group is gone or pushed anew, is a no-op
    assertThat(GroupState.apply(null, expiry)).isNull();
    GroupRecord anew = GroupState.apply(null, ttl(put(KEY, 30, A1), 5));
    assertThat(GroupState.apply(anew, expiry)).isSameAs(anew);
    // a group without a TTL never expires, even at the same push time
    GroupRecord forever = GroupState.apply(null, put(KEY, 10, A1));
    assertThat(GroupState.apply(forever, expiry)).isSameAs(forever);
  }

  @Test
  void aRestoredGroupKeepsItsTtl() {
    GroupRecord group = GroupState.apply(null, ttl(put(KEY, 10, A1), 5));
    PushRecord restore =
        PushRecord.newBuilder()
            .setMethod(Method.RESTORE)
            .addAllGrouping(KEY.toLabelPairs())
            .setReceivedAtUnixNanos(40)
            .setRestored(group)
            .build();
    assertThat(GroupState.deadline(GroupState.apply(null, restore))).isEqualTo(15);
  }

  /** {@code push=<ns> failure=<ns> <family>@<written>=<first value> ...}; null when deleted. */
  private static String describe(GroupRecord state) {
    if (state == null) {
      return null;
    }
    String families =
        state.getFamiliesList().stream()
            .map(GroupStateTest::describe)
            .collect(Collectors.joining(" "));
    return ("push="
            + state.getPushTimeUnixNanos()
            + " failure="
            + state.getPushFailureTimeUnixNanos()
            + " "
            + families)
        .trim();
  }

  private static String describe(StoredFamily stored) {
    MetricFamily family = stored.getFamily();
    String values =
        family.getMetricList().stream()
            .map(m -> String.valueOf(m.getGauge().getValue()))
            .collect(Collectors.joining(","));
    return family.getName() + "@" + stored.getWrittenAtUnixNanos() + "=" + values;
  }
}
