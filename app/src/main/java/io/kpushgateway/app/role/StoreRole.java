package io.kpushgateway.app.role;

import io.kpushgateway.exposition.ClusterGroupReader;
import io.kpushgateway.exposition.GroupSource;
import io.kpushgateway.exposition.HistoryHorizon;
import io.kpushgateway.exposition.HistoryReader;
import io.kpushgateway.exposition.LocalGroupReader;
import io.kpushgateway.exposition.PeerClient;
import io.kpushgateway.exposition.SelfMetrics;
import io.kpushgateway.exposition.StoreMetrics;
import io.kpushgateway.kafka.KafkaSettings;
import io.kpushgateway.kafka.Topics;
import io.kpushgateway.store.GroupStore;
import io.kpushgateway.store.HistoryStore;
import io.kpushgateway.store.NodeAddress;
import io.kpushgateway.store.StoreService;
import java.time.Clock;

/**
 * The state: the Kafka Streams store applying the push log per grouping key, read for the whole
 * cluster (this node's partitions, its peers' through {@code /internal/v1/groups}) or this node's
 * share alone; and each group's push history, read where the group's partition lives.
 */
public final class StoreRole extends Role {

  /**
   * How cluster-wide reads treat partitions they cannot read.
   *
   * @param servePartial answer with the rest ({@code --cluster.partial-reads=serve}), else 503
   * @param standbyReads read a partition from a standby copy while its active node is silent
   */
  public record Reads(boolean servePartial, boolean standbyReads) {}

  private GroupStore groups;
  private HistoryStore history;
  private HistoryReader historyReader;
  private ClusterGroupReader cluster;
  private GroupSource local;
  private HistoryHorizon horizon;

  private StoreRole() {}

  /**
   * Started: the store joins its group and restores; the role is ready once it is running and has
   * applied the push log as far as it reached then (fresh reads after a restart).
   *
   * @param partitions of the pushes topic: every one is read for the cluster
   * @param nodeName this node's advertised HOST:PORT, where peers find its partitions
   */
  public static StoreRole start(
      KafkaSettings kafka,
      Topics topics,
      int partitions,
      String nodeName,
      PeerClient peers,
      Reads reads,
      SelfMetrics self) {
    return starting(
        new StoreRole(),
        role -> {
          StoreService store = role.own(new StoreService(kafka, topics));
          store.start();
          role.readyWhen(store::notReadyBecause);
          role.groups = store.groupStore();
          role.history = store.historyStore();
          // one of each: they keep the groups parsed at their last read
          role.local = new LocalGroupReader(role.groups);
          role.cluster =
              new ClusterGroupReader(
                  role.groups,
                  NodeAddress.parse(nodeName),
                  partitions,
                  peers,
                  reads.servePartial(),
                  reads.standbyReads(),
                  self.registry());
          role.historyReader =
              new HistoryReader(
                  role.history, NodeAddress.parse(nodeName), peers, reads.standbyReads());
          StoreMetrics.register(role.groups, store.memory(), self.registry());
          role.horizon =
              role.own(new HistoryHorizon(role.cluster, Clock.systemUTC(), self.registry()));
        });
  }

  /** The oldest instant {@code ?at=} can answer. */
  public HistoryHorizon horizon() {
    return horizon;
  }

  /** This node's partitions, for its peers. */
  public GroupStore groups() {
    return groups;
  }

  /** Each group's push history in this node's partitions. */
  public HistoryStore history() {
    return history;
  }

  /** Any group's push history, wherever its partition lives. */
  public HistoryReader historyReader() {
    return historyReader;
  }

  /** Every group of the cluster. */
  public GroupSource cluster() {
    return cluster;
  }

  /** The groups of this node's partitions ({@code /metrics?scope=local}). */
  public GroupSource local() {
    return local;
  }
}
