package io.kpushgateway.core.validate;

import static io.kpushgateway.core.TestFamilies.counter;
import static io.kpushgateway.core.TestFamilies.family;
import static io.kpushgateway.core.TestFamilies.gauge;
import static io.kpushgateway.core.TestFamilies.histogram;
import static io.kpushgateway.core.TestFamilies.key;
import static io.kpushgateway.core.TestFamilies.summary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.core.model.GroupShapes;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.proto.GroupShape;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.proto.Revocation;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FamilyCatalogTest {

  private static final GroupingKey A = key("a");
  private static final GroupingKey B = key("b");

  private final FamilyCatalog catalog = new FamilyCatalog();
  private long clock = 1_000;

  /** A push as ingest would publish it: sanitized for its group. */
  private PushRecord push(Method method, GroupingKey key, MetricFamily... families) {
    return PushRecord.newBuilder()
        .setMethod(method)
        .addAllGrouping(key.toLabelPairs())
        .addAllFamilies(PushValidator.sanitizeAndValidate(List.of(families), key))
        .setReceivedAtUnixNanos(clock++)
        .build();
  }

  /** Checks the push, then takes it in as accepted with the shapes of the check, as ingest does. */
  private void accept(Method method, GroupingKey key, MetricFamily... families) {
    PushRecord record = push(method, key, families);
    catalog.accepted(record, catalog.check(key, method, record.getFamiliesList()));
  }

  @Test
  void theShapesOfACheckAreThoseTheStoreComputes() {
    PushRecord record =
        push(
            Method.PUT,
            A,
            family("m", MetricType.GAUGE, gauge(1, "x", "2"), gauge(2, "x", "1")),
            family("e", MetricType.GAUGE));
    var shapes = catalog.check(A, Method.PUT, record.getFamiliesList());
    assertThat(shapes).containsOnlyKeys("m");
    assertThat(shapes.get("m")).isEqualTo(GroupShapes.of(record.getFamilies(1)));
    FamilyCatalog recomputed = new FamilyCatalog();
    recomputed.accepted(record);
    catalog.accepted(record, shapes);
    assertThat(catalog.shape(A)).isEqualTo(recomputed.shape(A));
  }

  private void check(Method method, GroupingKey key, MetricFamily... families) {
    catalog.check(key, method, push(method, key, families).getFamiliesList());
  }

  static Stream<Arguments> conflicts() {
    MetricFamily counterM = family("m", MetricType.COUNTER, counter(1));
    return Stream.of(
        Arguments.of(
            "same name, other type",
            counterM,
            family("m", MetricType.GAUGE, gauge(1)),
            "collected metric \"m\" {instance=\"\",job=\"b\"} is not a COUNTER"),
        Arguments.of(
            "same series (instance in the body)",
            family("m", MetricType.GAUGE, gauge(1, "instance", "i")),
            family("m", MetricType.GAUGE, gauge(2)),
            "was collected before with the same name and label values"),
        Arguments.of(
            "pushed suffix of a stored histogram",
            family("h", MetricType.HISTOGRAM, histogram(1, 1)),
            family("h_count", MetricType.GAUGE, gauge(1)),
            "collected metric named \"h_count\" collides with previously collected histogram named \"h\""),
        Arguments.of(
            "pushed histogram over a stored suffix",
            family("h_bucket", MetricType.GAUGE, gauge(1)),
            family("h", MetricType.HISTOGRAM, histogram(1, 1)),
            "collected histogram named \"h\" collides with previously collected metric named \"h_bucket\""),
        Arguments.of(
            "pushed suffix of a stored summary",
            family("s", MetricType.SUMMARY, summary(1, 1)),
            family("s_sum", MetricType.UNTYPED, io.kpushgateway.core.TestFamilies.untyped(1)),
            "collides with previously collected summary named \"s\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conflicts")
  void aPushConflictingWithAnotherGroupIsRejected(
      String name, MetricFamily stored, MetricFamily pushed, String message) {
    GroupingKey other = name.startsWith("same series") ? key("a", "instance", "i") : B;
    accept(Method.PUT, A, stored);

    assertThatThrownBy(() -> check(Method.PUT, other, pushed))
        .isInstanceOf(PushRejectedException.class)
        .hasMessageStartingWith(PushRejectedException.INVALID_METRICS_PREFIX)
        .hasMessageContaining(message);
  }

  @Test
  void aGroupMayChangeItsOwnFamilies() {
    accept(Method.PUT, A, family("m", MetricType.COUNTER, counter(1)));

    assertThatCode(() -> accept(Method.PUT, A, family("m", MetricType.GAUGE, gauge(1))))
        .doesNotThrowAnyException();
    // the counter is gone with the PUT: another group may now push m as a gauge
    assertThatCode(() -> check(Method.PUT, B, family("m", MetricType.GAUGE, gauge(1))))
        .doesNotThrowAnyException();
  }

  @Test
  void postIsCheckedAgainstTheFamiliesTheGroupKeeps() {
    accept(Method.PUT, A, family("h", MetricType.HISTOGRAM, histogram(1, 1)));

    assertThatThrownBy(() -> check(Method.POST, A, family("h_sum", MetricType.GAUGE, gauge(1))))
        .hasMessageContaining("collides with previously collected histogram named \"h\"");
    assertThatCode(() -> check(Method.PUT, A, family("h_sum", MetricType.GAUGE, gauge(1))))
        .doesNotThrowAnyException();
  }

  @Test
  void aPostedFamilyWithoutSeriesRemovesTheGroupsFamily() {
    accept(Method.PUT, A, family("m", MetricType.COUNTER, counter(1)));

    // protobuf: m without series, as upstream removes m from the group on such a POST
    assertThatCode(() -> accept(Method.POST, A, family("m", MetricType.GAUGE)))
        .doesNotThrowAnyException();
    assertThatCode(() -> check(Method.PUT, B, family("m", MetricType.GAUGE, gauge(1))))
        .doesNotThrowAnyException();
  }

  @Test
  void sameTypeInManyGroupsIsFine() {
    accept(Method.PUT, A, family("m", MetricType.GAUGE, gauge(1)));
    accept(Method.PUT, B, family("m", MetricType.GAUGE, gauge(1)));
    assertThatCode(() -> accept(Method.POST, key("c"), family("m", MetricType.GAUGE, gauge(1))))
        .doesNotThrowAnyException();
  }

  @Test
  void ownFamiliesFixTheirType() {
    catalog.setOwnFamilies(
        Map.of("jvm_threads_current", MetricType.GAUGE, "x", MetricType.SUMMARY));

    assertThatThrownBy(
            () ->
                check(Method.PUT, A, family("jvm_threads_current", MetricType.COUNTER, counter(1))))
        .hasMessageEndingWith(
            "gathered metric family jvm_threads_current has type COUNTER but should have GAUGE");
    assertThatCode(
            () -> check(Method.PUT, A, family("jvm_threads_current", MetricType.GAUGE, gauge(1))))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> check(Method.PUT, A, family("x_count", MetricType.GAUGE, gauge(1))))
        .hasMessageContaining("summary named \"x\"");
  }

  @Test
  void aDeletedGroupNoLongerConflicts() {
    accept(Method.PUT, A, family("m", MetricType.COUNTER, counter(1)));
    catalog.accepted(push(Method.DELETE, A));

    assertThatCode(() -> check(Method.PUT, B, family("m", MetricType.GAUGE, gauge(1))))
        .doesNotThrowAnyException();
    assertThat(catalog.size()).isZero();
  }

  @Test
  void anOlderShapeDoesNotReplaceANewerOne() {
    PushRecord first = push(Method.PUT, A, family("m", MetricType.COUNTER, counter(1)));
    PushRecord second = push(Method.PUT, A, family("m", MetricType.GAUGE, gauge(1)));
    catalog.accepted(second);

    // the store's shape of the first push arrives late
    assertThat(catalog.put(GroupShapes.afterPush(null, first))).isFalse();
    assertThat(catalog.shape(A).getFamilies(0).getType()).isEqualTo(MetricType.GAUGE);
  }

  @Test
  void aLateShapeDoesNotBringBackAGroupDeletedHere() {
    PushRecord put = push(Method.PUT, A, family("m", MetricType.COUNTER, counter(1)));
    PushRecord delete = push(Method.DELETE, A);
    catalog.accepted(delete);

    assertThat(catalog.put(GroupShapes.afterPush(null, put))).isFalse();
    catalog.remove(A, delete.getReceivedAtUnixNanos(), true);
    // confirmed: a later push may create the group again
    assertThat(catalog.put(GroupShapes.afterPush(null, push(Method.PUT, A)))).isTrue();
  }

  @Test
  void aRaceIsSettledAgainstTheLargerGroupingKey() {
    // both pushes passed their check before either shape was known
    GroupShape b =
        GroupShapes.afterPush(null, push(Method.PUT, B, family("m", MetricType.GAUGE, gauge(1))));
    GroupShape a =
        GroupShapes.afterPush(
            null, push(Method.PUT, A, family("m", MetricType.COUNTER, counter(1))));
    catalog.put(b);
    catalog.put(a);

    List<FamilyCatalog.Conflict> fromA = catalog.conflictsOf(A);
    List<FamilyCatalog.Conflict> fromB = catalog.conflictsOf(B);
    List<FamilyCatalog.Conflict> all = catalog.allConflicts();

    Revocation gaugeM = Revocation.newBuilder().setName("m").setType(MetricType.GAUGE).build();
    for (List<FamilyCatalog.Conflict> found : List.of(fromA, fromB, all)) {
      assertThat(found).hasSize(1);
      assertThat(found.get(0).loser()).isEqualTo(B);
      assertThat(found.get(0).revoked()).containsExactly(gaugeM);
      assertThat(found.get(0).reason()).contains("{job=\"a\"}").contains("COUNTER");
    }
  }

  @Test
  void duplicateSeriesRaceRevokesTheLaterGroupsFamily() {
    GroupingKey withInstance = key("a", "instance", "i");
    catalog.put(
        GroupShapes.afterPush(
            null, push(Method.PUT, A, family("m", MetricType.GAUGE, gauge(1, "instance", "i")))));
    catalog.put(
        GroupShapes.afterPush(
            null, push(Method.PUT, withInstance, family("m", MetricType.GAUGE, gauge(2)))));

    List<FamilyCatalog.Conflict> found = catalog.allConflicts();

    // {instance="i",job="a"} sorts before {job="a"} ("instance" < "job"): the latter loses
    assertThat(found).hasSize(1);
    assertThat(found.get(0).loser()).isEqualTo(A);
  }

  @Test
  void noConflictsInAConsistentCatalog() {
    accept(
        Method.PUT,
        A,
        family("m", MetricType.GAUGE, gauge(1)),
        family("h", MetricType.HISTOGRAM, histogram(1, 1)));
    accept(
        Method.PUT,
        B,
        family("m", MetricType.GAUGE, gauge(1)),
        family("h", MetricType.HISTOGRAM, histogram(1, 1)));
    assertThat(catalog.allConflicts()).isEmpty();
  }
}
