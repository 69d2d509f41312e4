package io.kpushgateway.core.format;

import static io.kpushgateway.core.format.TestFamilies.bucket;
import static io.kpushgateway.core.format.TestFamilies.counter;
import static io.kpushgateway.core.format.TestFamilies.family;
import static io.kpushgateway.core.format.TestFamilies.gauge;
import static io.kpushgateway.core.format.TestFamilies.labels;
import static io.kpushgateway.core.format.TestFamilies.quantile;
import static io.kpushgateway.core.format.TestFamilies.toText;
import static io.kpushgateway.core.format.TestFamilies.untyped;
import static io.prometheus.client.Metrics.MetricType.COUNTER;
import static io.prometheus.client.Metrics.MetricType.GAUGE;
import static io.prometheus.client.Metrics.MetricType.GAUGE_HISTOGRAM;
import static io.prometheus.client.Metrics.MetricType.HISTOGRAM;
import static io.prometheus.client.Metrics.MetricType.SUMMARY;
import static io.prometheus.client.Metrics.MetricType.UNTYPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.core.validate.NameValidationScheme;
import io.prometheus.client.Metrics.Bucket;
import io.prometheus.client.Metrics.BucketSpan;
import io.prometheus.client.Metrics.Histogram;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.Summary;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TextWriterTest {

  static Stream<Arguments> golden() {
    return Stream.of(
        Arguments.of("nothing", List.of(), ""),
        Arguments.of(
            "counter with help and labels",
            List.of(
                family(
                    "rq",
                    "Total requests.",
                    COUNTER,
                    counter(1027, "code", "200", "method", "get"),
                    counter(3, "code", "500", "method", "get"))),
            """
            # HELP rq Total requests.
            # TYPE rq counter
            rq{code="200",method="get"} 1027
            rq{code="500",method="get"} 3
            """),
        Arguments.of(
            "untyped without help or labels",
            List.of(family("u", UNTYPED, untyped(12))),
            """
            # TYPE u untyped
            u 12
            """),
        Arguments.of(
            "empty help is omitted",
            List.of(family("g", "", GAUGE, gauge(-2.5))),
            """
            # TYPE g gauge
            g -2.5
            """),
        Arguments.of(
            "Go float formatting; zero of either sign is 0",
            List.of(
                family(
                    "v",
                    GAUGE,
                    gauge(1795270186.3935902, "i", "1"),
                    gauge(1e6, "i", "2"),
                    gauge(0.00001, "i", "3"),
                    gauge(Double.NaN, "i", "4"),
                    gauge(Double.POSITIVE_INFINITY, "i", "5"),
                    gauge(Double.NEGATIVE_INFINITY, "i", "6"),
                    gauge(-0.0, "i", "7"),
                    gauge(0.1 + 0.2, "i", "8"),
                    gauge(5e-324, "i", "9"))),
            """
            # TYPE v gauge
            v{i="1"} 1.7952701863935902e+09
            v{i="2"} 1e+06
            v{i="3"} 1e-05
            v{i="4"} NaN
            v{i="5"} +Inf
            v{i="6"} -Inf
            v{i="7"} 0
            v{i="8"} 0.30000000000000004
            v{i="9"} 5e-324
            """),
        Arguments.of(
            "escaping in help and label values",
            List.of(
                family(
                    "e",
                    "line1\nline2 back\\slash \"quoted\" ünï",
                    UNTYPED,
                    untyped(
                        1, "v", "back\\slash dq\"uote new\nline", "u", "ünï{}=,😀", "empty", ""))),
            """
            # HELP e line1\\nline2 back\\\\slash "quoted" ünï
            # TYPE e untyped
            e{v="back\\\\slash dq\\"uote new\\nline",u="ünï{}=,😀",empty=""} 1
            """),
        Arguments.of(
            "timestamps",
            List.of(
                family(
                    "t",
                    GAUGE,
                    gauge(1).setTimestampMs(1700000000123L),
                    gauge(2, "x", "y").setTimestampMs(-5))),
            """
            # TYPE t gauge
            t 1 1700000000123
            t{x="y"} 2 -5
            """),
        Arguments.of(
            "summary: quantile last, then _sum and _count",
            List.of(
                family(
                    "s",
                    "Latency.",
                    SUMMARY,
                    labels("m", "get")
                        .setSummary(
                            Summary.newBuilder()
                                .setSampleCount(1000)
                                .setSampleSum(123.75)
                                .addQuantile(quantile(0.5, 0.05))
                                .addQuantile(quantile(0.99, 1.5))),
                    labels().setSummary(Summary.newBuilder()))),
            """
            # HELP s Latency.
            # TYPE s summary
            s{m="get",quantile="0.5"} 0.05
            s{m="get",quantile="0.99"} 1.5
            s_sum{m="get"} 123.75
            s_count{m="get"} 1000
            s_sum 0
            s_count 0
            """),
        Arguments.of(
            "histogram with +Inf bucket",
            List.of(
                family(
                    "h",
                    HISTOGRAM,
                    labels("x", "a")
                        .setHistogram(
                            Histogram.newBuilder()
                                .setSampleCount(10)
                                .setSampleSum(42.5)
                                .addBucket(bucket(0.1, 2))
                                .addBucket(bucket(1, 5))
                                .addBucket(bucket(Double.POSITIVE_INFINITY, 10))))),
            """
            # TYPE h histogram
            h_bucket{x="a",le="0.1"} 2
            h_bucket{x="a",le="1"} 5
            h_bucket{x="a",le="+Inf"} 10
            h_sum{x="a"} 42.5
            h_count{x="a"} 10
            """),
        Arguments.of(
            "histogram without +Inf bucket gets one from the count",
            List.of(
                family(
                    "h",
                    HISTOGRAM,
                    labels()
                        .setHistogram(
                            Histogram.newBuilder()
                                .setSampleCount(3)
                                .setSampleSum(1)
                                .addBucket(bucket(2.5, 2))))),
            """
            # TYPE h histogram
            h_bucket{le="2.5"} 2
            h_bucket{le="+Inf"} 3
            h_sum 1
            h_count 3
            """),
        Arguments.of(
            "native histogram: only +Inf bucket, _sum and _count",
            List.of(
                family(
                    "n",
                    HISTOGRAM,
                    labels("job", "j")
                        .setHistogram(
                            Histogram.newBuilder()
                                .setSampleCount(7)
                                .setSampleSum(12.5)
                                .setSchema(3)
                                .setZeroThreshold(1e-128)
                                .setZeroCount(1)
                                .addPositiveSpan(BucketSpan.newBuilder().setOffset(0).setLength(2))
                                .addPositiveDelta(3)
                                .addPositiveDelta(0)))),
            """
            # TYPE n histogram
            n_bucket{job="j",le="+Inf"} 7
            n_sum{job="j"} 12.5
            n_count{job="j"} 7
            """),
        Arguments.of(
            "float histogram counts",
            List.of(
                family(
                    "f",
                    HISTOGRAM,
                    labels()
                        .setHistogram(
                            Histogram.newBuilder()
                                .setSampleCountFloat(4.5)
                                .setSampleSum(9)
                                .addBucket(
                                    Bucket.newBuilder()
                                        .setUpperBound(1)
                                        .setCumulativeCountFloat(1.5))))),
            """
            # TYPE f histogram
            f_bucket{le="1"} 1.5
            f_bucket{le="+Inf"} 4.5
            f_sum 9
            f_count 4.5
            """),
        Arguments.of(
            "gauge histogram is written as histogram",
            List.of(
                family(
                    "gh",
                    GAUGE_HISTOGRAM,
                    labels()
                        .setHistogram(
                            Histogram.newBuilder()
                                .setSampleCount(1)
                                .setSampleSum(2)
                                .addBucket(bucket(Double.POSITIVE_INFINITY, 1))))),
            """
            # TYPE gh histogram
            gh_bucket{le="+Inf"} 1
            gh_sum 2
            gh_count 1
            """),
        Arguments.of(
            "unsigned counts above 2^63",
            List.of(
                family(
                    "c",
                    SUMMARY,
                    labels().setSummary(Summary.newBuilder().setSampleCount(-1L).setSampleSum(0)))),
            """
            # TYPE c summary
            c_sum 0
            c_count 1.8446744073709552e+19
            """),
        Arguments.of(
            "families in the order given",
            List.of(family("z", GAUGE, gauge(1)), family("a", COUNTER, counter(2))),
            """
            # TYPE z gauge
            z 1
            # TYPE a counter
            a 2
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("golden")
  void writesGoldenText(String name, List<MetricFamily> families, String expected) {
    assertThat(toText(families)).isEqualTo(expected);
  }

  @Test
  void writesMoreThanOneBufferInOrder() throws IOException {
    MetricFamily.Builder big = MetricFamily.newBuilder().setName("big").setType(GAUGE);
    StringBuilder expected = new StringBuilder("# TYPE big gauge\n");
    String value = "é".repeat(5000); // two bytes each: crosses buffer ends mid-character
    for (int i = 0; i < 2000; i++) {
      big.addMetric(gauge(i + 0.5, "i", Integer.toString(i), "v", value));
      expected.append("big{i=\"").append(i).append("\",v=\"").append(value).append("\"} ");
      expected.append(GoFloat.format(i + 0.5)).append('\n');
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TextWriter.write(out, List.of(big.build()));
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
  }

  @Test
  void refusesMetricWithoutTheValueOfItsType() {
    MetricFamily family = family("c", COUNTER, gauge(1));
    assertThatThrownBy(() -> toText(List.of(family)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("expected counter in metric c");
  }

  @Test
  void refusesFamilyWithoutName() {
    MetricFamily family = MetricFamily.newBuilder().setType(GAUGE).addMetric(gauge(1)).build();
    assertThatThrownBy(() -> toText(List.of(family)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("MetricFamily has no name");
  }

  @Test
  void convertsUnsignedCountsLikeGo() {
    assertThat(TextWriter.unsignedToDouble(5)).isEqualTo(5.0);
    assertThat(TextWriter.unsignedToDouble(Long.MIN_VALUE)).isEqualTo(0x1p63);
    assertThat(TextWriter.unsignedToDouble(-1L)).isEqualTo(0x1p64);
    // Doubles near 2^63 are 2048 apart: a tie goes to even, just above it rounds up.
    assertThat(TextWriter.unsignedToDouble(Long.MIN_VALUE + 1024)).isEqualTo(0x1p63);
    assertThat(TextWriter.unsignedToDouble(Long.MIN_VALUE + 1025)).isEqualTo(0x1p63 + 2048);
  }

  /** What upstream 1.11 serves for UTF-8 names, observed per escaping scheme. */
  static Stream<Arguments> escapedNames() {
    List<MetricFamily> families =
        List.of(
            family("foo.bar", "Help text.", COUNTER, counter(1, "a.b", "x", "c", "y")),
            family("plain", UNTYPED, untyped(3, "instance", "", "l.x", "v")),
            family("solo.name", GAUGE, gauge(2)),
            family(
                "my.hist",
                HISTOGRAM,
                labels("a.b", "x")
                    .setHistogram(
                        Histogram.newBuilder()
                            .addBucket(bucket(1, 1))
                            .setSampleSum(3)
                            .setSampleCount(2))));
    return Stream.of(
        Arguments.of(
            EscapingScheme.UNDERSCORES,
            families,
            """
            # HELP foo_bar Help text.
            # TYPE foo_bar counter
            foo_bar{a_b="x",c="y"} 1
            # TYPE plain untyped
            plain{instance="",l_x="v"} 3
            # TYPE solo_name gauge
            solo_name 2
            # TYPE my_hist histogram
            my_hist_bucket{a_b="x",le="1"} 1
            my_hist_bucket{a_b="x",le="+Inf"} 2
            my_hist_sum{a_b="x"} 3
            my_hist_count{a_b="x"} 2
            """),
        Arguments.of(
            EscapingScheme.ALLOW_UTF8,
            families,
            """
            # HELP "foo.bar" Help text.
            # TYPE "foo.bar" counter
            {"foo.bar","a.b"="x",c="y"} 1
            # TYPE plain untyped
            plain{instance="","l.x"="v"} 3
            # TYPE "solo.name" gauge
            {"solo.name"} 2
            # TYPE "my.hist" histogram
            {"my.hist_bucket","a.b"="x",le="1"} 1
            {"my.hist_bucket","a.b"="x",le="+Inf"} 2
            {"my.hist_sum","a.b"="x"} 3
            {"my.hist_count","a.b"="x"} 2
            """),
        Arguments.of(
            EscapingScheme.VALUES,
            families.subList(0, 2),
            """
            # HELP U__foo_2e_bar Help text.
            # TYPE U__foo_2e_bar counter
            U__foo_2e_bar{U__a_2e_b="x",c="y"} 1
            # TYPE plain untyped
            plain{instance="",U__l_2e_x="v"} 3
            """),
        Arguments.of(
            EscapingScheme.DOTS,
            families.subList(0, 2),
            """
            # HELP foo_dot_bar Help text.
            # TYPE foo_dot_bar counter
            foo_dot_bar{a_dot_b="x",c="y"} 1
            # TYPE plain untyped
            plain{instance="",l_dot_x="v"} 3
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("escapedNames")
  void escapesNamesOutsideTheLegacySet(
      EscapingScheme escaping, List<MetricFamily> families, String expected) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TextWriter.write(out, families, escaping);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
  }

  @Test
  void quotesAndEscapesUtf8NamesWithoutEscaping() throws IOException {
    MetricFamily family = family("a\"b\\c\nd", GAUGE, gauge(1, "x\"y", "v"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TextWriter.write(out, List.of(family), EscapingScheme.ALLOW_UTF8);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("# TYPE \"a\\\"b\\\\c\\nd\" gauge\n{\"a\\\"b\\\\c\\nd\",\"x\\\"y\"=\"v\"} 1\n");
  }

  /**
   * Found by DelimitedProtobufFuzzTest: a label named ":nst2nce" (a UTF-8 push) was written bare,
   * as a metric name may be, and the page did not parse back (a ':' is no legacy label character).
   */
  @Test
  void quotesALabelNameWithAColon() throws IOException {
    MetricFamily family = family("m", GAUGE, gauge(1, ":a", "x", "b:c", "y"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TextWriter.write(out, List.of(family), EscapingScheme.ALLOW_UTF8);
    String page = out.toString(StandardCharsets.UTF_8);
    assertThat(page).isEqualTo("# TYPE m gauge\nm{\":a\"=\"x\",\"b:c\"=\"y\"} 1\n");
    assertThat(
            TextParser.parse(
                new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)),
                NameValidationScheme.UTF8))
        .containsExactly(family);
  }

  @Test
  void contentType() {
    assertThat(TextWriter.CONTENT_TYPE).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
  }
}
