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

/**
 * Fresh reads after a restart: a store node that was down while another node took pushes is ready
 * only once it has applied them, so its first scrape after {@code /-/ready} has every acknowledged
 * value, a batch's included (a partition may end in the batch's commit marker).
 */
class FreshReadsIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final Duration SETTLED = Duration.ofSeconds(60);
  private static final int GROUPS = 200;
  private static final int ROUNDS = 10;

  /** How many groups of job {@code fresh} a scrape shows with {@code fresh_value} {@code v}. */
  private static int valued(String scrape, int v) {
    int n = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith("fresh_value{") && line.endsWith("} " + v)) {
        n++;
      }
    }
    return n;
  }

  @Test
  void aRestartedStoreIsReadyOnlyOnceItAppliedWhatWasPushedMeanwhile(@TempDir Path data) {
    try (TestNodes nodes = new TestNodes(KAFKA, KAFKA.uniqueName("fresh"), data)) {
      TestGateway store = nodes.start("a");
      TestGateway ingest = nodes.start("b", "--roles=ingest");
      for (int g = 0; g < GROUPS; g++) {
        store.push("job/fresh/instance/i" + g, "fresh_value 1\n");
      }
      Await.until(SETTLED, "the first pushes applied", () -> valued(store.scrape(), 1) == GROUPS);
      nodes.stop(store);

      int last = 1;
      for (int round = 2; round <= ROUNDS; round++) {
        for (int g = 0; g < GROUPS; g++) {
          HttpResponse<String> r =
              ingest.send(
                  "PUT", "/metrics/job/fresh/instance/i" + g, "fresh_value " + round + "\n");
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        last = round;
      }
      // the last values also as one batch, so partitions end in a transaction's marker
      StringBuilder batch = new StringBuilder();
      for (int g = 0; g < GROUPS; g++) {
        batch.append("fresh_value{job=\"fresh\",instance=\"i").append(g).append("\"} ");
        batch.append(last + 1).append('\n');
      }
      HttpResponse<String> r =
          ingest.send("PUT", "/api/v1/batch?group_by=job,instance", batch.toString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

      long started = System.nanoTime();
      TestGateway again = nodes.start("a");
      long ready = (System.nanoTime() - started) / 1_000_000;
      int fresh = valued(again.scrape(), last + 1);
      System.out.printf(
          "restarted store node ready after %d ms; its first scrape: %d of %d groups fresh%n",
          ready, fresh, GROUPS);
      assertThat(fresh).as("groups with the last acknowledged value").isEqualTo(GROUPS);
    }
  }
}
