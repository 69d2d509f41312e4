package io.kpushgateway.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.kpushgateway.core.format.DelimitedProtobuf;
import io.kpushgateway.core.merge.GroupFamilies;
import io.kpushgateway.exposition.GroupSource;
import io.kpushgateway.exposition.SelfMetrics;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.store.StoreUnavailableException;
import io.prometheus.client.Metrics.Counter;
import io.prometheus.client.Metrics.Gauge;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** {@code /federate} over a fixed set of groups, beside {@code /metrics}, without Kafka. */
class FederateRoutesTest {

  private static final String TEXT =
      "text/plain; version=0.0.4; charset=utf-8; escaping=underscores";
  private static final String PROTOBUF_ACCEPT =
      "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";

  private static final SelfMetrics SELF = TestEdge.SELF;

  /** {@code temp} in job a and b, {@code req_total} in job a; pushed at 1 s and 2 s. */
  private static final List<GroupRecord> GROUPS =
      List.of(
          group(
              "a",
              1,
              family("req_total", MetricType.COUNTER, "a", 5),
              family("temp", MetricType.GAUGE, "a", 1)),
          group("b", 2, family("temp", MetricType.GAUGE, "b", 2)));

  private static final List<GroupFamilies> PAGE = GROUPS.stream().map(GroupFamilies::of).toList();

  private static Javalin app(GroupSource groups, boolean openMetrics) {
    return TestEdge.reading(groups, openMetrics);
  }

  private static String federate(String... selectors) {
    StringBuilder path = new StringBuilder("/federate");
    for (int i = 0; i < selectors.length; i++) {
      path.append(i == 0 ? '?' : '&')
          .append("match[]=")
          .append(URLEncoder.encode(selectors[i], StandardCharsets.UTF_8));
    }
    return path.toString();
  }

  @Test
  void answersTheMatchingSeriesInText() {
    JavalinTest.test(
        app(() -> PAGE, false),
        (server, client) -> {
          try (Response r = client.get(federate("temp{job=\"b\"}"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo(TEXT);
            assertThat(r.body().string())
                .isEqualTo("# TYPE temp gauge\ntemp{instance=\"\",job=\"b\"} 2\n");
          }
        });
  }

  @Test
  void repeatedMatchIsTheUnionInPageOrder() {
    JavalinTest.test(
        app(() -> PAGE, false),
        (server, client) -> {
          try (Response r = client.get(federate("temp", "{job=\"a\", __name__=~\"req_.*\"}"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string())
                .isEqualTo(
                    "# TYPE req_total counter\n"
                        + "req_total{instance=\"\",job=\"a\"} 5\n"
                        + "# TYPE temp gauge\n"
                        + "temp{instance=\"\",job=\"a\"} 1\n"
                        + "temp{instance=\"\",job=\"b\"} 2\n");
          }
        });
  }

  @Test
  void ownMetricsAndTimestampsAreSeriesLikeAnyOther() {
    JavalinTest.test(
        app(() -> PAGE, false),
        (server, client) -> {
          try (Response r =
              client.get(federate("push_time_seconds{job=\"b\"}", "pushgateway_build_info"))) {
            String body = r.body().string();
            assertThat(body)
                .contains(
                    "# HELP push_time_seconds Last Unix time when changing this group"
                        + " in the Pushgateway succeeded.\n"
                        + "# TYPE push_time_seconds gauge\n"
                        + "push_time_seconds{instance=\"\",job=\"b\"} 2\n",
                    "# TYPE pushgateway_build_info gauge\n")
                .doesNotContain("job=\"a\"", "temp");
          }
        });
  }

  @Test
  void withoutMatchTheAnswerIsEmptyAsPrometheus() {
    JavalinTest.test(
        app(() -> PAGE, false),
        (server, client) -> {
          try (Response r = client.get("/federate")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo(TEXT);
            assertThat(r.body().string()).isEmpty();
          }
          try (Response r = client.get(federate("does_not_match_anything"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEmpty();
          }
        });
  }

  @Test
  void aBadSelectorIs400NamingItAndReadsNoGroup() {
    AtomicInteger reads = new AtomicInteger();
    GroupSource counted =
        () -> {
          reads.incrementAndGet();
          return PAGE;
        };
    JavalinTest.test(
        app(counted, false),
        (server, client) -> {
          try (Response r = client.get(federate("temp", "temp{job=\"a\""))) {
            assertThat(r.code()).isEqualTo(400);
            // spelled with its space by the app's RoutingFilter, which this test does not have
            assertThat(r.header("Content-Type"))
                .isEqualToIgnoringWhitespace("text/plain;charset=utf-8");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.body().string())
                .isEqualTo(
                    "bad match[] \"temp{job=\\\"a\\\"\": 1:13: parse error:"
                        + " unexpected end of input inside braces\n");
          }
          try (Response r = client.get(federate("{}"))) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.body().string())
                .isEqualTo(
                    "bad match[] \"{}\": 1:1: parse error:"
                        + " vector selector must contain label matchers or metric name\n");
          }
          assertThat(reads).hasValue(0);
          try (Response r = client.get("/metrics")) {
            assertThat(r.code()).isEqualTo(200);
          }
          assertThat(reads).hasValue(1);
        });
  }

  @Test
  void aQueryThatIsNotUrlEncodingIsABadRequest() {
    JavalinTest.test(
        app(() -> PAGE, false),
        (server, client) -> {
          // read by the servlet API, the pair would vanish and the answer be an empty 200
          try (Response r = client.get("/federate?match[]=temp&match[]=%zz")) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.body().string())
                .isEqualTo("error parsing form values: invalid URL escape \"%zz\"\n");
          }
        });
  }

  @Test
  void anUnavailableStoreIs503AsOnMetricsButABadSelectorStill400() {
    GroupSource down =
        () -> {
          throw new StoreUnavailableException("store is rebalancing");
        };
    Javalin app = TestEdge.reading(down, false);
    JavalinTest.test(
        app,
        (server, client) -> {
          for (String path : new String[] {federate("temp"), "/federate"}) {
            try (Response r = client.get(path)) {
              assertThat(r.code()).as(path).isEqualTo(503);
              assertThat(r.header("Retry-After")).isEqualTo("1");
              assertThat(r.body().string()).isEqualTo("store is rebalancing\n");
            }
          }
          try (Response r = client.get(federate("temp{"))) {
            assertThat(r.code()).isEqualTo(400);
          }
        });
  }

  @Test
  void protobufAndOpenMetricsAreNegotiatedAsOnMetrics() {
    JavalinTest.test(
        app(() -> PAGE, true),
        (server, client) -> {
          try (Response r =
              client.request(federate("temp"), b -> b.header("Accept", PROTOBUF_ACCEPT))) {
            assertThat(r.header("Content-Type")).startsWith("application/vnd.google.protobuf;");
            List<MetricFamily> families =
                DelimitedProtobuf.read(new ByteArrayInputStream(r.body().bytes()));
            assertThat(families).extracting(MetricFamily::getName).containsExactly("temp");
            assertThat(families.get(0).getMetricCount()).isEqualTo(2);
          }
          try (Response r =
              client.request(
                  federate("req_total"),
                  b -> b.header("Accept", "application/openmetrics-text; version=1.0.0"))) {
            assertThat(r.header("Content-Type"))
                .isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
            assertThat(r.body().string())
                .isEqualTo("# TYPE req counter\nreq_total{instance=\"\",job=\"a\"} 5.0\n# EOF\n");
          }
        });
  }

  private static GroupRecord group(String job, long pushSeconds, MetricFamily... families) {
    GroupRecord.Builder group =
        GroupRecord.newBuilder()
            .addGrouping(LabelPair.newBuilder().setName("job").setValue(job))
            .setPushTimeUnixNanos(pushSeconds * 1_000_000_000L);
    for (MetricFamily family : families) {
      group.addFamiliesBuilder().setFamily(family);
    }
    return group.build();
  }

  private static MetricFamily family(String name, MetricType type, String job, double value) {
    Metric.Builder metric =
        Metric.newBuilder()
            .addLabel(LabelPair.newBuilder().setName("instance").setValue(""))
            .addLabel(LabelPair.newBuilder().setName("job").setValue(job));
    if (type == MetricType.COUNTER) {
      metric.setCounter(Counter.newBuilder().setValue(value));
    } else {
      metric.setGauge(Gauge.newBuilder().setValue(value));
    }
    return MetricFamily.newBuilder().setName(name).setType(type).addMetric(metric).build();
  }
}
