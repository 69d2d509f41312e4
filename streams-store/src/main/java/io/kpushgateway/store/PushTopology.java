package io.kpushgateway.store;

import io.kpushgateway.kafka.ProtoSerdes;
import io.kpushgateway.kafka.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The store's topology as a pure builder: the pushes topic, one {@link GroupProcessor} per
 * partition, the persistent {@code groups} store (RocksDB, changelog on) it writes, the {@code
 * history} store it enters each push in, the deadline index, the batch counts and the snapshot
 * index beside them; the catalog topic receives each group's changed shape, and the pushes topic
 * itself the EXPIRE records the processor writes for groups whose TTL ran out (same key, so the
 * same partition: they come back to the processor that wrote them, through the log).
 */
public final class PushTopology {

  static final String SOURCE = "pushes";
  static final String PROCESSOR = "apply";

  /** The child of {@link #PROCESSOR} that writes shapes to the catalog topic. */
  static final String CATALOG_SINK = "catalog";

  /** The child of {@link #PROCESSOR} that writes EXPIRE records to the pushes topic. */
  static final String EXPIRY_SINK = "expiries";

  private PushTopology() {}

  /** Without snapshots, with a history that keeps every push (tests of the stores). */
  public static Topology build(Topics topics) {
    return build(topics, null, null, new Expiries("test"));
  }

  /** Without snapshots. */
  public static Topology build(Topics topics, Duration pushRetention) {
    return build(topics, pushRetention, null, new Expiries("test"));
  }

  /**
   * @param pushRetention how long the push log keeps pushes, and the history with it; null: forever
   * @param snapshotWriters the writer of each partition's snapshots; null takes none (the index is
   *     there all the same, so turning snapshots on and off keeps the topology)
   * @param expiries the node name for EXPIRE records, and the count of groups they removed
   */
  static Topology build(
      Topics topics,
      Duration pushRetention,
      Function<Integer, SnapshotWriter> snapshotWriters,
      Expiries expiries) {
    // The Processor API, not the DSL: the processor writes to two sinks, each by name.
    Topology topology = new Topology();
    topology.addSource(
        SOURCE,
        Serdes.Bytes().deserializer(),
        ProtoSerdes.pushRecord().deserializer(),
        topics.pushes());
    topology.addProcessor(
        PROCESSOR, () -> new GroupProcessor(pushRetention, snapshotWriters, expiries), SOURCE);
    // Values stay GroupRecord protobuf bytes in memory too: readers parse them, and the
    // exposition reuses what it parsed for a group as long as its bytes are unchanged.
    // Interactive queries must see a push as soon as it is applied, and the changelog
    // is what makes a restart recover every group.
    topology.addStateStore(logged(io.kpushgateway.kafka.Stores.GROUPS, Map.of()), PROCESSOR);
    topology.addStateStore(history(pushRetention), PROCESSOR);
    topology.addStateStore(
        logged(io.kpushgateway.kafka.Stores.SNAPSHOT_INDEX, Map.of()), PROCESSOR);
    topology.addStateStore(logged(io.kpushgateway.kafka.Stores.DEADLINES, Map.of()), PROCESSOR);
    topology.addStateStore(logged(io.kpushgateway.kafka.Stores.BATCHES, Map.of()), PROCESSOR);
    topology.addSink(
        CATALOG_SINK,
        topics.catalog(),
        Serdes.Bytes().serializer(),
        ProtoSerdes.groupShape().serializer(),
        PROCESSOR);
    // The default partitioner, as ingest's producer: the grouping key's partition.
    topology.addSink(
        EXPIRY_SINK,
        topics.pushes(),
        Serdes.Bytes().serializer(),
        ProtoSerdes.pushRecord().serializer(),
        PROCESSOR);
    return topology;
  }

  /** A persistent store of bytes, uncached, with its changelog configured by {@code config}. */
  private static StoreBuilder<KeyValueStore<Bytes, byte[]>> logged(
      String name, Map<String, String> config) {
    return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.persistentKeyValueStore(name),
            Serdes.Bytes(),
            Serdes.ByteArray())
        .withCachingDisabled()
        .withLoggingEnabled(config);
  }

  /**
   * Uncached like the groups store, so a history read sees a push once it is applied; the changelog
   * moves the index with its partition and ages out with the push log.
   */
  private static StoreBuilder<KeyValueStore<Bytes, byte[]>> history(Duration pushRetention) {
    return logged(
        io.kpushgateway.kafka.Stores.HISTORY,
        io.kpushgateway.kafka.Stores.historyChangelogConfig(pushRetention));
  }
}
