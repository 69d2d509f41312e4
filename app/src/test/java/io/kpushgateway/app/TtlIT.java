package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group TTLs on a real broker over real HTTP: {@code --push.ttl}, the {@code Pushgateway-TTL}
 * header, the expiry written to the push log by the store that owns the group, through a restart
 * and a fail-over, and read back as of a time and by the offline replay.
 */
class TtlIT {

  private static final Duration SETTLED = Duration.ofSeconds(60);

  /** The longest an expiry may come after its deadline: the check's interval and the apply. */
  private static final Duration LATE = Duration.ofSeconds(5);

  private static final String TTL = "Pushgateway-TTL";
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void groupsExpireAfterTheirDeadlineNotBeforeAndAPushRenewsThem(@TempDir Path data)
      throws Exception {
    String name = KAFKA.uniqueName("ttl");
    Instant beforeExpiry;
    Map<String, Instant> gone = new HashMap<>();
    Map<String, Instant> deadlines;
    try (TestNodes nodes = new TestNodes(KAFKA, name, data)) {
      TestGateway gw = nodes.start("a", "--push.ttl=3s");
      gw.push("job/flag", "m 1\n"); // the flag's 3s
      expect(gw.send("PUT", "/metrics/job/header", "m 2\n", TTL, "5s"), 200); // its own
      expect(gw.send("PUT", "/metrics/job/never", "m 3\n", TTL, "0"), 200); // none
      expect(gw.send("PUT", "/metrics/job/renewed", "m 4\n", TTL, "3s"), 200);

      // bad input: a 400 naming it, and the group unchanged
      HttpResponse<String> bad = gw.send("PUT", "/metrics/job/never", "m 9\n", TTL, "soon");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("Pushgateway-TTL").contains("\"soon\"");
      expect(gw.send("POST", "/metrics/job/never", "m 9\n", TTL, "-1s"), 400);

      Await.until(SETTLED, "the pushes applied", () -> expiresAt(gw, "").size() == 3);
      deadlines = expiresAt(gw, "");
      assertThat(deadlines).containsOnlyKeys("flag", "header", "renewed");
      assertThat(Duration.between(deadlines.get("flag"), deadlines.get("header")))
          .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(3));
      assertThat(metricValue(gw.scrape(), "m{instance=\"\",job=\"never\"}")).isEqualTo("3");
      // the web UI shows the deadline on the group's header
      String page = gw.send("GET", "/status", null).body();
      assertThat(page).contains("class=\"expires\"");
      assertThat(page).contains(ApiV1Rfc3339.format(deadlines.get("header")));

      // watched closely: present until the deadline, gone within LATE after it
      Instant renewAt = deadlines.get("renewed").minusSeconds(1);
      Instant renewedDeadline = null;
      Instant until = deadlines.get("header").plus(LATE).plusSeconds(5);
      while (Instant.now().isBefore(until) && gone.size() < 3) {
        if (renewedDeadline == null && Instant.now().isAfter(renewAt)) {
          expect(gw.send("PUT", "/metrics/job/renewed", "m 5\n", TTL, "3s"), 200);
          Instant old = deadlines.get("renewed");
          Await.until(
              SETTLED,
              "the renewing push applied",
              () -> expiresAt(gw, "").getOrDefault("renewed", old).isAfter(old));
          renewedDeadline = expiresAt(gw, "").get("renewed");
          deadlines.put("renewed", renewedDeadline);
        }
        Map<String, Instant> present = expiresAt(gw, "");
        Instant answered = Instant.now();
        for (String job : List.of("flag", "header", "renewed")) {
          if (present.containsKey(job)) {
            assertThat(gone).as(job + " came back").doesNotContainKey(job);
          } else if (!gone.containsKey(job)) {
            // gone before this answer: not before the deadline (and the history below says when)
            assertThat(answered).as(job + " gone early").isAfter(deadlines.get(job));
            gone.put(job, answered);
          }
        }
        Thread.sleep(50); // the polling step of this watch, not an assertion
      }
      assertThat(gone).containsOnlyKeys("flag", "header", "renewed");
      for (String job : gone.keySet()) {
        assertThat(Duration.between(deadlines.get(job), gone.get(job))).isLessThan(LATE);
      }
      assertThat(expiresAt(gw, "")).isEmpty();
      assertThat(metricValue(gw.scrape(), "m{instance=\"\",job=\"never\"}")).isEqualTo("3");

      // in the group's history, once, at or after its deadline
      for (String job : gone.keySet()) {
        List<JsonNode> expired = expiredEntries(gw, job);
        assertThat(expired).as(job).hasSize(1);
        Instant at = Instant.parse(expired.get(0).get("time").asText());
        assertThat(at).isAfterOrEqualTo(deadlines.get(job));
        assertThat(expired.get(0).get("removed").toString()).isEqualTo("[\"m\"]");
      }
      assertThat(expiredEntries(gw, "never")).isEmpty();
      assertThat(expiredTotal(gw)).isEqualTo(3);

      // as of a time: there before the deadline, not after the expiry
      beforeExpiry = deadlines.get("flag").minusMillis(500);
      Instant afterExpiry = lastGone(gone).plusMillis(100);
      assertThat(expiresAt(gw, "?at=" + beforeExpiry)).containsKey("flag");
      assertThat(jobs(gw, "?at=" + afterExpiry)).containsExactly("never");
      nodes.stop(gw);
    }

    // the offline replay agrees
    String before = replay(name, beforeExpiry);
    assertThat(before).contains("job=\"flag\"").contains("job=\"never\"");
    String after = replay(name, lastGone(gone).plusMillis(100));
    assertThat(after).contains("job=\"never\"").doesNotContain("job=\"flag\"");
    assertThat(after).doesNotContain("job=\"header\"").doesNotContain("job=\"renewed\"");
  }

  @Test
  void aRestartNeitherLosesNorRepeatsAnExpiry(@TempDir Path data) throws Exception {
    String name = KAFKA.uniqueName("ttl-restart");
    try (TestNodes nodes = new TestNodes(KAFKA, name, data)) {
      TestGateway gw = nodes.start("a");
      expect(gw.send("PUT", "/metrics/job/early", "m 1\n", TTL, "2s"), 200);
      expect(gw.send("PUT", "/metrics/job/late", "m 2\n", TTL, "12s"), 200);
      Await.until(SETTLED, "the pushes applied", () -> expiresAt(gw, "").size() == 2);
      Instant late = expiresAt(gw, "").get("late");
      Await.until(SETTLED, "early expired", () -> !expiresAt(gw, "").containsKey("early"));
      nodes.stop(gw);
      Await.until(SETTLED, "past the deadline while stopped", () -> Instant.now().isAfter(late));

      TestGateway again = nodes.start("a");
      Await.until(
          SETTLED,
          "late expired after the restart",
          () -> expiresAt(again, "").isEmpty() && jobs(again, "").isEmpty());
      assertThat(expiredEntries(again, "early")).hasSize(1);
      assertThat(expiredEntries(again, "late")).hasSize(1);
      assertThat(expiredTotal(again)).isEqualTo(1);
    }
  }

  @Test
  void aFailOverNeitherLosesNorRepeatsAnExpiry(@TempDir Path data) throws Exception {
    String name = KAFKA.uniqueName("ttl-failover");
    try (TestNodes nodes = new TestNodes(KAFKA, name, data)) {
      TestGateway a = nodes.start("a");
      TestGateway b = nodes.start("b");
      Await.until(
          SETTLED,
          "both nodes serve partitions",
          () -> activePartitions(a) > 0 && activePartitions(b) > 0);
      List<String> jobs = IntStream.range(0, 24).mapToObj(i -> "g" + i).toList();
      for (String job : jobs) {
        expect(a.send("PUT", "/metrics/job/" + job, "m 1\n", TTL, "4s"), 200);
      }
      Await.until(SETTLED, "the pushes applied", () -> expiresAt(b, "").size() == jobs.size());
      Instant first = expiresAt(b, "").values().stream().min(Instant::compareTo).orElseThrow();
      // a leaves around the deadline: some expiries written by it, some by b after the hand-over
      Await.until(
          SETTLED, "the first deadline", () -> Instant.now().isAfter(first.minusMillis(300)));
      nodes.stop(a);
      Await.until(SETTLED, "every group expired", () -> jobs(b, "").isEmpty());
      for (String job : jobs) {
        assertThat(expiredEntries(b, job)).as(job).hasSize(1);
      }
    }
  }

  /** The groups with a deadline, by job, from {@code /api/v1/metrics<query>}. */
  private static Map<String, Instant> expiresAt(TestGateway gw, String query) {
    Map<String, Instant> deadlines = new HashMap<>();
    for (JsonNode group : groups(gw, query)) {
      if (group.has("expires_at")) {
        deadlines.put(
            group.get("labels").get("job").asText(),
            Instant.parse(group.get("expires_at").asText()));
      }
    }
    return deadlines;
  }

  private static List<String> jobs(TestGateway gw, String query) {
    List<String> jobs = new ArrayList<>();
    groups(gw, query).forEach(g -> jobs.add(g.get("labels").get("job").asText()));
    return jobs;
  }

  private static JsonNode groups(TestGateway gw, String query) {
    HttpResponse<String> r = gw.send("GET", "/api/v1/metrics" + query, null);
    expect(r, 200);
    try {
      return JSON.readTree(r.body()).get("data");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<JsonNode> expiredEntries(TestGateway gw, String job) {
    HttpResponse<String> r = gw.send("GET", "/api/v1/history/job/" + job, null);
    expect(r, 200);
    List<JsonNode> expired = new ArrayList<>();
    try {
      for (JsonNode entry : JSON.readTree(r.body()).get("data")) {
        if (entry.get("outcome").asText().equals("expired")) {
          assertThat(entry.get("method").asText()).isEqualTo("EXPIRE");
          expired.add(entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return expired;
  }

  private static String replay(String name, Instant at) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Replay.run(
            new String[] {
              "--kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
              "--kafka.topic-prefix=" + name,
              "--kafka.application-id=" + name,
              "--at=" + at
            },
            out,
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String metricValue(String page, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(page);
    return m.find() ? m.group(1) : null;
  }

  private static Instant lastGone(Map<String, Instant> gone) {
    return gone.values().stream().max(Instant::compareTo).orElseThrow();
  }

  private static double expiredTotal(TestGateway gw) {
    String v = metricValue(gw.scrape(), "kpushgateway_groups_expired_total");
    return v == null ? -1 : Double.parseDouble(v);
  }

  private static double activePartitions(TestGateway node) {
    String v = metricValue(node.scrape(), "kpushgateway_store_partitions{kind=\"active\"}");
    return v == null ? 0 : Double.parseDouble(v);
  }

  private static void expect(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
  }

  /** The UI writes deadlines as ISO instants to the second. */
  private static final class ApiV1Rfc3339 {
    static String format(Instant t) {
      return java.time.format.DateTimeFormatter.ISO_INSTANT.format(
          t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }
  }
}
