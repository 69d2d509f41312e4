package io.kpushgateway.store;

import io.kpushgateway.kafka.ProtoSerdes;
import io.kpushgateway.kafka.Topics;
import java.time.Duration;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The store's topology as a pure builder: the pushes topic, one {@link GroupProcessor} per
 * partition, the persistent {@code groups} store (RocksDB, changelog on) it writes, the {@code
 * history} store it enters each push in, the snapshot index beside them, and the catalog topic that
 * receives each group's changed shape.
 */
public final class PushTopology {

  private PushTopology() {}

  /** Without snapshots, with a history that keeps every push (tests of the stores). */
  public static Topology build(Topics topics) {
    return build(topics, null, null);
  }

  /** Without snapshots. */
  public static Topology build(Topics topics, Duration pushRetention) {
    return build(topics, pushRetention, null);
  }

  /**
   * @param pushRetention how long the push log keeps pushes, and the history with it; null: forever
   * @param snapshotWriters the writer of each partition's snapshots; null takes none (the index is
   *     there all the same, so turning snapshots on and off keeps the topology)
   */
  static Topology build(
      Topics topics, Duration pushRetention, Function<Integer, SnapshotWriter> snapshotWriters) {
    StreamsBuilder builder = new StreamsBuilder();
    // Values stay GroupRecord protobuf bytes in memory too: readers parse them, and the
    // exposition reuses what it parsed for a group as long as its bytes are unchanged.
    StoreBuilder<KeyValueStore<Bytes, byte[]>> groups =
        org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.persistentKeyValueStore(
                    io.kpushgateway.kafka.Stores.GROUPS),
                Serdes.Bytes(),
                Serdes.ByteArray())
            // Interactive queries must see a push as soon as it is applied, and the changelog
            // is what makes a restart recover every group.
            .withCachingDisabled()
            .withLoggingEnabled(java.util.Map.of());
    builder.addStateStore(groups);
    builder.addStateStore(history(pushRetention));
    builder.addStateStore(
        org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.persistentKeyValueStore(
                    io.kpushgateway.kafka.Stores.SNAPSHOT_INDEX),
                Serdes.Bytes(),
                Serdes.ByteArray())
            .withCachingDisabled()
            .withLoggingEnabled(java.util.Map.of()));
    builder.stream(topics.pushes(), Consumed.with(Serdes.Bytes(), ProtoSerdes.pushRecord()))
        .process(
            () -> new GroupProcessor(pushRetention, snapshotWriters),
            io.kpushgateway.kafka.Stores.GROUPS,
            io.kpushgateway.kafka.Stores.HISTORY,
            io.kpushgateway.kafka.Stores.SNAPSHOT_INDEX)
        .to(topics.catalog(), Produced.with(Serdes.Bytes(), ProtoSerdes.groupShape()));
    return builder.build();
  }

  /**
   * Uncached like the groups store, so a history read sees a push once it is applied; the changelog
   * moves the index with its partition and ages out with the push log.
   */
  private static StoreBuilder<KeyValueStore<Bytes, byte[]>> history(Duration pushRetention) {
    return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.persistentKeyValueStore(
                io.kpushgateway.kafka.Stores.HISTORY),
            Serdes.Bytes(),
            Serdes.ByteArray())
        .withCachingDisabled()
        .withLoggingEnabled(io.kpushgateway.kafka.Stores.historyChangelogConfig(pushRetention));
  }
}
