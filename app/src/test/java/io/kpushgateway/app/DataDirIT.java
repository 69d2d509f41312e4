package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node short of disk space refuses pushes with a 503 naming the cause, says so on /-/ready and
 * among its own metrics, keeps serving scrapes, and takes pushes again by itself once the space is
 * back: with a free-space source the test sets, and with the real filesystem.
 */
class DataDirIT {

  private static final long MIB = 1 << 20;
  private static final Duration SOON = Duration.ofSeconds(10);

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @TempDir Path data;

  @Test
  void belowTheThresholdPushesAre503UntilSpaceReturnsAndScrapesGoOn() {
    AtomicLong free = new AtomicLong(1024 * MIB);
    String[] flags = TestGateway.flags(KAFKA, "disk", data, "--data.min-free-space=100MiB");
    try (TestGateway gw =
        TestGateway.startReadyOn(
            dir -> () -> new DataDirWatcher.Usage(free.get(), 2048 * MIB), flags)) {
      gw.push("job/disk/instance/before", "disk_m 1\n");
      Await.until(SOON, "the push on /metrics", () -> gw.scrape().contains("disk_m{"));
      assertThat(gw.scrape())
          .contains("kpushgateway_data_dir_free_bytes 1.073741824e+09")
          .contains("kpushgateway_data_dir_min_free_bytes 1.048576e+08")
          .contains("kpushgateway_pushes_refused{reason=\"data_dir_full\"} 0");

      free.set(99 * MIB);
      // seen at the next sample, within 250 ms
      Await.until(SOON, "not ready", () -> gw.send("GET", "/-/ready", null).statusCode() == 503);
      HttpResponse<String> refused = put(gw, "during");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("30");
      assertThat(refused.body())
          .isEqualTo(
              "pushes refused: the data directory "
                  + data.toAbsolutePath().normalize()
                  + " has 99MiB free of 2GiB, less than --data.min-free-space=100MiB; free"
                  + " space there or lower the threshold\n");
      HttpResponse<String> ready = gw.send("GET", "/-/ready", null);
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).startsWith("not ready: pushes refused: the data directory ");
      String page = gw.scrape();
      assertThat(page)
          .contains("disk_m{instance=\"before\",job=\"disk\"} 1")
          .contains("kpushgateway_pushes_refused{reason=\"data_dir_full\"} 1")
          .doesNotContain("instance=\"during\"");
      // a DELETE is the way to make room
      assertThat(gw.send("DELETE", "/metrics/job/disk/instance/gone", null).statusCode())
          .isEqualTo(202);

      free.set(105 * MIB); // above the threshold, below its 10% margin: still refusing
      Await.until(
          SOON, "the 105 MiB sample", () -> gw.scrape().contains("free_bytes 1.1010048e+08"));
      assertThat(put(gw, "during").statusCode()).isEqualTo(503);

      free.set(111 * MIB);
      Await.until(SOON, "ready again", () -> gw.send("GET", "/-/ready", null).statusCode() == 200);
      assertThat(put(gw, "after").statusCode()).isEqualTo(200);
      Await.until(SOON, "the new push on /metrics", () -> gw.scrape().contains("\"after\""));
      assertThat(gw.scrape()).contains("kpushgateway_pushes_refused{reason=\"data_dir_full\"} 0");
    }
  }

  @Test
  void theRealFilesystemIsMeasuredAndNamed() {
    // No test machine has 99% of its disk free.
    String[] flags = TestGateway.flags(KAFKA, "realdisk", data, "--data.min-free-space=99%");
    try (TestGateway gw = TestGateway.startServing(flags)) {
      HttpResponse<String> refused = put(gw, "x");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.body())
          .startsWith("pushes refused: the data directory " + data.toAbsolutePath().normalize())
          .contains("less than --data.min-free-space=99% (");
      assertThat(gw.scrape()).containsPattern("kpushgateway_data_dir_free_bytes [0-9.e+]+\n");
    }
  }

  private static HttpResponse<String> put(TestGateway gw, String instance) {
    return gw.send("PUT", "/metrics/job/disk/instance/" + instance, "disk_m 2\n");
  }
}
