package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DELETE /api/v1/admin/groups?match[]=...} on two store nodes of one gateway (six
 * partitions): the groups a selector over grouping labels selects are deleted through either node,
 * wherever their partitions are; a dry run lists them and writes nothing; bad input is a 400 that
 * writes nothing; without the admin API the route does not exist.
 */
class SelectorDeleteIT {

  private static final Duration SETTLED = Duration.ofSeconds(60);
  private static final String PUSHED = "/federate?match[]=" + encode("{job!=\"\"}");

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void deletesTheSelectedGroupsThroughEitherNode(@TempDir Path data) throws Exception {
    String name = KAFKA.uniqueName("seldel");
    try (TestNodes nodes = new TestNodes(KAFKA, name, data)) {
      TestGateway a = nodes.start("a", "--web.enable-admin-api");
      TestGateway b = nodes.start("b", "--web.enable-admin-api");
      // twelve backup groups over the partitions, two other jobs, and a base64 instance
      for (int i = 0; i < 12; i++) {
        a.push("job/backup/instance/db" + i, "# TYPE ok gauge\nok " + i + "\n");
      }
      a.push("job/backup/instance/web1", "# TYPE ok gauge\nok 20\n");
      a.push("job/cron/instance/db1", "# TYPE ok gauge\nok 21\n");
      a.push("job/backup/instance@base64/ZGIvMTAw", "# TYPE ok gauge\nok 22\n"); // "db/100"
      Await.until(
          SETTLED,
          "every group on both nodes",
          () -> groups(a) == 15 && groups(b) == 15 && pushed(b).contains("db/100"));
      String selector = "{job=\"backup\",instance=~\"db.*\"}";

      // a dry run through b lists the thirteen db groups of job backup, and writes nothing
      long before = endOffsets(name);
      HttpResponse<String> dry =
          b.send("DELETE", "/api/v1/admin/groups?dry_run=true&match[]=" + encode(selector), null);
      assertThat(dry.statusCode()).isEqualTo(200);
      assertThat(dry.body())
          .startsWith("{\"status\":\"success\",\"data\":{\"dryRun\":true,\"deleted\":[")
          .contains("{\"labels\":{\"instance\":\"db0\",\"job\":\"backup\"}}")
          .contains("{\"labels\":{\"instance\":\"db/100\",\"job\":\"backup\"}}")
          .doesNotContain("web1")
          .doesNotContain("cron");
      assertThat(count(dry.body(), "\"labels\"")).isEqualTo(13);
      assertThat(endOffsets(name)).isEqualTo(before);

      // through a: the same thirteen, deleted once acknowledged; the others stay
      HttpResponse<String> deleted =
          a.send("DELETE", "/api/v1/admin/groups?match[]=" + encode(selector), null);
      assertThat(deleted.statusCode()).isEqualTo(200);
      assertThat(deleted.body()).contains("\"dryRun\":false");
      assertThat(count(deleted.body(), "\"labels\"")).isEqualTo(13);
      assertThat(endOffsets(name)).isEqualTo(before + 13);
      for (TestGateway node : List.of(a, b)) {
        Await.until(SETTLED, "the db groups gone", () -> groups(node) == 2);
        assertThat(pushed(node))
            .contains("instance=\"web1\",job=\"backup\"} 20")
            .contains("instance=\"db1\",job=\"cron\"} 21");
      }

      // a selector that matches nothing deletes nothing; several selectors are a union
      HttpResponse<String> none =
          b.send("DELETE", "/api/v1/admin/groups?match[]=" + encode("{job=\"nope\"}"), null);
      assertThat(none.statusCode()).isEqualTo(200);
      assertThat(none.body()).contains("\"deleted\":[]");
      HttpResponse<String> both =
          b.send(
              "DELETE",
              "/api/v1/admin/groups?match[]="
                  + encode("{job=\"cron\"}")
                  + "&match[]="
                  + encode("{instance=\"web1\"}"),
              null);
      assertThat(count(both.body(), "\"labels\"")).isEqualTo(2);
      Await.until(SETTLED, "every group gone", () -> groups(a) == 0);

      // the deletes are in the history, as a push API DELETE's
      assertThat(a.send("GET", "/api/v1/history/job/backup/instance/db3", null).body())
          .contains("\"method\":\"DELETE\"");
    }
  }

  @Test
  void badInputIsA400AndChangesNothing(@TempDir Path data) throws Exception {
    String name = KAFKA.uniqueName("seldelbad");
    try (TestNodes nodes = new TestNodes(KAFKA, name, data)) {
      TestGateway a = nodes.start("a", "--web.enable-admin-api");
      a.push("job/backup", "# TYPE ok gauge\nok 1\n");
      Await.until(SETTLED, "the group", () -> groups(a) == 1);
      long before = endOffsets(name);
      Map<String, String> bad =
          Map.of(
              "",
              "deleting groups needs match[]=<selector over grouping labels>",
              "?match[]=" + encode("{}"),
              "bad match[] \"{}\"",
              "?match[]=" + encode("{job=\"backup\""),
              "bad match[] \"{job=\\\"backup\\\"\"",
              "?match[]=" + encode("ok{job=\"backup\"}"),
              "a group is selected by its grouping labels, not by a metric name",
              "?dry_run=yes&match[]=" + encode("{job=\"backup\"}"),
              "bad dry_run yes: use dry_run=true or false");
      for (Map.Entry<String, String> c : bad.entrySet()) {
        HttpResponse<String> r = a.send("DELETE", "/api/v1/admin/groups" + c.getKey(), null);
        assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
        assertThat(r.body()).as(c.getKey()).contains("\"errorType\":\"bad_data\"");
        assertThat(r.body()).as(c.getKey()).contains(jsonEscape(c.getValue()));
      }
      HttpResponse<String> get = a.send("GET", "/api/v1/admin/groups", null);
      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(get.headers().firstValue("Allow")).contains("DELETE, OPTIONS");
      assertThat(endOffsets(name)).isEqualTo(before);
      assertThat(groups(a)).isEqualTo(1);
    }
  }

  @Test
  void withoutTheAdminApiTheRouteIsNotThere(@TempDir Path data) throws Exception {
    try (TestNodes nodes = new TestNodes(KAFKA, KAFKA.uniqueName("seldeloff"), data)) {
      TestGateway a = nodes.start("a");
      HttpResponse<String> r =
          a.send("DELETE", "/api/v1/admin/groups?match[]=" + encode("{job=\"x\"}"), null);
      assertThat(r.statusCode()).isEqualTo(404);
    }
  }

  private static long groups(TestGateway node) {
    return pushed(node).lines().filter(l -> l.startsWith("push_time_seconds{")).count();
  }

  private static String pushed(TestGateway node) {
    return node.send("GET", PUSHED, null).body();
  }

  private static long endOffsets(String prefix) {
    return KAFKA.endOffsets(prefix + ".pushes");
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  private static String jsonEscape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
