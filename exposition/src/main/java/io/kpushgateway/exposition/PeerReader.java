package io.kpushgateway.exposition;

import io.kpushgateway.store.NodeAddress;
import io.kpushgateway.store.PartitionRead;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** How a cluster-wide read asks another store node for its groups ({@link PeerClient}). */
public interface PeerReader {

  /**
   * @param fromStandby whether the peer may answer from its standby copies
   * @param at the instant to read the groups as of, or null for now
   * @return never completes exceptionally: a failure is an answer with every partition unavailable
   */
  CompletableFuture<PartitionRead> fetch(
      NodeAddress peer, List<Integer> partitions, boolean fromStandby, Instant at);
}
