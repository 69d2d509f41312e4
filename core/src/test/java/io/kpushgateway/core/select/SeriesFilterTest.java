package io.kpushgateway.core.select;

import static io.kpushgateway.core.TestFamilies.counter;
import static io.kpushgateway.core.TestFamilies.family;
import static io.kpushgateway.core.TestFamilies.gauge;
import static io.kpushgateway.core.TestFamilies.histogram;
import static io.kpushgateway.core.TestFamilies.labels;
import static io.kpushgateway.core.TestFamilies.render;
import static io.kpushgateway.core.TestFamilies.summary;
import static io.kpushgateway.core.TestFamilies.untyped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.prometheus.client.Metrics.Bucket;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SeriesFilterTest {

  /** A merged page: sorted by name, one family of each type. */
  private static final List<MetricFamily> PAGE =
      List.of(
          family("c_total", "Requests.", MetricType.COUNTER, counter(1, "job", "a")),
          family(
              "g",
              "Temperature.",
              MetricType.GAUGE,
              gauge(1, "job", "a"),
              gauge(2, "job", "b"),
              gauge(3, "job", "c")),
          family("gh", MetricType.GAUGE_HISTOGRAM, histogram(2, 3, "job", "a")),
          family(
              "h",
              "Latency.",
              MetricType.HISTOGRAM,
              histogram(4, 2, "job", "a"),
              withInfBucket(histogram(5, 1, "job", "b"))),
          family("s", MetricType.SUMMARY, summary(2, 4, "job", "b")),
          family("u", MetricType.UNTYPED, untyped(7, "job", "a")));

  static Stream<Arguments> selections() {
    return Stream.of(
        arguments("one series", List.of("g{job=\"b\"}"), List.of("g{job=\"b\"}")),
        arguments(
            "a whole family",
            List.of("g"),
            List.of("g{job=\"a\"}", "g{job=\"b\"}", "g{job=\"c\"}")),
        arguments("nothing", List.of("does_not_match_anything"), List.of()),
        arguments(
            "a label across families",
            List.of("{job=\"b\"}"),
            List.of("g{job=\"b\"}", "h{job=\"b\"}", "s{job=\"b\"}")),
        arguments(
            "the union of selectors, each series once",
            List.of("g{job=\"a\"}", "{job=\"a\"}", "g{job=~\"a|c\"}"),
            List.of(
                "c_total{job=\"a\"}",
                "g{job=\"a\"}",
                "g{job=\"c\"}",
                "gh{job=\"a\"}",
                "h{job=\"a\"}",
                "u{job=\"a\"}")),
        arguments(
            "name regex",
            List.of("{__name__=~\"c_.*|u\"}"),
            List.of("c_total{job=\"a\"}", "u{job=\"a\"}")),
        arguments("a counter by its whole name", List.of("c_total"), List.of("c_total{job=\"a\"}")),
        arguments("no _total trimming", List.of("c"), List.of()),
        arguments(
            "histogram _count keeps it whole",
            List.of("h_count"),
            List.of("h{job=\"a\"}", "h{job=\"b\"}")),
        arguments(
            "histogram _sum with a label", List.of("h_sum{job=\"a\"}"), List.of("h{job=\"a\"}")),
        arguments(
            "histogram bucket by le",
            List.of("h_bucket{le=\"1\"}"),
            List.of("h{job=\"a\"}", "h{job=\"b\"}")),
        arguments("le as Go prints it", List.of("h_bucket{le=\"1.0\"}"), List.of()),
        arguments(
            "the +Inf bucket the writers add",
            List.of("{__name__=\"h_bucket\",le=\"+Inf\",job=\"a\"}"),
            List.of("h{job=\"a\"}")),
        arguments(
            "a stored +Inf bucket",
            List.of("h_bucket{le=\"+Inf\",job=\"b\"}"),
            List.of("h{job=\"b\"}")),
        arguments("le only on buckets", List.of("h_count{le=\"1\"}"), List.of()),
        arguments("gauge histogram _gcount", List.of("gh_gcount"), List.of("gh{job=\"a\"}")),
        arguments("gauge histogram _count too", List.of("gh_count"), List.of("gh{job=\"a\"}")),
        arguments("no _gsum for a histogram", List.of("h_gsum"), List.of()),
        arguments("no _bucket for a summary", List.of("s_bucket"), List.of()),
        arguments("summary quantile", List.of("s{quantile=\"0.5\"}"), List.of("s{job=\"b\"}")),
        arguments("summary quantile elsewhere", List.of("s{quantile=\"0.9\"}"), List.of()),
        arguments("summary _count", List.of("s_count{job=\"b\"}"), List.of("s{job=\"b\"}")),
        arguments("suffixes only for their types", List.of("g_count"), List.of()),
        arguments(
            "empty label matches a missing one",
            List.of("g{job!=\"a\",x=\"\"}"),
            List.of("g{job=\"b\"}", "g{job=\"c\"}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("selections")
  void keepsTheMatchingSeries(String scenario, List<String> selectors, List<String> series)
      throws Exception {
    List<SeriesSelector> parsed = new ArrayList<>();
    for (String s : selectors) {
      parsed.add(SeriesSelector.parse(s));
    }
    assertThat(seriesOf(SeriesFilter.keep(PAGE, parsed))).isEqualTo(series);
  }

  @Test
  void familiesKeepHelpTypeAndOrderAndLoseOnlyTheirOtherSeries() throws Exception {
    List<MetricFamily> kept =
        SeriesFilter.keep(PAGE, List.of(SeriesSelector.parse("{job=~\"a|c\"}")));
    assertThat(render(kept))
        .isEqualTo(
            """
            # c_total COUNTER Requests.
            c_total{job="a"} counter=1.0
            # g GAUGE Temperature.
            g{job="a"} gauge=1.0
            g{job="c"} gauge=3.0
            # gh GAUGE_HISTOGRAM
            gh{job="a"} histogram=2/3.0
            # h HISTOGRAM Latency.
            h{job="a"} histogram=4/2.0
            # u UNTYPED
            u{job="a"} untyped=7.0
            """);
    // kept whole: the same family, not a copy; histograms keep every bucket
    assertThat(kept.get(0)).isSameAs(PAGE.get(0));
    assertThat(kept.get(3).getMetric(0)).isEqualTo(PAGE.get(3).getMetric(0));
  }

  @Test
  void noSelectorKeepsNothing() {
    assertThat(SeriesFilter.keep(PAGE, List.of())).isEmpty();
  }

  /** {@code name{labels}} per kept series, in page order. */
  private static List<String> seriesOf(List<MetricFamily> families) {
    List<String> series = new ArrayList<>();
    for (MetricFamily family : families) {
      assertThat(family.getMetricList()).as(family.getName()).isNotEmpty();
      for (Metric metric : family.getMetricList()) {
        series.add(family.getName() + labels(metric.getLabelList()));
      }
    }
    return series;
  }

  private static Metric withInfBucket(Metric histogram) {
    return histogram.toBuilder()
        .setHistogram(
            histogram.getHistogram().toBuilder()
                .addBucket(
                    Bucket.newBuilder()
                        .setUpperBound(Double.POSITIVE_INFINITY)
                        .setCumulativeCount(histogram.getHistogram().getSampleCount())))
        .build();
  }
}
