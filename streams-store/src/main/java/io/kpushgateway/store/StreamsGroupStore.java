package io.kpushgateway.store;

import io.kpushgateway.kafka.Stores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@link GroupStore} over Kafka Streams: placement from the streams metadata (each node's {@code
 * application.server}), groups through interactive queries on the {@value Stores#GROUPS} store,
 * iterators always closed. Kafka's exceptions end here, as {@link StoreUnavailableException} or as
 * an unavailable partition.
 */
final class StreamsGroupStore implements GroupStore {

  private final KafkaStreams streams;
  private final String pushesTopic;
  private final AsOfReader history;

  private final Expiries expiries;

  StreamsGroupStore(
      KafkaStreams streams, String pushesTopic, AsOfReader history, Expiries expiries) {
    this.expiries = expiries;
    this.streams = streams;
    this.pushesTopic = pushesTopic;
    this.history = history;
  }

  @Override
  public Placement placement() {
    SortedMap<Integer, NodeAddress> active = new TreeMap<>();
    Map<Integer, List<NodeAddress>> standbys = new HashMap<>();
    try {
      for (StreamsMetadata node : streams.streamsMetadataForStore(Stores.GROUPS)) {
        NodeAddress address = address(node.hostInfo());
        for (TopicPartition tp : node.topicPartitions()) {
          if (tp.topic().equals(pushesTopic)) {
            active.put(tp.partition(), address);
          }
        }
        for (TopicPartition tp : node.standbyTopicPartitions()) {
          if (tp.topic().equals(pushesTopic)) {
            standbys.computeIfAbsent(tp.partition(), p -> new ArrayList<>()).add(address);
          }
        }
      }
    } catch (RuntimeException e) { // not started yet, or shutting down
      throw new StoreUnavailableException("the groups store is " + streams.state());
    }
    return new Placement(active, standbys);
  }

  @Override
  public PartitionRead read(Collection<Integer> partitions, boolean fromStandby) {
    List<StoredGroup> groups = new ArrayList<>();
    SortedMap<Integer, String> unavailable = new TreeMap<>();
    Map<String, Integer> batchesApplied = new HashMap<>();
    for (int partition : partitions) {
      List<StoredGroup> read = new ArrayList<>();
      try {
        // the counts first: every group they count is then in the groups read after them
        Map<String, Integer> applied =
            Batches.applied(streams.store(query(Stores.BATCHES, partition, fromStandby)));
        copy(streams.store(query(Stores.GROUPS, partition, fromStandby)), read);
        groups.addAll(read);
        applied.forEach((batch, n) -> batchesApplied.merge(batch, n, Integer::sum));
      } catch (RuntimeException e) { // not hosted here, restoring, moved while read, not started
        unavailable.put(partition, "not served by this node (" + e.getMessage() + ")");
      }
    }
    return new PartitionRead(groups, unavailable, Collections.emptySortedMap(), batchesApplied);
  }

  @Override
  public PartitionRead readAt(Collection<Integer> partitions, boolean fromStandby, Instant at) {
    return history.readAt(
        partitions,
        at,
        partition -> {
          try {
            return streams.store(query(Stores.SNAPSHOT_INDEX, partition, fromStandby));
          } catch (RuntimeException e) {
            throw new IllegalStateException("not served by this node (" + e.getMessage() + ")", e);
          }
        });
  }

  @Override
  public List<StoredGroup> readLocal() {
    if (streams.state() != KafkaStreams.State.RUNNING) {
      throw new StoreUnavailableException("the groups store is " + streams.state());
    }
    List<StoredGroup> groups = new ArrayList<>();
    try {
      copy(streams.store(groupsQuery()), groups);
    } catch (InvalidStateStoreException e) {
      throw new StoreUnavailableException("the groups store is not available: " + e.getMessage());
    }
    return groups;
  }

  @Override
  public LocalShare localShare() {
    int active = 0;
    int standby = 0;
    try {
      for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
        for (TaskMetadata task : thread.activeTasks()) {
          active += pushesPartitions(task);
        }
        for (TaskMetadata task : thread.standbyTasks()) {
          standby += pushesPartitions(task);
        }
      }
    } catch (RuntimeException e) { // not started yet, or shutting down
      return new LocalShare(0, 0);
    }
    return new LocalShare(active, standby);
  }

  @Override
  public double approximateGroups() {
    if (streams.state() != KafkaStreams.State.RUNNING) {
      return Double.NaN;
    }
    try {
      return streams.store(groupsQuery()).approximateNumEntries();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  /** The store consumer's {@code records-lag}, summed over its partitions of the pushes topic. */
  @Override
  public long groupsExpired() {
    return expiries.count();
  }

  @Override
  public double pushesLag() {
    double lag = 0;
    for (Map.Entry<MetricName, ? extends Metric> m : streams.metrics().entrySet()) {
      double l = recordsLag(m, pushesTopic, null);
      if (!Double.isNaN(l)) {
        lag += l;
      }
    }
    return lag;
  }

  /** The store consumer's {@code records-lag} on {@code tp}; NaN while it has none. */
  static double fetchLag(KafkaStreams streams, TopicPartition tp) {
    for (Map.Entry<MetricName, ? extends Metric> m : streams.metrics().entrySet()) {
      double l = recordsLag(m, tp.topic(), tp);
      if (!Double.isNaN(l)) {
        return l;
      }
    }
    return Double.NaN;
  }

  /** The value of a main consumer's {@code records-lag} of {@code topic} ({@code tp}: only it). */
  private static double recordsLag(
      Map.Entry<MetricName, ? extends Metric> m, String topic, TopicPartition tp) {
    MetricName name = m.getKey();
    if (name.name().equals("records-lag")
        && name.group().equals("consumer-fetch-manager-metrics")
        && topic.equals(name.tags().get("topic"))
        && (tp == null || String.valueOf(tp.partition()).equals(name.tags().get("partition")))
        && !name.tags().getOrDefault("client-id", "").contains("restore-consumer")
        && m.getValue().metricValue() instanceof Number n) {
      return n.doubleValue();
    }
    return Double.NaN;
  }

  /** A query of one partition's copy of {@code store}, active only unless {@code fromStandby}. */
  private static StoreQueryParameters<ReadOnlyKeyValueStore<Bytes, byte[]>> query(
      String store, int partition, boolean fromStandby) {
    StoreQueryParameters<ReadOnlyKeyValueStore<Bytes, byte[]>> query =
        StoreQueryParameters.fromNameAndType(
                store, QueryableStoreTypes.<Bytes, byte[]>keyValueStore())
            .withPartition(partition);
    return fromStandby ? query.enableStaleStores() : query;
  }

  private static StoreQueryParameters<ReadOnlyKeyValueStore<Bytes, byte[]>> groupsQuery() {
    return StoreQueryParameters.fromNameAndType(
        Stores.GROUPS, QueryableStoreTypes.<Bytes, byte[]>keyValueStore());
  }

  private static void copy(ReadOnlyKeyValueStore<Bytes, byte[]> store, List<StoredGroup> into) {
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        into.add(new StoredGroup(kv.key.get(), kv.value));
      }
    }
  }

  private int pushesPartitions(TaskMetadata task) {
    return (int)
        task.topicPartitions().stream().filter(tp -> tp.topic().equals(pushesTopic)).count();
  }

  private static NodeAddress address(HostInfo host) {
    return new NodeAddress(host.host(), host.port());
  }
}
