package io.kpushgateway.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.proto.HistoryEntry;
import io.kpushgateway.proto.HistoryPage;
import io.kpushgateway.store.HistoryQuery;
import io.kpushgateway.store.HistoryStore;
import io.kpushgateway.store.KeyPlacement;
import io.kpushgateway.store.NodeAddress;
import io.kpushgateway.store.StoreUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Where a group's history is read from: this node, the active peer, or a standby copy. */
class HistoryReaderTest {

  private static final NodeAddress SELF = new NodeAddress("self", 1);
  private static final NodeAddress PEER = new NodeAddress("peer", 2);
  private static final NodeAddress OTHER = new NodeAddress("other", 3);
  private static final byte[] KEY = {1, 2, 3};
  private static final HistoryQuery QUERY =
      new HistoryQuery(Long.MIN_VALUE, Long.MAX_VALUE, 10, HistoryQuery.NEWEST);

  /** A fake store: the placement given, local reads answer {@link #localPage} or fail. */
  private static final class Store implements HistoryStore {
    KeyPlacement placement;
    HistoryPage localPage;
    final List<Boolean> localReads = new ArrayList<>();

    @Override
    public KeyPlacement placementOf(byte[] groupKey) {
      return placement;
    }

    @Override
    public HistoryPage read(byte[] groupKey, HistoryQuery query, boolean fromStandby) {
      localReads.add(fromStandby);
      if (localPage == null) {
        throw new StoreUnavailableException("partition 3 is restoring here");
      }
      return localPage;
    }
  }

  /** Peers answering a page named after them, except those in {@link #silent}. */
  private static final class Peers implements PeerHistory {
    final List<String> asked = new ArrayList<>();
    List<NodeAddress> silent = List.of();

    @Override
    public CompletableFuture<HistoryPage> history(
        NodeAddress peer, byte[] groupKey, HistoryQuery query, boolean fromStandby) {
      asked.add(peer + (fromStandby ? " standby" : ""));
      if (silent.contains(peer)) {
        return CompletableFuture.failedFuture(new IOException(peer + " did not answer"));
      }
      return CompletableFuture.completedFuture(page(peer.toString()));
    }
  }

  private final Store store = new Store();
  private final Peers peers = new Peers();

  private static HistoryPage page(String node) {
    return HistoryPage.newBuilder()
        .addEntries(HistoryEntry.newBuilder().setIngestNode(node))
        .build();
  }

  private static String from(HistoryPage page) {
    return page.getEntries(0).getIngestNode();
  }

  private HistoryReader reader(boolean standbys) {
    return new HistoryReader(store, SELF, peers, standbys);
  }

  @Test
  void theActiveNodeAnswers() {
    store.localPage = page("self");
    store.placement = new KeyPlacement(3, Optional.of(SELF), List.of(PEER));
    assertThat(from(reader(true).read(KEY, QUERY))).isEqualTo("self");
    assertThat(peers.asked).isEmpty();

    store.placement = new KeyPlacement(3, Optional.of(PEER), List.of(SELF));
    assertThat(from(reader(true).read(KEY, QUERY))).isEqualTo("peer:2");
    assertThat(peers.asked).containsExactly("peer:2");
    assertThat(store.localReads).containsExactly(false);
  }

  @Test
  void aSilentActiveFailsTheReadNamingWhyUnlessStandbysMayAnswer() {
    peers.silent = List.of(PEER);
    store.placement = new KeyPlacement(3, Optional.of(PEER), List.of(OTHER, SELF));
    assertThatThrownBy(() -> reader(false).read(KEY, QUERY))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessage("the group's history (partition 3) is unavailable: peer:2 did not answer");

    // with standby reads: this node's copy first (restoring here), then the others'
    assertThat(from(reader(true).read(KEY, QUERY))).isEqualTo("other:3");
    assertThat(peers.asked).containsExactly("peer:2", "peer:2", "other:3 standby");
    assertThat(store.localReads).containsExactly(true);

    peers.silent = List.of(PEER, OTHER);
    assertThatThrownBy(() -> reader(true).read(KEY, QUERY))
        .hasMessage(
            "the group's history (partition 3) is unavailable: peer:2 did not answer;"
                + " partition 3 is restoring here; other:3 did not answer");
  }

  @Test
  void noActiveNodeIsUnavailableOrAStandbyRead() {
    store.placement = new KeyPlacement(1, Optional.empty(), List.of(OTHER));
    assertThatThrownBy(() -> reader(false).read(KEY, QUERY))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("no store node serves it right now");
    assertThat(from(reader(true).read(KEY, QUERY))).isEqualTo("other:3");
    assertThat(peers.asked).containsExactly("other:3 standby");
  }
}
