package io.kpushgateway.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.kpushgateway.app.http.HistoryRoutesTest.RecordingHistory;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.proto.HistoryEntry;
import io.kpushgateway.proto.HistoryPage;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.Outcome;
import io.kpushgateway.store.HistoryQuery;
import io.prometheus.client.Metrics;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * The web UI's history pieces as rendered HTML through the real edge: the page of a group's pushes
 * over a recording history store, and {@code ?at=} errors on the status page.
 */
class WebUiHistoryRoutesTest {

  private static final String XSS = "<script>x</script>";

  private final RecordingHistory history = new RecordingHistory();

  @Test
  void aGroupsPageListsItsPushesNewestFirstWithAChartOfTheChosenSeries() {
    history.page =
        HistoryPage.newBuilder()
            .addEntries(entry(3, Method.PUT, Outcome.OUTCOME_APPLIED, 30.5))
            .addEntries(
                entry(2, Method.POST, Outcome.OUTCOME_REJECTED, 99)
                    .setReason("pushed metrics are invalid: " + XSS))
            .addEntries(entry(1, Method.PUT, Outcome.OUTCOME_APPLIED, 10))
            .setMore(true)
            .build();
    JavalinTest.test(
        TestEdge.storingHistory(history),
        (server, client) -> {
          String body;
          // the group as the status page links it: the push path, base64 throughout
          try (Response r = client.get("/history?group=job@base64/YS9i/path@base64/L3Zhcg")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
            body = r.body().string();
          }
          assertThat(history.keys)
              .containsExactly(
                  HexFormat.of()
                      .formatHex(GroupingKey.of(Map.of("job", "a/b", "path", "/var")).toBytes()));
          assertThat(history.queries)
              .containsExactly(
                  new HistoryQuery(Long.MIN_VALUE, Long.MAX_VALUE, 50, HistoryQuery.NEWEST));
          assertThat(body)
              .contains("<span class=\"label\">job=\"a/b\"</span>", "path=\"/var\"")
              .contains("href=\"api/v1/history/job@base64/YS9i/path@base64/L3Zhcg==\"")
              .contains("id=\"older\"")
              .doesNotContain(XSS)
              .contains("pushed metrics are invalid: &lt;script&gt;");
          assertThat(rows(body))
              .containsExactly(
                  "2023-11-14T22:13:23Z PUT applied",
                  "2023-11-14T22:13:22Z POST rejected",
                  "2023-11-14T22:13:21Z PUT applied");
          // by default the first series by name; its two applied pushes, oldest on the left
          assertThat(body).contains("data-points=\"2\"", "max 3<", "min 1<");
          assertThat(count(body, "<circle class=\"point\"")).isEqualTo(2);
          assertThat(body)
              .contains(
                  "<option value=\"backup_runs_total{disk=&#34;a&#34;}\" selected>",
                  "<polyline class=\"series\" fill=\"none\" points=\"90.0,132.0 630.0,12.0\"/>");
        });
  }

  @Test
  void anotherSeriesIsChosenByItsName() {
    history.page =
        HistoryPage.newBuilder()
            .addEntries(entry(2, Method.PUT, Outcome.OUTCOME_APPLIED, 2))
            .addEntries(entry(1, Method.PUT, Outcome.OUTCOME_APPLIED, 1))
            .build();
    JavalinTest.test(
        TestEdge.storingHistory(history),
        (server, client) -> {
          try (Response r =
              client.get(
                  "/history?group=job/backup&series=backup_size_bytes%7Bdisk%3D%22a%22%7D")) {
            String body = r.body().string();
            assertThat(body)
                .contains("<option value=\"backup_size_bytes{disk=&#34;a&#34;}\" selected>")
                .contains("data-points=\"2\"", "max 2<", "min 1<")
                .doesNotContain("id=\"older\"");
          }
        });
  }

  @Test
  void aBadGroupIsAnErrorOnThePage() {
    JavalinTest.test(
        TestEdge.storingHistory(history),
        (server, client) -> {
          try (Response r = client.get("/history?group=job@base64/%21%21")) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
            assertThat(r.body().string()).contains("id=\"error\"", "bad group: ");
          }
          try (Response r = client.get("/history")) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.body().string()).contains("missing parameter group");
          }
          assertThat(history.keys).isEmpty();
        });
  }

  @Test
  void aBadAtIsAnErrorOnTheStatusPage() {
    JavalinTest.test(
        TestEdge.storingHistory(history),
        (server, client) -> {
          try (Response r = client.get("/status?at=yesterday" + "%22%3E" + "<b>")) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
            String body = r.body().string();
            assertThat(body)
                .contains("<p id=\"error\" class=\"error\" role=\"alert\">bad at: ")
                .contains("id=\"at-form\"", "id=\"at-now\"")
                .doesNotContain("<b>", "id=\"as-of\"", "Exception");
          }
          try (Response r = client.get("/status?at=4102444800")) { // 2100: in the future
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.body().string()).contains("is in the future");
          }
        });
  }

  @Test
  void thePageWithoutAtIsTheCurrentOne() {
    JavalinTest.test(
        TestEdge.storingHistory(history),
        (server, client) -> {
          try (Response r = client.get("/status")) {
            assertThat(r.code()).isEqualTo(200);
            String body = r.body().string();
            assertThat(body)
                .contains(
                    "id=\"at-form\"", "<p id=\"error\" class=\"error\" role=\"alert\" hidden>")
                .doesNotContain("id=\"as-of\"", "id=\"at-now\"");
          }
        });
  }

  /** An entry at 1_700_000_000 + {@code second} with two counter/gauge series. */
  private static HistoryEntry.Builder entry(
      int second, Method method, Outcome outcome, double size) {
    return HistoryEntry.newBuilder()
        .setReceivedAtUnixNanos((1_700_000_000L + second) * 1_000_000_000L)
        .setOffset(second)
        .setMethod(method)
        .setOutcome(outcome)
        .setIngestNode("ingest-1:9091")
        .setBodyBytes(40)
        .addFamilies(family("backup_size_bytes", Metrics.MetricType.GAUGE, size))
        .addFamilies(family("backup_runs_total", Metrics.MetricType.COUNTER, second));
  }

  private static Metrics.MetricFamily family(String name, Metrics.MetricType type, double v) {
    Metrics.Metric.Builder m =
        Metrics.Metric.newBuilder()
            .addLabel(Metrics.LabelPair.newBuilder().setName("disk").setValue("a"));
    if (type == Metrics.MetricType.GAUGE) {
      m.setGauge(Metrics.Gauge.newBuilder().setValue(v));
    } else {
      m.setCounter(Metrics.Counter.newBuilder().setValue(v));
    }
    return Metrics.MetricFamily.newBuilder().setName(name).setType(type).addMetric(m).build();
  }

  /** Each timeline row's time, method and outcome. */
  private static java.util.List<String> rows(String body) {
    return Pattern.compile(
            "<tr class=\"push [a-z]+\"><td class=\"time\"><a [^>]*><time [^>]*>([^<]+)</time></a>"
                + "</td><td class=\"method\">([A-Z]+)</td><td class=\"outcome\">"
                + "<span class=\"outcome [a-z]+\">([a-z]+)</span>")
        .matcher(body)
        .results()
        .map(m -> m.group(1) + " " + m.group(2) + " " + m.group(3))
        .toList();
  }

  private static int count(String body, String s) {
    return body.split(Pattern.quote(s), -1).length - 1;
  }
}
