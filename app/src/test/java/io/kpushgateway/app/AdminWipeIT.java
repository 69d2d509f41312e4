package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code PUT /api/v1/admin/wipe} on a real gateway, with the answers of upstream 1.5.1. */
class AdminWipeIT {

  private static final Duration VISIBLE = Duration.ofSeconds(10);

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static TestGateway start(Path data, String... more) {
    return TestGateway.startOn(KAFKA, "wipe", data, more);
  }

  @Test
  void wipeDeletesEveryGroupAndTheGatewayKeepsWorking(@TempDir Path data) {
    try (TestGateway gw = start(data, "--web.enable-admin-api")) {
      gw.push("job/w1", "w_total 1\n");
      gw.push("job/w2/empty@base64/=", "w_total 2\n");
      gw.push(
          "job@base64/dy8z/path@base64/L3Zhci9sb2c", "w_total 3\n"); // job="w/3", path="/var/log"
      Await.until(VISIBLE, "three groups", () -> gw.scrape().contains("job=\"w/3\""));
      assertThat(gw.send("GET", "/api/v1/status", null).body())
          .contains("\"web.enable-admin-api\":\"true\"");

      for (String method : new String[] {"POST", "GET", "DELETE"}) {
        HttpResponse<String> refused = gw.send(method, "/api/v1/admin/wipe", "");
        assertThat(refused.statusCode()).as(method).isEqualTo(405);
        assertThat(refused.headers().firstValue("Allow")).hasValue("OPTIONS, PUT");
        assertThat(refused.body()).isEqualTo("Method Not Allowed\n");
      }
      assertThat(gw.scrape()).contains("job=\"w1\"");

      HttpResponse<String> wiped = gw.send("PUT", "/api/v1/admin/wipe", "");
      assertThat(wiped.statusCode()).isEqualTo(202);
      assertThat(wiped.body()).isEmpty();
      Await.until(VISIBLE, "no group left", () -> !gw.scrape().contains("push_time_seconds{"));
      assertThat(gw.send("GET", "/api/v1/metrics", null).body())
          .isEqualTo("{\"status\":\"success\",\"data\":[]}");

      // wiping nothing is fine too, and pushes after a wipe are stored as usual
      assertThat(gw.send("PUT", "/api/v1/admin/wipe", "").statusCode()).isEqualTo(202);
      gw.push("job/w1", "w_total 4\n");
      Await.until(
          VISIBLE,
          "the new push",
          () -> gw.scrape().contains("w_total{instance=\"\",job=\"w1\"} 4"));
    }
  }

  @Test
  void withoutTheFlagWipeIsNotFoundAndChangesNothing(@TempDir Path data) {
    try (TestGateway gw = start(data)) {
      gw.push("job/keep", "k 1\n");
      Await.until(VISIBLE, "the group", () -> gw.scrape().contains("job=\"keep\""));
      for (String method : new String[] {"PUT", "POST", "GET"}) {
        HttpResponse<String> r = gw.send(method, "/api/v1/admin/wipe", "");
        assertThat(r.statusCode()).as(method).isEqualTo(404);
        assertThat(r.body()).isEqualTo("404 page not found\n");
      }
      assertThat(gw.send("GET", "/", null).body()).doesNotContain("del-all");
      assertThat(gw.scrape()).contains("k{instance=\"\",job=\"keep\"} 1");
    }
  }

  @Test
  void brokerDownAnswers503NamingWhatWasDeleted(@TempDir Path data) {
    try (TestGateway gw = start(data, "--web.enable-admin-api", "--kafka.produce-timeout=2s")) {
      gw.push("job/down", "d 1\n");
      Await.until(VISIBLE, "the group", () -> gw.scrape().contains("job=\"down\""));
      KAFKA.stop();
      try {
        HttpResponse<String> r = gw.send("PUT", "/api/v1/admin/wipe", "");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(r.body())
            .startsWith("wipe incomplete: 0 of 1 groups deleted: Kafka broker unavailable");
      } finally {
        KAFKA.restart();
      }
    }
  }
}
