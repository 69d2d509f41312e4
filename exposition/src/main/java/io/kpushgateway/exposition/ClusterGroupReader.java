package io.kpushgateway.exposition;

import io.kpushgateway.core.batch.BatchVisibility;
import io.kpushgateway.core.merge.GroupFamilies;
import io.kpushgateway.core.model.UnixNanos;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.store.GroupStore;
import io.kpushgateway.store.NodeAddress;
import io.kpushgateway.store.PartitionRead;
import io.kpushgateway.store.Placement;
import io.kpushgateway.store.StoreUnavailableException;
import io.kpushgateway.store.StoredGroup;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every group of the cluster: this node's partitions read locally, every other partition asked of
 * the store node that serves it as active, all peers at once, then merged in grouping-key order as
 * if one node held them all.
 *
 * <p>Each partition is read from exactly one node, so no group is counted twice even while
 * partitions move; a partition that no node can serve right now (its node gone and not yet
 * replaced, restoring, a peer not answering in time) is unavailable. With the default policy the
 * read then fails, naming those partitions, and the scrape is answered 503 with Retry-After: never
 * a silently incomplete page. With {@code servePartial} the rest is served and the gap counted in
 * {@code kpushgateway_cluster_partial_reads_total}. Before either, with {@code readStandbys}, such
 * a partition is read from a node keeping a standby copy of it, if any.
 *
 * <p>Each partition's answer also counts the groups of recent batch pushes it has applied; summed
 * over the whole read, they decide which batches are shown ({@link BatchVisibility}), so a scrape
 * never shows part of a batch.
 */
public final class ClusterGroupReader implements GroupSource {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterGroupReader.class);

  private final GroupStore store;
  private final NodeAddress self;
  private final int partitions;
  private final PeerReader peers;
  private final boolean servePartial;
  private final boolean readStandbys;
  private final Clock clock;
  private final Counter partialReads;
  private final Gauge unavailablePartitions;
  private final Counter standbyReads;

  /**
   * @param self this node's advertised address, as the other nodes see it in the store's metadata
   * @param partitions the partitions of the pushes topic
   */
  public ClusterGroupReader(
      GroupStore store,
      NodeAddress self,
      int partitions,
      PeerReader peers,
      boolean servePartial,
      boolean readStandbys,
      PrometheusRegistry registry) {
    this(store, self, partitions, peers, servePartial, readStandbys, registry, Clock.systemUTC());
  }

  /**
   * @param clock against which a batch push's age is told ({@link BatchVisibility})
   */
  ClusterGroupReader(
      GroupStore store,
      NodeAddress self,
      int partitions,
      PeerReader peers,
      boolean servePartial,
      boolean readStandbys,
      PrometheusRegistry registry,
      Clock clock) {
    this.clock = clock;
    this.store = store;
    this.self = self;
    this.partitions = partitions;
    this.peers = peers;
    this.servePartial = servePartial;
    this.readStandbys = readStandbys;
    this.partialReads =
        Counter.builder()
            .name("kpushgateway_cluster_partial_reads_total")
            .help(
                "Cluster-wide reads answered without some partitions"
                    + " (--cluster.partial-reads=serve).")
            .register(registry);
    this.unavailablePartitions =
        Gauge.builder()
            .name("kpushgateway_cluster_unavailable_partitions")
            .help("Partitions the last cluster-wide read of this node could not read.")
            .register(registry);
    this.standbyReads =
        Counter.builder()
            .name("kpushgateway_cluster_standby_reads_total")
            .help(
                "Partitions a cluster-wide read took from a standby copy because their active"
                    + " node did not answer.")
            .register(registry);
  }

  /** Batch pushes whole or not at all, by the counts of every partition read with the groups. */
  @Override
  public List<GroupFamilies> page() {
    Gathered now = read(null);
    return BatchVisibility.shown(
        inKeyOrder(now.groups()), now.batchesApplied(), UnixNanos.of(clock.instant()));
  }

  @Override
  public List<GroupRecord> readApplied() {
    List<StoredGroup> groups = read(null).groups();
    groups.sort(StoredGroup.KEY_ORDER);
    List<GroupRecord> records = new ArrayList<>(groups.size());
    for (StoredGroup group : groups) {
      records.add(group.record());
    }
    return records;
  }

  /** The groups as applied at {@code at}, a batch push's groups included as they were applied. */
  @Override
  public List<GroupFamilies> pageAt(Instant at) {
    return inKeyOrder(read(at).groups());
  }

  /**
   * {@code stored} (sorted in place) in grouping-key order, the order of the merge rules, which
   * per-partition reads do not give across partitions.
   */
  static List<GroupFamilies> inKeyOrder(List<StoredGroup> stored) {
    stored.sort(StoredGroup.KEY_ORDER);
    List<GroupFamilies> groups = new ArrayList<>(stored.size());
    for (StoredGroup group : stored) {
      groups.add(group.families());
    }
    return groups;
  }

  /**
   * The oldest instant a cluster-wide {@link #readAt} can answer; empty while retention has deleted
   * no push (every instant back to the first push can be answered).
   */
  public Optional<Instant> oldestAnswerable() {
    SortedMap<Integer, Instant> beforeHistory = new TreeMap<>();
    readPartitions(Instant.EPOCH, beforeHistory);
    return beforeHistory.values().stream().max(Instant::compareTo);
  }

  /** What the partitions of the cluster gave: groups unsorted, batch counts summed. */
  private record Gathered(List<StoredGroup> groups, Map<String, Integer> batchesApplied) {}

  /** Every group of the cluster now, or at {@code at}. */
  private Gathered read(Instant at) {
    SortedMap<Integer, Instant> beforeHistory = new TreeMap<>();
    Gathered groups = readPartitions(at, beforeHistory);
    if (!beforeHistory.isEmpty()) {
      throw new BadQueryException(
          AtQuery.beforeHistory(
              at, beforeHistory.values().stream().max(Instant::compareTo).orElseThrow()));
    }
    return groups;
  }

  private Gathered readPartitions(Instant at, SortedMap<Integer, Instant> beforeHistory) {
    Placement placement = store.placement();
    SortedMap<Integer, NodeAddress> owners = placement.active();
    int count = owners.isEmpty() ? partitions : Math.max(partitions, owners.lastKey() + 1);
    SortedMap<Integer, String> unavailable = new TreeMap<>();
    Map<NodeAddress, List<Integer>> byNode = new LinkedHashMap<>();
    for (int p = 0; p < count; p++) {
      NodeAddress owner = owners.get(p);
      if (owner == null) {
        unavailable.put(p, "no store node serves it right now");
      } else {
        byNode.computeIfAbsent(owner, o -> new ArrayList<>()).add(p);
      }
    }
    Gathered groups = new Gathered(new ArrayList<>(), new HashMap<>());
    Reads reads = new Reads(at, groups, unavailable, beforeHistory);
    reads.from(byNode, false);
    if (!unavailable.isEmpty() && readStandbys) {
      // an active that is gone (killed, cut off) is stood in for by a standby copy until Kafka
      // hands its partitions over: reads go on instead of failing for the session timeout
      Map<NodeAddress, List<Integer>> byStandby = new LinkedHashMap<>();
      for (int p : unavailable.keySet()) {
        List<NodeAddress> standbys = placement.standbysOf(p);
        if (!standbys.isEmpty()) {
          NodeAddress copy = standbys.contains(self) ? self : standbys.get(0);
          byStandby.computeIfAbsent(copy, c -> new ArrayList<>()).add(p);
        }
      }
      SortedMap<Integer, String> stillUnavailable = new TreeMap<>();
      new Reads(at, groups, stillUnavailable, beforeHistory).from(byStandby, true);
      for (List<Integer> read : byStandby.values()) {
        for (int p : read) {
          if (!stillUnavailable.containsKey(p)) {
            unavailable.remove(p);
            standbyReads.inc();
          }
        }
      }
    }
    unavailablePartitions.set(unavailable.size());
    if (!unavailable.isEmpty()) {
      String what = describe(unavailable, count);
      if (!servePartial) {
        throw new StoreUnavailableException(what);
      }
      partialReads.inc();
      LOG.warn("serving a partial read: {}", what);
    }
    return groups;
  }

  /** One round of reads (now, or at an instant) and where their answers go. */
  private final class Reads {
    private final Instant at;
    private final Gathered groups;
    private final SortedMap<Integer, String> unavailable;
    private final SortedMap<Integer, Instant> beforeHistory;

    Reads(
        Instant at,
        Gathered groups,
        SortedMap<Integer, String> unavailable,
        SortedMap<Integer, Instant> beforeHistory) {
      this.at = at;
      this.groups = groups;
      this.unavailable = unavailable;
      this.beforeHistory = beforeHistory;
    }

    /** Reads each node's partitions: the peers all at once, this node's own while they answer. */
    void from(Map<NodeAddress, List<Integer>> byNode, boolean fromStandby) {
      List<CompletableFuture<PartitionRead>> asked = new ArrayList<>();
      byNode.forEach(
          (node, parts) -> {
            if (!node.equals(self)) {
              asked.add(peers.fetch(node, parts, fromStandby, at));
            }
          });
      List<Integer> local = byNode.get(self);
      if (local != null) {
        collect(at == null ? store.read(local, fromStandby) : store.readAt(local, fromStandby, at));
      }
      for (CompletableFuture<PartitionRead> answer : asked) {
        collect(answer.join()); // each request carries its own timeout
      }
    }

    private void collect(PartitionRead read) {
      groups.groups().addAll(read.groups());
      read.batchesApplied().forEach((id, n) -> groups.batchesApplied().merge(id, n, Integer::sum));
      unavailable.putAll(read.unavailable());
      beforeHistory.putAll(read.beforeHistory());
    }
  }

  /** E.g. "partitions 1, 3 of 4 unavailable: 1: h:9091 did not answer ...; 3: ...". */
  static String describe(SortedMap<Integer, String> unavailable, int count) {
    return "partition"
        + (unavailable.size() == 1 ? " " : "s ")
        + unavailable.keySet().stream().map(String::valueOf).collect(Collectors.joining(", "))
        + " of "
        + count
        + " unavailable: "
        + unavailable.entrySet().stream()
            .map(e -> e.getKey() + ": " + e.getValue())
            .collect(Collectors.joining("; "));
  }
}
