package io.kpushgateway.core.validate;

import static io.kpushgateway.core.TestFamilies.counter;
import static io.kpushgateway.core.TestFamilies.family;
import static io.kpushgateway.core.TestFamilies.gauge;
import static io.kpushgateway.core.TestFamilies.histogram;
import static io.kpushgateway.core.TestFamilies.key;
import static io.kpushgateway.core.TestFamilies.render;
import static io.kpushgateway.core.TestFamilies.summary;
import static io.kpushgateway.core.TestFamilies.untyped;
import static io.kpushgateway.core.TestFamilies.withTimestamp;
import static io.prometheus.client.Metrics.MetricType.COUNTER;
import static io.prometheus.client.Metrics.MetricType.GAUGE;
import static io.prometheus.client.Metrics.MetricType.GAUGE_HISTOGRAM;
import static io.prometheus.client.Metrics.MetricType.HISTOGRAM;
import static io.prometheus.client.Metrics.MetricType.SUMMARY;
import static io.prometheus.client.Metrics.MetricType.UNTYPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.google.protobuf.ByteString;
import io.kpushgateway.core.model.GroupingKey;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PushValidatorTest {

  private static final GroupingKey JOB_A = key("a");
  private static final GroupingKey JOB_A_ZONE = key("a", "zone", "url");
  private static final GroupingKey JOB_A_INSTANCE = key("a", "instance", "i1");

  static Stream<Arguments> validPushes() {
    return Stream.of(
        arguments(
            "adds job and instance=\"\"",
            JOB_A,
            List.of(family("m", UNTYPED, untyped(1))),
            """
            # m UNTYPED
            m{instance="",job="a"} untyped=1.0
            """),
        arguments(
            "grouping labels overwrite body labels, other body labels stay",
            JOB_A_ZONE,
            List.of(family("m", GAUGE, gauge(1, "zone", "body", "k", "v", "job", "other"))),
            """
            # m GAUGE
            m{instance="",job="a",k="v",zone="url"} gauge=1.0
            """),
        arguments(
            "labels already sorted: grouping labels merged in, the body's overwritten",
            JOB_A_ZONE,
            List.of(family("m", GAUGE, gauge(1, "a", "0", "job", "other", "x", "1", "zone", "b"))),
            """
            # m GAUGE
            m{a="0",instance="",job="a",x="1",zone="url"} gauge=1.0
            """),
        arguments(
            "labels already sorted, with a body instance and one after the grouping labels",
            JOB_A,
            List.of(family("m", GAUGE, gauge(1, "instance", "i9", "zz", "1"))),
            """
            # m GAUGE
            m{instance="i9",job="a",zz="1"} gauge=1.0
            """),
        arguments(
            "labels already sorted, the key's instance overwrites the body's",
            JOB_A_INSTANCE,
            List.of(family("m", GAUGE, gauge(1, "a", "1", "instance", "body"))),
            """
            # m GAUGE
            m{a="1",instance="i1",job="a"} gauge=1.0
            """),
        arguments(
            "a body instance stays when the key has none",
            JOB_A,
            List.of(family("m", GAUGE, gauge(1, "instance", "i9"), gauge(2))),
            """
            # m GAUGE
            m{instance="",job="a"} gauge=2.0
            m{instance="i9",job="a"} gauge=1.0
            """),
        arguments(
            "a grouping instance overwrites the body's",
            JOB_A_INSTANCE,
            List.of(family("m", GAUGE, gauge(1, "instance", "body"))),
            """
            # m GAUGE
            m{instance="i1",job="a"} gauge=1.0
            """),
        arguments(
            "families sorted by name, series in exposition order",
            JOB_A,
            List.of(
                family(
                    "b",
                    COUNTER,
                    counter(2, "x", "2"),
                    counter(3, "a", "0", "x", "1"),
                    counter(1, "x", "1")),
                family("a_total", "help", COUNTER, counter(1)),
                family("A", GAUGE, gauge(1))),
            """
            # A GAUGE
            A{instance="",job="a"} gauge=1.0
            # a_total COUNTER help
            a_total{instance="",job="a"} counter=1.0
            # b COUNTER
            b{instance="",job="a",x="1"} counter=1.0
            b{instance="",job="a",x="2"} counter=2.0
            b{a="0",instance="",job="a",x="1"} counter=3.0
            """),
        arguments(
            "repeated family name: the last wins",
            JOB_A,
            List.of(family("m", GAUGE, gauge(1)), family("m", COUNTER, counter(2))),
            """
            # m COUNTER
            m{instance="",job="a"} counter=2.0
            """),
        arguments(
            "repeated family name: an empty last one wins as a bare header (a POST removes m)",
            JOB_A,
            List.of(family("m", GAUGE, gauge(1)), family("m", GAUGE)),
            """
            # m GAUGE
            """),
        arguments(
            "the gateway's own timestamp families are dropped",
            JOB_A,
            List.of(
                family("push_time_seconds", GAUGE, gauge(5)),
                family("push_failure_time_seconds", GAUGE, gauge(6)),
                family("push_time_seconds_total", COUNTER, counter(7))),
            """
            # push_time_seconds_total COUNTER
            push_time_seconds_total{instance="",job="a"} counter=7.0
            """),
        arguments(
            "families without series stay bare headers, whatever their name",
            JOB_A,
            List.of(family("e", GAUGE), family("1 not even valid", GAUGE)),
            """
            # 1 not even valid GAUGE
            # e GAUGE
            """),
        arguments(
            "summary and histogram",
            JOB_A,
            List.of(family("s", SUMMARY, summary(3, 6)), family("h", HISTOGRAM, histogram(2, 3))),
            """
            # h HISTOGRAM
            h{instance="",job="a"} histogram=2/3.0
            # s SUMMARY
            s{instance="",job="a"} summary=3/6.0
            """),
        arguments(
            "a summary does not claim _bucket",
            JOB_A,
            List.of(family("s", SUMMARY, summary(3, 6)), family("s_bucket", GAUGE, gauge(1))),
            """
            # s SUMMARY
            s{instance="",job="a"} summary=3/6.0
            # s_bucket GAUGE
            s_bucket{instance="",job="a"} gauge=1.0
            """),
        arguments(
            "a counter does not claim suffixes",
            JOB_A,
            List.of(family("c", COUNTER, counter(1)), family("c_count", GAUGE, gauge(1))),
            """
            # c COUNTER
            c{instance="",job="a"} counter=1.0
            # c_count GAUGE
            c_count{instance="",job="a"} gauge=1.0
            """),
        arguments(
            "an empty label differs from an absent one",
            JOB_A,
            List.of(family("m", GAUGE, gauge(1), gauge(2, "x", ""))),
            """
            # m GAUGE
            m{instance="",job="a"} gauge=1.0
            m{instance="",job="a",x=""} gauge=2.0
            """),
        arguments(
            "a gauge histogram carries a histogram",
            JOB_A,
            List.of(family("gh", GAUGE_HISTOGRAM, histogram(1, 1))),
            """
            # gh GAUGE_HISTOGRAM
            gh{instance="",job="a"} histogram=1/1.0
            """),
        arguments(
            "colons in metric names",
            JOB_A,
            List.of(family("rule:m:rate5m", GAUGE, gauge(1))),
            """
            # rule:m:rate5m GAUGE
            rule:m:rate5m{instance="",job="a"} gauge=1.0
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validPushes")
  void sanitizes(String scenario, GroupingKey key, List<MetricFamily> pushed, String expected) {
    assertThat(render(PushValidator.sanitizeAndValidate(pushed, key))).isEqualTo(expected);
  }

  static Stream<Arguments> invalidPushes() {
    Metric badUtf8 =
        gauge(1).toBuilder()
            .addLabel(
                LabelPair.newBuilder()
                    .setName("x")
                    .setValueBytes(ByteString.copyFrom(new byte[] {(byte) 0xC3})))
            .build();
    return Stream.of(
        arguments(
            "timestamp",
            List.of(family("m", GAUGE, withTimestamp(gauge(1), 1_700_000_000_000L))),
            "pushed metrics must not have timestamps"),
        arguments(
            "negative timestamp in a later family",
            List.of(
                family("a", GAUGE, gauge(1)),
                family("b", GAUGE, gauge(1), withTimestamp(gauge(1, "x", "1"), -5))),
            "pushed metrics must not have timestamps"),
        arguments(
            "timestamps are checked before anything else",
            List.of(
                family("1bad", GAUGE, gauge(1)), family("z", GAUGE, withTimestamp(gauge(1), 1))),
            "pushed metrics must not have timestamps"),
        arguments(
            "metric name starting with a digit",
            List.of(family("1bad-name", GAUGE, gauge(1))),
            "\"1bad-name\" is not a valid metric name"),
        arguments(
            "metric name with a dot",
            List.of(family("a.b", GAUGE, gauge(1))),
            "\"a.b\" is not a valid metric name"),
        arguments(
            "empty metric name",
            List.of(family("", GAUGE, gauge(1))),
            "\"\" is not a valid metric name"),
        arguments(
            "reserved label name",
            List.of(family("m", GAUGE, gauge(1, "__x", "1"))),
            "collected metric \"m\" {__x=\"1\",instance=\"\",job=\"a\"} has a label with an invalid"
                + " name: __x"),
        arguments(
            "label name with a dash",
            List.of(family("m", GAUGE, gauge(1, "a-b", "1"))),
            "collected metric \"m\" {a-b=\"1\",instance=\"\",job=\"a\"} has a label with an invalid"
                + " name: a-b"),
        arguments(
            "repeated label name",
            List.of(family("m", GAUGE, gauge(1, "x", "1", "x", "2"))),
            "collected metric \"m\" {instance=\"\",job=\"a\",x=\"1\",x=\"2\"} has two or more"
                + " labels with the same name: x"),
        arguments(
            "repeated grouping label in the body",
            List.of(family("m", GAUGE, gauge(1, "job", "p", "job", "q"))),
            "has two or more labels with the same name: job"),
        arguments(
            "gauge family with a counter payload",
            List.of(family("m", GAUGE, counter(1))),
            "collected metric \"m\" {instance=\"\",job=\"a\"} is not a GAUGE"),
        arguments(
            "untyped family without payload",
            List.of(family("m", UNTYPED, Metric.getDefaultInstance())),
            "collected metric \"m\" {instance=\"\",job=\"a\"} is not a UNTYPED"),
        arguments(
            "histogram family with a summary payload",
            List.of(family("h", HISTOGRAM, summary(1, 1))),
            "is not a HISTOGRAM"),
        arguments(
            "gauge histogram family with a gauge payload",
            List.of(family("gh", GAUGE_HISTOGRAM, gauge(1))),
            "is not a GAUGE_HISTOGRAM"),
        arguments(
            "duplicate unlabelled series",
            List.of(family("m", UNTYPED, untyped(1), untyped(2))),
            "collected metric \"m\" {instance=\"\",job=\"a\"} was collected before with the same"
                + " name and label values"),
        arguments(
            "duplicate series, label order differs",
            List.of(
                family(
                    "m", UNTYPED, untyped(1, "x", "1", "y", "2"), untyped(2, "y", "2", "x", "1"))),
            "collected metric \"m\" {instance=\"\",job=\"a\",x=\"1\",y=\"2\"} was collected before"
                + " with the same name and label values"),
        arguments(
            "duplicate only after the job label is overwritten",
            List.of(family("m", GAUGE, gauge(1, "job", "p"), gauge(2, "job", "q"))),
            "was collected before with the same name and label values"),
        arguments(
            "duplicate only after instance=\"\" is added",
            List.of(family("m", GAUGE, gauge(1), gauge(2, "instance", ""))),
            "was collected before with the same name and label values"),
        arguments(
            "the first problem in push order is named: a duplicate before an invalid label",
            List.of(
                family("m", GAUGE, gauge(1, "x", "1"), gauge(2, "x", "1"), gauge(3, "a-b", "1"))),
            "collected metric \"m\" {instance=\"\",job=\"a\",x=\"1\"} was collected before"
                + " with the same name and label values"),
        arguments(
            "the first problem in push order is named: an invalid label before a duplicate",
            List.of(
                family("m", GAUGE, gauge(3, "a-b", "1"), gauge(1, "x", "1"), gauge(2, "x", "1"))),
            "has a label with an invalid name: a-b"),
        arguments(
            "a duplicate apart from its twin in exposition order (same values, other names)",
            List.of(family("m", GAUGE, gauge(1, "a", "1"), gauge(2, "b", "1"), gauge(3, "a", "1"))),
            "collected metric \"m\" {a=\"1\",instance=\"\",job=\"a\"} was collected before"
                + " with the same name and label values"),
        arguments(
            "the first of two duplicates in push order, not in exposition order",
            List.of(
                family(
                    "m",
                    GAUGE,
                    gauge(1, "x", "2"),
                    gauge(2, "x", "1"),
                    gauge(3, "x", "2"),
                    gauge(4, "x", "1"))),
            "collected metric \"m\" {instance=\"\",job=\"a\",x=\"2\"} was collected before"
                + " with the same name and label values"),
        arguments(
            "summary with a quantile label",
            List.of(family("s", SUMMARY, summary(1, 1, "quantile", "0.5"))),
            "collected metric \"s\" {instance=\"\",job=\"a\",quantile=\"0.5\"} must not have an"
                + " explicit \"quantile\" label"),
        arguments(
            "histogram with an le label",
            List.of(family("h", HISTOGRAM, histogram(1, 1, "le", "1"))),
            "collected metric \"h\" {instance=\"\",job=\"a\",le=\"1\"} must not have an explicit"
                + " \"le\" label"),
        arguments(
            "label value not UTF-8",
            List.of(family("m", GAUGE, badUtf8)),
            "has a label named \"x\" whose value is not valid UTF-8"),
        arguments(
            "histogram X and X_count",
            List.of(family("h_count", GAUGE, gauge(1)), family("h", HISTOGRAM, histogram(1, 1))),
            "collected metric named \"h_count\" collides with previously collected histogram named"
                + " \"h\""),
        arguments(
            "histogram X and X_bucket",
            List.of(
                family("h", HISTOGRAM, histogram(1, 1)), family("h_bucket", COUNTER, counter(1))),
            "collected metric named \"h_bucket\" collides with previously collected histogram named"
                + " \"h\""),
        arguments(
            "summary X and X_sum",
            List.of(family("s", SUMMARY, summary(1, 1)), family("s_sum", UNTYPED, untyped(1))),
            "collected metric named \"s_sum\" collides with previously collected summary named"
                + " \"s\""),
        arguments(
            "summary X and summary X_count",
            List.of(family("s", SUMMARY, summary(1, 1)), family("s_count", SUMMARY, summary(1, 1))),
            "collected metric named \"s_count\" collides with previously collected summary named"
                + " \"s\""),
        arguments(
            "gauge histogram X and X_sum",
            List.of(
                family("g", GAUGE_HISTOGRAM, histogram(1, 1)), family("g_sum", GAUGE, gauge(1))),
            "collected metric named \"g_sum\" collides with previously collected histogram named"
                + " \"g\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidPushes")
  void rejects(String scenario, List<MetricFamily> pushed, String detail) {
    assertThatThrownBy(() -> PushValidator.sanitizeAndValidate(pushed, JOB_A))
        .isInstanceOfSatisfying(
            PushRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(PushRejectedException.Reason.INVALID_METRICS))
        .hasMessageStartingWith(PushRejectedException.INVALID_METRICS_PREFIX)
        .hasMessageContaining(detail);
  }

  @Test
  void timestampMessageIsUpstreamsExactly() {
    assertThatThrownBy(
            () ->
                PushValidator.sanitizeAndValidate(
                    List.of(family("m", GAUGE, withTimestamp(gauge(1), 1))), JOB_A))
        .hasMessage(
            "pushed metrics are invalid or inconsistent with existing metrics: "
                + "pushed metrics must not have timestamps");
  }

  @Test
  void validatingItsOwnOutputChangesNothing() {
    List<MetricFamily> once =
        PushValidator.sanitizeAndValidate(
            List.of(
                family("m", GAUGE, gauge(1, "z", "1"), gauge(2, "instance", "x")),
                family("h", HISTOGRAM, histogram(1, 1))),
            JOB_A_ZONE);
    List<MetricFamily> twice = PushValidator.sanitizeAndValidate(once, JOB_A_ZONE);
    assertThat(twice).isEqualTo(once);
    assertThat(twice.get(0).getMetric(0)).isSameAs(once.get(0).getMetric(0));
  }

  @Test
  void keepsFamilyFieldsOtherThanSeries() {
    MetricFamily pushed =
        family("m", "help text", GAUGE, gauge(1)).toBuilder().setUnit("seconds").build();
    MetricFamily stored = PushValidator.sanitizeAndValidate(List.of(pushed), JOB_A).get(0);
    assertThat(stored.getHelp()).isEqualTo("help text");
    assertThat(stored.getUnit()).isEqualTo("seconds");
  }

  static Stream<Arguments> utf8Pushes() {
    return Stream.of(
        arguments(
            "dotted metric and label names",
            key("a", "g.k", "w"),
            List.of(family("foo.bar", COUNTER, counter(1, "a.b", "x"))),
            """
            # foo.bar COUNTER
            foo.bar{a.b="x",g.k="w",instance="",job="a"} counter=1.0
            """),
        arguments(
            "non-ASCII names",
            JOB_A,
            List.of(family("größe", GAUGE, gauge(2, "maß", "1"))),
            """
            # größe GAUGE
            größe{instance="",job="a",maß="1"} gauge=2.0
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("utf8Pushes")
  void acceptsUtf8NamesWithTheUtf8Rules(
      String scenario, GroupingKey key, List<MetricFamily> pushed, String expected) {
    assertThat(render(PushValidator.sanitizeAndValidate(pushed, key, NameValidationScheme.UTF8)))
        .isEqualTo(expected);
  }

  static Stream<Arguments> invalidUtf8Pushes() {
    MetricFamily badNameBytes =
        family("x", GAUGE, gauge(1)).toBuilder()
            .setNameBytes(ByteString.copyFrom(new byte[] {'a', (byte) 0xFF}))
            .build();
    Metric badLabelBytes =
        gauge(1).toBuilder()
            .addLabel(
                LabelPair.newBuilder()
                    .setNameBytes(ByteString.copyFrom(new byte[] {'l', (byte) 0xC3}))
                    .setValue("v"))
            .build();
    return Stream.of(
        arguments(
            "empty metric name",
            List.of(family("", GAUGE, gauge(1))),
            "\"\" is not a valid metric name"),
        arguments(
            "metric name not UTF-8",
            List.of(badNameBytes),
            "\"a\uFFFD\" is not a valid metric name"),
        arguments(
            "reserved label name",
            List.of(family("m.x", GAUGE, gauge(1, "__x", "1"))),
            "collected metric \"m.x\" {__x=\"1\",instance=\"\",job=\"a\"} has a label with an"
                + " invalid name: __x"),
        arguments(
            "label name not UTF-8",
            List.of(
                MetricFamily.newBuilder()
                    .setName("m")
                    .setType(GAUGE)
                    .addMetric(badLabelBytes)
                    .build()),
            "collected metric \"m\" {instance=\"\",job=\"a\",l\uFFFD=\"v\"} has a label with an"
                + " invalid name: l\uFFFD"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidUtf8Pushes")
  void utf8RulesStillRefuseWhatTheyMust(String scenario, List<MetricFamily> pushed, String detail) {
    assertThatThrownBy(
            () -> PushValidator.sanitizeAndValidate(pushed, JOB_A, NameValidationScheme.UTF8))
        .isInstanceOfSatisfying(
            PushRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(PushRejectedException.Reason.INVALID_METRICS))
        .hasMessage(PushRejectedException.INVALID_METRICS_PREFIX + detail);
  }

  @Test
  void theSanitizerRefusesAFamilyWithoutNameAtOnceAsTheValidatorWould() {
    PushValidator.Sanitizer sanitizer = PushValidator.sanitizer(JOB_A);
    for (MetricFamily nameless : List.of(family("", GAUGE), family("", GAUGE, gauge(1)))) {
      assertThatThrownBy(() -> sanitizer.family(nameless))
          .isInstanceOfSatisfying(
              PushRejectedException.class,
              e -> assertThat(e.reason()).isEqualTo(PushRejectedException.Reason.INVALID_METRICS))
          .hasMessage(
              PushRejectedException.INVALID_METRICS_PREFIX + "\"\" is not a valid metric name");
    }
  }

  @Test
  void whatTheSanitizerMadeIsStoredAsItIs() {
    PushValidator.Sanitizer sanitizer = PushValidator.sanitizer(JOB_A_ZONE);
    MetricFamily read =
        sanitizer.family(family("m", GAUGE, gauge(1, "x", "1"), gauge(2, "job", "b", "x", "2")));
    assertThat(read.getMetric(0).getLabelList())
        .extracting(LabelPair::getName)
        .containsExactly("instance", "job", "x", "zone");
    assertThat(sanitizer.family(read)).isSameAs(read);
    assertThat(sanitizer.series(read.getMetric(1))).isSameAs(read.getMetric(1));
    assertThat(PushValidator.sanitizeAndValidate(List.of(read), JOB_A_ZONE).get(0)).isSameAs(read);
    // the grouping pairs are shared by the series, not copied into each
    assertThat(read.getMetric(0).getLabel(1)).isSameAs(read.getMetric(1).getLabel(1));
  }

  @Test
  void noFamiliesIsValid() {
    assertThat(PushValidator.sanitizeAndValidate(List.of(), JOB_A)).isEmpty();
  }
}
