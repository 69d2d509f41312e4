package io.kpushgateway.exposition;

import io.kpushgateway.proto.HistoryPage;
import io.kpushgateway.store.HistoryQuery;
import io.kpushgateway.store.HistoryStore;
import io.kpushgateway.store.KeyPlacement;
import io.kpushgateway.store.NodeAddress;
import io.kpushgateway.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * One group's history, wherever it lives: read here when this node serves the group's partition as
 * active, else asked of the node that does (one request, never further). With {@code readStandbys},
 * a partition whose active node is gone or does not answer is read from a standby copy (this node's
 * first). Otherwise, or when no copy answers, the read fails naming why: 503.
 */
public final class HistoryReader {

  private final HistoryStore store;
  private final NodeAddress self;
  private final PeerHistory peers;
  private final boolean readStandbys;

  /**
   * @param self this node's advertised address, as the other nodes see it in the store's metadata
   */
  public HistoryReader(
      HistoryStore store, NodeAddress self, PeerHistory peers, boolean readStandbys) {
    this.store = store;
    this.self = self;
    this.peers = peers;
    this.readStandbys = readStandbys;
  }

  /**
   * @throws StoreUnavailableException when no node can read the group's partition right now
   */
  public HistoryPage read(byte[] groupKey, HistoryQuery query) {
    KeyPlacement placement = store.placementOf(groupKey);
    List<String> failures = new ArrayList<>();
    if (placement.active().isPresent()) {
      HistoryPage page = readFrom(placement.active().get(), groupKey, query, false, failures);
      if (page != null) {
        return page;
      }
    } else {
      failures.add("no store node serves it right now");
    }
    if (readStandbys) {
      List<NodeAddress> copies = new ArrayList<>(placement.standbys());
      if (copies.remove(self)) {
        copies.add(0, self);
      }
      for (NodeAddress copy : copies) {
        HistoryPage page = readFrom(copy, groupKey, query, true, failures);
        if (page != null) {
          return page;
        }
      }
    }
    throw new StoreUnavailableException(
        "the group's history (partition "
            + placement.partition()
            + ") is unavailable: "
            + String.join("; ", failures));
  }

  /** The page from {@code node}, or null with the reason added to {@code failures}. */
  private HistoryPage readFrom(
      NodeAddress node,
      byte[] groupKey,
      HistoryQuery query,
      boolean fromStandby,
      List<String> failures) {
    try {
      if (node.equals(self)) {
        return store.read(groupKey, query, fromStandby);
      }
      return peers.history(node, groupKey, query, fromStandby).join(); // with its own timeout
    } catch (StoreUnavailableException e) {
      failures.add(e.getMessage());
    } catch (CompletionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      failures.add(String.valueOf(cause.getMessage()));
    }
    return null;
  }
}
