package io.kpushgateway.store;

import io.kpushgateway.kafka.KafkaSettings;
import io.kpushgateway.kafka.RocksDBMemory;
import io.kpushgateway.kafka.Topics;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams application that materialises the groups store: start, state, close. Its
 * contents are read through {@link #groupStore()} and {@link #historyStore()}.
 */
public final class StoreService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StoreService.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** How long one read of the state as of a time may take on one node. */
  private static final Duration HISTORY_READ_TIMEOUT = Duration.ofSeconds(60);

  /** Groups' bytes in one snapshot chunk: a quarter of the largest record. */
  private static final int CHUNK_SHARE = 4;

  private final RocksDBMemory memory;
  private final KafkaStreams streams;
  private final StoreMemory storeMemory;
  private final GroupStore groupStore;
  private final KafkaSnapshotLog snapshotLog;
  private final AsOfReader history;
  private final HistoryStore historyStore;
  private final CatchUp catchUp;

  public StoreService(KafkaSettings settings, Topics topics) {
    Duration interval = settings.options().streams().snapshotInterval();
    Duration retention = settings.options().topics().pushRetention();
    this.snapshotLog = new KafkaSnapshotLog(settings, topics);
    int chunkBytes = settings.options().topics().maxRecordBytes() / CHUNK_SHARE;
    String node = settings.options().streams().applicationServer();
    Expiries expiries = new Expiries(node != null ? node : "store");
    // before the stores open: RocksDBMemory.ConfigSetter finds it by state.dir and application.id
    this.memory =
        RocksDBMemory.open(
            settings.options().streams().stateDir(),
            settings.options().streams().applicationId(),
            settings.options().streams().rocksdbMemoryBytes());
    try {
      this.streams =
          new KafkaStreams(
              PushTopology.build(
                  topics,
                  retention,
                  interval == null
                      ? null
                      : partition ->
                          new SnapshotWriter(
                              partition, snapshotLog, interval, retention, chunkBytes),
                  expiries),
              settings.streams());
    } catch (RuntimeException e) {
      memory.close();
      snapshotLog.close();
      throw e;
    }
    this.storeMemory = new StreamsStoreMemory(streams, memory);
    this.history = new AsOfReader(settings, topics, HISTORY_READ_TIMEOUT);
    this.groupStore = new StreamsGroupStore(streams, topics.pushes(), history, expiries);
    this.historyStore = new StreamsHistoryStore(streams);
    this.catchUp =
        new CatchUp(
            Admin.create(settings.admin()),
            settings.options().streams().applicationId(),
            () -> activePushesPartitions(topics.pushes()),
            tp -> StreamsGroupStore.fetchLag(streams, tp));
    streams.setStateListener(
        (now, before) -> {
          LOG.info("store state {} -> {}", before, now);
          if (now == KafkaStreams.State.RUNNING) {
            catchUp.running();
          } else if (before == KafkaStreams.State.RUNNING) {
            catchUp.stopped();
          }
        });
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("stream thread failed, replacing it", e);
          return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
  }

  public void start() {
    streams.start();
  }

  /** True when every local partition is assigned and restored: the store answers for them. */
  public boolean isRunning() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  /**
   * Null when the store is running and has applied the push log up to where it ended when the store
   * began running ({@link CatchUp}); else why not: a node answers reads only then.
   */
  public String notReadyBecause() {
    return isRunning() ? catchUp.notCaughtUpBecause() : "the groups store is " + state();
  }

  private Set<TopicPartition> activePushesPartitions(String pushes) {
    Set<TopicPartition> active = new HashSet<>();
    for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
      for (TaskMetadata task : thread.activeTasks()) {
        task.topicPartitions().stream()
            .filter(tp -> tp.topic().equals(pushes))
            .forEach(active::add);
      }
    }
    return active;
  }

  /** The Kafka Streams state, e.g. {@code REBALANCING}, for readiness messages. */
  public String state() {
    return streams.state().name();
  }

  /** The groups and where they live, for the exposition. */
  public GroupStore groupStore() {
    return groupStore;
  }

  /** What the RocksDB stores take off the Java heap, for the gateway's own metrics. */
  public StoreMemory memory() {
    return storeMemory;
  }

  /** Each group's push history and where it lives, for the exposition. */
  public HistoryStore historyStore() {
    return historyStore;
  }

  @Override
  public void close() {
    // Leave the group: the partitions move to the other store nodes (or to this node's next
    // start) at once, instead of after the session timeout.
    boolean closed =
        streams.close(
            CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
    if (closed) {
      memory.close();
    } else {
      // a store may still be open, its metrics reading the cache: leave it to the process' end
      LOG.warn("Kafka Streams did not close within {}: RocksDB memory left open", CLOSE_TIMEOUT);
    }
    catchUp.close();
    history.close();
    snapshotLog.close();
  }
}
