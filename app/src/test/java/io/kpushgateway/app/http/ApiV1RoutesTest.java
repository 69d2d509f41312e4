package io.kpushgateway.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import java.util.List;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The routes without a store: status and the preflight do not read groups. */
class ApiV1RoutesTest {

  private static Javalin app() {
    return TestEdge.reading(List::of, false);
  }

  @Test
  void statusAnswersJsonWithUpstreamHeaders() {
    JavalinTest.test(
        app(),
        (server, client) -> {
          try (Response r = client.get("/api/v1/status")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
            assertThat(r.header("Access-Control-Allow-Methods"))
                .isEqualTo("GET, POST, DELETE, OPTIONS");
            assertThat(r.header("Access-Control-Allow-Headers"))
                .isEqualTo("Accept, Authorization, Content-Type, Origin");
            assertThat(r.header("Cache-Control")).isEqualTo("no-cache, no-store, must-revalidate");
            assertThat(r.body().string())
                .isEqualTo(
                    "{\"status\":\"success\",\"data\":{\"flags\":{\"f\":\"v\"},"
                        + "\"build_information\":{\"version\":\"9\"},"
                        + "\"start_time\":\"1970-01-01T00:00:01Z\"}}");
          }
        });
  }

  @Test
  void preflightIsEmpty200WithCorsHeaders() {
    JavalinTest.test(
        app(),
        (server, client) -> {
          try (Response r =
              client.request(
                  "/api/v1/anything/below",
                  b -> b.method("OPTIONS", RequestBody.create(new byte[0])))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEmpty();
            assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
            // no body, so no Content-Type: as upstream 1.5.1 (upstream-routes.tsv)
            assertThat(r.header("Content-Type")).isNull();
          }
        });
  }
}
