package io.kpushgateway.core.model;

import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What makes the groups now equal to the groups at an earlier instant: a RESTORE record for each
 * selected group that differs or is gone (it comes back as it was, push times included), a DELETE
 * for each selected group that did not exist then. Equal groups are left alone.
 */
public final class RestorePlan {

  /** One group to change: what the record does, and the record. */
  public record Change(Action action, GroupingKey key, PushRecord record) {}

  public enum Action {
    /** The group comes back, or back to how it was. */
    RESTORE,
    /** The group did not exist then. */
    DELETE
  }

  private RestorePlan() {}

  /**
   * @param now the groups now
   * @param then the groups at the instant to restore
   * @param selected which groups to consider (e.g. {@code match[]} over their grouping labels)
   * @param receivedAt the records' receive time (Unix ns): when the restore was asked for
   * @param node the node that writes them (the records' ingest node)
   * @return the changes, in grouping-key order
   */
  public static List<Change> of(
      List<GroupRecord> now,
      List<GroupRecord> then,
      Predicate<GroupRecord> selected,
      long receivedAt,
      String node) {
    SortedMap<GroupingKey, GroupRecord> current = byKey(now, selected);
    SortedMap<GroupingKey, GroupRecord> earlier = byKey(then, selected);
    SortedSet<GroupingKey> keys = new TreeSet<>(current.keySet());
    keys.addAll(earlier.keySet());
    List<Change> changes = new ArrayList<>();
    for (GroupingKey key : keys) {
      GroupRecord was = earlier.get(key);
      if (was != null && was.equals(current.get(key))) {
        continue;
      }
      PushRecord.Builder record =
          PushRecord.newBuilder()
              .setMethod(was != null ? Method.RESTORE : Method.DELETE)
              .addAllGrouping(key.toLabelPairs())
              .setReceivedAtUnixNanos(receivedAt)
              .setIngestNode(node);
      if (was != null) {
        record.setRestored(was);
      }
      changes.add(new Change(was != null ? Action.RESTORE : Action.DELETE, key, record.build()));
    }
    return changes;
  }

  private static SortedMap<GroupingKey, GroupRecord> byKey(
      List<GroupRecord> groups, Predicate<GroupRecord> selected) {
    SortedMap<GroupingKey, GroupRecord> byKey = new TreeMap<>();
    for (GroupRecord g : groups) {
      if (selected.test(g)) {
        byKey.put(GroupingKey.fromLabelPairs(g.getGroupingList()), g);
      }
    }
    return byKey;
  }
}
