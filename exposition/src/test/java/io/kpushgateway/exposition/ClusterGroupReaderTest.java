package io.kpushgateway.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.model.UnixNanos;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.PendingBatch;
import io.kpushgateway.store.GroupStore;
import io.kpushgateway.store.LocalShare;
import io.kpushgateway.store.NodeAddress;
import io.kpushgateway.store.PartitionRead;
import io.kpushgateway.store.Placement;
import io.kpushgateway.store.StoreUnavailableException;
import io.kpushgateway.store.StoredGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The partial-read and standby policies of a cluster-wide read, against a fake store seam and fake
 * peers: which node each partition is read from, and what an unavailable one does.
 */
class ClusterGroupReaderTest {

  private static final NodeAddress SELF = new NodeAddress("self", 9091);
  private static final NodeAddress PEER = new NodeAddress("peer", 9091);
  private static final NodeAddress OTHER = new NodeAddress("other", 9091);

  /** One node's copies: partition → its groups, active or standby. */
  private static final class Node {
    final Map<Integer, List<StoredGroup>> active = new HashMap<>();
    final Map<Integer, List<StoredGroup>> standby = new HashMap<>();

    /** What it was asked for: partitions, and "s" + partition for standby reads. */
    final List<String> asked = new ArrayList<>();

    boolean down;

    /** Partition → the groups of each batch applied there. */
    final Map<Integer, Map<String, Integer>> batches = new HashMap<>();

    /** Partition → the oldest instant its history answers (none: any). */
    final Map<Integer, Instant> oldest = new HashMap<>();

    /** Reads as {@link #read}, the groups being the same at every instant of their history. */
    PartitionRead readAt(
        Collection<Integer> partitions, boolean fromStandby, String name, Instant at) {
      PartitionRead now = read(partitions, fromStandby, name);
      SortedMap<Integer, Instant> before = new TreeMap<>();
      for (int p : partitions) {
        Instant start = oldest.get(p);
        if (start != null && at.isBefore(start)) {
          before.put(p, start);
        }
      }
      return new PartitionRead(now.groups(), now.unavailable(), before);
    }

    PartitionRead read(Collection<Integer> partitions, boolean fromStandby, String name) {
      List<StoredGroup> groups = new ArrayList<>();
      SortedMap<Integer, String> unavailable = new TreeMap<>();
      Map<String, Integer> applied = new HashMap<>();
      for (int p : partitions) {
        batches.getOrDefault(p, Map.of()).forEach((b, n) -> applied.merge(b, n, Integer::sum));
        asked.add((fromStandby ? "s" : "") + p);
        List<StoredGroup> copy = active.get(p);
        if (copy == null && fromStandby) {
          copy = standby.get(p);
        }
        if (down || copy == null) {
          unavailable.put(p, name + (down ? " did not answer" : " does not serve it"));
        } else {
          groups.addAll(copy);
        }
      }
      return new PartitionRead(groups, unavailable, new TreeMap<>(), applied);
    }
  }

  private final SortedMap<Integer, NodeAddress> owners = new TreeMap<>();
  private final Map<Integer, List<NodeAddress>> standbys = new HashMap<>();
  private final Map<NodeAddress, Node> nodes =
      Map.of(SELF, new Node(), PEER, new Node(), OTHER, new Node());
  private final PrometheusRegistry registry = new PrometheusRegistry();

  private final GroupStore store =
      new GroupStore() {
        @Override
        public Placement placement() {
          return new Placement(owners, standbys);
        }

        @Override
        public PartitionRead read(Collection<Integer> partitions, boolean fromStandby) {
          return nodes.get(SELF).read(partitions, fromStandby, SELF.toString());
        }

        @Override
        public PartitionRead readAt(
            Collection<Integer> partitions, boolean fromStandby, Instant at) {
          return nodes.get(SELF).readAt(partitions, fromStandby, SELF.toString(), at);
        }

        @Override
        public List<StoredGroup> readLocal() {
          throw new UnsupportedOperationException("a cluster read asks per partition");
        }

        @Override
        public LocalShare localShare() {
          return new LocalShare(0, 0);
        }

        @Override
        public double approximateGroups() {
          return 0;
        }

        @Override
        public double pushesLag() {
          return 0;
        }

        @Override
        public long groupsExpired() {
          return 0;
        }
      };

  private final PeerReader peers =
      (peer, partitions, fromStandby, at) -> {
        assertThat(peer).as("a peer is never this node").isNotEqualTo(SELF);
        Node node = nodes.get(peer);
        return CompletableFuture.completedFuture(
            at == null
                ? node.read(partitions, fromStandby, peer.toString())
                : node.readAt(partitions, fromStandby, peer.toString(), at));
      };

  private ClusterGroupReader reader(boolean servePartial, boolean readStandbys) {
    return new ClusterGroupReader(store, SELF, 4, peers, servePartial, readStandbys, registry);
  }

  /** Partition {@code p} is served as active by {@code node} and holds group {@code job}. */
  private void active(int p, NodeAddress node, String... jobs) {
    owners.put(p, node);
    List<StoredGroup> groups = new ArrayList<>();
    for (String job : jobs) {
      groups.add(group(job));
    }
    nodes.get(node).active.put(p, groups);
  }

  /** Partitions 0 and 2 on this node (group a), 1 and 3 on the peer (groups b, c). */
  private void selfAndPeerShareFourPartitions() {
    active(0, SELF, "a");
    active(1, PEER, "b");
    active(2, SELF);
    active(3, PEER, "c");
  }

  private void standby(int p, NodeAddress node) {
    standbys.computeIfAbsent(p, k -> new ArrayList<>()).add(node);
    List<StoredGroup> copy = new ArrayList<>();
    for (Node n : nodes.values()) {
      copy.addAll(n.active.getOrDefault(p, List.of()));
    }
    nodes.get(node).standby.put(p, copy);
  }

  private static StoredGroup group(String job) {
    GroupingKey key = GroupingKey.of(Map.of("job", job));
    GroupRecord record = GroupRecord.newBuilder().addAllGrouping(key.toLabelPairs()).build();
    return new StoredGroup(key.toBytes(), record.toByteArray());
  }

  private static List<String> jobs(List<GroupRecord> groups) {
    return groups.stream().map(g -> g.getGrouping(0).getValue()).toList();
  }

  private double counter(String name) {
    for (MetricSnapshot snapshot : registry.scrape()) {
      if (snapshot.getMetadata().getPrometheusName().equals(name)
          && snapshot instanceof CounterSnapshot c) {
        return c.getDataPoints().get(0).getValue();
      }
    }
    throw new AssertionError("no counter " + name);
  }

  @Test
  void eachPartitionIsReadFromItsActiveNodeOnceAndMergedInKeyOrder() {
    active(0, SELF, "d", "a");
    active(1, PEER, "c");
    active(2, SELF);
    active(3, PEER, "b");
    assertThat(jobs(reader(false, false).readAll())).containsExactly("a", "b", "c", "d");
    assertThat(nodes.get(SELF).asked).containsExactly("0", "2");
    assertThat(nodes.get(PEER).asked).containsExactly("1", "3");
  }

  /** Group {@code job}, new in batch {@code batch} of {@code groups} groups pushed just now. */
  private static StoredGroup pending(String job, String batch, int groups) {
    GroupingKey key = GroupingKey.of(Map.of("job", job));
    GroupRecord record =
        GroupRecord.newBuilder()
            .addAllGrouping(key.toLabelPairs())
            .setPushTimeUnixNanos(UnixNanos.of(Instant.now()))
            .setPending(PendingBatch.newBuilder().setBatchId(batch).setBatchGroups(groups))
            .build();
    return new StoredGroup(key.toBytes(), record.toByteArray());
  }

  @Test
  void aBatchIsShownOnceItsGroupsAreAppliedOnEveryNode() {
    selfAndPeerShareFourPartitions();
    nodes.get(SELF).active.get(2).add(pending("x1", "batch", 2));
    nodes.get(SELF).batches.put(2, Map.of("batch", 1));
    ClusterGroupReader reader = reader(false, false);
    // the peer has not applied its group of the batch: none of it is shown, but it is applied
    assertThat(jobs(reader.readAll())).containsExactly("a", "b", "c");
    assertThat(jobs(reader.readApplied())).containsExactly("a", "b", "c", "x1");

    nodes.get(PEER).active.get(3).add(pending("x2", "batch", 2));
    nodes.get(PEER).batches.put(3, Map.of("batch", 1));
    assertThat(jobs(reader.readAll())).containsExactly("a", "b", "c", "x1", "x2");
  }

  @Test
  void aReadAtAnInstantAsksEachPartitionsNodeLikeAReadNow() {
    selfAndPeerShareFourPartitions();
    List<GroupRecord> then = reader(false, false).readAt(Instant.parse("2026-12-02T03:00:00Z"));
    assertThat(jobs(then)).containsExactly("a", "b", "c");
    assertThat(nodes.get(PEER).asked).containsExactlyInAnyOrder("1", "3");
  }

  @Test
  void aReadBeforeTheHistoryOfAnyPartitionNamesTheLatestStart() {
    selfAndPeerShareFourPartitions();
    nodes.get(SELF).oldest.put(0, Instant.parse("2026-12-01T00:00:00Z"));
    nodes.get(PEER).oldest.put(3, Instant.parse("2026-12-02T00:00:00Z"));
    ClusterGroupReader reader = reader(false, false);
    assertThatThrownBy(() -> reader.readAt(Instant.parse("2026-11-30T00:00:00Z")))
        .isInstanceOf(BadQueryException.class)
        .hasMessageContaining("before the retained history, which starts at 2026-12-02T00:00:00Z");
    assertThat(reader.readAt(Instant.parse("2026-12-02T00:00:00Z"))).hasSize(3);
    assertThat(reader.oldestAnswerable()).contains(Instant.parse("2026-12-02T00:00:00Z"));
  }

  @Test
  void aPartitionWithoutActiveNodeFailsTheReadNamingIt() {
    active(0, SELF, "a");
    active(1, PEER, "b");
    active(3, PEER, "c");
    assertThatThrownBy(() -> reader(false, false).readAll())
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessage("partition 2 of 4 unavailable: 2: no store node serves it right now");
  }

  @Test
  void aPeerThatDoesNotAnswerMakesAllItsPartitionsUnavailable() {
    selfAndPeerShareFourPartitions();
    nodes.get(PEER).down = true;
    assertThatThrownBy(() -> reader(false, false).readAll())
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessage(
            "partitions 1, 3 of 4 unavailable: 1: peer:9091 did not answer;"
                + " 3: peer:9091 did not answer");
  }

  @Test
  void servingPartialReadsAnswersTheRestAndCountsIt() {
    active(0, SELF, "a");
    active(1, PEER, "b");
    active(3, PEER, "c");
    ClusterGroupReader reader = reader(true, false);
    assertThat(jobs(reader.readAll())).containsExactly("a", "b", "c");
    assertThat(counter("kpushgateway_cluster_partial_reads")).isEqualTo(1);
  }

  @Test
  void withStandbyReadsAGoneActiveIsReadFromAStandbyCopyPreferablyThisNodes() {
    selfAndPeerShareFourPartitions();
    standby(1, OTHER);
    standby(1, SELF);
    standby(3, OTHER);
    nodes.get(PEER).down = true;
    ClusterGroupReader reader = reader(false, true);
    assertThat(jobs(reader.readAll())).containsExactly("a", "b", "c");
    assertThat(nodes.get(SELF).asked).containsExactly("0", "2", "s1");
    assertThat(nodes.get(OTHER).asked).containsExactly("s3");
    assertThat(counter("kpushgateway_cluster_standby_reads")).isEqualTo(2);
  }

  @Test
  void withoutStandbyReadsTheCopiesAreNotAsked() {
    selfAndPeerShareFourPartitions();
    standby(1, SELF);
    nodes.get(PEER).down = true;
    assertThatThrownBy(() -> reader(false, false).readAll())
        .isInstanceOf(StoreUnavailableException.class);
    assertThat(nodes.get(SELF).asked).containsExactly("0", "2");
  }

  @Test
  void aPartitionWhoseStandbyCopyIsAlsoUnreadableStaysUnavailable() {
    selfAndPeerShareFourPartitions();
    standby(1, OTHER);
    nodes.get(PEER).down = true;
    nodes.get(OTHER).down = true;
    assertThatThrownBy(() -> reader(false, true).readAll())
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageStartingWith("partitions 1, 3 of 4 unavailable: ");
  }

  @Test
  void partitionsAddedToTheTopicAreReadToo() {
    Set<Integer> all = new HashSet<>();
    for (int p = 0; p < 6; p++) {
      active(p, p % 2 == 0 ? SELF : PEER, "g" + p);
      all.add(p);
    }
    assertThat(jobs(reader(false, false).readAll())).hasSize(all.size());
  }
}
