package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RocksDB memory bound ({@code --store.rocksdb-memory}) on real gateways: each gateway of the
 * JVM has its own, its use is on {@code /metrics}, and a gateway closed and started again on the
 * same data directory gets a fresh one.
 */
class StoreMemoryIT {

  private static final Duration VISIBLE = Duration.ofSeconds(30);

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void everyGatewayShowsItsOwnBoundAndWhatItsStoresUse(
      @TempDir Path small, @TempDir Path standard) {
    String[] smallFlags =
        TestGateway.flags(KAFKA, "mem-small", small, "--store.rocksdb-memory=64MiB");
    try (TestGateway a = TestGateway.startReady(smallFlags);
        TestGateway b = TestGateway.startOn(KAFKA, "mem-default", standard)) {
      for (int i = 0; i < 20; i++) {
        a.push(
            "job/mem/instance/" + i,
            "# TYPE m gauge\nm{x=\"" + "v".repeat(100) + "\"} " + i + "\n");
        b.push("job/mem/instance/" + i, "# TYPE m gauge\nm 1\n");
      }
      Await.until(
          VISIBLE, "20 groups on a", () -> value(a.scrape(), "kpushgateway_store_groups") >= 20);

      String page = a.scrape();
      assertThat(page)
          .contains("# TYPE kpushgateway_store_rocksdb_memory_limit_bytes gauge")
          .contains("# TYPE kpushgateway_store_rocksdb_block_cache_usage_bytes gauge")
          .contains("# TYPE kpushgateway_store_rocksdb_block_cache_pinned_bytes gauge")
          .contains("# TYPE kpushgateway_store_rocksdb_memtable_bytes gauge")
          .contains("# TYPE kpushgateway_store_rocksdb_open_stores gauge");
      assertThat(value(page, "kpushgateway_store_rocksdb_memory_limit_bytes")).isEqualTo(64 << 20);
      assertThat(value(b.scrape(), "kpushgateway_store_rocksdb_memory_limit_bytes"))
          .isEqualTo(256 << 20);
      // five stores (groups, history, snapshot-index, deadlines, batches) per partition
      assertThat(value(page, "kpushgateway_store_rocksdb_open_stores")).isEqualTo(5 * 4);
      // the pushes are in memtables, which the write buffer manager charges to the cache
      assertThat(value(page, "kpushgateway_store_rocksdb_memtable_bytes")).isPositive();
      assertThat(value(page, "kpushgateway_store_rocksdb_block_cache_usage_bytes")).isPositive();
      assertThat(value(page, "kpushgateway_store_rocksdb_block_cache_usage_bytes"))
          .isLessThanOrEqualTo(64 << 20);
      // what the JVM takes besides: client_java's metrics, already there
      assertThat(page)
          .contains("jvm_memory_used_bytes{area=\"heap\"}")
          .contains("jvm_buffer_pool_used_bytes{pool=\"direct\"}")
          .contains("process_resident_memory_bytes");
    }
    // closed with its store: the same data directory opens a new bound in the same JVM
    try (TestGateway again = TestGateway.startReady(smallFlags)) {
      Await.until(
          VISIBLE,
          "the groups back on a restarted gateway",
          () -> again.scrape().contains("m{instance=\"19\",job=\"mem\""));
      assertThat(value(again.scrape(), "kpushgateway_store_rocksdb_memory_limit_bytes"))
          .isEqualTo(64 << 20);
    }
  }

  /** The value of an unlabelled sample of {@code name} on a text page. */
  private static double value(String page, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(page);
    assertThat(m.find()).as("%s on the page", name).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
