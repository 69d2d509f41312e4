package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PUT /api/v1/admin/restore?at=T} on a real gateway: the undo of a wipe brings every group
 * back with its values and push times; a dry run lists and writes nothing; {@code match[]} limits
 * it to the groups it selects; bad input changes nothing.
 */
class RestoreIT {

  private static final Duration SETTLED = Duration.ofSeconds(30);
  private static final String PUSHED = "/federate?match[]=" + encode("{job!=\"\"}");

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void restoreUndoesAWipeKeepingPushTimes(@TempDir Path data) throws Exception {
    String[] flags = TestGateway.flags(KAFKA, "restore", data, "--web.enable-admin-api");
    String prefix = flags[3].substring("--kafka.topic-prefix=".length());
    try (TestGateway gw = TestGateway.startReady(flags)) {
      gw.push("job/a", "# TYPE m gauge\nm 1\n");
      expect(gw.send("POST", "/metrics/job/a", "# TYPE k gauge\nk 2\n"), 200);
      expect(gw.send("POST", "/metrics/job/a", "# TYPE m counter\nm 3\n"), 200);
      gw.push("job/b/instance/x", "# TYPE n gauge\nn 4\n");
      expect(gw.send("POST", "/metrics/job/c", "# TYPE n counter\nn 5\n"), 400); // failure time
      gw.push("job@base64/L3Zhci90bXA", "# TYPE v gauge\nv 6\n");
      Await.until(
          SETTLED,
          "every push",
          () -> gw.send("GET", PUSHED, null).body().contains("job=\"/var/tmp\"} 6"));
      String page = gw.send("GET", PUSHED, null).body();
      String json = gw.send("GET", "/api/v1/metrics", null).body();
      Instant at = Instant.now();
      while (System.currentTimeMillis() <= at.toEpochMilli()) {
        Thread.onSpinWait();
      }

      expect(gw.send("PUT", "/api/v1/admin/wipe", null), 202);
      gw.push("job/y", "# TYPE w gauge\nw 7\n");
      Await.until(
          SETTLED,
          "wiped, then y",
          () -> {
            String now = gw.send("GET", PUSHED, null).body();
            return now.contains("job=\"y\"} 7") && !now.contains("job=\"a\"");
          });

      // a dry run lists and writes nothing
      long before = endOffsets(prefix);
      HttpResponse<String> dry =
          gw.send("PUT", "/api/v1/admin/restore?dry_run=true&at=" + at, null);
      expect(dry, 200);
      assertThat(dry.body())
          .startsWith("{\"status\":\"success\",\"data\":{\"at\":\"")
          .contains("\"dryRun\":true")
          .contains("{\"action\":\"restore\",\"labels\":{\"job\":\"a\"}}")
          .contains("{\"action\":\"delete\",\"labels\":{\"job\":\"y\"}}");
      assertThat(endOffsets(prefix)).isEqualTo(before);

      // only the selected groups
      HttpResponse<String> some =
          gw.send(
              "PUT", "/api/v1/admin/restore?at=" + at + "&match[]=" + encode("{job=\"b\"}"), null);
      expect(some, 200);
      assertThat(some.body())
          .isEqualTo(
              "{\"status\":\"success\",\"data\":{\"at\":\""
                  + rfc3339(at)
                  + "\",\"dryRun\":false,\"changes\":[{\"action\":\"restore\",\"labels\":"
                  + "{\"instance\":\"x\",\"job\":\"b\"}}]}}");
      Await.until(
          SETTLED, "b back", () -> gw.send("GET", PUSHED, null).body().contains("job=\"b\"} 4"));
      assertThat(gw.send("GET", PUSHED, null).body()).contains("job=\"y\"} 7");

      // everything: every group as it was, push times included, and y gone
      expect(gw.send("PUT", "/api/v1/admin/restore?at=" + at, null), 200);
      Await.until(SETTLED, "restored", () -> gw.send("GET", PUSHED, null).body().equals(page));
      assertThat(gw.send("GET", "/api/v1/metrics", null).body()).isEqualTo(json);

      // bad input: a clear 400, nothing written
      long after = endOffsets(prefix);
      HttpResponse<String> noAt = gw.send("PUT", "/api/v1/admin/restore", null);
      assertThat(noAt.statusCode()).isEqualTo(400);
      assertThat(noAt.body()).contains("restore needs at=");
      HttpResponse<String> badMatch =
          gw.send("PUT", "/api/v1/admin/restore?at=" + at + "&match[]=" + encode("{job="), null);
      assertThat(badMatch.statusCode()).isEqualTo(400);
      assertThat(badMatch.body()).contains("bad match[]");
      HttpResponse<String> badDry =
          gw.send("PUT", "/api/v1/admin/restore?at=" + at + "&dry_run=maybe", null);
      assertThat(badDry.statusCode()).isEqualTo(400);
      assertThat(endOffsets(prefix)).isEqualTo(after);
    }
  }

  /** Records in the push log, all partitions. */
  /** As the API writes a time: RFC 3339 with nanoseconds, trailing zeros dropped (Go's form). */
  private static String rfc3339(Instant t) {
    return t.toString().replaceFirst("(\\.\\d*?)0+Z$", "$1Z").replace(".Z", "Z");
  }

  private static long endOffsets(String prefix) {
    return KAFKA.endOffsets(prefix + ".pushes");
  }

  private static void expect(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
