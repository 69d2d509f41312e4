package io.kpushgateway.core.model;

import static io.kpushgateway.core.TestFamilies.counter;
import static io.kpushgateway.core.TestFamilies.delete;
import static io.kpushgateway.core.TestFamilies.family;
import static io.kpushgateway.core.TestFamilies.gauge;
import static io.kpushgateway.core.TestFamilies.group;
import static io.kpushgateway.core.TestFamilies.key;
import static io.kpushgateway.core.TestFamilies.post;
import static io.kpushgateway.core.TestFamilies.put;
import static io.kpushgateway.core.TestFamilies.rejected;
import static io.prometheus.client.Metrics.MetricType.COUNTER;
import static io.prometheus.client.Metrics.MetricType.GAUGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.kpushgateway.proto.FamilyShape;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.GroupShape;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.proto.Revocation;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link GroupShapes#afterPush} must be the shape of what {@link GroupState#apply} stores; series
 * identities never change; {@link GroupShapes#sameFamilies} never says equal for unequal shapes.
 */
class GroupShapesTest {

  private static final GroupingKey KEY = key("j");

  private static MetricFamily gaugeFamily(String name, String... labels) {
    return family(name, GAUGE, gauge(1, labels));
  }

  private static final MetricFamily A = gaugeFamily("a", "instance", "", "job", "j");
  private static final MetricFamily A_OTHER =
      gaugeFamily("a", "instance", "", "job", "j", "x", "1");
  private static final MetricFamily B = gaugeFamily("b", "instance", "", "job", "j");
  private static final MetricFamily C =
      family("c", COUNTER, counter(1, "instance", "", "job", "j"));

  private static PushRecord revoke(long at, String name, MetricType type) {
    return rejected(Method.POST, KEY, at).toBuilder()
        .addRevoked(Revocation.newBuilder().setName(name).setType(type))
        .build();
  }

  static Stream<Arguments> sequences() {
    return Stream.of(
        arguments("PUT creates", List.of(put(KEY, 1, B, A))),
        arguments("PUT replaces all", List.of(put(KEY, 1, A, B), put(KEY, 2, C))),
        arguments(
            "POST replaces the pushed names", List.of(put(KEY, 1, A, B), post(KEY, 2, A_OTHER, C))),
        arguments(
            "POST of a family without series removes it",
            List.of(put(KEY, 1, A, B), post(KEY, 2, family("a", GAUGE)))),
        arguments(
            "PUT of a family without series stores nothing",
            List.of(put(KEY, 1, A), put(KEY, 2, family("a", GAUGE)))),
        arguments("DELETE removes the group", List.of(put(KEY, 1, A), delete(KEY, 2))),
        arguments("DELETE then PUT", List.of(put(KEY, 1, A), delete(KEY, 2), put(KEY, 3, B))),
        arguments("a rejected push creates an empty group", List.of(rejected(Method.PUT, KEY, 1))),
        arguments(
            "a rejected push changes no family",
            List.of(put(KEY, 1, A, B), rejected(Method.PUT, KEY, 2))),
        arguments(
            "a rejected DELETE deletes nothing",
            List.of(put(KEY, 1, A), rejected(Method.DELETE, KEY, 2))),
        arguments(
            "a revocation removes the family of its type",
            List.of(put(KEY, 1, A, C), revoke(2, "c", COUNTER))),
        arguments(
            "a revocation of another type keeps the family",
            List.of(put(KEY, 1, A, C), revoke(2, "c", GAUGE))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sequences")
  void theShapeAfterAPushIsTheShapeOfTheAppliedGroup(String name, List<PushRecord> pushes) {
    GroupRecord group = null;
    GroupShape shape = null;
    for (PushRecord push : pushes) {
      group = GroupState.apply(group, push);
      shape = GroupShapes.afterPush(shape, push);

      long asOf = push.getReceivedAtUnixNanos();
      assertThat(shape).isEqualTo(group == null ? null : GroupShapes.of(group, asOf));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sequences")
  void familiesAreSortedByName(String name, List<PushRecord> pushes) {
    GroupShape shape = null;
    for (PushRecord push : pushes) {
      shape = GroupShapes.afterPush(shape, push);
    }
    if (shape != null) {
      List<String> names = shape.getFamiliesList().stream().map(FamilyShape::getName).toList();
      assertThat(names).isSortedAccordingTo(Utf8Order.COMPARATOR);
    }
  }

  @Test
  void aShapeKnownFromTheCheckIsTakenAsItIs() {
    FamilyShape known = GroupShapes.of(A).toBuilder().addSeries(42).build(); // not recomputed
    GroupShape shape = GroupShapes.afterPush(null, put(KEY, 1, A, B), Map.of("a", known));
    assertThat(shape.getFamiliesList()).containsExactly(known, GroupShapes.of(B));
  }

  @Test
  void seriesIdsStayWhatTheCatalogTopicHolds() {
    // computed before the ids were hashed with one digest per family; shapes on the catalog
    // topic carry such ids, so they must never change
    Metric m = gauge(1, "instance", "", "job", "a", "x", "größe");
    assertThat(GroupShapes.seriesId("m", m)).isEqualTo(0x155756ea839aa571L);
    assertThat(GroupShapes.seriesId("métrique", Metric.getDefaultInstance()))
        .isEqualTo(0xeadcd94f5c4d3249L);
  }

  @Test
  void theIdsOfAFamilyAreEachSeriesId() {
    MetricFamily family = family("m", GAUGE, gauge(1, "x", "1"), gauge(2), gauge(3, "x", "größe"));
    long[] ids = GroupShapes.seriesIds(family);
    for (int i = 0; i < ids.length; i++) {
      assertThat(ids[i]).isEqualTo(GroupShapes.seriesId("m", family.getMetric(i)));
    }
  }

  @Test
  void groupsHaveTheSameFamiliesWhenNamesTypesAndLabelSetsAgree() {
    GroupingKey k = key("a");
    MetricFamily m = family("m", GAUGE, gauge(1, "x", "1"), gauge(2, "x", "2"));
    MetricFamily newValues = family("m", GAUGE, gauge(5, "x", "1"), gauge(6, "x", "2"));
    assertThat(GroupShapes.sameFamilies(group(k, 1, m), group(k, 2, newValues))).isTrue();
    assertThat(
            GroupShapes.sameFamilies(
                group(k, 1, m), group(k, 1, family("m", GAUGE, gauge(1, "x", "1")))))
        .isFalse();
    assertThat(
            GroupShapes.sameFamilies(
                group(k, 1, m),
                group(k, 1, family("m", GAUGE, gauge(1, "x", "1"), gauge(2, "y", "2")))))
        .isFalse();
    assertThat(
            GroupShapes.sameFamilies(
                group(k, 1, m),
                group(k, 1, family("m", COUNTER, counter(1, "x", "1"), counter(2, "x", "2")))))
        .isFalse();
    assertThat(
            GroupShapes.sameFamilies(group(k, 1, m), group(k, 1, m, family("n", GAUGE, gauge(1)))))
        .isFalse();
  }
}
