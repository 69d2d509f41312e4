package io.kpushgateway.exposition;

import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.store.StoreService;
import io.kpushgateway.store.StoreService.PartitionRead;
import io.kpushgateway.store.StoreUnavailableException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every group of the cluster: this node's partitions read locally, every other partition asked
 * of the store node that serves it as active, all peers at once, then merged in grouping-key
 * order as if one node held them all.
 *
 * <p>Each partition is read from exactly one node, so no group is counted twice even while
 * partitions move; a partition that no node can serve right now (its node gone and not yet
 * replaced, restoring, a peer not answering in time) is unavailable. With the default policy the
 * read then fails, naming those partitions, and the scrape is answered 503 with Retry-After:
 * never a silently incomplete page. With {@code servePartial} the rest is served and the gap
 * counted in {@code kpushgateway_cluster_partial_reads_total}.
 */
public final class ClusterGroupReader implements GroupSource {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterGroupReader.class);

  private final StoreService store;
  private final HostInfo self;
  private final int partitions;
  private final PeerClient peers;
  private final boolean servePartial;
  private final ParsedGroups parsed = new ParsedGroups();
  private final Counter partialReads;
  private final Gauge unavailablePartitions;

  /**
   * @param self this node's advertised address, as the other nodes see it in the store's metadata
   * @param partitions the partitions of the pushes topic
   */
  public ClusterGroupReader(
      StoreService store,
      HostInfo self,
      int partitions,
      PeerClient peers,
      boolean servePartial,
      PrometheusRegistry registry) {
    this.store = store;
    this.self = self;
    this.partitions = partitions;
    this.peers = peers;
    this.servePartial = servePartial;
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
  }

  @Override
  public List<GroupRecord> readAll() {
    SortedMap<Integer, HostInfo> owners = store.activeOwners();
    int count = owners.isEmpty() ? partitions : Math.max(partitions, owners.lastKey() + 1);
    SortedMap<Integer, String> unavailable = new TreeMap<>();
    Map<HostInfo, List<Integer>> byNode = new LinkedHashMap<>();
    for (int p = 0; p < count; p++) {
      HostInfo owner = owners.get(p);
      if (owner == null) {
        unavailable.put(p, "no store node serves it right now");
      } else {
        byNode.computeIfAbsent(owner, o -> new ArrayList<>()).add(p);
      }
    }
    // ask every peer first, then read locally while they answer
    List<CompletableFuture<PartitionRead>> asked = new ArrayList<>();
    byNode.forEach(
        (node, parts) -> {
          if (!node.equals(self)) {
            asked.add(peers.fetch(node, parts));
          }
        });
    List<KeyValue<Bytes, byte[]>> groups = new ArrayList<>();
    List<Integer> local = byNode.get(self);
    if (local != null) {
      collect(store.readPartitions(local), groups, unavailable);
    }
    for (CompletableFuture<PartitionRead> answer : asked) {
      collect(answer.join(), groups, unavailable); // each request carries its own timeout
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
    return parsed.parse(groups);
  }

  private static void collect(
      PartitionRead read,
      List<KeyValue<Bytes, byte[]>> groups,
      SortedMap<Integer, String> unavailable) {
    groups.addAll(read.groups());
    unavailable.putAll(read.unavailable());
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
