package io.kpushgateway.store;

import io.kpushgateway.kafka.Stores;
import io.kpushgateway.proto.HistoryPage;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@link HistoryStore} over Kafka Streams: placement from {@code queryMetadataForKey} on the
 * {@value Stores#HISTORY} store (the partition the producer's partitioner picks for the grouping
 * key), reads through interactive queries on that one partition. Kafka's exceptions end here.
 */
final class StreamsHistoryStore implements HistoryStore {

  private final KafkaStreams streams;

  StreamsHistoryStore(KafkaStreams streams) {
    this.streams = streams;
  }

  @Override
  public KeyPlacement placementOf(byte[] groupKey) {
    KeyQueryMetadata metadata;
    try {
      metadata =
          streams.queryMetadataForKey(
              Stores.HISTORY, Bytes.wrap(groupKey), Serdes.Bytes().serializer());
    } catch (RuntimeException e) { // not started yet, or shutting down
      throw new StoreUnavailableException("the history store is " + streams.state());
    }
    if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      throw new StoreUnavailableException(
          "the history store's placement is not known yet (" + streams.state() + ")");
    }
    return new KeyPlacement(
        metadata.partition(),
        address(metadata.activeHost()),
        metadata.standbyHosts().stream()
            .map(StreamsHistoryStore::address)
            .flatMap(Optional::stream)
            .toList());
  }

  @Override
  public HistoryPage read(byte[] groupKey, HistoryQuery query, boolean fromStandby) {
    int partition = placementOf(groupKey).partition();
    StoreQueryParameters<ReadOnlyKeyValueStore<Bytes, byte[]>> parameters =
        StoreQueryParameters.fromNameAndType(
                Stores.HISTORY, QueryableStoreTypes.<Bytes, byte[]>keyValueStore())
            .withPartition(partition);
    try {
      return HistoryIndex.read(
          streams.store(fromStandby ? parameters.enableStaleStores() : parameters),
          groupKey,
          query);
    } catch (RuntimeException e) { // not hosted here, restoring, moved while read, not started
      throw new StoreUnavailableException(
          "partition " + partition + " is not served by this node (" + e.getMessage() + ")");
    }
  }

  private static Optional<NodeAddress> address(HostInfo host) {
    if (host == null || host.port() < 0 || host.equals(HostInfo.unavailable())) {
      return Optional.empty();
    }
    return Optional.of(new NodeAddress(host.host(), host.port()));
  }
}
