package io.kpushgateway.core.format;

import static io.kpushgateway.core.format.TestFamilies.family;
import static io.kpushgateway.core.format.TestFamilies.gauge;
import static io.kpushgateway.core.format.TestFamilies.untyped;
import static io.prometheus.client.Metrics.MetricType.GAUGE;
import static io.prometheus.client.Metrics.MetricType.UNTYPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.core.format.ExpositionFormats.Format;
import io.prometheus.client.Metrics.MetricFamily;
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

class ExpositionFormatsTest {

  private static final String PB = "application/vnd.google.protobuf";
  private static final String MF = "proto=io.prometheus.client.MetricFamily";

  static Stream<Arguments> contentTypes() {
    return Stream.of(
        Arguments.of("the canonical protobuf type", DelimitedProtobuf.CONTENT_TYPE, true),
        Arguments.of("client_golang's spelling", PB + "; " + MF + "; encoding=delimited", true),
        Arguments.of("parameters reversed", PB + ";encoding=delimited;" + MF, true),
        Arguments.of(
            "spaces everywhere", "  " + PB + " ;  " + MF + " ;\tencoding = delimited ", true),
        Arguments.of(
            "quoted values",
            PB + "; proto=\"io.prometheus.client.MetricFamily\"; encoding=\"delimited\"",
            true),
        Arguments.of(
            "type and parameter names in upper case",
            "Application/Vnd.Google.Protobuf; PROTO=io.prometheus.client.MetricFamily;"
                + " ENCODING=delimited",
            true),
        Arguments.of(
            "an extra parameter",
            PB + "; " + MF + "; encoding=delimited; escaping=underscores",
            true),
        Arguments.of("a trailing semicolon", PB + "; " + MF + "; encoding=delimited;", true),
        Arguments.of("no header", null, false),
        Arguments.of("empty header", "", false),
        Arguments.of("text", TextWriter.CONTENT_TYPE, false),
        Arguments.of("JSON", "application/json", false),
        Arguments.of("OpenMetrics", "application/openmetrics-text; version=1.0.0", false),
        Arguments.of("encoding missing", PB + "; " + MF, false),
        Arguments.of("text encoding", PB + "; " + MF + "; encoding=text", false),
        Arguments.of("other message", PB + "; proto=foo.Bar; encoding=delimited", false),
        Arguments.of("value case matters", PB + "; " + MF + "; encoding=Delimited", false),
        Arguments.of(
            "parameter repeated with the same value (Go's mime allows it)",
            PB + "; " + MF + "; encoding=delimited; encoding=delimited",
            true),
        Arguments.of(
            "parameter repeated with another value",
            PB + "; " + MF + "; encoding=delimited; encoding=text",
            false),
        Arguments.of("parameter without value", PB + "; " + MF + "; encoding", false),
        Arguments.of("unterminated quote", PB + "; " + MF + "; encoding=\"delimited", false),
        Arguments.of("garbage before parameters", PB + " x; " + MF + "; encoding=delimited", false),
        Arguments.of(
            "other media type", "application/x-protobuf; " + MF + "; encoding=delimited", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contentTypes")
  void detectsDelimitedProtobufBodies(String name, String contentType, boolean expected) {
    assertThat(ExpositionFormats.isDelimitedProtobuf(contentType)).isEqualTo(expected);
  }

  static Stream<Arguments> acceptHeaders() {
    String delimited = PB + ";" + MF + ";encoding=delimited";
    return Stream.of(
        Arguments.of("no Accept", null, Format.TEXT),
        Arguments.of("empty Accept", "", Format.TEXT),
        Arguments.of("anything", "*/*", Format.TEXT),
        Arguments.of("text", "text/plain", Format.TEXT),
        Arguments.of(
            "text with an empty version", "text/plain;version=, " + delimited, Format.TEXT),
        Arguments.of("delimited protobuf alone", delimited, Format.PROTOBUF),
        Arguments.of(
            "Prometheus with protobuf scraping",
            delimited
                + ";q=0.8,application/openmetrics-text;version=1.0.0;q=0.75,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
            Format.PROTOBUF),
        Arguments.of(
            "Prometheus default",
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
            Format.TEXT),
        Arguments.of(
            "OpenMetrics only", "application/openmetrics-text; version=1.0.0", Format.TEXT),
        Arguments.of("protobuf refused with q=0", delimited + ";q=0", Format.TEXT),
        Arguments.of("higher q wins over order", "text/plain;q=0.5, " + delimited, Format.PROTOBUF),
        Arguments.of("equal q keeps order", "text/plain, " + delimited, Format.TEXT),
        Arguments.of(
            "text of another version is skipped",
            "text/plain;version=1.0.0, " + delimited,
            Format.PROTOBUF),
        Arguments.of(
            "protobuf text encoding", PB + ";" + MF + ";encoding=text, " + delimited, Format.TEXT),
        Arguments.of("protobuf without proto parameter", PB + ";encoding=delimited", Format.TEXT),
        Arguments.of(
            "spaces, quotes and case",
            " Application/Vnd.Google.Protobuf ; Proto=\"io.prometheus.client.MetricFamily\" ;"
                + " encoding=delimited ; q=0.9",
            Format.PROTOBUF),
        Arguments.of("unreadable q counts as 0", delimited + ";q=high", Format.TEXT),
        Arguments.of("ranges without slash are ignored", "garbage, " + delimited, Format.PROTOBUF));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptHeaders")
  void negotiatesScrapeFormat(String name, String accept, Format expected) {
    assertThat(ExpositionFormats.negotiate(accept)).isEqualTo(expected);
  }

  static Stream<Arguments> escapingParameters() {
    String delimited = PB + ";" + MF + ";encoding=delimited";
    return Stream.of(
        Arguments.of("no Accept", null, EscapingScheme.UNDERSCORES),
        Arguments.of("no parameter", "text/plain", EscapingScheme.UNDERSCORES),
        Arguments.of(
            "allow-utf-8",
            "text/plain;version=0.0.4;escaping=allow-utf-8",
            EscapingScheme.ALLOW_UTF8),
        Arguments.of("values", "text/plain;escaping=values", EscapingScheme.VALUES),
        Arguments.of("dots", "text/plain;escaping=dots", EscapingScheme.DOTS),
        Arguments.of(
            "unknown value ignored", "text/plain;escaping=bogus", EscapingScheme.UNDERSCORES),
        Arguments.of(
            "on protobuf too", delimited + ";escaping=allow-utf-8", EscapingScheme.ALLOW_UTF8),
        Arguments.of(
            "from a skipped range before the match",
            "application/json;escaping=allow-utf-8,text/plain;q=0.5",
            EscapingScheme.ALLOW_UTF8),
        Arguments.of(
            "the matching range's own parameter wins",
            "text/plain;escaping=allow-utf-8;q=0.2,application/json;escaping=values;q=0.9",
            EscapingScheme.ALLOW_UTF8),
        Arguments.of(
            "ranges after the match are not read",
            "text/plain,application/json;escaping=values",
            EscapingScheme.UNDERSCORES),
        Arguments.of(
            "OpenMetrics ranges are skipped but their parameter counts",
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8,text/plain;q=0.5",
            EscapingScheme.ALLOW_UTF8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("escapingParameters")
  void negotiatesEscapingLikeUpstream(String name, String accept, EscapingScheme expected) {
    assertThat(ExpositionFormats.negotiateEscaping(accept)).isEqualTo(expected);
  }

  /** Each: Accept, the answer without OpenMetrics (upstream's), the answer with it. */
  static Stream<Arguments> openMetricsAcceptHeaders() {
    String delimited = PB + ";" + MF + ";encoding=delimited";
    return Stream.of(
        Arguments.of(
            "Prometheus 2 default",
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
                + "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
            Format.TEXT,
            Format.OPENMETRICS_1_0_0),
        Arguments.of(
            "Prometheus 2 with native histograms (protobuf first)",
            delimited
                + ",application/openmetrics-text;version=1.0.0;q=0.8,"
                + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,"
                + "*/*;q=0.1",
            Format.PROTOBUF,
            Format.PROTOBUF),
        Arguments.of(
            "Prometheus 3 default (escaping parameters, text 1.0.0 skipped)",
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8,"
                + "application/openmetrics-text;version=0.0.1;q=0.9,"
                + "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.8,"
                + "text/plain;version=0.0.4;q=0.7,*/*;q=0.6",
            Format.TEXT,
            Format.OPENMETRICS_1_0_0),
        Arguments.of(
            "older Prometheus: OpenMetrics 0.0.1",
            "application/openmetrics-text; version=0.0.1,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
            Format.TEXT,
            Format.OPENMETRICS_0_0_1),
        Arguments.of(
            "no version is 0.0.1",
            "application/openmetrics-text",
            Format.TEXT,
            Format.OPENMETRICS_0_0_1),
        Arguments.of(
            "an unknown version is skipped",
            "application/openmetrics-text;version=2.0.0, " + delimited + ";q=0.5",
            Format.PROTOBUF,
            Format.PROTOBUF),
        Arguments.of(
            "q decides, not order",
            "text/plain;q=0.9, application/openmetrics-text;version=1.0.0",
            Format.TEXT,
            Format.OPENMETRICS_1_0_0),
        Arguments.of(
            "text first at equal q",
            "text/plain, application/openmetrics-text;version=1.0.0",
            Format.TEXT,
            Format.TEXT),
        Arguments.of(
            "refused with q=0",
            "application/openmetrics-text;version=1.0.0;q=0",
            Format.TEXT,
            Format.TEXT),
        Arguments.of(
            "type and parameter names in any case",
            "Application/OpenMetrics-Text; Version=1.0.0",
            Format.TEXT,
            Format.OPENMETRICS_1_0_0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("openMetricsAcceptHeaders")
  void offersOpenMetricsOnlyWhenEnabled(String name, String accept, Format without, Format with) {
    assertThat(ExpositionFormats.negotiate(accept)).isEqualTo(without);
    assertThat(ExpositionFormats.negotiate(accept, false)).isEqualTo(without);
    assertThat(ExpositionFormats.negotiate(accept, true)).isEqualTo(with);
  }

  @Test
  void formatsKnowTheirContentType() {
    assertThat(Format.TEXT.contentType()).isEqualTo(TextWriter.CONTENT_TYPE);
    assertThat(Format.PROTOBUF.contentType()).isEqualTo(DelimitedProtobuf.CONTENT_TYPE);
    // client_golang's expfmt.FmtOpenMetrics_1_0_0 and _0_0_1
    assertThat(Format.OPENMETRICS_1_0_0.contentType())
        .isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(Format.OPENMETRICS_0_0_1.contentType())
        .isEqualTo("application/openmetrics-text; version=0.0.1; charset=utf-8");
    assertThat(Format.OPENMETRICS_1_0_0.isOpenMetrics()).isTrue();
    assertThat(Format.TEXT.isOpenMetrics()).isFalse();
  }

  @Test
  void formatsWriteWithTheirWriter() throws IOException {
    List<MetricFamily> families = List.of(family("g", GAUGE, gauge(1.5)));
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    Format.TEXT.write(text, families, EscapingScheme.DEFAULT);
    assertThat(text.toString(StandardCharsets.UTF_8)).isEqualTo("# TYPE g gauge\ng 1.5\n");
    ByteArrayOutputStream pb = new ByteArrayOutputStream();
    Format.PROTOBUF.write(pb, families, EscapingScheme.DEFAULT);
    assertThat(DelimitedProtobuf.read(new ByteArrayInputStream(pb.toByteArray())))
        .isEqualTo(families);
    ByteArrayOutputStream om = new ByteArrayOutputStream();
    Format.OPENMETRICS_1_0_0.write(om, families, EscapingScheme.DEFAULT);
    assertThat(om.toString(StandardCharsets.UTF_8)).isEqualTo("# TYPE g gauge\ng 1.5\n# EOF\n");
  }

  @Test
  void readsBodyByContentType() throws IOException {
    List<MetricFamily> families = List.of(family("a", UNTYPED, untyped(1)));
    ByteArrayOutputStream pb = new ByteArrayOutputStream();
    DelimitedProtobuf.write(pb, families);
    assertThat(
            ExpositionFormats.read(
                DelimitedProtobuf.CONTENT_TYPE, new ByteArrayInputStream(pb.toByteArray())))
        .isEqualTo(families);
    byte[] text = "a 1\n".getBytes(StandardCharsets.UTF_8);
    assertThat(ExpositionFormats.read("application/json", new ByteArrayInputStream(text)))
        .isEqualTo(families);
    // Protobuf without encoding=delimited goes to the text parser, which fails on it.
    assertThatThrownBy(
            () ->
                ExpositionFormats.read(PB + "; " + MF, new ByteArrayInputStream(pb.toByteArray())))
        .hasMessageStartingWith("text format parsing error in line 1: ");
  }
}
