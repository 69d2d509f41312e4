package io.kpushgateway.store;

import com.google.protobuf.Message;
import io.kpushgateway.core.model.GroupShapes;
import io.kpushgateway.core.model.GroupState;
import io.kpushgateway.kafka.Stores;
import io.kpushgateway.proto.GroupRecord;
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
 * new shape to {@link PushTopology#CATALOG_SINK} when it changed: a tombstone on DELETE or expiry.
 * Each push is also entered in the group's history ({@link HistoryIndex}), and its deadline in
 * {@link Deadlines}, which every {@link Deadlines#CHECK_INTERVAL} writes the EXPIRE records of the
 * groups due to {@link PushTopology#EXPIRY_SINK} (the pushes topic: they come back here as pushes).
 * A group of a batch push is counted in {@link Batches}, so that scrapes show the batch whole. With
 * snapshots on, checks every {@link #SNAPSHOT_CHECK} whether its partition's snapshot is due
 * ({@link SnapshotWriter}).
 */
final class GroupProcessor implements Processor<Bytes, PushRecord, Bytes, Message> {

  static final Duration SNAPSHOT_CHECK = Duration.ofSeconds(1);

  private final Duration historyRetention;
  private final Function<Integer, SnapshotWriter> snapshotWriters;
  private final Expiries expiries;
  private ProcessorContext<Bytes, Message> context;
  private KeyValueStore<Bytes, byte[]> groups;
  private HistoryIndex history;
  private Deadlines deadlines;
  private Batches batches;
  private SnapshotWriter snapshots; // null: no snapshots
  private long seededThrough = -1; // pushes up to here are in the snapshot the store started from

  /**
   * @param historyRetention how long the history keeps a push; null: forever
   * @param snapshotWriters the writer of a partition's snapshots, or null without snapshots
   * @param expiries who writes the EXPIRE records, and their count
   */
  GroupProcessor(
      Duration historyRetention,
      Function<Integer, SnapshotWriter> snapshotWriters,
      Expiries expiries) {
    this.historyRetention = historyRetention;
    this.snapshotWriters = snapshotWriters;
    this.expiries = expiries;
  }

  @Override
  public void init(ProcessorContext<Bytes, Message> context) {
    this.context = context;
    groups = context.getStateStore(Stores.GROUPS);
    history = HistoryIndex.attach(context, historyRetention);
    deadlines = new Deadlines(context.getStateStore(Stores.DEADLINES), groups, expiries.node());
    batches = new Batches(context.getStateStore(Stores.BATCHES), groups);
    context.schedule(Batches.SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, batches::sweep);
    if (snapshotWriters != null) {
      KeyValueStore<Bytes, byte[]> index = context.getStateStore(Stores.SNAPSHOT_INDEX);
      snapshots = snapshotWriters.apply(context.taskId().partition());
      snapshots.init(index, context.currentSystemTimeMs());
      seededThrough = snapshots.seedIfRebuilt(groups, index);
      if (seededThrough >= 0) {
        deadlines.rebuild();
      }
      context.schedule(
          SNAPSHOT_CHECK,
          PunctuationType.WALL_CLOCK_TIME,
          now -> snapshots.maybeTake(now, groups, index));
    }
    context.schedule(
        Deadlines.CHECK_INTERVAL,
        PunctuationType.WALL_CLOCK_TIME,
        now ->
            deadlines.check(
                now,
                expiry ->
                    context.forward(
                        new Record<Bytes, Message>(expiry.key, expiry.value, now),
                        PushTopology.EXPIRY_SINK)));
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
    boolean expire = push.value().getMethod() == Method.EXPIRE;
    if (expire && !GroupState.expires(current, push.value())) {
      return; // renewed since, or expired already: nothing happened, nothing to record
    }
    GroupRecord next = GroupState.apply(current, push.value());
    // before the group is written: a push processed again keeps the entry its first run made
    if (offset >= 0) {
      history.record(offset, push.key().get(), push.value(), current, next);
    }
    deadlines.update(push.key(), current, next);
    if (next == null) {
      groups.delete(push.key());
      if (expire) {
        expiries.expired();
      }
      if (push.value().getMethod() == Method.DELETE || expire) {
        // also for an absent group: it clears a reader's record of a deletion it is waiting for
        context.forward(push.<Message>withValue(null), PushTopology.CATALOG_SINK);
      }
      return;
    }
    groups.put(push.key(), next.toByteArray());
    if (next.hasPending()) {
      batches.applied(offset, push.key(), push.value());
    }
    // Shapes are read by every node: forwarded only when they change, not on every push; and
    // told apart without hashing the series, which for a big group takes seconds.
    if (current == null || !GroupShapes.sameFamilies(current, next)) {
      context.forward(
          push.<Message>withValue(GroupShapes.of(next, push.value().getReceivedAtUnixNanos())),
          PushTopology.CATALOG_SINK);
    }
  }
}
