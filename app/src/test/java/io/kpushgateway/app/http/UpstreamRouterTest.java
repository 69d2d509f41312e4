package io.kpushgateway.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.app.http.UpstreamRouter.AnswerHere;
import io.kpushgateway.app.http.UpstreamRouter.Decision;
import io.kpushgateway.app.http.UpstreamRouter.Forward;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Route lookup without a server; the answers themselves are checked over HTTP in HttpApiIT. */
class UpstreamRouterTest {

  private final UpstreamRouter plain = router("", "/metrics", false);

  private static UpstreamRouter router(String prefix, String telemetryPath, boolean adminApi) {
    return new UpstreamRouter(
        prefix, Routes.table(Routes.telemetryPath(prefix, telemetryPath), adminApi));
  }

  /** The handler label and the raw path under the prefix, or the answer given instead. */
  private static Object routed(Decision decision) {
    if (decision instanceof Forward f) {
      return f.request().route().label() + " " + f.request().rawPath();
    }
    return ((AnswerHere) decision).answer();
  }

  private static Answer answer(Decision decision) {
    return ((AnswerHere) decision).answer();
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = ' ',
      nullValues = "-",
      value = {
        // upstream's handler labels in pushgateway_http_requests_total; "-" is not counted
        "PUT /metrics/job/a push",
        "POST /metrics/job/a/b/c push",
        "PUT /metrics/job@base64/YQ/c@base64/ZA push",
        "DELETE /metrics/job/a delete",
        "DELETE /metrics/job@base64/YQ delete",
        "GET /-/healthy healthy",
        "GET /-/ready ready",
        "GET / status",
        "GET /status status",
        "GET /static/functions.js static",
        "GET /api/v1/status api/v1/status",
        "GET /api/v1/metrics api/v1/metrics",
        "OPTIONS /api/v1/anything api/v1/options",
        "GET /metrics -",
        "PUT /-/quit -",
        "GET /-/quit -",
      })
  void everyUpstreamRouteHasItsHandlerLabel(String method, String path, String handler) {
    assertThat(routed(plain.route(method, path, null))).isEqualTo(handler + " " + path);
  }

  @Test
  void theWipeAndRestoreRoutesExistOnlyWithTheAdminApi() {
    assertThat(routed(plain.route("PUT", "/api/v1/admin/wipe", null))).isEqualTo(Answer.notFound());
    assertThat(routed(plain.route("PUT", "/api/v1/admin/restore", "at=1")))
        .isEqualTo(Answer.notFound());
    UpstreamRouter admin = router("", "/metrics", true);
    assertThat(routed(admin.route("PUT", "/api/v1/admin/wipe", null)))
        .isEqualTo("wipe /api/v1/admin/wipe");
    assertThat(routed(admin.route("PUT", "/api/v1/admin/restore", "at=1")))
        .isEqualTo("restore /api/v1/admin/restore");
    Answer get = answer(admin.route("GET", "/api/v1/admin/wipe", null));
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers()).containsEntry("Allow", "OPTIONS, PUT");
  }

  @Test
  void theBatchRouteIsOursPutAndPostOnly() {
    assertThat(routed(plain.route("PUT", "/api/v1/batch", "group_by=job")))
        .isEqualTo("api/v1/batch /api/v1/batch");
    assertThat(routed(plain.route("POST", "/api/v1/batch", "group_by=job")))
        .isEqualTo("api/v1/batch /api/v1/batch");
    // as upstream answers any other method under /api/v1 (its OPTIONS route matches every path)
    assertThat(answer(plain.route("GET", "/api/v1/batch", null)).status()).isEqualTo(405);
  }

  @Test
  void federateIsOursGetOnlyAndGivesWayToATelemetryPathOfThatName() {
    assertThat(routed(plain.route("GET", "/federate", "match[]=up")))
        .isEqualTo("federate /federate");
    Answer post = answer(plain.route("POST", "/federate", null));
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.headers()).containsEntry("Allow", "GET, OPTIONS");
    assertThat(routed(router("/p", "/metrics", false).route("GET", "/p/federate", null)))
        .isEqualTo("federate /federate");
    assertThat(routed(router("", "/federate", false).route("GET", "/federate", null)))
        .isEqualTo("null /federate");
  }

  @Test
  void routesUnderAPrefixAreHandedOnWithTheRawPathAfterThePrefixAsSent() {
    assertThat(Routes.telemetryPath("/a b/ä", "/metrics/")).isEqualTo("/metrics");
    UpstreamRouter router = router("/a b/ä", "/metrics/", false);
    assertThat(routed(router.route("PUT", "/a%20b/%C3%A4/metrics/job/x%2Fy", null)))
        .isEqualTo("push /metrics/job/x%2Fy");
    assertThat(routed(router.route("GET", "/a b/%c3%a4/metrics", null))).isEqualTo("null /metrics");
    assertThat(routed(router.route("GET", "/-/quit", null))).isEqualTo("null /-/quit");
    assertThat(answer(router.route("GET", "/a%20b/%C3%A4", "q=1")).headers())
        .containsEntry("Location", "/a%20b/%C3%A4/?q=1");
  }

  @Test
  void aMalformedEscapeIsABadRequestAsInGo() {
    Answer answer = answer(plain.route("GET", "/a%zz", null));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body()).isEqualTo("400 Bad Request\n");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "/, /",
    "//, /",
    "/a//b/, /a/b/",
    "/a/./b, /a/b",
    "/a/b/.., /a",
    "/a/../../b/, /b/",
    "/., /",
  })
  void pathsAreCleanedLikeGosServeMux(String path, String cleaned) {
    assertThat(UpstreamRouter.cleanPath(path)).isEqualTo(cleaned);
  }
}
