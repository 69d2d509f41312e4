package io.kpushgateway.core.format;

import static io.kpushgateway.core.format.TestFamilies.counter;
import static io.kpushgateway.core.format.TestFamilies.family;
import static io.kpushgateway.core.format.TestFamilies.gauge;
import static io.kpushgateway.core.format.TestFamilies.labels;
import static io.kpushgateway.core.format.TestFamilies.untyped;
import static io.prometheus.client.Metrics.MetricType.COUNTER;
import static io.prometheus.client.Metrics.MetricType.GAUGE;
import static io.prometheus.client.Metrics.MetricType.GAUGE_HISTOGRAM;
import static io.prometheus.client.Metrics.MetricType.UNTYPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.kpushgateway.core.validate.PushRejectedException;
import io.prometheus.client.Metrics.BucketSpan;
import io.prometheus.client.Metrics.Exemplar;
import io.prometheus.client.Metrics.Histogram;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DelimitedProtobufTest {

  static byte[] write(List<MetricFamily> families) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DelimitedProtobuf.write(out, families);
    return out.toByteArray();
  }

  static List<MetricFamily> read(byte[] body) throws IOException {
    return DelimitedProtobuf.read(new ByteArrayInputStream(body));
  }

  static MetricFamily nativeHistogram() {
    return family(
        "nh",
        "native",
        GAUGE_HISTOGRAM,
        labels("job", "j")
            .setHistogram(
                Histogram.newBuilder()
                    .setSampleCount(7)
                    .setSampleSum(12.5)
                    .setSchema(-2)
                    .setZeroThreshold(1e-128)
                    .setZeroCount(1)
                    .addPositiveSpan(BucketSpan.newBuilder().setOffset(-1).setLength(2))
                    .addPositiveDelta(3)
                    .addPositiveDelta(-1)
                    .addExemplars(
                        Exemplar.newBuilder()
                            .addLabel(LabelPair.newBuilder().setName("trace_id").setValue("abc"))
                            .setValue(0.25)
                            .setTimestamp(Timestamp.newBuilder().setSeconds(1700000000)))));
  }

  @Test
  void roundTripsFamiliesInOrderWithDuplicates() throws IOException {
    List<MetricFamily> families =
        List.of(
            family("c", "pb counter", COUNTER, counter(5, "k", "a"), counter(6.5, "k", "b")),
            family("g", GAUGE, gauge(-2.5)),
            nativeHistogram(),
            family("c", COUNTER, counter(1)),
            family("1bad-name", UNTYPED, untyped(1e10, "x", "y\"z\n")));
    assertThat(read(write(families))).isEqualTo(families);
  }

  @Test
  void emptyBodyIsNoFamilies() throws IOException {
    assertThat(read(new byte[0])).isEmpty();
    assertThat(write(List.of())).isEmpty();
  }

  @Test
  void writesWhatGoWritesAndReadsIt() throws IOException {
    // Family {name "a", type GAUGE, metric {gauge {value 1}}}, length-prefixed, hand-encoded.
    byte[] wire =
        HexFormat.of().parseHex("12" + "0a0161" + "1801" + "220b" + "12090900000000" + "0000f03f");
    List<MetricFamily> expected = List.of(family("a", GAUGE, gauge(1)));
    assertThat(read(wire)).isEqualTo(expected);
    assertThat(write(expected)).isEqualTo(wire);
  }

  @Test
  void keepsUnknownFieldsVerbatim() throws IOException {
    // The gauge family above plus field 99 (varint 7) that this schema does not know.
    byte[] wire =
        HexFormat.of()
            .parseHex("15" + "0a0161" + "1801" + "220b" + "12090900000000" + "0000f03f" + "980607");
    assertThat(write(read(wire))).isEqualTo(wire);
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("message cut short", "1100", "unexpected EOF"),
        Arguments.of("length prefix cut short", "80", "unexpected EOF"),
        Arguments.of("second length prefix cut short", "00ff", "unexpected EOF"),
        Arguments.of(
            "length prefix longer than a varint32", "808080808001", "invalid varint32 encountered"),
        Arguments.of("huge length, tiny body", "ffffffff0f00", "unexpected EOF"),
        Arguments.of("tag zero", "0100", "proto: "),
        Arguments.of("invalid wire type", "020f01", "proto: "),
        Arguments.of("field length beyond message", "020a05", "proto: "));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void rejectsMalformedBodies(String name, String hex, String messageStart) {
    byte[] body = HexFormat.of().parseHex(hex);
    assertThatThrownBy(() -> read(body))
        .isInstanceOfSatisfying(
            PushRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(PushRejectedException.Reason.MALFORMED))
        .hasMessageStartingWith(messageStart);
  }

  @Test
  void truncatedAfterValidFamiliesIsRejected() throws IOException {
    byte[] wire = write(List.of(family("a", GAUGE, gauge(1)), nativeHistogram()));
    byte[] cut = Arrays.copyOf(wire, wire.length - 3);
    assertThatThrownBy(() -> read(cut)).hasMessage("unexpected EOF");
  }

  @Test
  void contentType() {
    assertThat(DelimitedProtobuf.CONTENT_TYPE)
        .isEqualTo(
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;"
                + " encoding=delimited");
  }
}
