package io.kpushgateway.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.TextFormat;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OpenMetricsWriterTest {

  /**
   * The fixtures of families.prototext against what prometheus/common's Go encoder wrote for them
   * (core/src/test/go/omgolden): escaping, float and count formatting, counters with and without
   * {@code _total}, summaries, classic and native histograms, exemplars, timestamps, UTF-8.
   */
  @Test
  void writesWhatExpfmtWrites() throws IOException {
    List<MetricFamily> families = new ArrayList<>();
    for (String block : resource("families.prototext").split("\n---\n")) {
      families.add(parse(block));
    }
    assertThat(write(families)).isEqualTo(resource("openmetrics.golden.txt"));
  }

  /**
   * What the Debian expfmt (client_model 0.3.0) cannot show: fields it does not know and the
   * choices made beyond it, each following the OpenMetrics 1.0 specification.
   */
  static Stream<Arguments> beyondDebianExpfmt() {
    return Stream.of(
        Arguments.of(
            "nothing but EOF",
            List.of(),
            """
            # EOF
            """),
        Arguments.of(
            "_created after a counter's sample, named without _total; seconds as Go computes them",
            List.of(
                """
                name: "jobs_total" help: "Jobs." type: COUNTER
                metric {
                  label { name: "q" value: "a" }
                  counter { value: 5 created_timestamp { seconds: 1520430000 nanos: 123000000 } }
                }
                metric { label { name: "q" value: "b" } counter { value: 1 } }
                """),
            """
            # HELP jobs Jobs.
            # TYPE jobs counter
            jobs_total{q="a"} 5.0
            jobs_created{q="a"} 1.5204300001230001e+09
            jobs_total{q="b"} 1.0
            # EOF
            """),
        Arguments.of(
            "no _created for a counter typed unknown: the suffix is not allowed there",
            List.of(
                """
                name: "jobs" type: COUNTER
                metric { counter { value: 5 created_timestamp { seconds: 1 } } }
                """),
            """
            # TYPE jobs unknown
            jobs 5.0
            # EOF
            """),
        Arguments.of(
            "_created after summary and histogram counts",
            List.of(
                """
                name: "s" type: SUMMARY
                metric { summary { sample_count: 2 sample_sum: 3 created_timestamp { seconds: 10 } } }
                """,
                """
                name: "h" type: HISTOGRAM
                metric {
                  histogram {
                    sample_count: 2 sample_sum: 3
                    bucket { upper_bound: 1 cumulative_count: 1 }
                    created_timestamp { seconds: 10 nanos: 500000000 }
                  }
                }
                """),
            """
            # TYPE s summary
            s_sum 3.0
            s_count 2
            s_created 10.0
            # TYPE h histogram
            h_bucket{le="1.0"} 1
            h_bucket{le="+Inf"} 2
            h_sum 3.0
            h_count 2
            h_created 10.5
            # EOF
            """),
        Arguments.of(
            "UNIT after TYPE when the name carries the unit, also for a _total counter",
            List.of(
                """
                name: "disk_read_bytes" help: "Read." type: GAUGE unit: "bytes"
                metric { gauge { value: 1024 } }
                """,
                """
                name: "cpu_seconds_total" type: COUNTER unit: "seconds"
                metric { counter { value: 2 } }
                """),
            """
            # HELP disk_read_bytes Read.
            # TYPE disk_read_bytes gauge
            # UNIT disk_read_bytes bytes
            disk_read_bytes 1024.0
            # TYPE cpu_seconds counter
            # UNIT cpu_seconds seconds
            cpu_seconds_total 2.0
            # EOF
            """),
        Arguments.of(
            "no UNIT (and no renaming) when the name lacks the unit",
            List.of(
                """
                name: "disk_read" type: GAUGE unit: "bytes"
                metric { gauge { value: 1 } }
                """),
            """
            # TYPE disk_read gauge
            disk_read 1.0
            # EOF
            """),
        Arguments.of(
            "gauge histogram: gaugehistogram with _gsum and _gcount, no _created",
            List.of(
                """
                name: "queue_size" type: GAUGE_HISTOGRAM
                metric {
                  label { name: "q" value: "x" }
                  histogram {
                    sample_count: 42 sample_sum: 3289.3
                    bucket {
                      upper_bound: 0.01 cumulative_count: 20
                      exemplar { label { name: "id" value: "e" } value: 0.005 }
                    }
                    created_timestamp { seconds: 1 }
                  }
                }
                """),
            """
            # TYPE queue_size gaugehistogram
            queue_size_bucket{q="x",le="0.01"} 20 # {id="e"} 0.005
            queue_size_bucket{q="x",le="+Inf"} 42
            queue_size_gsum{q="x"} 3289.3
            queue_size_gcount{q="x"} 42
            # EOF
            """),
        Arguments.of(
            "float histogram counts are written as floats",
            List.of(
                """
                name: "f" type: HISTOGRAM
                metric {
                  histogram {
                    sample_count_float: 2.5 sample_sum: 1
                    bucket { upper_bound: 1 cumulative_count_float: 1.5 }
                  }
                }
                """),
            """
            # TYPE f histogram
            f_bucket{le="1.0"} 1.5
            f_bucket{le="+Inf"} 2.5
            f_sum 1.0
            f_count 2.5
            # EOF
            """),
        Arguments.of(
            "an exemplar without labels is left out; one with a bad timestamp loses the timestamp",
            List.of(
                """
                name: "c_total" type: COUNTER
                metric { label { name: "i" value: "1" } counter { value: 1 exemplar { value: 3 } } }
                metric {
                  label { name: "i" value: "2" }
                  counter {
                    value: 2
                    exemplar {
                      label { name: "t" value: "x" } value: 3
                      timestamp { seconds: 1 nanos: -5 }
                    }
                  }
                }
                """),
            """
            # TYPE c counter
            c_total{i="1"} 1.0
            c_total{i="2"} 2.0 # {t="x"} 3.0
            # EOF
            """),
        Arguments.of(
            "names outside the legacy set are quoted, a sample's inside the braces",
            List.of(
                """
                name: "my.metric" help: "h" type: GAUGE
                metric { label { name: "lé" value: "v" } gauge { value: 1 } }
                metric { gauge { value: 2 } }
                """,
                """
                name: "say \\"hi\\"_total" type: COUNTER
                metric { counter { value: 1 } }
                """),
            """
            # HELP "my.metric" h
            # TYPE "my.metric" gauge
            {"my.metric","lé"="v"} 1.0
            {"my.metric"} 2.0
            # TYPE "say \\"hi\\"" counter
            {"say \\"hi\\"_total"} 1.0
            # EOF
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void beyondDebianExpfmt(String scenario, List<String> prototext, String expected) {
    List<MetricFamily> families = new ArrayList<>();
    for (String text : prototext) {
      families.add(parse(text));
    }
    assertThat(write(families)).isEqualTo(expected);
  }

  @Test
  void namesOutsideTheLegacySetAreEscapedAsNegotiated() throws IOException {
    MetricFamily family =
        parse(
            "name: \"my.total\" type: COUNTER metric { label { name: \"label.x\" value: \"v\" }"
                + " counter { value: 1 } }");
    assertThat(write(List.of(family), EscapingScheme.UNDERSCORES))
        .isEqualTo("# TYPE my counter\nmy_total{label_x=\"v\"} 1.0\n# EOF\n");
    assertThat(write(List.of(family), EscapingScheme.VALUES))
        .contains("U__my_2e_total{U__label_2e_x=\"v\"} 1.0");
    assertThat(write(List.of(family), EscapingScheme.ALLOW_UTF8))
        .contains("{\"my.total\",\"label.x\"=\"v\"} 1.0");
  }

  @Test
  void quotesALabelNameWithAColon() throws IOException {
    MetricFamily family =
        parse(
            "name: \"m\" type: GAUGE metric { label { name: \"a:b\" value: \"v\" }"
                + " gauge { value: 1 } }");
    assertThat(write(List.of(family), EscapingScheme.ALLOW_UTF8)).contains("m{\"a:b\"=\"v\"} 1.0");
  }

  @Test
  void refusesAMetricWithoutItsTypesValue() {
    MetricFamily family = parse("name: \"g\" type: GAUGE metric { counter { value: 1 } }");
    assertThatThrownBy(() -> write(List.of(family)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected gauge in metric g");
  }

  @Test
  void refusesAFamilyWithoutName() {
    MetricFamily family = parse("type: GAUGE metric { gauge { value: 1 } }");
    assertThatThrownBy(() -> write(List.of(family)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no name");
  }

  @Test
  void writesPagesLargerThanItsBuffer() {
    MetricFamily.Builder family =
        MetricFamily.newBuilder()
            .setName("big")
            .setType(io.prometheus.client.Metrics.MetricType.GAUGE);
    StringBuilder expected = new StringBuilder("# TYPE big gauge\n");
    for (int i = 0; i < 5000; i++) {
      family
          .addMetricBuilder()
          .addLabel(
              io.prometheus.client.Metrics.LabelPair.newBuilder().setName("i").setValue("ü" + i))
          .getGaugeBuilder()
          .setValue(i + 0.5);
      expected.append("big{i=\"ü").append(i).append("\"} ").append(i + 0.5).append('\n');
    }
    expected.append("# EOF\n");
    assertThat(write(List.of(family.build()))).isEqualTo(expected.toString());
  }

  static MetricFamily parse(String prototext) {
    try {
      MetricFamily.Builder family = MetricFamily.newBuilder();
      TextFormat.merge(prototext, family);
      return family.build();
    } catch (TextFormat.ParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String write(List<MetricFamily> families, EscapingScheme escaping)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OpenMetricsWriter.write(out, families, escaping);
    return out.toString(StandardCharsets.UTF_8);
  }

  static String write(List<MetricFamily> families) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      OpenMetricsWriter.write(out, families);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String resource(String name) {
    try (InputStream in = OpenMetricsWriterTest.class.getResourceAsStream("/openmetrics/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
