package io.kpushgateway.core.batch;

import com.google.protobuf.ByteString;
import io.kpushgateway.core.merge.GroupFamilies;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.PendingBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a scrape shows of the groups of a batch push: all of them or none. The batch commits to the
 * push log at once, but each partition's store applies its groups one by one; a group applied while
 * others are not is shown as it was before the batch until every group of the batch is applied,
 * counted over every partition the read covered.
 *
 * <p>A batch older than {@link #SHOWN_WHOLE_AFTER} is shown as applied in any case: the stores
 * forget their counts some time after it, and a partition that has not applied a batch within
 * minutes is better shown late than holding the others back.
 */
public final class BatchVisibility {

  /** How long a batch's groups wait for the rest of it before they are shown anyway. */
  public static final Duration SHOWN_WHOLE_AFTER = Duration.ofMinutes(5);

  private BatchVisibility() {}

  /**
   * The groups as a scrape shows them, in their order: each pending group of a batch not yet
   * applied whole replaced by its state before the batch, or left out if it did not exist.
   *
   * @param applied each batch's groups applied, summed over the partitions read (absent: none)
   * @param nowNanos the reader's clock, Unix ns (against the batch's push time)
   * @return {@code groups} itself when none is held back
   */
  public static List<GroupFamilies> shown(
      List<GroupFamilies> groups, Map<String, Integer> applied, long nowNanos) {
    List<GroupFamilies> shown = null; // a copy only once a group is held back
    for (int i = 0; i < groups.size(); i++) {
      GroupFamilies group = groups.get(i);
      GroupRecord header = group.hasPending() ? group.header() : null;
      boolean held = header != null && !whole(header, applied, nowNanos);
      if (held && shown == null) {
        shown = new ArrayList<>(groups.subList(0, i));
      }
      if (shown != null) {
        if (!held) {
          shown.add(group);
        } else {
          ByteString before = header.getPending().getBefore();
          if (!before.isEmpty()) { // empty: the group did not exist before the batch
            shown.add(GroupFamilies.of(before.toByteArray()));
          }
        }
      }
    }
    return shown == null ? groups : shown;
  }

  private static boolean whole(GroupRecord group, Map<String, Integer> applied, long nowNanos) {
    PendingBatch pending = group.getPending();
    return applied.getOrDefault(pending.getBatchId(), 0) >= pending.getBatchGroups()
        || nowNanos - group.getPushTimeUnixNanos() > SHOWN_WHOLE_AFTER.toNanos();
  }
}
