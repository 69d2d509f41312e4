package io.kpushgateway.core.format;

import static io.kpushgateway.core.format.TestFamilies.bucket;
import static io.kpushgateway.core.format.TestFamilies.counter;
import static io.kpushgateway.core.format.TestFamilies.family;
import static io.kpushgateway.core.format.TestFamilies.gauge;
import static io.kpushgateway.core.format.TestFamilies.labels;
import static io.kpushgateway.core.format.TestFamilies.quantile;
import static io.kpushgateway.core.format.TestFamilies.untyped;
import static io.prometheus.client.Metrics.MetricType.COUNTER;
import static io.prometheus.client.Metrics.MetricType.GAUGE;
import static io.prometheus.client.Metrics.MetricType.HISTOGRAM;
import static io.prometheus.client.Metrics.MetricType.SUMMARY;
import static io.prometheus.client.Metrics.MetricType.UNTYPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.core.validate.PushRejectedException;
import io.prometheus.client.Metrics.Histogram;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.Summary;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TextParserTest {

  static List<MetricFamily> parse(String text) throws IOException {
    return TextParser.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  static List<MetricFamily> parse(byte[] body) throws IOException {
    return TextParser.parse(new ByteArrayInputStream(body));
  }

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("empty input", "", List.of()),
        Arguments.of("blank lines, blanks and tabs only", "\n \n\t\n   ", List.of()),
        Arguments.of(
            "comments only",
            "# just a comment\n#\n# EOF\n#HELPER x y\n# UNIT a seconds\n",
            List.of()),
        Arguments.of(
            "HELP and TYPE without samples are dropped",
            "# HELP a Some help.\n# TYPE a counter\n# HELP b\n# TYPE c\n",
            List.of()),
        Arguments.of(
            "untyped sample without labels", "a 12\n", List.of(family("a", UNTYPED, untyped(12)))),
        Arguments.of(
            "counter with HELP and labels",
            "# HELP rq Total requests.\n"
                + "# TYPE rq counter\n"
                + "rq{code=\"200\"} 1027\n"
                + "rq{code=\"500\"} 3\n",
            List.of(
                family(
                    "rq",
                    "Total requests.",
                    COUNTER,
                    counter(1027, "code", "200"),
                    counter(3, "code", "500")))),
        Arguments.of(
            "gauge with negative and fractional values",
            "# TYPE t gauge\nt{room=\"a\"} -3.25\nt{room=\"b\"} 0.001\n",
            List.of(family("t", GAUGE, gauge(-3.25, "room", "a"), gauge(0.001, "room", "b")))),
        Arguments.of(
            "labels kept in written order",
            "a{z=\"1\",a=\"2\",m=\"3\"} 1\n",
            List.of(family("a", UNTYPED, untyped(1, "z", "1", "a", "2", "m", "3")))),
        Arguments.of(
            "label value escapes and verbatim unicode",
            "a{v=\"back\\\\slash dq\\\"uote new\\nline ünï{}=,😀\",e=\"\"} 1\n",
            List.of(
                family(
                    "a",
                    UNTYPED,
                    untyped(1, "v", "back\\slash dq\"uote new\nline ünï{}=,😀", "e", "")))),
        Arguments.of(
            "whitespace around tokens and a trailing comma",
            "  \t a \t{ x = \"1\" , y=\"2\", } \t 5 \t 1000\n",
            List.of(family("a", UNTYPED, untyped(5, "x", "1", "y", "2").setTimestampMs(1000)))),
        Arguments.of(
            "empty braces and no blank before the value",
            "a{} 1\nb{x=\"y\"}2\n",
            List.of(family("a", UNTYPED, untyped(1)), family("b", UNTYPED, untyped(2, "x", "y")))),
        Arguments.of(
            "timestamps, negative and signed",
            "a 1 -5\nb 2 +7\nc 3 9223372036854775807\n",
            List.of(
                family("a", UNTYPED, untyped(1).setTimestampMs(-5)),
                family("b", UNTYPED, untyped(2).setTimestampMs(7)),
                family("c", UNTYPED, untyped(3).setTimestampMs(Long.MAX_VALUE)))),
        Arguments.of(
            "special and unusual float spellings",
            "a{i=\"1\"} NaN\na{i=\"2\"} +Inf\na{i=\"3\"} -Inf\na{i=\"4\"} inf\na{i=\"5\"} nan\n"
                + "a{i=\"6\"} -infinity\na{i=\"7\"} .5\na{i=\"8\"} 5.\na{i=\"9\"} +1E3\n"
                + "a{i=\"10\"} -0\na{i=\"11\"} 1e-400\na{i=\"12\"} 00012\n",
            List.of(
                family(
                    "a",
                    UNTYPED,
                    untyped(Double.NaN, "i", "1"),
                    untyped(Double.POSITIVE_INFINITY, "i", "2"),
                    untyped(Double.NEGATIVE_INFINITY, "i", "3"),
                    untyped(Double.POSITIVE_INFINITY, "i", "4"),
                    untyped(Double.NaN, "i", "5"),
                    untyped(Double.NEGATIVE_INFINITY, "i", "6"),
                    untyped(0.5, "i", "7"),
                    untyped(5, "i", "8"),
                    untyped(1000, "i", "9"),
                    untyped(-0.0, "i", "10"),
                    untyped(0, "i", "11"),
                    untyped(12, "i", "12")))),
        Arguments.of(
            "extreme values parse exactly",
            "a 1.7976931348623157e+308\nb 5e-324\nc 0.30000000000000004\nd 9007199254740993\n",
            List.of(
                family("a", UNTYPED, untyped(Double.MAX_VALUE)),
                family("b", UNTYPED, untyped(Double.MIN_VALUE)),
                family("c", UNTYPED, untyped(0.1 + 0.2)),
                family("d", UNTYPED, untyped(9007199254740992.0)))),
        Arguments.of(
            "samples of one family need not be adjacent",
            "a{x=\"1\"} 1\nb 2\na{x=\"2\"} 3\n",
            List.of(
                family("a", UNTYPED, untyped(1, "x", "1"), untyped(3, "x", "2")),
                family("b", UNTYPED, untyped(2)))),
        Arguments.of(
            "HELP escapes and HELP after samples",
            "a 1\n# HELP a line1\\nline2 back\\\\slash \"quoted\" ünï\n",
            List.of(family("a", "line1\nline2 back\\slash \"quoted\" ünï", UNTYPED, untyped(1)))),
        Arguments.of(
            "HELP keeps trailing blanks; blank-only HELP sets nothing",
            "# HELP a  text  \na 1\n# HELP b   \nb 2\n",
            List.of(family("a", "text  ", UNTYPED, untyped(1)), family("b", UNTYPED, untyped(2)))),
        Arguments.of(
            "TYPE is case-insensitive",
            "# TYPE a COUNTER\na 1\n# TYPE b Gauge\nb 2\n",
            List.of(family("a", COUNTER, counter(1)), family("b", GAUGE, gauge(2)))),
        Arguments.of(
            "_sum and _count of a counter are families of their own",
            "# TYPE a counter\na 1\na_sum 2\na_count 3\n",
            List.of(
                family("a", COUNTER, counter(1)),
                family("a_sum", UNTYPED, untyped(2)),
                family("a_count", UNTYPED, untyped(3)))),
        Arguments.of(
            "summary assembled by label set, non-contiguous, quantile normalized",
            "# HELP s Latency.\n# TYPE s summary\n"
                + "s{m=\"get\",quantile=\"0.50\"} 0.05\ns{m=\"put\",quantile=\".9\"} 7\n"
                + "s{quantile=\"0.99\",m=\"get\"} 1.5\ns_sum{m=\"get\"} 123.75\n"
                + "other 1\ns_count{m=\"get\"} 1000\ns_count{m=\"put\"} 2\n",
            List.of(
                family(
                    "s",
                    "Latency.",
                    SUMMARY,
                    labels("m", "get")
                        .setSummary(
                            Summary.newBuilder()
                                .addQuantile(quantile(0.5, 0.05))
                                .addQuantile(quantile(0.99, 1.5))
                                .setSampleSum(123.75)
                                .setSampleCount(1000)),
                    labels("m", "put")
                        .setSummary(
                            Summary.newBuilder().addQuantile(quantile(0.9, 7)).setSampleCount(2))),
                family("other", UNTYPED, untyped(1)))),
        Arguments.of(
            "summary label sets compare regardless of order; first line's labels are kept",
            "# TYPE s summary\ns_sum{b=\"2\",a=\"1\"} 4\ns{a=\"1\",b=\"2\",quantile=\"1\"} 3\n",
            List.of(
                family(
                    "s",
                    SUMMARY,
                    labels("b", "2", "a", "1")
                        .setSummary(
                            Summary.newBuilder().setSampleSum(4).addQuantile(quantile(1, 3)))))),
        Arguments.of(
            "histogram with normalized le, missing _sum and _count stay unset",
            "# TYPE h histogram\nh_bucket{le=\"1.0\"} 1\nh_bucket{le=\"2.50\"} 2\n"
                + "h_bucket{le=\"Inf\"} 3\n",
            List.of(
                family(
                    "h",
                    HISTOGRAM,
                    labels()
                        .setHistogram(
                            Histogram.newBuilder()
                                .addBucket(bucket(1, 1))
                                .addBucket(bucket(2.5, 2))
                                .addBucket(bucket(Double.POSITIVE_INFINITY, 3)))))),
        Arguments.of(
            "histogram with labels, sum and count",
            "# TYPE h histogram\nh_bucket{x=\"a\",le=\"0.1\"} 2\nh_bucket{le=\"+Inf\",x=\"a\"} 10\n"
                + "h_sum{x=\"a\"} 42.5\nh_count{x=\"a\"} 10\n",
            List.of(
                family(
                    "h",
                    HISTOGRAM,
                    labels("x", "a")
                        .setHistogram(
                            Histogram.newBuilder()
                                .addBucket(bucket(0.1, 2))
                                .addBucket(bucket(Double.POSITIVE_INFINITY, 10))
                                .setSampleSum(42.5)
                                .setSampleCount(10))))),
        Arguments.of(
            "le is an ordinary label of a summary, quantile of a histogram",
            "# TYPE s summary\ns{le=\"1\",quantile=\"0.5\"} 1\n"
                + "# TYPE h histogram\nh_bucket{quantile=\"x\",le=\"1\"} 1\n",
            List.of(
                family(
                    "s",
                    SUMMARY,
                    labels("le", "1")
                        .setSummary(Summary.newBuilder().addQuantile(quantile(0.5, 1)))),
                family(
                    "h",
                    HISTOGRAM,
                    labels("quantile", "x")
                        .setHistogram(Histogram.newBuilder().addBucket(bucket(1, 1)))))),
        Arguments.of(
            "summary line without quantile and bucket without le add no value, as upstream",
            "# TYPE s summary\ns{a=\"b\"} 5\n# TYPE h histogram\nh 7\n",
            List.of(
                family("s", SUMMARY, labels("a", "b").setSummary(Summary.newBuilder())),
                family("h", HISTOGRAM, labels().setHistogram(Histogram.newBuilder())))),
        Arguments.of(
            "counts are truncated to unsigned integers",
            "# TYPE s summary\ns_count 3.7\n",
            List.of(
                family("s", SUMMARY, labels().setSummary(Summary.newBuilder().setSampleCount(3))))),
        Arguments.of(
            "families in order of first appearance, HELP/TYPE included",
            "# TYPE z gauge\na 1\nz 2\n",
            List.of(family("z", GAUGE, gauge(2)), family("a", UNTYPED, untyped(1)))),
        Arguments.of(
            "metric names with colons and underscores",
            "_a:b_c:1 1\n:x 2\n",
            List.of(family("_a:b_c:1", UNTYPED, untyped(1)), family(":x", UNTYPED, untyped(2)))),
        Arguments.of(
            "reserved-looking label names pass the parser",
            "a{__x=\"1\"} 1\n",
            List.of(family("a", UNTYPED, untyped(1, "__x", "1")))),
        Arguments.of(
            "duplicate series pass the parser",
            "a 1\na 2\n",
            List.of(family("a", UNTYPED, untyped(1), untyped(2)))),
        Arguments.of(
            "a quoted legacy label name",
            "a{\"x\"=\"1\"} 1\n",
            List.of(family("a", UNTYPED, untyped(1, "x", "1")))),
        Arguments.of(
            "backslashes in TYPE are dropped, as upstream",
            "# TYPE a coun\\ter\na 1\n",
            List.of(family("a", COUNTER, counter(1)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void parsesValidInput(String name, String input, List<MetricFamily> expected) throws IOException {
    assertThat(parse(input)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void readsByteByByte(String name, String input, List<MetricFamily> expected) throws IOException {
    InputStream trickle =
        new FilterInputStream(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1));
          }
        };
    assertThat(TextParser.parse(trickle)).isEqualTo(expected);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("value is a word", "a one\n", 1, "expected float as value, got \"one\""),
        Arguments.of("value missing", "a\n", 1, "expected float as value, got \"\""),
        Arguments.of(
            "label value unquoted",
            "a{x=1} 1\n",
            1,
            "expected '\"' at start of label value, found '1'"),
        Arguments.of(
            "label value unterminated",
            "a{x=\"1} 1\n",
            1,
            "label value \"1} 1\" contains unescaped new-line"),
        Arguments.of("metric name starts with a digit", "0a 1\n", 1, "invalid metric name"),
        Arguments.of(
            "raw newline in label value",
            "a{x=\"a\nb\"} 1\n",
            1,
            "label value \"a\" contains unescaped new-line"),
        Arguments.of(
            "too many tokens", "a{x=\"1\"} 1 2 3\n", 1, "spurious string after timestamp: \" 3\""),
        Arguments.of(
            "blank after timestamp", "a 1 2 \n", 1, "spurious string after timestamp: \" \""),
        Arguments.of(
            "duplicate label name",
            "a{x=\"1\",x=\"2\"} 1\n",
            1,
            "duplicate label names for metric \"a\""),
        // found by TextParserFuzzTest: a NullPointerException (a 500) before the name was known
        Arguments.of(
            "duplicate label name before the metric name",
            "{x=\"1\",x=\"2\"} 1\n",
            1,
            "duplicate label names for metric \"\""),
        Arguments.of("no final newline", "a 1", 1, "unexpected end of input stream"),
        Arguments.of(
            "no final newline on line 3", "a 1\n\nb 2", 3, "unexpected end of input stream"),
        Arguments.of("comment without final newline", "# hi", 1, "unexpected end of input stream"),
        Arguments.of(
            "unterminated label value at end", "a{x=\"1", 1, "unexpected end of input stream"),
        Arguments.of("CRLF line ending", "a 1\r\n", 1, "expected float as value, got \"1\\r\""),
        Arguments.of(
            "second HELP",
            "# HELP a x\n# HELP a y\na 1\n",
            2,
            "second HELP line for metric name \"a\""),
        Arguments.of(
            "second TYPE",
            "# TYPE a counter\n# TYPE a gauge\n",
            2,
            "second TYPE line for metric name \"a\", or TYPE reported after samples"),
        Arguments.of(
            "TYPE after samples",
            "a 1\n# TYPE a counter\n",
            2,
            "second TYPE line for metric name \"a\", or TYPE reported after samples"),
        Arguments.of(
            "TYPE of _count after its summary",
            "# TYPE s summary\n# TYPE s_count counter\n",
            2,
            "second TYPE line for metric name \"s\", or TYPE reported after samples"),
        Arguments.of("unknown type", "# TYPE a foo\n", 1, "unknown metric type \"foo\""),
        Arguments.of(
            "type with trailing blank",
            "# TYPE a counter \n",
            1,
            "unknown metric type \"counter \""),
        Arguments.of(
            "gauge_histogram is not a text type",
            "# TYPE a gauge_histogram\n",
            1,
            "unknown metric type \"gauge_histogram\""),
        Arguments.of(
            "__name__ label", "a{__name__=\"b\"} 1\n", 1, "label name \"__name__\" is reserved"),
        Arguments.of(
            "unknown escape in label value",
            "a{x=\"\\t\"} 1\n",
            1,
            "invalid escape sequence '\\t'"),
        Arguments.of(
            "unknown escape in HELP", "# HELP a x\\\"y\n", 1, "invalid escape sequence '\\\"'"),
        Arguments.of(
            "label name starts with a digit",
            "a{1x=\"1\"} 1\n",
            1,
            "invalid label name for metric \"a\""),
        Arguments.of(
            "bad character in label name",
            "a{x-y=\"1\"} 1\n",
            1,
            "expected '=' after label name, found '-'"),
        Arguments.of(
            "label name without value",
            "a{x=\"1\",y} 1\n",
            1,
            "expected '=' after label name, found '}'"),
        Arguments.of(
            "newline after label name", "a{x\n", 1, "expected '=' after label name, found '\\n'"),
        Arguments.of(
            "junk after label value", "a{x=\"1\"+} 1\n", 1, "unexpected end of label value \"1\""),
        Arguments.of(
            "missing comma between labels",
            "a{x=\"1\" y=\"2\"} 1\n",
            1,
            "unexpected end of label value \"1\""),
        Arguments.of("unclosed label set", "a{x=\"1\"\n", 1, "unexpected end of label value \"1\""),
        Arguments.of(
            "float timestamp", "a 1 2.5\n", 1, "expected integer as timestamp, got \"2.5\""),
        Arguments.of("blank after value", "a 1 \n", 1, "expected integer as timestamp, got \"\""),
        Arguments.of(
            "timestamp overflow",
            "a 1 9223372036854775808\n",
            1,
            "expected integer as timestamp, got \"9223372036854775808\""),
        Arguments.of("value overflows", "a 1e400\n", 1, "expected float as value, got \"1e400\""),
        Arguments.of("hex float", "a 0x1p3\n", 1, "expected float as value, got \"0x1p3\""),
        Arguments.of(
            "underscore in value", "a 1_000\n", 1, "expected float as value, got \"1_000\""),
        Arguments.of("signed NaN", "a +NaN\n", 1, "expected float as value, got \"+NaN\""),
        Arguments.of(
            "Java-only float syntax", "a 1.5d\n", 1, "expected float as value, got \"1.5d\""),
        Arguments.of(
            "bad metric name in HELP", "# HELP a-b x\n", 1, "invalid metric name in comment"),
        Arguments.of("line starting with a brace", "{x=\"1\"} 1\n", 1, "invalid metric name"),
        Arguments.of(
            "quantile not a float",
            "# TYPE s summary\ns{quantile=\"x\"} 1\n",
            2,
            "expected float as value for 'quantile' label, got \"x\""),
        Arguments.of(
            "le not a float",
            "# TYPE h histogram\nh_bucket{le=\"one\"} 1\n",
            2,
            "expected float as value for 'le' label, got \"one\""),
        Arguments.of(
            "error line counts blank lines",
            "\n\n\na b\n",
            4,
            "expected float as value, got \"b\""),
        Arguments.of(
            "control byte quoted like Go",
            "a 1 1\u0000\n",
            1,
            "expected integer as timestamp, got \"1\\x00\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void rejectsInvalidInput(String name, String input, int line, String message) {
    assertThatThrownBy(() -> parse(input))
        .isInstanceOfSatisfying(
            PushRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(PushRejectedException.Reason.MALFORMED))
        .hasMessage("text format parsing error in line " + line + ": " + message);
  }

  @Test
  void rejectsInvalidUtf8InLabelValue() {
    byte[] body = {'a', '{', 'x', '=', '"', 'o', (byte) 0xff, 'k', '"', '}', ' ', '1', '\n'};
    assertThatThrownBy(() -> parse(body))
        .hasMessage("text format parsing error in line 1: invalid label value \"o\\xffk\"");
  }

  @Test
  void rejectsUtf8EncodedSurrogateInLabelValue() {
    byte[] body = {
      'a', '{', 'x', '=', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}', ' ', '1', '\n'
    };
    assertThatThrownBy(() -> parse(body))
        .hasMessage("text format parsing error in line 1: invalid label value \"\\xed\\xa0\\x80\"");
  }

  @Test
  void rejectsInvalidUtf8InHelp() {
    byte[] body = {'#', ' ', 'H', 'E', 'L', 'P', ' ', 'a', ' ', (byte) 0xc3, '\n'};
    assertThatThrownBy(() -> parse(body))
        .hasMessage(
            "text format parsing error in line 1: invalid UTF-8 in HELP for metric name \"a\"");
  }

  @Test
  void ignoresInvalidUtf8InPlainComments() throws IOException {
    byte[] body = {'#', ' ', (byte) 0xff, '\n', 'a', ' ', '1', '\n'};
    assertThat(parse(body)).isEqualTo(List.of(family("a", UNTYPED, untyped(1))));
  }

  @Test
  void parsesLargeBodies() throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# HELP big A big family.\n# TYPE big gauge\n");
    int series = 100_000;
    for (int i = 0; i < series; i++) {
      sb.append("big{instance=\"host-").append(i).append("\",path=\"/a/b/c\"} ").append(i * 0.5);
      sb.append('\n');
    }
    List<MetricFamily> families = parse(sb.toString());
    assertThat(families).hasSize(1);
    assertThat(families.get(0).getMetricCount()).isEqualTo(series);
    assertThat(families.get(0).getMetric(series - 1).getGauge().getValue())
        .isEqualTo((series - 1) * 0.5);
  }

  @Test
  void parsesManyLabelsAndLongValuesOnOneLine() throws IOException {
    StringBuilder sb = new StringBuilder("a{");
    int labels = 20_000;
    for (int i = 0; i < labels; i++) {
      sb.append("l").append(i).append("=\"v\",");
    }
    String longValue = "x".repeat(1 << 20);
    sb.append("long=\"").append(longValue).append("\"} 1\n");
    List<MetricFamily> families = parse(sb.toString());
    assertThat(families.get(0).getMetric(0).getLabelCount()).isEqualTo(labels + 1);
    assertThat(families.get(0).getMetric(0).getLabel(labels).getValue()).isEqualTo(longValue);
  }

  @Test
  void rejectsDuplicateLabelAmongMany() {
    StringBuilder sb = new StringBuilder("a{");
    for (int i = 0; i < 100; i++) {
      sb.append("l").append(i).append("=\"v\",");
    }
    sb.append("l42=\"again\"} 1\n");
    assertThatThrownBy(() -> parse(sb.toString()))
        .hasMessageEndingWith("duplicate label names for metric \"a\"");
  }

  @Test
  void convertsCountsLikeGoOnAmd64() {
    assertThat(TextParser.goUint64(3.99)).isEqualTo(3);
    assertThat(TextParser.goUint64(0x1p63)).isEqualTo(Long.MIN_VALUE);
    assertThat(TextParser.goUint64(0x1.8p63)).isEqualTo(0xC000000000000000L);
    assertThat(TextParser.goUint64(-1)).isEqualTo(-1L);
    assertThat(TextParser.goUint64(Double.NaN)).isEqualTo(Long.MIN_VALUE);
    assertThat(TextParser.goUint64(Double.POSITIVE_INFINITY)).isEqualTo(Long.MIN_VALUE);
  }
}
