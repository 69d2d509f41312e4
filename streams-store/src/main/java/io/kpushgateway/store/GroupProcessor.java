package io.kpushgateway.store;

import io.kpushgateway.core.model.GroupShapes;
import io.kpushgateway.core.model.GroupState;
import io.kpushgateway.kafka.Stores;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.GroupShape;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import java.time.Duration;
import java.util.function.Function;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies each push to its group with the pure {@link GroupState#apply}, and forwards the group's
 * new shape (for the catalog) when it changed: a tombstone on DELETE. Each push is also entered in
 * the group's history ({@link HistoryIndex}). With snapshots on, checks every {@link
 * #SNAPSHOT_CHECK} whether its partition's snapshot is due ({@link SnapshotWriter}).
 */
final class GroupProcessor implements Processor<Bytes, PushRecord, Bytes, GroupShape> {

  static final Duration SNAPSHOT_CHECK = Duration.ofSeconds(1);

  private final Duration historyRetention;
  private final Function<Integer, SnapshotWriter> snapshotWriters;
  private ProcessorContext<Bytes, GroupShape> context;
  private KeyValueStore<Bytes, byte[]> groups;
  private HistoryIndex history;
  private SnapshotWriter snapshots; // null: no snapshots
  private long seededThrough = -1; // pushes up to here are in the snapshot the store started from

  /**
   * @param historyRetention how long the history keeps a push; null: forever
   * @param snapshotWriters the writer of a partition's snapshots, or null without snapshots
   */
  GroupProcessor(Duration historyRetention, Function<Integer, SnapshotWriter> snapshotWriters) {
    this.historyRetention = historyRetention;
    this.snapshotWriters = snapshotWriters;
  }

  @Override
  public void init(ProcessorContext<Bytes, GroupShape> context) {
    this.context = context;
    groups = context.getStateStore(Stores.GROUPS);
    history = HistoryIndex.attach(context, historyRetention);
    if (snapshotWriters != null) {
      KeyValueStore<Bytes, byte[]> index = context.getStateStore(Stores.SNAPSHOT_INDEX);
      snapshots = snapshotWriters.apply(context.taskId().partition());
      snapshots.init(index, context.currentSystemTimeMs());
      seededThrough = snapshots.seedIfRebuilt(groups, index);
      context.schedule(
          SNAPSHOT_CHECK,
          PunctuationType.WALL_CLOCK_TIME,
          now -> snapshots.maybeTake(now, groups, index));
    }
  }

  @Override
  public void process(Record<Bytes, PushRecord> push) {
    if (push.key() == null || push.value() == null) {
      return; // not a push (e.g. a record another tool wrote): nothing to apply
    }
    long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(-1L);
    if (offset >= 0 && offset <= seededThrough) {
      return;
    }
    if (snapshots != null && offset >= 0) {
      snapshots.applied(offset, push.timestamp(), push.value().getSerializedSize());
    }
    byte[] stored = groups.get(push.key());
    GroupRecord current = stored == null ? null : StoredGroups.parse(stored);
    GroupRecord next = GroupState.apply(current, push.value());
    // before the group is written: a push processed again keeps the entry its first run made
    if (offset >= 0) {
      history.record(offset, push.key().get(), push.value(), current, next);
    }
    if (next == null) {
      groups.delete(push.key());
      if (push.value().getMethod() == Method.DELETE) {
        // also for an absent group: it clears a reader's record of a deletion it is waiting for
        context.forward(push.withValue(null));
      }
      return;
    }
    groups.put(push.key(), next.toByteArray());
    // Shapes are read by every node: forwarded only when they change, not on every push; and
    // told apart without hashing the series, which for a big group takes seconds.
    if (current == null || !GroupShapes.sameFamilies(current, next)) {
      context.forward(push.withValue(GroupShapes.of(next, push.value().getReceivedAtUnixNanos())));
    }
  }
}
