package io.kpushgateway.store;

import io.kpushgateway.kafka.KafkaSettings;
import io.kpushgateway.kafka.Stores;
import io.kpushgateway.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.CloseOptions;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Kafka Streams application that materialises the groups store: start, state, close. */
public final class StoreService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StoreService.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final String pushesTopic;

  public StoreService(KafkaSettings settings, Topics topics) {
    this.pushesTopic = topics.pushes();
    this.streams = new KafkaStreams(PushTopology.build(topics), settings.streams());
    streams.setStateListener(
        (now, before) -> LOG.info("store state {} -> {}", before, now));
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("stream thread failed, replacing it", e);
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.REPLACE_THREAD;
        });
  }

  public void start() {
    streams.start();
  }

  /** True when every local partition is assigned and restored: the store answers for them. */
  public boolean isRunning() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * The groups of every partition this node holds, read through interactive queries, as stored:
   * {@code GroupRecord} bytes ({@link StoredGroups#parse}).
   *
   * @throws StoreUnavailableException while the store is starting, rebalancing or restoring
   */
  public ReadOnlyKeyValueStore<Bytes, byte[]> groups() {
    if (!isRunning()) {
      throw new StoreUnavailableException("the groups store is " + streams.state());
    }
    try {
      return streams.store(
          StoreQueryParameters.fromNameAndType(
              Stores.GROUPS, QueryableStoreTypes.<Bytes, byte[]>keyValueStore()));
    } catch (InvalidStateStoreException e) {
      throw new StoreUnavailableException("the groups store is not available: " + e.getMessage());
    }
  }

  /**
   * Where each partition lives, from the group's last assignment: the store node serving it as
   * active (absent while nobody does: its node gone, not yet reassigned) and the nodes keeping a
   * standby copy.
   */
  public record Placement(
      SortedMap<Integer, HostInfo> active, Map<Integer, List<HostInfo>> standbys) {

    /** The nodes with a standby copy of {@code partition}, possibly none. */
    public List<HostInfo> standbysOf(int partition) {
      return standbys.getOrDefault(partition, List.of());
    }
  }

  /**
   * @throws StoreUnavailableException while this node's store is not running or rebalancing
   */
  public Placement placement() {
    SortedMap<Integer, HostInfo> active = new TreeMap<>();
    Map<Integer, List<HostInfo>> standbys = new HashMap<>();
    try {
      for (StreamsMetadata node : streams.streamsMetadataForStore(Stores.GROUPS)) {
        for (TopicPartition tp : node.topicPartitions()) {
          if (tp.topic().equals(pushesTopic)) {
            active.put(tp.partition(), node.hostInfo());
          }
        }
        for (TopicPartition tp : node.standbyTopicPartitions()) {
          if (tp.topic().equals(pushesTopic)) {
            standbys.computeIfAbsent(tp.partition(), p -> new ArrayList<>()).add(node.hostInfo());
          }
        }
      }
    } catch (RuntimeException e) { // not started yet, or shutting down
      throw new StoreUnavailableException("the groups store is " + streams.state());
    }
    return new Placement(active, standbys);
  }

  /** This node's share of the partitions right now: served as active, kept as standby copies. */
  public record LocalShare(int active, int standby) {}

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

  private int pushesPartitions(TaskMetadata task) {
    return (int)
        task.topicPartitions().stream().filter(tp -> tp.topic().equals(pushesTopic)).count();
  }

  /** RocksDB's estimate of the groups in this node's active partitions; NaN while not running. */
  public double approximateGroups() {
    try {
      return groups().approximateNumEntries();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * Pushes on Kafka that this node's active partitions have not applied yet (the store
   * consumer's {@code records-lag}, summed over its partitions of the pushes topic).
   */
  public double pushesLag() {
    double lag = 0;
    for (Map.Entry<MetricName, ? extends Metric> m : streams.metrics().entrySet()) {
      MetricName name = m.getKey();
      if (name.name().equals("records-lag")
          && name.group().equals("consumer-fetch-manager-metrics")
          && pushesTopic.equals(name.tags().get("topic"))
          && !name.tags().getOrDefault("client-id", "").contains("restore-consumer")
          && m.getValue().metricValue() instanceof Number n
          && !Double.isNaN(n.doubleValue())) {
        lag += n.doubleValue();
      }
    }
    return lag;
  }

  /** What {@link #readPartitions} read: the groups, and each partition it could not read. */
  public record PartitionRead(
      List<KeyValue<Bytes, byte[]>> groups, SortedMap<Integer, String> unavailable) {}

  /**
   * The groups of the given partitions, read from this node's active copies through interactive
   * queries, as stored ({@link StoredGroups#parse}); each partition this node does not serve as
   * active and running right now is reported instead, with the reason. With {@code fromStandby}
   * a standby copy (or an active one still restoring) is read too: it holds what its active had
   * written to the changelog, so it lacks the pushes that active had not applied yet.
   */
  public PartitionRead readPartitions(Collection<Integer> partitions, boolean fromStandby) {
    List<KeyValue<Bytes, byte[]>> groups = new ArrayList<>();
    SortedMap<Integer, String> unavailable = new TreeMap<>();
    for (int partition : partitions) {
      List<KeyValue<Bytes, byte[]>> read = new ArrayList<>();
      try {
        StoreQueryParameters<ReadOnlyKeyValueStore<Bytes, byte[]>> query =
            StoreQueryParameters.fromNameAndType(
                    Stores.GROUPS, QueryableStoreTypes.<Bytes, byte[]>keyValueStore())
                .withPartition(partition);
        ReadOnlyKeyValueStore<Bytes, byte[]> store =
            streams.store(fromStandby ? query.enableStaleStores() : query);
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
          it.forEachRemaining(read::add);
        }
        groups.addAll(read);
      } catch (RuntimeException e) { // not hosted here, restoring, moved while read, not started
        unavailable.put(partition, "not served by this node (" + e.getMessage() + ")");
      }
    }
    return new PartitionRead(groups, unavailable);
  }

  @Override
  public void close() {
    // Leave the group: the partitions move to the other store nodes (or to this node's next
    // start) at once, instead of after the session timeout.
    streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(CLOSE_TIMEOUT));
  }
}
