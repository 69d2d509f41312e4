package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.FreePorts;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group's push history on a real broker, through either of two store nodes: one of them holds the
 * group's partition, the other asks it.
 */
class HistoryIT {

  private static final Duration SETTLED = Duration.ofSeconds(60);
  private static final String BACKUP = "job/backup/instance/db1";

  /** {job="a/b", path="/var"} */
  private static final String BASE64 = "job@base64/YS9i/path@base64/L3Zhcg";

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void everyPushOfAGroupNewestFirstPagedThroughEitherNode(@TempDir Path data) throws Exception {
    String name = KAFKA.uniqueName("history");
    String advertisedA = "127.0.0.1:" + FreePorts.next();
    try (TestGateway a = node(name, data, "a", advertisedA, "--roles=ingest,store");
        TestGateway b = node(name, data, "b", "127.0.0.1:" + FreePorts.next(), "--roles=store")) {
      // both nodes serve partitions, so for any group one of them asks the other
      Await.until(
          SETTLED,
          "both nodes serve partitions",
          () -> activePartitions(a) > 0 && activePartitions(b) > 0);

      a.push(BACKUP, "m 1\n");
      assertThat(a.send("POST", "/metrics/" + BACKUP, "n 2\n").statusCode()).isEqualTo(200);
      HttpResponse<String> rejected = a.send("PUT", "/metrics/" + BACKUP, "m 1 1700000000000\n");
      assertThat(rejected.statusCode()).isEqualTo(400);
      a.push(BACKUP, "m 3\n"); // replaces n
      assertThat(a.send("DELETE", "/metrics/" + BACKUP, null).statusCode()).isEqualTo(202);
      a.push(BACKUP, "m 5\n"); // the group again
      for (int i = 0; i < 5; i++) {
        a.push(BASE64, "m " + i + "\n");
      }

      assertThat(changelogConfig(name + "-history-changelog"))
          .containsEntry("cleanup.policy", "compact,delete")
          .containsEntry("retention.ms", Long.toString(Duration.ofDays(7).toMillis()));

      for (TestGateway node : List.of(a, b)) {
        Await.until(
            SETTLED,
            "the whole history on " + node.url("/"),
            () -> all(node, BACKUP, 100).size() == 6 && all(node, BASE64, 100).size() == 5);
        List<String> entries = all(node, BACKUP, 100);
        assertThat(entries)
            .extracting(e -> field(e, "method"))
            .containsExactly("PUT", "DELETE", "PUT", "PUT", "POST", "PUT");
        assertThat(entries)
            .extracting(e -> field(e, "outcome"))
            .containsExactly("applied", "applied", "applied", "rejected", "applied", "applied");
        assertThat(entries.get(0))
            .contains("\"m\":{\"type\":\"UNTYPED\"")
            .contains("\"value\":\"5\"");
        assertThat(entries.get(0)).contains("\"bodyBytes\":4").contains("\"removed\":[]");
        assertThat(entries.get(0)).contains("\"ingestNode\":\"" + advertisedA + "\"");
        assertThat(entries.get(1)).contains("\"removed\":[\"m\"]").contains("\"bodyBytes\":0");
        assertThat(entries.get(2)).contains("\"removed\":[\"n\"]");
        assertThat(entries.get(3)).contains("\"reason\":\"").contains("timestamps");
        List<Long> offsets =
            entries.stream().map(e -> Long.parseLong(number(e, "offset"))).toList();
        assertThat(offsets)
            .isSortedAccordingTo((x, y) -> Long.compare(y, x))
            .doesNotHaveDuplicates();

        // pages of two, through the token, give the same entries
        assertThat(all(node, BACKUP, 2)).isEqualTo(entries);
        assertThat(all(node, BASE64, 2))
            .extracting(e -> valueOf(e))
            .containsExactly("4", "3", "2", "1", "0");

        // since/until select by receive time
        String newest = field(entries.get(0), "time");
        List<String> sinceNewest = page(node, BACKUP, "since=" + encode(newest)).entries();
        assertThat(sinceNewest).hasSize(1);
        assertThat(page(node, BACKUP, "until=" + encode(field(entries.get(5), "time"))).entries())
            .hasSize(1);

        // an unknown group is an empty list; bad input is refused
        HttpResponse<String> unknown = node.send("GET", "/api/v1/history/job/nobody", null);
        assertThat(unknown.statusCode()).isEqualTo(200);
        assertThat(unknown.body()).isEqualTo("{\"status\":\"success\",\"data\":[]}");
        HttpResponse<String> huge =
            node.send("GET", "/api/v1/history/" + BACKUP + "?limit=1001", null);
        assertThat(huge.statusCode()).isEqualTo(400);
        assertThat(huge.body()).contains("bad_data").contains("1000");
      }
    }
  }

  private static TestGateway node(
      String name, Path data, String id, String advertise, String... extra) {
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--web.listen-address=" + advertise,
                "--kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
                "--kafka.topic-prefix=" + name,
                "--kafka.application-id=" + name,
                "--kafka.partitions=6",
                "--data.dir=" + data.resolve(id),
                "--log.level=warn"));
    flags.addAll(List.of(extra));
    return TestGateway.startReady(flags.toArray(String[]::new));
  }

  private record Page(List<String> entries, String nextPageToken) {}

  private static final Pattern ENTRY =
      Pattern.compile("\\{\"time\":.*?\"removed\":\\[[^\\]]*\\]\\}");
  private static final Pattern TOKEN = Pattern.compile("\"nextPageToken\":\"([^\"]+)\"");

  private static Page page(TestGateway node, String group, String query) {
    HttpResponse<String> r = node.send("GET", "/api/v1/history/" + group + "?" + query, null);
    if (r.statusCode() != 200) {
      return new Page(List.of(), null); // e.g. 503 while partitions move
    }
    List<String> entries = new ArrayList<>();
    Matcher m = ENTRY.matcher(r.body());
    while (m.find()) {
      entries.add(m.group());
    }
    Matcher t = TOKEN.matcher(r.body());
    return new Page(entries, t.find() ? t.group(1) : null);
  }

  /** Every entry of the group, following the page tokens. */
  private static List<String> all(TestGateway node, String group, int limit) {
    List<String> entries = new ArrayList<>();
    String token = null;
    do {
      Page p = page(node, group, "limit=" + limit + (token == null ? "" : "&page_token=" + token));
      entries.addAll(p.entries());
      token = p.nextPageToken();
    } while (token != null);
    return entries;
  }

  private static String field(String entry, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(entry);
    assertThat(m.find()).as(name + " in " + entry).isTrue();
    return m.group(1);
  }

  private static String number(String entry, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(entry);
    assertThat(m.find()).as(name + " in " + entry).isTrue();
    return m.group(1);
  }

  private static String valueOf(String entry) {
    return field(entry, "value");
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The topic's configuration as the broker has it. */
  private static Map<String, String> changelogConfig(String topic) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config =
          admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
      return config.entries().stream()
          .filter(e -> e.value() != null)
          .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
    }
  }

  private static double activePartitions(TestGateway node) {
    Matcher m =
        Pattern.compile("(?m)^kpushgateway_store_partitions\\{kind=\"active\"\\} (\\S+)$")
            .matcher(node.scrape());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
