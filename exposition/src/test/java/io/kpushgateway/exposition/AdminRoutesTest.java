package io.kpushgateway.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * The answers that need no store, compared with upstream 1.5.1: the wipe itself runs against a real
 * gateway in the app's {@code AdminWipeIT}.
 */
class AdminRoutesTest {

  private static Javalin app(boolean enabled) {
    Javalin app = Javalin.create(cfg -> cfg.http.prefer405over404 = true);
    new ApiV1Routes(new LocalGroupReader(null), new StatusInfo(Map.of(), Map.of(), Instant.EPOCH))
        .addTo(app);
    // neither reader nor publisher is reached by these requests
    new AdminRoutes(new LocalGroupReader(null), null, Clock.systemUTC(), "node", enabled)
        .addTo(app);
    return app;
  }

  @Test
  void withoutTheFlagEveryMethodGets404LikeUpstream() {
    JavalinTest.test(
        app(false),
        (server, client) -> {
          for (String method : List.of("PUT", "POST", "GET", "DELETE", "PATCH")) {
            try (Response r = call(client, method)) {
              assertThat(r.code()).as(method).isEqualTo(404);
              assertThat(r.header("Content-Type")).startsWith("text/plain");
              assertThat(r.body().string()).isEqualTo("404 page not found\n");
            }
          }
          try (Response r = call(client, "HEAD")) {
            assertThat(r.code()).isEqualTo(404);
          }
        });
  }

  @Test
  void withTheFlagOnlyPutIsAllowedAndOptionsIsThePreflight() {
    JavalinTest.test(
        app(true),
        (server, client) -> {
          for (String method : List.of("POST", "GET", "DELETE", "PATCH")) {
            try (Response r = call(client, method)) {
              assertThat(r.code()).as(method).isEqualTo(405);
              assertThat(r.header("Allow")).isEqualTo("OPTIONS, PUT");
              assertThat(r.body().string()).isEqualTo("Method Not Allowed\n");
            }
          }
          try (Response r = call(client, "HEAD")) {
            assertThat(r.code()).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("OPTIONS, PUT");
          }
          try (Response r = call(client, "OPTIONS")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
          }
        });
  }

  private static Response call(io.javalin.testtools.HttpClient client, String method) {
    RequestBody body =
        method.equals("GET") || method.equals("HEAD") ? null : RequestBody.create(new byte[0]);
    return client.request(AdminRoutes.WIPE_PATH, b -> b.method(method, body));
  }
}
