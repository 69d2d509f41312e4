package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.app.UpstreamRouter.Answer;
import io.kpushgateway.app.UpstreamRouter.Forward;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Route lookup without a server; the answers themselves are checked over HTTP in HttpApiIT. */
class UpstreamRouterTest {

  private final UpstreamRouter plain = new UpstreamRouter("", "/metrics", false);

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
    assertThat(plain.route(method, path, null)).isEqualTo(new Forward(handler, ""));
  }

  @Test
  void theWipeRouteExistsOnlyWithTheAdminApi() {
    assertThat(plain.route("PUT", "/api/v1/admin/wipe", null)).isEqualTo(UpstreamRouter.notFound());
    assertThat(new UpstreamRouter("", "/metrics", true).route("PUT", "/api/v1/admin/wipe", null))
        .isEqualTo(new Forward("wipe", ""));
  }

  @Test
  void federateIsOursGetOnlyAndGivesWayToATelemetryPathOfThatName() {
    assertThat(plain.route("GET", "/federate", "match[]=up"))
        .isEqualTo(new Forward("federate", ""));
    Answer post = (Answer) plain.route("POST", "/federate", null);
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.headers()).containsEntry("Allow", "GET, OPTIONS");
    assertThat(new UpstreamRouter("/p", "/metrics", false).route("GET", "/p/federate", null))
        .isEqualTo(new Forward("federate", "/p"));
    assertThat(new UpstreamRouter("", "/federate", false).route("GET", "/federate", null))
        .isEqualTo(new Forward(null, ""));
  }

  @Test
  void routesUnderAPrefixAreHandedOnWithThePrefixAsSentAsContextPath() {
    UpstreamRouter router = new UpstreamRouter("/a b/ä", "/metrics/", false);
    assertThat(router.telemetryPath()).isEqualTo("/metrics");
    assertThat(router.route("PUT", "/a%20b/%C3%A4/metrics/job/x", null))
        .isEqualTo(new Forward("push", "/a%20b/%C3%A4"));
    assertThat(router.route("GET", "/a b/%c3%a4/metrics", null))
        .isEqualTo(new Forward(null, "/a b/%c3%a4"));
    assertThat(router.route("GET", "/-/quit", null)).isEqualTo(new Forward(null, ""));
    assertThat(((Answer) router.route("GET", "/a%20b/%C3%A4", "q=1")).headers())
        .containsEntry("Location", "/a%20b/%C3%A4/?q=1");
  }

  @Test
  void aMalformedEscapeIsABadRequestAsInGo() {
    Answer answer = (Answer) plain.route("GET", "/a%zz", null);
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
