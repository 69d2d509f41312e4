package io.kpushgateway.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.StoredFamily;
import io.prometheus.client.Metrics.Bucket;
import io.prometheus.client.Metrics.Gauge;
import io.prometheus.client.Metrics.Histogram;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import io.prometheus.client.Metrics.Quantile;
import io.prometheus.client.Metrics.Summary;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebUiPageTest {

  // 2023-11-14T22:13:20Z and 5 s later
  private static final long T1 = 1_700_000_000_123_000_000L;
  private static final long T2 = 1_700_000_005_000_000_000L;

  private static final StatusInfo STATUS =
      new StatusInfo(
          Map.of("version", "0.1.0", "javaVersion", "17"),
          Map.of("web.enable-admin-api", "true", "data.dir", "/tmp/<d>"),
          Instant.ofEpochSecond(1_700_000_000L, 250_000_000));

  @Test
  void pushedTextIsEscapedEverywhere() throws IOException {
    String evil = "<script>alert(\"x\")</script>";
    GroupRecord group =
        group(
            T1,
            0,
            List.of(label("job", "j"), label("path", evil)),
            gauge("g", "help " + evil, 1, label("job", "j"), label("path", evil)));
    StatusInfo status = new StatusInfo(Map.of("branch", evil), Map.of("flag", evil), Instant.EPOCH);

    String page = render(List.of(group), status, true);

    assertThat(page).doesNotContain("<script>alert").doesNotContain("</script>\"");
    assertThat(page)
        .contains(
            "<span class=\"label\">path=\"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;\"</span>")
        .contains("help &lt;script&gt;")
        // the confirmation text travels in an attribute, escaped as well
        .contains("data-labels=\"{job=&#34;j&#34;, path=&#34;&lt;script&gt;");
    // the only script element is the page's own
    assertThat(page.split("<script", -1)).hasSize(2);
  }

  @Test
  void groupsInGivenOrderWithJobFirstAndBase64DeletePaths() throws IOException {
    GroupRecord a = group(T1, 0, List.of(label("empty", ""), label("job", "a")), gauge("m", "", 1));
    GroupRecord b =
        group(
            T1,
            0,
            List.of(label("instance", "i"), label("job", "b"), label("path", "/var/x")),
            gauge("m", "", 2));

    String page = render(List.of(a, b), STATUS, false);

    assertThat(page.indexOf("id=\"group-1\"")).isLessThan(page.indexOf("id=\"group-2\""));
    assertThat(page)
        .contains("data-path=\"job@base64/YQ==/empty@base64/=\"")
        .contains("data-path=\"job@base64/Yg==/instance@base64/aQ==/path@base64/L3Zhci94\"")
        .contains(
            "<summary><span class=\"label job\">job=\"b\"</span> "
                + "<span class=\"label instance\">instance=\"i\"</span> "
                + "<span class=\"label\">path=\"/var/x\"</span> ");
  }

  @Test
  void familiesShowTypeHelpTimesAndReadableValues() throws IOException {
    MetricFamily histogram =
        MetricFamily.newBuilder()
            .setName("h")
            .setType(MetricType.HISTOGRAM)
            .addMetric(
                Metric.newBuilder()
                    .addLabel(label("job", "j"))
                    .setHistogram(
                        Histogram.newBuilder()
                            .setSampleCount(3)
                            .setSampleSum(4.5)
                            .addBucket(Bucket.newBuilder().setUpperBound(0.5).setCumulativeCount(1))
                            .addBucket(
                                Bucket.newBuilder()
                                    .setUpperBound(Double.POSITIVE_INFINITY)
                                    .setCumulativeCount(3))))
            .build();
    MetricFamily summary =
        MetricFamily.newBuilder()
            .setName("s")
            .setHelp("a summary")
            .setType(MetricType.SUMMARY)
            .addMetric(
                Metric.newBuilder()
                    .addLabel(label("job", "j"))
                    .setSummary(
                        Summary.newBuilder()
                            .setSampleCount(7)
                            .setSampleSum(1e-9)
                            .addQuantile(Quantile.newBuilder().setQuantile(0.99).setValue(12))))
            .build();
    GroupRecord group =
        group(T2, 0, List.of(label("job", "j")), histogram, summary, gauge("t", "", 1.7e9 + 0.5));

    String page = render(List.of(group), STATUS, false);

    assertThat(page)
        .contains("<code class=\"name\">h</code> <span class=\"type\">HISTOGRAM</span>")
        .contains("<th scope=\"row\">Sample values ≤ 0.5</th><td>1</td>")
        .contains("<th scope=\"row\">Sample values ≤ +Inf</th><td>3</td>")
        .contains("<th scope=\"row\">Total Sample Count</th><td>3</td>")
        .contains("<th scope=\"row\">Sample Sum</th><td>4.5</td>")
        .contains("<span class=\"help\">a summary</span>")
        .contains("<th scope=\"row\">Quantile 0.99</th><td>12</td>")
        .contains("<th scope=\"row\">Sample Sum</th><td>0.000000001</td>")
        .contains("<td class=\"value\">1700000000.5</td>")
        // the meta families, as upstream lists them, with the push time as plain seconds
        .contains("<code class=\"name\">push_time_seconds</code>")
        .contains("<td class=\"value\">1700000005</td>")
        .contains("last pushed: 2023-11-14T22:13:25Z")
        .contains("last push: 2023-11-14T22:13:25Z · last failure: never")
        .doesNotContain("Last push failed!");
  }

  @Test
  void aFailureNewerThanTheLastPushIsMarked() throws IOException {
    String page = render(List.of(group(T1, T2, List.of(label("job", "j")))), STATUS, false);

    assertThat(page)
        .contains("<span class=\"failed\" role=\"alert\">Last push failed!</span>")
        .contains("last push: 2023-11-14T22:13:20Z · last failure: 2023-11-14T22:13:25Z");
  }

  @Test
  void deleteAllOnlyWithTheAdminApiAndStatusTabListsFlags() throws IOException {
    List<GroupRecord> two =
        List.of(group(T1, 0, List.of(label("job", "a"))), group(T1, 0, List.of(label("job", "b"))));

    assertThat(render(two, STATUS, false)).doesNotContain("del-all");
    assertThat(render(two, STATUS, true))
        .contains("<button type=\"button\" id=\"del-all\" class=\"danger\">")
        .contains("Delete All <span id=\"del-all-counter\">2</span> Groups")
        .contains("<p id=\"no-groups\" hidden>");
    assertThat(render(List.of(), STATUS, true))
        .contains("id=\"del-all\" class=\"danger\" disabled>")
        .contains("<p id=\"no-groups\">No groups.</p>");

    assertThat(render(List.of(), STATUS, false))
        .contains("<th scope=\"row\">Started</th><td>2023-11-14T22:13:20.250Z</td>")
        .contains("<tr><th scope=\"row\">javaVersion</th><td>17</td></tr>")
        .contains(
            "<tr><th scope=\"row\">data.dir</th><td>/tmp/&lt;d&gt;</td></tr>\n"
                + "<tr><th scope=\"row\">web.enable-admin-api</th><td>true</td></tr>");
  }

  @Test
  void numbersWithoutExponent() {
    assertThat(WebUiPage.number(1.795439819177741e9)).isEqualTo("1795439819.177741");
    assertThat(WebUiPage.number(1e21)).isEqualTo("1000000000000000000000");
    assertThat(WebUiPage.number(-2.5e-7)).isEqualTo("-0.00000025");
    assertThat(WebUiPage.number(Double.NaN)).isEqualTo("NaN");
    assertThat(WebUiPage.number(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    assertThat(WebUiPage.number(-0.0)).isEqualTo("-0");
  }

  private static String render(List<GroupRecord> groups, StatusInfo status, boolean adminApi)
      throws IOException {
    StringWriter out = new StringWriter();
    WebUiPage.write(out, groups, status, adminApi);
    return out.toString();
  }

  private static GroupRecord group(
      long pushed, long failed, List<LabelPair> grouping, MetricFamily... families) {
    List<StoredFamily> stored = new ArrayList<>();
    for (MetricFamily f : families) {
      stored.add(StoredFamily.newBuilder().setFamily(f).setWrittenAtUnixNanos(pushed).build());
    }
    return GroupRecord.newBuilder()
        .addAllGrouping(grouping)
        .addAllFamilies(stored)
        .setPushTimeUnixNanos(pushed)
        .setPushFailureTimeUnixNanos(failed)
        .build();
  }

  private static MetricFamily gauge(String name, String help, double value, LabelPair... labels) {
    return MetricFamily.newBuilder()
        .setName(name)
        .setHelp(help)
        .setType(MetricType.GAUGE)
        .addMetric(
            Metric.newBuilder()
                .addAllLabel(List.of(labels))
                .setGauge(Gauge.newBuilder().setValue(value)))
        .build();
  }

  private static LabelPair label(String name, String value) {
    return LabelPair.newBuilder().setName(name).setValue(value).build();
  }
}
