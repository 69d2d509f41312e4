package io.kpushgateway.store;

import io.kpushgateway.kafka.RocksDBMemory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@link StoreMemory} from the application's {@link RocksDBMemory} (the cache) and Kafka Streams'
 * RocksDB metrics (each store's {@code size-all-mem-tables}, a RocksDB property read when asked).
 */
final class StreamsStoreMemory implements StoreMemory {

  private static final String GROUP = "stream-state-metrics";
  private static final String MEMTABLES = "size-all-mem-tables";

  private final KafkaStreams streams;
  private final RocksDBMemory memory;

  StreamsStoreMemory(KafkaStreams streams, RocksDBMemory memory) {
    this.streams = streams;
    this.memory = memory;
  }

  @Override
  public long limitBytes() {
    return memory.capacityBytes();
  }

  @Override
  public double blockCacheUsageBytes() {
    return memory.usageBytes();
  }

  @Override
  public double blockCachePinnedBytes() {
    return memory.pinnedUsageBytes();
  }

  @Override
  public double memtableBytes() {
    double bytes = 0;
    for (Metric m : memtables().values()) {
      if (value(m) instanceof Number n) {
        bytes += n.doubleValue();
      }
    }
    return bytes;
  }

  @Override
  public int openStores() {
    Set<Map<String, String>> stores = new HashSet<>();
    for (MetricName name : memtables().keySet()) {
      stores.add(name.tags());
    }
    return stores.size();
  }

  /** The gauge's value; null when its store closed while being read. */
  private static Object value(Metric m) {
    try {
      return m.metricValue();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Each open store's memtable gauge (Kafka's metrics map is concurrent: safe to walk). */
  private Map<MetricName, Metric> memtables() {
    Map<MetricName, Metric> memtables = new HashMap<>();
    streams
        .metrics()
        .forEach(
            (name, metric) -> {
              if (name.group().equals(GROUP) && name.name().equals(MEMTABLES)) {
                memtables.put(name, metric);
              }
            });
    return memtables;
  }
}
