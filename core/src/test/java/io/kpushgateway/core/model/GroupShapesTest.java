package io.kpushgateway.core.model;

import static io.kpushgateway.core.TestFamilies.family;
import static io.kpushgateway.core.TestFamilies.counter;
import static io.kpushgateway.core.TestFamilies.gauge;
import static io.kpushgateway.core.TestFamilies.group;
import static io.kpushgateway.core.TestFamilies.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import org.junit.jupiter.api.Test;

class GroupShapesTest {

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
    MetricFamily family =
        family("m", MetricType.GAUGE, gauge(1, "x", "1"), gauge(2), gauge(3, "x", "größe"));
    long[] ids = GroupShapes.seriesIds(family);
    for (int i = 0; i < ids.length; i++) {
      assertThat(ids[i]).isEqualTo(GroupShapes.seriesId("m", family.getMetric(i)));
    }
  }

  @Test
  void groupsHaveTheSameFamiliesWhenNamesTypesAndLabelSetsAgree() {
    GroupingKey k = key("a");
    MetricFamily m = family("m", MetricType.GAUGE, gauge(1, "x", "1"), gauge(2, "x", "2"));
    MetricFamily newValues = family("m", MetricType.GAUGE, gauge(5, "x", "1"), gauge(6, "x", "2"));
    assertThat(GroupShapes.sameFamilies(group(k, 1, m), group(k, 2, newValues))).isTrue();
    assertThat(
            GroupShapes.sameFamilies(
                group(k, 1, m), group(k, 1, family("m", MetricType.GAUGE, gauge(1, "x", "1")))))
        .isFalse();
    assertThat(
            GroupShapes.sameFamilies(
                group(k, 1, m),
                group(k, 1, family("m", MetricType.GAUGE, gauge(1, "x", "1"), gauge(2, "y", "2")))))
        .isFalse();
    assertThat(
            GroupShapes.sameFamilies(
                group(k, 1, m),
                group(
                    k,
                    1,
                    family("m", MetricType.COUNTER, counter(1, "x", "1"), counter(2, "x", "2")))))
        .isFalse();
    assertThat(
            GroupShapes.sameFamilies(
                group(k, 1, m), group(k, 1, m, family("n", MetricType.GAUGE, gauge(1)))))
        .isFalse();
  }
}
