package io.kpushgateway.core.format;

import static io.kpushgateway.core.format.TestFamilies.bucket;
import static io.kpushgateway.core.format.TestFamilies.counter;
import static io.kpushgateway.core.format.TestFamilies.family;
import static io.kpushgateway.core.format.TestFamilies.labels;
import static io.kpushgateway.core.format.TestFamilies.quantile;
import static io.kpushgateway.core.format.TestFamilies.untyped;
import static io.prometheus.client.Metrics.MetricType.COUNTER;
import static io.prometheus.client.Metrics.MetricType.HISTOGRAM;
import static io.prometheus.client.Metrics.MetricType.SUMMARY;
import static io.prometheus.client.Metrics.MetricType.UNTYPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushRejectedException;
import io.prometheus.client.Metrics.Histogram;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.Summary;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The quoted-name syntax of prometheus/common's text parser, under both naming rules. */
class TextParserUtf8Test {

  private static List<MetricFamily> parse(String text, NameValidationScheme names)
      throws IOException {
    return TextParser.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), names);
  }

  static Stream<Arguments> validWithUtf8Names() {
    return Stream.of(
        arguments(
            "quoted name alone",
            "{\"foo.bar\"} 1\n",
            List.of(family("foo.bar", UNTYPED, untyped(1)))),
        arguments(
            "quoted label name",
            "m{\"a.b\"=\"v\"} 1\n",
            List.of(family("m", UNTYPED, untyped(1, "a.b", "v")))),
        arguments(
            "name and labels in the braces",
            "{\"foo.bar\",\"a.b\"=\"x\",c=\"y\"} 1\n",
            List.of(family("foo.bar", UNTYPED, untyped(1, "a.b", "x", "c", "y")))),
        arguments(
            "blanks around the items",
            "{ \"foo.bar\" , a=\"b\" } 1\n",
            List.of(family("foo.bar", UNTYPED, untyped(1, "a", "b")))),
        arguments(
            "quoted name before the braces",
            "\"foo.bar\"{a=\"b\"} 1\n",
            List.of(family("foo.bar", UNTYPED, untyped(1, "a", "b")))),
        arguments(
            "HELP and TYPE with quoted names",
            "# HELP \"foo.bar\" Help text.\n# TYPE \"foo.bar\" counter\n{\"foo.bar\"} 1\n",
            List.of(family("foo.bar", "Help text.", COUNTER, counter(1)))),
        arguments(
            "escapes in a quoted name",
            "{\"a\\\"b\\\\c\\nd\"} 1\n",
            List.of(family("a\"b\\c\nd", UNTYPED, untyped(1)))),
        arguments(
            "non-ASCII name", "{\"größe\"} 1\n", List.of(family("größe", UNTYPED, untyped(1)))),
        arguments(
            "labels before the name",
            "{a=\"b\",\"foo.bar\"} 1\n",
            List.of(family("foo.bar", UNTYPED, untyped(1, "a", "b")))),
        arguments(
            "histogram with quoted names",
            "# TYPE \"my.hist\" histogram\n"
                + "{\"my.hist_bucket\",\"a.b\"=\"x\",le=\"1\"} 1\n"
                + "{\"my.hist_bucket\",\"a.b\"=\"x\",le=\"+Inf\"} 2\n"
                + "{\"my.hist_sum\",\"a.b\"=\"x\"} 3\n"
                + "{\"my.hist_count\",\"a.b\"=\"x\"} 2\n",
            List.of(
                family(
                    "my.hist",
                    HISTOGRAM,
                    labels("a.b", "x")
                        .setHistogram(
                            Histogram.newBuilder()
                                .addBucket(bucket(1, 1))
                                .addBucket(bucket(Double.POSITIVE_INFINITY, 2))
                                .setSampleSum(3)
                                .setSampleCount(2))))),
        arguments(
            "summary with the quantile before the name",
            "# TYPE \"s.x\" summary\n{quantile=\"0.5\",\"s.x\"} 1\n{\"s.x_sum\"} 2\n{\"s.x_count\"} 3\n",
            List.of(
                family(
                    "s.x",
                    SUMMARY,
                    labels()
                        .setSummary(
                            Summary.newBuilder()
                                .addQuantile(quantile(0.5, 1))
                                .setSampleSum(2)
                                .setSampleCount(3))))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validWithUtf8Names")
  void parsesQuotedNames(String scenario, String input, List<MetricFamily> expected)
      throws IOException {
    assertThat(parse(input, NameValidationScheme.UTF8)).isEqualTo(expected);
  }

  static Stream<Arguments> invalidWithUtf8Names() {
    return Stream.of(
        arguments(
            "two names",
            "{\"one.name\",\"another.name\"} 1\n",
            "multiple metric names for metric \"one.name\""),
        arguments(
            "junk after the name",
            "{\"metric.name\".label=\"bla\"} 1\n",
            "unexpected end of metric name '.'"),
        arguments("unknown escape", "{\"a\\tb\"} 1\n", "invalid escape sequence '\\t'"),
        arguments(
            "newline in a quoted name",
            "# TYPE \"metric\nname\" counter\n",
            "metric name \"metric\" contains unescaped new-line"),
        arguments(
            "newline in a quoted label name",
            "{\"metric.name\",\"new\nline\"=\"bla\"} 1\n",
            "label name \"new\" contains unescaped new-line"),
        arguments("empty braces", "{} 1\n", "invalid metric name"),
        arguments("labels without a name", "{a=\"b\"} 1\n", "invalid metric name"),
        arguments("empty quoted name", "{\"\"} 1\n", "invalid label name for metric \"\""),
        arguments(
            "empty quoted label name", "m{\"\"=\"v\"} 1\n", "invalid label name for metric \"m\""),
        arguments(
            "quoted __name__", "m{\"__name__\"=\"v\"} 1\n", "label name \"__name__\" is reserved"),
        // found by TextParserFuzzTest: a NullPointerException (a 500) before the name was known
        arguments(
            "repeated label before the name",
            "{a=\"1\",a=\"1\",\"m\"} 1\n",
            "duplicate label names for metric \"\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidWithUtf8Names")
  void rejectsBadQuotedNames(String scenario, String input, String message) {
    assertThatThrownBy(() -> parse(input, NameValidationScheme.UTF8))
        .isInstanceOf(PushRejectedException.class)
        .hasMessage("text format parsing error in line 1: " + message);
  }

  @Test
  void rejectsInvalidUtf8InAQuotedName() {
    byte[] body = {'{', '"', 'a', (byte) 0xff, '"', '}', ' ', '1', '\n'};
    assertThatThrownBy(
            () -> TextParser.parse(new ByteArrayInputStream(body), NameValidationScheme.UTF8))
        .hasMessage("text format parsing error in line 1: invalid metric name \"a\\xff\"");
  }

  static Stream<Arguments> invalidWithLegacyNames() {
    return Stream.of(
        arguments("quoted UTF-8 name", "{\"foo.bar\"} 1\n", "invalid metric name \"foo.bar\""),
        arguments("quoted UTF-8 label name", "m{\"a.b\"=\"v\"} 1\n", "invalid label name \"a.b\""),
        arguments(
            "quoted UTF-8 name in TYPE",
            "# TYPE \"foo.bar\" counter\n",
            "invalid metric name \"foo.bar\""),
        arguments(
            "the first of two names",
            "{\"one.name\",\"another.name\"} 1\n",
            "invalid metric name \"one.name\""),
        arguments("non-ASCII", "{\"größe\"} 1\n", "invalid metric name \"größe\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidWithLegacyNames")
  void legacyNamesRefuseQuotedUtf8Names(String scenario, String input, String message) {
    assertThatThrownBy(() -> parse(input, NameValidationScheme.LEGACY))
        .isInstanceOfSatisfying(
            PushRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(PushRejectedException.Reason.MALFORMED))
        .hasMessage("text format parsing error in line 1: " + message);
  }

  @Test
  void legacyNamesMayStillBeQuoted() throws IOException {
    assertThat(parse("{\"foo\",\"a\"=\"b\"} 1\n", NameValidationScheme.LEGACY))
        .containsExactly(family("foo", UNTYPED, untyped(1, "a", "b")));
  }
}
