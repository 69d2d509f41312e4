package io.kpushgateway.exposition;

import io.kpushgateway.core.merge.GroupFamilies;
import io.kpushgateway.store.GroupStore;
import java.util.List;

/**
 * Reads every group of this node's partitions: the whole store of a single node, one shard of a
 * cluster ({@code /metrics?scope=local}). A batch push's groups are shown as this node applied
 * them: whether the other nodes applied the rest of the batch is not asked.
 */
public final class LocalGroupReader implements GroupSource {

  private final GroupStore store;

  public LocalGroupReader(GroupStore store) {
    this.store = store;
  }

  @Override
  public List<GroupFamilies> page() {
    return ClusterGroupReader.inKeyOrder(store.readLocal());
  }
}
