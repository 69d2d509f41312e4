package io.kpushgateway.exposition;

import io.kpushgateway.core.merge.GroupFamilies;
import io.kpushgateway.proto.GroupRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the exposition reads stored groups from: this node's partitions ({@link LocalGroupReader})
 * or the whole cluster ({@code ClusterGroupReader}).
 */
public interface GroupSource {

  /**
   * Every group this source answers for, in canonical grouping-key order (the order the merge rules
   * go by), as scrapes show them: a batch push whole or not at all ({@link
   * io.kpushgateway.core.batch.BatchVisibility}). Held as the store's bytes, parsed family by
   * family when a page is written from them.
   *
   * @throws io.kpushgateway.store.StoreUnavailableException when some groups cannot be read right
   *     now (starting, partitions moving, a peer not answering): the caller answers 503
   */
  List<GroupFamilies> page();

  /**
   * Every group as it was at {@code at}, in the same order: the page that was served then.
   *
   * @throws BadQueryException when {@code at} is before the retained history (naming its start), or
   *     this source keeps no history
   * @throws io.kpushgateway.store.StoreUnavailableException as {@link #page()}
   */
  default List<GroupFamilies> pageAt(Instant at) {
    throw new BadQueryException(
        AtQuery.AT_PARAM + "= is answered by the store nodes' cluster-wide reads only");
  }

  /** {@link #page()}, each group parsed whole. */
  default List<GroupRecord> readAll() {
    return records(page());
  }

  /**
   * Every group as the stores have applied it, in the same order: also the groups of a batch push
   * that {@link #page()} does not show yet because the rest of the batch is not applied. What an
   * admin operation acts on (a wipe deletes them too).
   *
   * @throws io.kpushgateway.store.StoreUnavailableException as {@link #page()}
   */
  default List<GroupRecord> readApplied() {
    return readAll();
  }

  /** {@link #pageAt(Instant)}, each group parsed whole. */
  default List<GroupRecord> readAt(Instant at) {
    return records(pageAt(at));
  }

  private static List<GroupRecord> records(List<GroupFamilies> groups) {
    List<GroupRecord> records = new ArrayList<>(groups.size());
    for (GroupFamilies group : groups) {
      records.add(group.record());
    }
    return records;
  }
}
