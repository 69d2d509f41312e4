package io.kpushgateway.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.proto.HistoryEntry;
import io.kpushgateway.proto.HistoryPage;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.Outcome;
import io.kpushgateway.store.HistoryQuery;
import io.kpushgateway.store.HistoryStore;
import io.kpushgateway.store.KeyPlacement;
import io.kpushgateway.store.StoreUnavailableException;
import io.prometheus.client.Metrics;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /api/v1/history/...} through the real edge over a recording history store: what is
 * asked of the store, the JSON, and the 400s for bad input, which read nothing.
 */
class HistoryRoutesTest {

  private final RecordingHistory history = new RecordingHistory();

  @Test
  void anUnknownGroupIsAnEmptyList() {
    JavalinTest.test(
        TestEdge.storingHistory(history),
        (server, client) -> {
          try (Response r = client.get("/api/v1/history/job/backup/instance/db1")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
            assertThat(r.code()).isEqualTo(200);
          }
          assertThat(history.keys)
              .containsExactly(
                  hex(GroupingKey.of(Map.of("job", "backup", "instance", "db1")).toBytes()));
          assertThat(history.queries)
              .containsExactly(
                  new HistoryQuery(Long.MIN_VALUE, Long.MAX_VALUE, 100, HistoryQuery.NEWEST));
        });
  }

  @Test
  void base64PathsNameTheSameGroupAsForPushes() {
    JavalinTest.test(
        TestEdge.storingHistory(history),
        (server, client) -> {
          try (Response r = client.get("/api/v1/history/job@base64/YS9i/path@base64/L3Zhcg")) {
            assertThat(r.code()).isEqualTo(200);
          }
          try (Response r = client.get("/api/v1/history/job/x/empty@base64/=")) {
            assertThat(r.code()).isEqualTo(200);
          }
          assertThat(history.keys)
              .containsExactly(
                  hex(GroupingKey.of(Map.of("job", "a/b", "path", "/var")).toBytes()),
                  hex(GroupingKey.of(Map.of("job", "x", "empty", "")).toBytes()));
        });
  }

  @Test
  void entriesAreWrittenWithTheirFamiliesAndAPageToken() {
    history.page =
        HistoryPage.newBuilder()
            .addEntries(
                HistoryEntry.newBuilder()
                    .setReceivedAtUnixNanos(1_700_000_000_123_000_000L)
                    .setOffset(7)
                    .setMethod(Method.PUT)
                    .setOutcome(Outcome.OUTCOME_APPLIED)
                    .setIngestNode("ingest-1:9091")
                    .setBodyBytes(42)
                    .addFamilies(
                        Metrics.MetricFamily.newBuilder()
                            .setName("backup_duration_seconds")
                            .setHelp("How long.")
                            .setType(Metrics.MetricType.GAUGE)
                            .addMetric(
                                Metrics.Metric.newBuilder()
                                    .addLabel(
                                        Metrics.LabelPair.newBuilder()
                                            .setName("job")
                                            .setValue("backup"))
                                    .setGauge(Metrics.Gauge.newBuilder().setValue(42.5))))
                    .addRemoved("old_family"))
            .addEntries(
                HistoryEntry.newBuilder()
                    .setReceivedAtUnixNanos(1_700_000_000_000_000_000L)
                    .setOffset(3)
                    .setMethod(Method.POST)
                    .setOutcome(Outcome.OUTCOME_WITHDRAWN)
                    .setReason("lost a race")
                    .setIngestNode("ingest-2:9091")
                    .addRemoved("x"))
            .setMore(true)
            .build();
    JavalinTest.test(
        TestEdge.storingHistory(history),
        (server, client) -> {
          String token;
          try (Response r = client.get("/api/v1/history/job/backup?limit=2")) {
            assertThat(r.code()).isEqualTo(200);
            String body = r.body().string();
            token = body.replaceAll(".*\"nextPageToken\":\"([^\"]+)\".*", "$1");
            assertThat(body)
                .isEqualTo(
                    "{\"status\":\"success\",\"data\":["
                        + "{\"time\":\"2023-11-14T22:13:20.123Z\",\"offset\":7,\"method\":\"PUT\","
                        + "\"outcome\":\"applied\",\"ingestNode\":\"ingest-1:9091\","
                        + "\"bodyBytes\":42,\"families\":{\"backup_duration_seconds\":"
                        + "{\"type\":\"GAUGE\",\"help\":\"How long.\",\"metrics\":"
                        + "[{\"labels\":{\"job\":\"backup\"},\"value\":\"42.5\"}]}},"
                        + "\"removed\":[\"old_family\"]},"
                        + "{\"time\":\"2023-11-14T22:13:20Z\",\"offset\":3,\"method\":\"POST\","
                        + "\"outcome\":\"withdrawn\",\"reason\":\"lost a race\","
                        + "\"ingestNode\":\"ingest-2:9091\",\"bodyBytes\":0,\"families\":{},"
                        + "\"removed\":[\"x\"]}],"
                        + "\"nextPageToken\":\""
                        + token
                        + "\"}");
          }
          history.page = HistoryPage.getDefaultInstance();
          try (Response r = client.get("/api/v1/history/job/backup?limit=2&page_token=" + token)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).doesNotContain("nextPageToken");
          }
          assertThat(history.queries.get(1).beforeOffset()).isEqualTo(3);
          assertThat(history.queries.get(1).limit()).isEqualTo(2);
        });
  }

  @Test
  void timesAreRfc3339OrUnixSecondsWithFractions() {
    JavalinTest.test(
        TestEdge.storingHistory(history),
        (server, client) -> {
          try (Response r =
              client.get(
                  "/api/v1/history/job/j?since=1699999999.5&until=2023-11-14T23:13:20.25%2B01:00"
                      + "&limit=1000")) {
            assertThat(r.code()).isEqualTo(200);
          }
          assertThat(history.queries)
              .containsExactly(
                  new HistoryQuery(
                      1_699_999_999_500_000_000L,
                      1_700_000_000_250_000_000L,
                      1000,
                      HistoryQuery.NEWEST));
        });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "since=yesterday | invalid parameter \\\"since\\\": cannot parse \\\"yesterday\\\"",
        "until=2024-13-01T00:00:00Z | invalid parameter \\\"until\\\": cannot parse",
        "since=1e400 | invalid parameter \\\"since\\\": cannot parse",
        "since=20&until=10 | \\\"since\\\" (20) is after \\\"until\\\" (10)",
        "limit=1001 | invalid parameter \\\"limit\\\": 1001 is out of range: it must be between 1"
            + " and 1000",
        "limit=0 | invalid parameter \\\"limit\\\": 0 is out of range",
        "limit=ten | invalid parameter \\\"limit\\\": \\\"ten\\\" is not a whole number",
        "page_token=abc | invalid parameter \\\"page_token\\\": \\\"abc\\\" is not a page token",
        "page_token=%25%25 | invalid parameter \\\"page_token\\\"",
      })
  void badParametersAre400NamingTheProblemAndReadNothing(String query, String message) {
    JavalinTest.test(
        TestEdge.storingHistory(history),
        (server, client) -> {
          try (Response r = client.get("/api/v1/history/job/j?" + query)) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.body().string())
                .startsWith("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"")
                .contains(message);
          }
          assertThat(history.queries).isEmpty();
        });
  }

  @Test
  void badPathsAreAnsweredAsForPushes() {
    JavalinTest.test(
        TestEdge.storingHistory(history),
        (server, client) -> {
          try (Response r = client.get("/api/v1/history/job/j/instance")) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.body().string()).contains("\"errorType\":\"bad_data\"");
          }
          try (Response r = client.get("/api/v1/history/job@base64/!!!")) {
            assertThat(r.code()).isEqualTo(400);
          }
          try (Response r = client.get("/api/v1/history/jobs/j")) {
            assertThat(r.code()).isEqualTo(404);
          }
          try (Response r = client.get("/api/v1/history/job/j?limit=5000")) {
            assertThat(r.code()).isEqualTo(400);
          }
          assertThat(history.queries).isEmpty();
        });
  }

  @Test
  void aStoreThatCannotReadIs503WithRetryAfter() {
    history.unavailable = "partition 3 is not served by this node";
    JavalinTest.test(
        TestEdge.storingHistory(history),
        (server, client) -> {
          try (Response r = client.get("/api/v1/history/job/j")) {
            assertThat(r.code()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("1");
            assertThat(r.body().string())
                .contains("\"errorType\":\"unavailable\"")
                .contains("partition 3 is not served by this node");
          }
        });
  }

  @Test
  void aNodeWithoutTheStoreSaysWhereToGo() {
    JavalinTest.test(
        TestEdge.reading(List::of, false),
        (server, client) -> {
          try (Response r = client.get("/api/v1/history/job/j")) {
            assertThat(r.code()).isEqualTo(404);
            assertThat(r.body().string()).contains("served by the store nodes");
          }
        });
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** Every partition on this node; records what it was asked, answers {@link #page}. */
  static final class RecordingHistory implements HistoryStore {
    final List<String> keys = new CopyOnWriteArrayList<>();
    final List<HistoryQuery> queries = new CopyOnWriteArrayList<>();
    volatile HistoryPage page = HistoryPage.getDefaultInstance();
    volatile String unavailable;

    @Override
    public KeyPlacement placementOf(byte[] groupKey) {
      return new KeyPlacement(0, Optional.of(TestEdge.NODE), List.of());
    }

    @Override
    public HistoryPage read(byte[] groupKey, HistoryQuery query, boolean fromStandby) {
      if (unavailable != null) {
        throw new StoreUnavailableException(unavailable);
      }
      keys.add(HexFormat.of().formatHex(groupKey));
      queries.add(query);
      return page;
    }
  }
}
