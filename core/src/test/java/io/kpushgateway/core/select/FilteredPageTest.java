package io.kpushgateway.core.select;

import static io.kpushgateway.core.TestFamilies.counter;
import static io.kpushgateway.core.TestFamilies.family;
import static io.kpushgateway.core.TestFamilies.gauge;
import static io.kpushgateway.core.TestFamilies.group;
import static io.kpushgateway.core.TestFamilies.histogram;
import static io.kpushgateway.core.TestFamilies.key;
import static io.kpushgateway.core.TestFamilies.render;
import static io.kpushgateway.core.TestFamilies.summary;
import static io.kpushgateway.core.TestFamilies.untyped;
import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.core.merge.FamilyMerger;
import io.kpushgateway.core.merge.FamilyMerger.Naming;
import io.kpushgateway.core.merge.GroupFamilies;
import io.kpushgateway.core.merge.PageFilter;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.PushValidator;
import io.kpushgateway.proto.GroupRecord;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code /federate}'s page: merged with {@link SeriesFilter#filter}, which leaves unparsed the
 * families and groups no selector can keep anything of, it is exactly the whole page filtered.
 */
class FilteredPageTest {

  private static final String[] NAMES = {"g", "g_count", "h", "h_bucket", "s", "c_total", "u"};
  private static final MetricType[] TYPES = {
    MetricType.GAUGE,
    MetricType.COUNTER,
    MetricType.UNTYPED,
    MetricType.SUMMARY,
    MetricType.HISTOGRAM,
    MetricType.GAUGE_HISTOGRAM
  };
  private static final String[] SELECTORS = {
    "g",
    "h_bucket",
    "h_count{job=\"a\"}",
    "s_sum",
    "{job=\"a\"}",
    "{job!=\"b\"}",
    "{job=~\"a|c\"}",
    "{x=\"1\"}",
    "{x=\"\"}",
    "{x!=\"2\",job=\"b\"}",
    "{k=\"v\"}",
    "{le=\"1\"}",
    "h_bucket{le=\"+Inf\",job=\"c\"}",
    "{quantile=\"0.5\"}",
    "{__name__=~\"g.*\",job=\"c\"}",
    "{__name__=~\"push_.*\",job=\"a\"}",
    "{instance=\"\"}",
    "{instance=\"i\",job=~\"b|c\"}",
    "c_total{job=\"own\"}",
    "{__name__=~\".+_gcount\"}",
    "nothing_here"
  };

  @Test
  void aFilteredPageIsTheWholePageFiltered() throws Exception {
    Random random = new Random(14);
    for (int round = 0; round < 3000; round++) {
      List<GroupRecord> groups = randomGroups(random);
      List<MetricFamily> own =
          random.nextBoolean()
              ? List.of(family("c_total", "Own.", MetricType.COUNTER, counter(1, "job", "own")))
              : List.of();
      List<SeriesSelector> selectors = new ArrayList<>();
      for (int s = random.nextInt(4); s >= 0; s--) {
        selectors.add(SeriesSelector.parse(SELECTORS[random.nextInt(SELECTORS.length)]));
      }
      for (Naming naming : Naming.values()) {
        List<MetricFamily> expected =
            SeriesFilter.keep(FamilyMerger.merge(own, groups, naming), selectors);
        List<MetricFamily> filtered = new ArrayList<>();
        FamilyMerger.page(own, stored(groups), naming, SeriesFilter.filter(selectors))
            .forEach(filtered::add);
        assertThat(render(filtered))
            .as("round %d, %s, %s", round, naming, selectors)
            .isEqualTo(render(expected));
      }
    }
  }

  @Test
  void ratesFamiliesByTheirSampleNamesAndGroupsByTheirGroupingLabels() throws Exception {
    PageFilter filter =
        SeriesFilter.filter(
            List.of(
                SeriesSelector.parse("h_count{job=\"a\"}"),
                SeriesSelector.parse("{x=\"1\",le=\"1\"}")));
    assertThat(filter.family("h", MetricType.HISTOGRAM)).isEqualTo(0b11);
    assertThat(filter.family("h", MetricType.GAUGE)).as("no _count").isEqualTo(0b10);
    assertThat(filter.family("g", MetricType.GAUGE)).isEqualTo(0b10);
    assertThat(filter.group(header(key("a")))).as("x and le may be series labels").isEqualTo(0b11);
    assertThat(filter.group(header(key("a", "x", "2")))).isEqualTo(0b01);
    assertThat(filter.group(header(key("b", "x", "1", "le", "5"))))
        .as("le is the sample's")
        .isEqualTo(0b10);
    assertThat(filter.group(header(key("b", "x", "2")))).isZero();
    assertThat(SeriesFilter.filter(List.of()).family("h", MetricType.HISTOGRAM)).isZero();
  }

  private static GroupRecord header(GroupingKey key) {
    return group(key, 0);
  }

  /** Groups as ingest stores them: each series carries the grouping labels. */
  private static List<GroupRecord> randomGroups(Random random) {
    String[] jobs = {"a", "b", "c"};
    List<GroupingKey> keys = new ArrayList<>();
    for (String job : jobs) {
      keys.add(key(job));
      keys.add(key(job, "x", "1"));
      keys.add(key(job, "x", "2", "instance", "i"));
      keys.add(key(job, "le", "1"));
    }
    List<GroupRecord> groups = new ArrayList<>();
    for (GroupingKey key : keys) {
      if (random.nextInt(3) == 0) {
        continue;
      }
      PushValidator.Sanitizer sanitizer = PushValidator.sanitizer(key);
      List<MetricFamily> families = new ArrayList<>();
      for (String name : NAMES) {
        if (random.nextInt(3) == 0) {
          MetricType type = TYPES[random.nextInt(TYPES.length)];
          List<Metric> series = new ArrayList<>();
          for (String k : random.nextBoolean() ? List.of("v") : List.of("v", "w")) {
            series.add(
                series(type, random.nextInt(5), "k", k, "x", random.nextBoolean() ? "1" : "3"));
          }
          families.add(
              sanitizer.family(
                  family(name, "Help of " + name, type, series.toArray(Metric[]::new))));
        }
      }
      groups.add(group(key, 1_000_000_000L * groups.size(), families.toArray(MetricFamily[]::new)));
    }
    groups.sort(
        (p, q) ->
            GroupingKey.fromLabelPairs(p.getGroupingList())
                .compareTo(GroupingKey.fromLabelPairs(q.getGroupingList())));
    return groups;
  }

  private static Metric series(MetricType type, int value, String... labels) {
    return switch (type) {
      case COUNTER -> counter(value, labels);
      case UNTYPED -> untyped(value, labels);
      case SUMMARY -> summary(value + 1, value, labels);
      case HISTOGRAM, GAUGE_HISTOGRAM -> histogram(value + 1, value, labels);
      default -> gauge(value, labels);
    };
  }

  private static List<GroupFamilies> stored(List<GroupRecord> groups) {
    List<GroupFamilies> stored = new ArrayList<>();
    for (GroupRecord group : groups) {
      stored.add(GroupFamilies.of(group.toByteArray()));
    }
    return stored;
  }
}
