package io.kpushgateway.core.format;

import static io.kpushgateway.core.format.TestFamilies.toText;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.Metrics.MetricFamily;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Text and protobuf in and out: what a push body becomes on a scrape. */
class RoundTripTest {

  /** A body as clients write it: loose spellings, interleaving, escapes. */
  private static final String PUSHED =
      """
      # HELP requests_total Total requests.
      # TYPE requests_total counter
      requests_total{code="200"} 1027
      # TYPE size histogram
      size_bucket{le="0.1"} 2
      size_bucket{le="1.0"} 5
      size_bucket{le="10"} 9
      size_bucket{le="Inf"} 10
      requests_total{code="500"} 3.0
      size_sum 42.50
      size_count 10
      # TYPE latency summary
      latency{m="get",quantile=".9"} 0.2
      latency{m="get",quantile="0.50"} 0.05
      latency_sum{m="get"} 1.2375e2
      latency_count{m="get"} 1000
      # HELP escaped Help with \\\\ and \\n.
      escaped{v="back\\\\slash \\"q\\" new\\nline ünï"} +Inf
      nan NaN
      stamped -1e-300 1700000000000
      partial_bucket 1
      # TYPE hist_no_inf histogram
      hist_no_inf_bucket{le="2.5"} 1
      hist_no_inf_count 4
      """;

  /** What the gateway serves for it (before its own sorting). */
  private static final String EXPOSED =
      """
      # HELP requests_total Total requests.
      # TYPE requests_total counter
      requests_total{code="200"} 1027
      requests_total{code="500"} 3
      # TYPE size histogram
      size_bucket{le="0.1"} 2
      size_bucket{le="1"} 5
      size_bucket{le="10"} 9
      size_bucket{le="+Inf"} 10
      size_sum 42.5
      size_count 10
      # TYPE latency summary
      latency{m="get",quantile="0.9"} 0.2
      latency{m="get",quantile="0.5"} 0.05
      latency_sum{m="get"} 123.75
      latency_count{m="get"} 1000
      # HELP escaped Help with \\\\ and \\n.
      # TYPE escaped untyped
      escaped{v="back\\\\slash \\"q\\" new\\nline ünï"} +Inf
      # TYPE nan untyped
      nan NaN
      # TYPE stamped untyped
      stamped -1e-300 1700000000000
      # TYPE partial_bucket untyped
      partial_bucket 1
      # TYPE hist_no_inf histogram
      hist_no_inf_bucket{le="2.5"} 1
      hist_no_inf_bucket{le="+Inf"} 4
      hist_no_inf_sum 0
      hist_no_inf_count 4
      """;

  private static List<MetricFamily> parse(String text) throws IOException {
    return TextParser.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void parseThenWriteNormalizesLikeTheGateway() throws IOException {
    assertThat(toText(parse(PUSHED))).isEqualTo(EXPOSED);
  }

  @Test
  void writtenTextParsesBackToTheSameFamilies() throws IOException {
    List<MetricFamily> families = parse(PUSHED);
    List<MetricFamily> again = parse(toText(families));
    // Writing synthesizes the +Inf bucket and a zero _sum, so compare through the text.
    assertThat(toText(again)).isEqualTo(EXPOSED);
    assertThat(again.get(0)).isEqualTo(families.get(0));
    assertThat(again.get(2)).isEqualTo(families.get(2));
  }

  @Test
  void protobufCarriesParsedFamiliesUnchanged() throws IOException {
    List<MetricFamily> families = parse(PUSHED);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DelimitedProtobuf.write(out, families);
    List<MetricFamily> back = DelimitedProtobuf.read(new ByteArrayInputStream(out.toByteArray()));
    assertThat(back).isEqualTo(families);
    assertThat(toText(back)).isEqualTo(EXPOSED);
  }

  @Test
  void extremeValuesSurviveTextRoundTrip() throws IOException {
    double[] values = {
      1.7976931348623157e308,
      5e-324,
      2.2250738585072014e-308,
      -1e-300,
      123456789012345678.0,
      0.1 + 0.2,
      1e21,
      9007199254740993.0,
      Math.PI,
      1795270186.3935902
    };
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      body.append("v").append(i).append(' ').append(Double.toString(values[i])).append('\n');
    }
    List<MetricFamily> families = parse(toText(parse(body.toString())));
    for (int i = 0; i < values.length; i++) {
      assertThat(families.get(i).getMetric(0).getUntyped().getValue()).isEqualTo(values[i]);
    }
  }
}
