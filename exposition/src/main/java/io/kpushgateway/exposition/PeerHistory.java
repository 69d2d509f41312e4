package io.kpushgateway.exposition;

import io.kpushgateway.proto.HistoryPage;
import io.kpushgateway.store.HistoryQuery;
import io.kpushgateway.store.NodeAddress;
import java.util.concurrent.CompletableFuture;

/** How a history read asks the store node that holds a group's partition ({@link PeerClient}). */
public interface PeerHistory {

  /**
   * One page of the group's history from {@code peer}'s local copy ({@link HistoryRoutes#peer}).
   *
   * @param groupKey the group's grouping key bytes
   * @param fromStandby whether the peer may answer from a standby copy
   * @return completes exceptionally, with the reason as the message, when the peer fails, cannot
   *     read that partition or does not answer in time
   */
  CompletableFuture<HistoryPage> history(
      NodeAddress peer, byte[] groupKey, HistoryQuery query, boolean fromStandby);
}
