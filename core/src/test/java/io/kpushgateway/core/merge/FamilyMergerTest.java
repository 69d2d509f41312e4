package io.kpushgateway.core.merge;

import static io.kpushgateway.core.TestFamilies.counter;
import static io.kpushgateway.core.TestFamilies.family;
import static io.kpushgateway.core.TestFamilies.gauge;
import static io.kpushgateway.core.TestFamilies.group;
import static io.kpushgateway.core.TestFamilies.histogram;
import static io.kpushgateway.core.TestFamilies.key;
import static io.kpushgateway.core.TestFamilies.render;
import static io.kpushgateway.core.TestFamilies.summary;
import static io.kpushgateway.core.TestFamilies.untyped;
import static io.prometheus.client.Metrics.MetricType.COUNTER;
import static io.prometheus.client.Metrics.MetricType.GAUGE;
import static io.prometheus.client.Metrics.MetricType.GAUGE_HISTOGRAM;
import static io.prometheus.client.Metrics.MetricType.HISTOGRAM;
import static io.prometheus.client.Metrics.MetricType.SUMMARY;
import static io.prometheus.client.Metrics.MetricType.UNTYPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.kpushgateway.core.format.TextParser;
import io.kpushgateway.core.format.TextWriter;
import io.kpushgateway.core.merge.FamilyMerger.Naming;
import io.kpushgateway.core.model.GroupState;
import io.kpushgateway.proto.GroupRecord;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FamilyMergerTest {

  /** Group fixtures; their series carry the labels sanitation would have given them. */
  private static final GroupRecord A =
      group(
          key("a"),
          1_000_000_000L,
          family("m", "help from a", COUNTER, counter(1, "instance", "", "job", "a")),
          family("only_a", GAUGE, gauge(1, "instance", "", "job", "a")));

  private static final GroupRecord B =
      group(
          key("b"),
          2_000_000_000L,
          family("m", "help from b", COUNTER, counter(2, "instance", "", "job", "b")));

  private static final GroupRecord B_GAUGE =
      group(
          key("b"),
          2_000_000_000L,
          family("m", "gauge help", GAUGE, gauge(2, "instance", "", "job", "b")));

  /** Each scenario: own families, groups in key order, and the names to render (meta left out). */
  static Stream<Arguments> merges() {
    return Stream.of(
        arguments(
            "same-named families of several groups become one, first help wins",
            List.of(),
            List.of(A, B),
            """
            # m COUNTER help from a
            m{instance="",job="a"} counter=1.0
            m{instance="",job="b"} counter=2.0
            # only_a GAUGE
            only_a{instance="",job="a"} gauge=1.0
            """),
        arguments(
            "the group order given decides the help, not the key",
            List.of(),
            List.of(B, A),
            """
            # m COUNTER help from b
            m{instance="",job="a"} counter=1.0
            m{instance="",job="b"} counter=2.0
            # only_a GAUGE
            only_a{instance="",job="a"} gauge=1.0
            """),
        arguments(
            "a later group's family of another type is dropped",
            List.of(),
            List.of(A, B_GAUGE),
            """
            # m COUNTER help from a
            m{instance="",job="a"} counter=1.0
            # only_a GAUGE
            only_a{instance="",job="a"} gauge=1.0
            """),
        arguments(
            "own help and type win; same-typed pushed series join, others are dropped",
            List.of(
                family("m", "own help", GAUGE, gauge(9)),
                family("go_goroutines", "own", GAUGE, gauge(7))),
            List.of(
                A,
                B_GAUGE,
                group(
                    key("c"),
                    0,
                    family(
                        "go_goroutines", "pushed", GAUGE, gauge(3, "instance", "", "job", "c")))),
            """
            # go_goroutines GAUGE own
            go_goroutines gauge=7.0
            go_goroutines{instance="",job="c"} gauge=3.0
            # m GAUGE own help
            m gauge=9.0
            m{instance="",job="b"} gauge=2.0
            # only_a GAUGE
            only_a{instance="",job="a"} gauge=1.0
            """),
        arguments(
            "names sorted byte-wise across own and pushed",
            List.of(family("b", GAUGE, gauge(1)), family("_x", GAUGE, gauge(1))),
            List.of(
                group(
                    key("a"),
                    0,
                    family("B", GAUGE, gauge(1, "instance", "", "job", "a")),
                    family("a:b", GAUGE, gauge(1, "instance", "", "job", "a")),
                    family("a_b", GAUGE, gauge(1, "instance", "", "job", "a")))),
            """
            # B GAUGE
            B{instance="",job="a"} gauge=1.0
            # _x GAUGE
            _x gauge=1.0
            # a:b GAUGE
            a:b{instance="",job="a"} gauge=1.0
            # a_b GAUGE
            a_b{instance="",job="a"} gauge=1.0
            # b GAUGE
            b gauge=1.0
            """),
        arguments(
            "series by label count, then values by position, names ignored",
            List.of(),
            List.of(
                group(
                    key("e2", "foo", ""),
                    0,
                    family("em", UNTYPED, untyped(2, "foo", "", "instance", "", "job", "e2"))),
                group(key("e1"), 0, family("em", UNTYPED, untyped(1, "instance", "", "job", "e1"))),
                group(
                    key("e1", "x", ""),
                    0,
                    family("em", UNTYPED, untyped(3, "instance", "", "job", "e1", "x", "")))),
            """
            # em UNTYPED
            em{instance="",job="e1"} untyped=1.0
            em{foo="",instance="",job="e2"} untyped=2.0
            em{instance="",job="e1",x=""} untyped=3.0
            """),
        arguments(
            "values compare as UTF-8, not UTF-16",
            List.of(),
            List.of(
                group(
                    key("a"),
                    0,
                    family("u", GAUGE, gauge(1, "instance", "\uD83D\uDE00", "job", "a"))),
                group(key("b"), 0, family("u", GAUGE, gauge(2, "instance", "\uFFFD", "job", "b")))),
            """
            # u GAUGE
            u{instance="\uFFFD",job="b"} gauge=2.0
            u{instance="\uD83D\uDE00",job="a"} gauge=1.0
            """),
        arguments(
            "the same series from two groups is kept once, from the first group",
            List.of(),
            List.of(
                group(key("a"), 0, family("d", GAUGE, gauge(1, "instance", "i", "job", "a"))),
                group(
                    key("a", "instance", "i"),
                    0,
                    family("d", GAUGE, gauge(2, "instance", "i", "job", "a")))),
            """
            # d GAUGE
            d{instance="i",job="a"} gauge=1.0
            """),
        arguments(
            "equal values under other names are not duplicates and keep group order",
            List.of(),
            List.of(
                group(key("a"), 0, family("n", GAUGE, gauge(1, "p", "1"))),
                group(key("b"), 0, family("n", GAUGE, gauge(2, "q", "1"))),
                group(key("c"), 0, family("n", GAUGE, gauge(3, "p", "1")))),
            """
            # n GAUGE
            n{p="1"} gauge=1.0
            n{q="1"} gauge=2.0
            """),
        arguments(
            "a lone unsorted family is sorted",
            List.of(family("o", GAUGE, gauge(2, "x", "2"), gauge(1, "x", "1"), gauge(0))),
            List.of(),
            """
            # o GAUGE
            o gauge=0.0
            o{x="1"} gauge=1.0
            o{x="2"} gauge=2.0
            """),
        arguments(
            "a later histogram X_count loses to an earlier X, and vice versa",
            List.of(),
            List.of(
                group(
                    key("a"),
                    0,
                    family("h", HISTOGRAM, histogram(1, 1, "instance", "", "job", "a")),
                    family("s_sum", GAUGE, gauge(1, "instance", "", "job", "a"))),
                group(
                    key("b"),
                    0,
                    family("h_count", GAUGE, gauge(2, "instance", "", "job", "b")),
                    family("s", SUMMARY, summary(1, 1, "instance", "", "job", "b")))),
            """
            # h HISTOGRAM
            h{instance="",job="a"} histogram=1/1.0
            # s_sum GAUGE
            s_sum{instance="",job="a"} gauge=1.0
            """),
        arguments(
            "own families beat pushed suffix collisions",
            List.of(family("http_count", COUNTER, counter(1))),
            List.of(
                group(
                    key("a"),
                    0,
                    family("http", SUMMARY, summary(1, 1, "instance", "", "job", "a")))),
            """
            # http_count COUNTER
            http_count counter=1.0
            """),
        arguments(
            "families without series neither appear nor fix a header",
            List.of(family("m", "empty own", GAUGE)),
            List.of(A),
            """
            # m COUNTER help from a
            m{instance="",job="a"} counter=1.0
            # only_a GAUGE
            only_a{instance="",job="a"} gauge=1.0
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("merges")
  void merges(String scenario, List<MetricFamily> own, List<GroupRecord> groups, String expected) {
    List<MetricFamily> merged = FamilyMerger.merge(own, groups);
    assertThat(fromBytes(own, groups, Naming.PROMETHEUS)).isEqualTo(merged);
    List<MetricFamily> withoutMeta =
        merged.stream()
            .filter(f -> !f.getName().equals(GroupState.PUSH_TIME))
            .filter(f -> !f.getName().equals(GroupState.PUSH_FAILURE_TIME))
            .collect(Collectors.toList());
    assertThat(render(withoutMeta)).isEqualTo(expected);
  }

  /** The page merged from the groups' bytes, as a scrape of the store merges it. */
  private static List<MetricFamily> fromBytes(
      List<MetricFamily> own, List<GroupRecord> groups, Naming naming) {
    List<GroupFamilies> stored =
        groups.stream().map(g -> GroupFamilies.of(g.toByteArray())).toList();
    List<MetricFamily> page = new ArrayList<>();
    FamilyMerger.page(own, stored, naming).forEach(page::add);
    return page;
  }

  /** A one-series family of group {@code job}, with the labels sanitation gives it. */
  private static MetricFamily pushed(String name, MetricType type, String job) {
    String[] labels = {"instance", "", "job", job};
    Metric series =
        switch (type) {
          case COUNTER -> counter(1, labels);
          case GAUGE -> gauge(1, labels);
          case UNTYPED -> untyped(1, labels);
          case SUMMARY -> summary(1, 1, labels);
          case HISTOGRAM, GAUGE_HISTOGRAM -> histogram(1, 1, labels);
          default -> throw new IllegalArgumentException(type.toString());
        };
    return family(name, type, series);
  }

  /** Groups a, b, c, ... in key order, each holding the families given for it. */
  private static List<GroupRecord> groups(List<List<Object>> perGroup) {
    List<GroupRecord> groups = new ArrayList<>();
    char job = 'a';
    for (List<Object> spec : perGroup) {
      List<MetricFamily> families = new ArrayList<>();
      for (int i = 0; i < spec.size(); i += 2) {
        families.add(pushed((String) spec.get(i), (MetricType) spec.get(i + 1), "" + job));
      }
      families.sort((x, y) -> x.getName().compareTo(y.getName())); // stored sorted by name
      groups.add(group(key("" + job), 0, families.toArray(MetricFamily[]::new)));
      job++;
    }
    return groups;
  }

  /**
   * Each scenario: the naming, own families, the families of groups a, b, ... (name, type pairs)
   * and the names that stay (meta gauges left out). Earlier wins: own, then group order, then a
   * group's families by name.
   */
  static Stream<Arguments> nameClashes() {
    return Stream.of(
        arguments(
            "histogram X, later gauge X_count: the gauge goes",
            Naming.PROMETHEUS,
            List.of(),
            List.of(List.of("x", HISTOGRAM), List.of("x_count", GAUGE)),
            List.of("x")),
        arguments(
            "gauge X_bucket, later histogram X: the histogram goes",
            Naming.PROMETHEUS,
            List.of(),
            List.of(List.of("x_bucket", GAUGE), List.of("x", HISTOGRAM)),
            List.of("x_bucket")),
        arguments(
            "untyped X_sum, later summary X: the summary goes",
            Naming.PROMETHEUS,
            List.of(),
            List.of(List.of("x_sum", UNTYPED), List.of("x", SUMMARY)),
            List.of("x_sum")),
        arguments(
            "a summary has no _bucket: summary X and gauge X_bucket both stay",
            Naming.PROMETHEUS,
            List.of(),
            List.of(List.of("x", SUMMARY), List.of("x_bucket", GAUGE)),
            List.of("x", "x_bucket")),
        arguments(
            "histogram X, later histogram X_count: the parser would file X_count under X",
            Naming.PROMETHEUS,
            List.of(),
            List.of(List.of("x", HISTOGRAM), List.of("x_count", HISTOGRAM)),
            List.of("x")),
        arguments(
            "gauge histogram X is a histogram in text: later gauge X_bucket goes",
            Naming.PROMETHEUS,
            List.of(),
            List.of(List.of("x", GAUGE_HISTOGRAM), List.of("x_bucket", GAUGE)),
            List.of("x")),
        arguments(
            "within one group the family first by name wins",
            Naming.PROMETHEUS,
            List.of(),
            List.of(List.of("x_count", GAUGE, "x", HISTOGRAM)),
            List.of("x")),
        arguments(
            "own families win over every group",
            Naming.PROMETHEUS,
            List.of(family("rpc_sum", GAUGE, gauge(1))),
            List.of(List.of("rpc", SUMMARY)),
            List.of("rpc_sum")),
        arguments(
            "a dropped family claims nothing: X loses to X_count, so X_sum stays",
            Naming.PROMETHEUS,
            List.of(),
            List.of(List.of("x_count", GAUGE), List.of("x", HISTOGRAM, "x_sum", GAUGE)),
            List.of("x_count", "x_sum")),
        arguments(
            "the winning type decides: gauge X fixed first, so X_count is no clash",
            Naming.PROMETHEUS,
            List.of(),
            List.of(List.of("x", GAUGE), List.of("x", HISTOGRAM, "x_count", GAUGE)),
            List.of("x", "x_count")),
        arguments(
            "counter X_total and gauge X are different series in text",
            Naming.PROMETHEUS,
            List.of(),
            List.of(List.of("x_total", COUNTER), List.of("x", GAUGE)),
            List.of("x", "x_total")),
        arguments(
            "OpenMetrics: counter X_total is the family X, so a later gauge X goes",
            Naming.OPENMETRICS,
            List.of(),
            List.of(List.of("x_total", COUNTER), List.of("x", GAUGE)),
            List.of("x_total")),
        arguments(
            "OpenMetrics: gauge X first, so a later counter X_total goes",
            Naming.OPENMETRICS,
            List.of(),
            List.of(List.of("x", GAUGE), List.of("x_total", COUNTER)),
            List.of("x")),
        arguments(
            "OpenMetrics: counter X (written unknown) and counter X_total share the family X",
            Naming.OPENMETRICS,
            List.of(),
            List.of(List.of("x", COUNTER), List.of("x_total", COUNTER)),
            List.of("x")),
        arguments(
            "OpenMetrics: X_created of a counter, summary or histogram",
            Naming.OPENMETRICS,
            List.of(),
            List.of(
                List.of("c_total", COUNTER, "h", HISTOGRAM, "s", SUMMARY),
                List.of("c_created", GAUGE, "h_created", GAUGE, "s_created", UNTYPED)),
            List.of("c_total", "h", "s")),
        arguments(
            "OpenMetrics: gauge histogram X writes X_gcount and X_gsum",
            Naming.OPENMETRICS,
            List.of(),
            List.of(List.of("q", GAUGE_HISTOGRAM), List.of("q_gcount", GAUGE, "q_gsum", GAUGE)),
            List.of("q")),
        arguments(
            "text keeps what OpenMetrics would drop",
            Naming.PROMETHEUS,
            List.of(),
            List.of(
                List.of("q", GAUGE_HISTOGRAM, "c_total", COUNTER),
                List.of("q_gsum", GAUGE, "c_created", GAUGE)),
            List.of("c_created", "c_total", "q", "q_gsum")),
        arguments(
            "OpenMetrics drops what text drops",
            Naming.OPENMETRICS,
            List.of(),
            List.of(List.of("x", HISTOGRAM), List.of("x_count", GAUGE)),
            List.of("x")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void nameClashes(
      String scenario,
      Naming naming,
      List<MetricFamily> own,
      List<List<Object>> perGroup,
      List<String> kept)
      throws IOException {
    List<MetricFamily> merged = FamilyMerger.merge(own, groups(perGroup), naming);
    assertThat(fromBytes(own, groups(perGroup), naming)).isEqualTo(merged);
    assertThat(merged.stream().map(MetricFamily::getName))
        .filteredOn(n -> !n.equals(GroupState.PUSH_TIME) && !n.equals(GroupState.PUSH_FAILURE_TIME))
        .containsExactlyElementsOf(kept);
    if (naming == Naming.PROMETHEUS) {
      // the page parses with expfmt's rules (TextParser mirrors them): no second TYPE for a name
      ByteArrayOutputStream page = new ByteArrayOutputStream();
      TextWriter.write(page, merged);
      TextParser.parse(new ByteArrayInputStream(page.toByteArray()));
    }
  }

  @Test
  void everyGroupContributesItsTimestampGauges() {
    GroupRecord failed =
        group(key("c", "x", "1"), 0).toBuilder()
            .setPushFailureTimeUnixNanos(3_000_000_000L)
            .build();
    List<MetricFamily> merged = FamilyMerger.merge(List.of(), List.of(A, B, failed));
    assertThat(render(merged))
        .isEqualTo(
            """
            # m COUNTER help from a
            m{instance="",job="a"} counter=1.0
            m{instance="",job="b"} counter=2.0
            # only_a GAUGE
            only_a{instance="",job="a"} gauge=1.0
            # push_failure_time_seconds GAUGE Last Unix time when changing this group in the Pushgateway failed.
            push_failure_time_seconds{instance="",job="a"} gauge=0.0
            push_failure_time_seconds{instance="",job="b"} gauge=0.0
            push_failure_time_seconds{instance="",job="c",x="1"} gauge=3.0
            # push_time_seconds GAUGE Last Unix time when changing this group in the Pushgateway succeeded.
            push_time_seconds{instance="",job="a"} gauge=1.0
            push_time_seconds{instance="",job="b"} gauge=2.0
            push_time_seconds{instance="",job="c",x="1"} gauge=0.0
            """);
  }

  @Test
  void aLoneFamilyInOrderIsNotCopied() {
    MetricFamily own = family("o", GAUGE, gauge(0), gauge(1, "x", "1"));
    assertThat(FamilyMerger.merge(List.of(own), List.of())).singleElement().isSameAs(own);
  }

  @Test
  void nothingToMerge() {
    assertThat(FamilyMerger.merge(List.of(), List.of())).isEmpty();
  }
}
