package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.testkit.Await;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The all-in-one gateway when Kafka halts its embedded broker (what a failed log directory does):
 * the process goes on, pushes are refused naming the broker, and with room on the disk the broker
 * is restarted by itself and every acknowledged push is still served. The full-disk path itself is
 * {@code .ci/disk_full.sh}, on a tmpfs.
 */
class BrokerFailureIT {

  @TempDir Path data;

  @Test
  void aHaltedEmbeddedBrokerRefusesPushesUntilItIsRestartedByItself() {
    try (TestGateway gw =
        TestGateway.startReady("--web.listen-address=127.0.0.1:0", "--data.dir=" + data)) {
      gw.push("job/halt/instance/before", "halt_m 1\n");

      // what LogManager does once its last log directory has failed
      assertThatThrownBy(() -> Exit.halt(1))
          .hasMessageContaining("Kafka stopped the embedded broker");
      HttpResponse<String> refused = gw.send("PUT", "/metrics/job/halt/instance/x", "halt_m 2\n");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("30");
      assertThat(refused.body())
          .startsWith("pushes refused: Kafka stopped the embedded broker after a fatal error")
          .contains("it restarts by itself once " + data.toAbsolutePath().normalize());

      Await.until(
          Duration.ofSeconds(60),
          "pushes taken again",
          () ->
              gw.send("PUT", "/metrics/job/halt/instance/after", "halt_m 3\n").statusCode() == 200);
      Await.until(
          Duration.ofSeconds(30),
          "both groups served",
          () -> {
            String page = gw.scrape();
            return page.contains("halt_m{instance=\"before\",job=\"halt\"} 1")
                && page.contains("halt_m{instance=\"after\",job=\"halt\"} 3");
          });
      // the store may still be catching up with the restarted broker's log (CatchUp)
      Await.until(
          Duration.ofSeconds(30),
          "ready again",
          () -> gw.send("GET", "/-/ready", null).statusCode() == 200);
      assertThat(gw.scrape())
          .contains("kpushgateway_pushes_refused{reason=\"embedded_broker_failed\"} 0");
    }
  }
}
