package io.kpushgateway.exposition;

import io.kpushgateway.proto.GroupRecord;
import java.time.Instant;
import java.util.List;

/**
 * Where the exposition reads stored groups from: this node's partitions ({@link LocalGroupReader})
 * or the whole cluster ({@code ClusterGroupReader}).
 */
public interface GroupSource {

  /**
   * Every group this source answers for, in canonical grouping-key order (the order the merge rules
   * go by), as scrapes show them: a batch push whole or not at all ({@link
   * io.kpushgateway.core.batch.BatchVisibility}).
   *
   * @throws io.kpushgateway.store.StoreUnavailableException when some groups cannot be read right
   *     now (starting, partitions moving, a peer not answering): the caller answers 503
   */
  List<GroupRecord> readAll();

  /**
   * Every group as the stores have applied it, in the same order: also the groups of a batch push
   * that {@link #readAll()} does not show yet because the rest of the batch is not applied. What an
   * admin operation acts on (a wipe deletes them too).
   *
   * @throws io.kpushgateway.store.StoreUnavailableException as {@link #readAll()}
   */
  default List<GroupRecord> readApplied() {
    return readAll();
  }

  /**
   * Every group as it was at {@code at}, in the same order: the page that was served then.
   *
   * @throws BadQueryException when {@code at} is before the retained history (naming its start), or
   *     this source keeps no history
   * @throws io.kpushgateway.store.StoreUnavailableException as {@link #readAll()}
   */
  default List<GroupRecord> readAt(Instant at) {
    throw new BadQueryException(
        AtQuery.AT_PARAM + "= is answered by the store nodes' cluster-wide reads only");
  }
}
