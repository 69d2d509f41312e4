package io.kpushgateway.exposition;

import io.kpushgateway.store.GroupStore;
import io.kpushgateway.store.LocalShare;
import io.kpushgateway.store.StoreMemory;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * A store node's own view of its share, among the gateway's own metrics: which partitions it
 * serves, how many groups they hold, how far it is behind the push log, and the memory its RocksDB
 * stores take off the Java heap (beside client_java's JVM and process metrics, what explains the
 * resident size). Read at scrape time.
 */
public final class StoreMetrics {

  private StoreMetrics() {}

  public static void register(GroupStore store, StoreMemory memory, PrometheusRegistry registry) {
    GaugeWithCallback.builder()
        .name("kpushgateway_store_partitions")
        .help("Partitions of the push log this node serves (active) or keeps a copy of (standby).")
        .labelNames("kind")
        .callback(
            cb -> {
              LocalShare share = store.localShare();
              cb.call(share.active(), "active");
              cb.call(share.standby(), "standby");
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("kpushgateway_store_groups")
        .help("Groups in the partitions this node serves, as RocksDB estimates them.")
        .callback(cb -> cb.call(store.approximateGroups()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("kpushgateway_store_pushes_lag")
        .help("Pushes on Kafka that the partitions this node serves have not applied yet.")
        .callback(cb -> cb.call(store.pushesLag()))
        .register(registry);
    CounterWithCallback.builder()
        .name("kpushgateway_groups_expired_total")
        .help("Groups this node removed because their TTL ran out (--push.ttl, Pushgateway-TTL).")
        .callback(cb -> cb.call(store.groupsExpired()))
        .register(registry);
    registerMemory(memory, registry);
  }

  private static void registerMemory(StoreMemory memory, PrometheusRegistry registry) {
    GaugeWithCallback.builder()
        .name("kpushgateway_store_rocksdb_memory_limit_bytes")
        .help(
            "Memory all RocksDB stores of this node share: their block cache, memtables included"
                + " (--store.rocksdb-memory).")
        .callback(cb -> cb.call((double) memory.limitBytes()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("kpushgateway_store_rocksdb_block_cache_usage_bytes")
        .help(
            "Bytes in the RocksDB stores' shared block cache: data, index and filter blocks, and"
                + " the memtables charged to it.")
        .callback(cb -> cb.call(memory.blockCacheUsageBytes()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("kpushgateway_store_rocksdb_block_cache_pinned_bytes")
        .help("Bytes of the shared block cache that readers or memtables hold pinned.")
        .callback(cb -> cb.call(memory.blockCachePinnedBytes()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("kpushgateway_store_rocksdb_memtable_bytes")
        .help(
            "Bytes in the memtables of every open RocksDB store: active, not yet flushed and"
                + " pinned.")
        .callback(cb -> cb.call(memory.memtableBytes()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("kpushgateway_store_rocksdb_open_stores")
        .help("RocksDB stores open on this node: each store of each active or standby task.")
        .callback(cb -> cb.call(memory.openStores()))
        .register(registry);
  }
}
