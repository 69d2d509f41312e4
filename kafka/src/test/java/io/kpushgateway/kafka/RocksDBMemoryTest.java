package io.kpushgateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.apache.kafka.streams.state.internals.BlockBasedTableConfigWithAccessibleCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

class RocksDBMemoryTest {

  private static final long BOUND = 64L << 20;
  private static final String APP = "kpushgateway";

  @TempDir Path stateDir;

  private final RocksDBConfigSetter setter = new RocksDBMemory.ConfigSetter();

  /** Options as Kafka Streams' RocksDBStore hands them to the setter: its own table config. */
  private static Options storeOptions() {
    Options options = new Options().setCreateIfMissing(true);
    options.setTableFormatConfig(new BlockBasedTableConfigWithAccessibleCache());
    return options;
  }

  private Map<String, Object> configs() {
    // Kafka Streams passes state.dir as given; the setter finds the memory however it is spelled
    return Map.of(
        StreamsConfig.STATE_DIR_CONFIG,
        stateDir.resolve(".").toString(),
        StreamsConfig.APPLICATION_ID_CONFIG,
        APP);
  }

  @Test
  void everyStoreGetsTheOneCacheAndWriteBufferManagerWithIndexAndFilterBlocksInIt() {
    try (RocksDBMemory memory = RocksDBMemory.open(stateDir, APP, BOUND);
        Options groups = storeOptions();
        Options history = storeOptions()) {
      setter.setConfig("groups", groups, configs());
      setter.setConfig("history", history, configs());

      var groupsTable = (BlockBasedTableConfigWithAccessibleCache) groups.tableFormatConfig();
      var historyTable = (BlockBasedTableConfigWithAccessibleCache) history.tableFormatConfig();
      assertThat(groupsTable.blockCache()).isNotNull().isSameAs(historyTable.blockCache());
      assertThat(groups.writeBufferManager()).isNotNull().isSameAs(history.writeBufferManager());
      assertThat(groupsTable.cacheIndexAndFilterBlocks()).isTrue();
      assertThat(groupsTable.cacheIndexAndFilterBlocksWithHighPriority()).isTrue();
      assertThat(groupsTable.pinTopLevelIndexAndFilter()).isTrue();
      // a quarter of the memtables' half: several stores hold one before the largest is flushed
      assertThat(groups.writeBufferSize()).isEqualTo(8L << 20);
      assertThat(memory.capacityBytes()).isEqualTo(BOUND);
    }
  }

  @Test
  void aLargeBoundKeepsKafkaStreamsMemtableSize() {
    try (RocksDBMemory memory = RocksDBMemory.open(stateDir, APP, 1L << 30);
        Options options = storeOptions()) {
      setter.setConfig("groups", options, configs());
      assertThat(options.writeBufferSize()).isEqualTo(16L << 20);
      assertThat(memory.capacityBytes()).isEqualTo(1L << 30);
    }
  }

  @Test
  void twoOpenStoresChargeTheirMemtablesToTheSharedCache() throws RocksDBException {
    RocksDBMemory memory = RocksDBMemory.open(stateDir, APP, BOUND);
    try (Options a = storeOptions();
        Options b = storeOptions()) {
      setter.setConfig("a", a, configs());
      setter.setConfig("b", b, configs());
      try (RocksDB dbA = RocksDB.open(a, stateDir.resolve("a").toString());
          RocksDB dbB = RocksDB.open(b, stateDir.resolve("b").toString())) {
        double empty = memory.usageBytes();
        byte[] value = new byte[1024];
        for (int i = 0; i < 2_000; i++) {
          byte[] key = ("k" + i).getBytes(StandardCharsets.UTF_8);
          dbA.put(key, value);
          dbB.put(key, value);
        }
        // the write buffer manager reserves cache space as the memtables grow (in 256 KiB steps)
        assertThat(memory.usageBytes()).isGreaterThan(empty).isGreaterThan(4 << 20);
        assertThat(memory.pinnedUsageBytes()).isPositive();
        // the owner may close it while a store is still open: RocksDB keeps what it uses
        memory.close();
        assertThat(memory.usageBytes()).isNaN();
        dbA.put("after".getBytes(StandardCharsets.UTF_8), value);
        assertThat(dbA.get("k1".getBytes(StandardCharsets.UTF_8))).hasSize(1024);
      }
    } finally {
      memory.close();
    }
  }

  @Test
  void oneMemoryPerApplicationAndNoStoreWithoutOne(@TempDir Path other) {
    try (RocksDBMemory memory = RocksDBMemory.open(stateDir, APP, BOUND);
        RocksDBMemory second = RocksDBMemory.open(other, APP, BOUND);
        // Kafka Streams keeps two applications under one state.dir apart
        RocksDBMemory third = RocksDBMemory.open(stateDir, "another-app", BOUND)) {
      assertThat(second).isNotSameAs(memory);
      assertThat(third).isNotSameAs(memory);
      assertThatThrownBy(() -> RocksDBMemory.open(stateDir, APP, BOUND))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("open already");
    }
    try (Options options = storeOptions()) {
      assertThatThrownBy(() -> setter.setConfig("groups", options, configs()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no RocksDB memory open for state.dir");
    }
    // closed, the directory can have a new one (a store restarted in the same process)
    try (RocksDBMemory again = RocksDBMemory.open(stateDir, APP, BOUND);
        Options options = storeOptions()) {
      setter.setConfig("groups", options, configs());
      assertThat(options.writeBufferManager()).isNotNull();
      assertThat(again.usageBytes()).isNotNaN();
    }
  }

  @Test
  void refusesABoundTooSmallForTheMemtables() {
    assertThatThrownBy(() -> RocksDBMemory.open(stateDir, APP, RocksDBMemory.MIN_BYTES - 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
