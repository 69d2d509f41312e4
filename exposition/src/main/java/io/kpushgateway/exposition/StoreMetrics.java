package io.kpushgateway.exposition;

import io.kpushgateway.store.GroupStore;
import io.kpushgateway.store.LocalShare;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * A store node's own view of its share, among the gateway's own metrics: which partitions it
 * serves, how many groups they hold, and how far it is behind the push log. Read at scrape time.
 */
public final class StoreMetrics {

  private StoreMetrics() {}

  public static void register(GroupStore store, PrometheusRegistry registry) {
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
  }
}
