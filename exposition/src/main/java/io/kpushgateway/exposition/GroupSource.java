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
   * go by).
   *
   * @throws io.kpushgateway.store.StoreUnavailableException when some groups cannot be read right
   *     now (starting, partitions moving, a peer not answering): the caller answers 503
   */
  List<GroupRecord> readAll();

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
