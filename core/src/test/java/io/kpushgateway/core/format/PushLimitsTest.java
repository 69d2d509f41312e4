package io.kpushgateway.core.format;

import static io.kpushgateway.core.format.TestFamilies.family;
import static io.kpushgateway.core.format.TestFamilies.untyped;
import static io.prometheus.client.Metrics.MetricType.UNTYPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.DecodeMemory;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushLimits;
import io.kpushgateway.core.validate.PushMeter;
import io.kpushgateway.core.validate.PushRejectedException;
import io.kpushgateway.core.validate.PushRejectedException.Reason;
import io.kpushgateway.core.validate.PushValidator;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The push limits as both readers meet them: each scenario is one text body and the same families
 * as delimited protobuf, refused with the same status class and message.
 */
class PushLimitsTest {

  private static final int MANY = Integer.MAX_VALUE;

  private static PushLimits limits(int families, long series, int labels, int name, int value) {
    return new PushLimits(families, series, labels, name, value);
  }

  static Stream<Arguments> overLimit() {
    return Stream.of(
        arguments(
            "more families than --push.max-families",
            limits(2, MANY, MANY, MANY, MANY),
            "a 1\nb 1\nc 1\n",
            List.of(
                family("a", UNTYPED, untyped(1)),
                family("b", UNTYPED, untyped(1)),
                family("c", UNTYPED, untyped(1))),
            Reason.TOO_LARGE,
            "push exceeds the limit of 2 metric families per push (--push.max-families)"),
        arguments(
            "more series than --push.max-series, over all families",
            limits(MANY, 3, MANY, MANY, MANY),
            "a{x=\"1\"} 1\na{x=\"2\"} 1\nb 1\nc 1\n",
            List.of(
                family("a", UNTYPED, untyped(1, "x", "1"), untyped(1, "x", "2")),
                family("b", UNTYPED, untyped(1)),
                family("c", UNTYPED, untyped(1))),
            Reason.TOO_LARGE,
            "push exceeds the limit of 3 series per push (--push.max-series)"),
        arguments(
            "more labels than --push.max-labels-per-series",
            limits(MANY, MANY, 2, MANY, MANY),
            "a{x=\"1\",y=\"2\",z=\"3\"} 1\n",
            List.of(family("a", UNTYPED, untyped(1, "x", "1", "y", "2", "z", "3"))),
            Reason.MALFORMED,
            "a series of metric \"a\" exceeds the limit of 2 labels per series"
                + " (--push.max-labels-per-series)"),
        arguments(
            "a label name longer than --push.max-label-name-length",
            limits(MANY, MANY, MANY, 4, MANY),
            "a{abcde=\"1\"} 1\n",
            List.of(family("a", UNTYPED, untyped(1, "abcde", "1"))),
            Reason.MALFORMED,
            "label name \"abcde\" of metric \"a\" exceeds the limit of 4 bytes per label name"
                + " (--push.max-label-name-length)"),
        arguments(
            "a label value longer than --push.max-label-value-length, in UTF-8 bytes",
            limits(MANY, MANY, MANY, MANY, 4),
            "a{x=\"äöü\"} 1\n",
            List.of(family("a", UNTYPED, untyped(1, "x", "äöü"))),
            Reason.MALFORMED,
            "value of label \"x\" of metric \"a\" exceeds the limit of 4 bytes per label value or"
                + " metric name (--push.max-label-value-length)"),
        arguments(
            "a metric name is a label value (of __name__)",
            limits(MANY, MANY, MANY, MANY, 4),
            "abcde 1\n",
            List.of(family("abcde", UNTYPED, untyped(1))),
            Reason.MALFORMED,
            "metric name \"abcde\" exceeds the limit of 4 bytes per label value or metric name"
                + " (--push.max-label-value-length)"),
        arguments(
            "a long name is shown cut short",
            limits(MANY, MANY, MANY, MANY, 10),
            "m" + "x".repeat(99) + " 1\n",
            List.of(family("m" + "x".repeat(99), UNTYPED, untyped(1))),
            Reason.MALFORMED,
            "metric name \"m"
                + "x".repeat(63)
                + "...\" exceeds the limit of 10 bytes per label"
                + " value or metric name (--push.max-label-value-length)"));
  }

  @ParameterizedTest(name = "text: {0}")
  @MethodSource("overLimit")
  void textBodiesOverALimitAreRefusedNamingItsFlag(
      String scenario,
      PushLimits limits,
      String text,
      List<MetricFamily> families,
      Reason reason,
      String message) {
    assertRefused(() -> parseText(text.getBytes(StandardCharsets.UTF_8), limits), reason, message);
  }

  @ParameterizedTest(name = "protobuf: {0}")
  @MethodSource("overLimit")
  void protobufBodiesOverALimitAreRefusedNamingItsFlag(
      String scenario,
      PushLimits limits,
      String text,
      List<MetricFamily> families,
      Reason reason,
      String message)
      throws IOException {
    byte[] body = DelimitedProtobufTest.write(families);
    assertRefused(() -> readProtobuf(body, limits), reason, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overLimit")
  void bodiesJustAtTheLimitsAreRead(
      String scenario,
      PushLimits limits,
      String text,
      List<MetricFamily> families,
      Reason reason,
      String message)
      throws IOException {
    PushLimits roomy =
        limits(
            bump(limits.maxFamilies(), families.size()),
            bump(limits.maxSeries(), families.stream().mapToLong(f -> f.getMetricCount()).sum()),
            bump(limits.maxLabelsPerSeries(), 3),
            bump(limits.maxLabelNameLength(), 5),
            bump(limits.maxLabelValueLength(), 100));
    assertThat(parseText(text.getBytes(StandardCharsets.UTF_8), roomy)).isEqualTo(families);
    assertThat(readProtobuf(DelimitedProtobufTest.write(families), roomy)).isEqualTo(families);
  }

  private static int bump(int limit, int needed) {
    return limit == MANY ? MANY : needed;
  }

  private static long bump(long limit, long needed) {
    return limit == MANY ? MANY : needed;
  }

  @Test
  void textFamiliesWithoutSamplesCountToo() {
    assertRefused(
        () ->
            parseText(
                "# TYPE a counter\n# TYPE b gauge\n# HELP c x\n".getBytes(),
                limits(2, MANY, MANY, MANY, MANY)),
        Reason.TOO_LARGE,
        "push exceeds the limit of 2 metric families per push (--push.max-families)");
  }

  @Test
  void aHistogramSeriesIsOneSeriesWhateverItsBuckets() {
    String text =
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 2\n";
    assertThatCode(() -> parseText(text.getBytes(), limits(MANY, 1, 1, MANY, MANY)))
        .doesNotThrowAnyException();
  }

  @Test
  void protobufSeriesAreCountedBeforeTheMessageIsParsed() {
    // three empty metrics, then a field with tag 0: parsing it would be "proto: ..."
    byte[] family = HexFormat.of().parseHex("0a0161" + "2200" + "2200" + "2200" + "0000");
    byte[] body = new byte[family.length + 1];
    body[0] = (byte) family.length;
    System.arraycopy(family, 0, body, 1, family.length);
    assertRefused(
        () -> readProtobuf(body, limits(MANY, 2, MANY, MANY, MANY)),
        Reason.TOO_LARGE,
        "push exceeds the limit of 2 series per push (--push.max-series)");
  }

  @Test
  void aRefusedBodyIsNotReadToItsEnd() {
    CountingZeros zeros = new CountingZeros(100 << 20);
    GroupingKey key = GroupingKey.of(Map.of("job", "j"));
    assertThatThrownBy(
            () ->
                DelimitedProtobuf.read(
                    zeros, PushMeter.unlimited(), PushValidator.sanitizer(key)::family))
        .isInstanceOfSatisfying(
            PushRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_METRICS))
        .hasMessage(
            PushRejectedException.INVALID_METRICS_PREFIX + "\"\" is not a valid metric name");
    assertThat(zeros.read).as("bytes read of a body of empty messages").isEqualTo(1);

    InputStream lines = new Lines(100 << 20);
    assertThatThrownBy(
            () ->
                TextParser.parse(
                    lines,
                    NameValidationScheme.LEGACY,
                    new PushMeter(limits(10, MANY, MANY, MANY, MANY), DecodeMemory.UNLIMITED),
                    UnaryOperator.identity()))
        .hasMessageContaining("--push.max-families");
    assertThat(((Lines) lines).read).as("bytes read of endless families").isLessThan(1 << 20);
  }

  @Test
  void decodingStopsWhenItsMemoryIsRefused() {
    RuntimeException refused = new IllegalStateException("no memory");
    long[] asked = {0};
    DecodeMemory memory =
        bytes -> {
          asked[0] += bytes;
          if (asked[0] > 1 << 20) {
            throw refused;
          }
        };
    Lines lines = new Lines(100 << 20);
    assertThatThrownBy(
            () ->
                TextParser.parse(
                    lines,
                    NameValidationScheme.LEGACY,
                    new PushMeter(PushLimits.NONE, memory),
                    UnaryOperator.identity()))
        .isSameAs(refused);
    assertThat(lines.read).isLessThan(1 << 20);
    assertThatThrownBy(
            () ->
                DelimitedProtobuf.read(
                    new ByteArrayInputStream(
                        DelimitedProtobufTest.write(
                            List.of(family("a", UNTYPED, untyped(1, "x", "y".repeat(1 << 20)))))),
                    new PushMeter(PushLimits.NONE, memory),
                    UnaryOperator.identity()))
        .isSameAs(refused);
  }

  private static void assertRefused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable read, Reason reason, String message) {
    assertThatThrownBy(read)
        .isInstanceOfSatisfying(
            PushRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessage(message);
  }

  private static List<MetricFamily> parseText(byte[] body, PushLimits limits) throws IOException {
    return TextParser.parse(
        new ByteArrayInputStream(body),
        NameValidationScheme.LEGACY,
        new PushMeter(limits, DecodeMemory.UNLIMITED),
        UnaryOperator.identity());
  }

  private static List<MetricFamily> readProtobuf(byte[] body, PushLimits limits)
      throws IOException {
    return DelimitedProtobuf.read(
        new ByteArrayInputStream(body),
        new PushMeter(limits, DecodeMemory.UNLIMITED),
        UnaryOperator.identity());
  }

  /** {@code size} zero bytes, generated as read, counting what was read. */
  private static final class CountingZeros extends InputStream {
    private final long size;
    long read;

    CountingZeros(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      if (read == size) {
        return -1;
      }
      read++;
      return 0;
    }
  }

  /** Lines {@code m<i> 1} up to about {@code size} bytes, generated as read. */
  private static final class Lines extends InputStream {
    private final long size;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private byte[] current = new byte[0];
    private int pos;
    private long index;
    long read;

    Lines(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      if (pos == current.length) {
        if (read >= size) {
          return -1;
        }
        line.reset();
        line.writeBytes(("m" + index++ + " 1\n").getBytes(StandardCharsets.US_ASCII));
        current = line.toByteArray();
        pos = 0;
      }
      read++;
      return current[pos++];
    }
  }
}
