package io.kpushgateway.store;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.kpushgateway.core.model.Utf8Order;
import io.kpushgateway.kafka.Stores;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.HistoryEntry;
import io.kpushgateway.proto.HistoryPage;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.Outcome;
import io.kpushgateway.proto.PushRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The {@value Stores#HISTORY} store: one {@link HistoryEntry} per push the store applied, keyed by
 * the group's key (length-prefixed, so a group's entries are one key range and no group's range
 * holds another's) and the push's offset (8 bytes big-endian, so the range is in push-log order).
 * Reading a group's history costs what that group's history holds, never the size of the log.
 *
 * <p>With a push retention, entries older than it are trimmed: the group's own on some of its
 * pushes ({@link #trimsOn}, by the push's receive time, so a replay trims the same), and every
 * store's on a wall-clock sweep in bounded batches, so a stream thread never spends long on it.
 */
final class HistoryIndex {

  /** How often a sweep runs, and how much one examines at most. */
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(5);

  static final int SWEEP_ENTRIES = 5_000;
  static final long SWEEP_BYTES = 16L << 20;

  /** On average, one push in this many trims its group's old entries; a power of two. */
  static final int TRIM_EVERY = 8;

  private static final int LENGTH_BYTES = Integer.BYTES;
  private static final int OFFSET_BYTES = Long.BYTES;

  /** Field 1 of HistoryEntry, a varint: (1 << 3) | 0. */
  private static final int RECEIVED_AT_TAG = HistoryEntry.RECEIVED_AT_UNIX_NANOS_FIELD_NUMBER << 3;

  private final KeyValueStore<Bytes, byte[]> store;

  /** Null: kept forever. */
  private final Duration retention;

  /** Where the next sweep goes on; null: from the first key. */
  private Bytes sweepFrom;

  private HistoryIndex(KeyValueStore<Bytes, byte[]> store, Duration retention) {
    this.store = store;
    this.retention = retention;
  }

  /**
   * The index of the processor's task, its sweep scheduled when there is a retention.
   *
   * @param retention the push retention; null keeps entries forever
   */
  static HistoryIndex attach(ProcessorContext<?, ?> context, Duration retention) {
    HistoryIndex index = new HistoryIndex(context.getStateStore(Stores.HISTORY), retention);
    if (retention != null) {
      context.schedule(SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, index::sweep);
    }
    return index;
  }

  /**
   * Records what the push at {@code offset} did to the group {@code group}: called once per
   * processed push, before the group's new state is written. A push processed again (after a crash,
   * at least once) keeps the entry made from the state it met the first time.
   *
   * @param before the group before the push, null if absent
   * @param after the group after it, null if the push deleted it
   */
  void record(long offset, byte[] group, PushRecord push, GroupRecord before, GroupRecord after) {
    Bytes key = key(group, offset);
    if (store.get(key) != null) {
      return;
    }
    store.put(key, entry(offset, push, before, after).toByteArray());
    if (retention != null && trimsOn(offset)) {
      trimGroup(group, push.getReceivedAtUnixNanos() - retention.toNanos());
    }
  }

  /**
   * Whether the push at {@code offset} trims its group: one push in {@value #TRIM_EVERY} on
   * average, chosen by a hash of the offset, so a replay trims on the same pushes and no group's
   * pushes all miss it, however the partition's groups interleave. Each trim opens a RocksDB
   * iterator, which cost about a third of the index's share of a push; entries past the retention
   * stay until one of the group's next few pushes or the sweep removes them.
   */
  static boolean trimsOn(long offset) {
    // MurmurHash3's 64-bit finalizer: every bit of the offset moves every bit of the hash
    long z = (offset ^ (offset >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return ((z ^ (z >>> 33)) & (TRIM_EVERY - 1)) == 0;
  }

  /** The entry for one push. */
  static HistoryEntry entry(long offset, PushRecord push, GroupRecord before, GroupRecord after) {
    Outcome outcome;
    if (push.getMethod() == Method.EXPIRE) {
      outcome = Outcome.OUTCOME_EXPIRED; // recorded only when it removed the group
    } else if (push.getRejection().isEmpty()) {
      outcome = Outcome.OUTCOME_APPLIED;
    } else {
      outcome = push.getRevokedCount() > 0 ? Outcome.OUTCOME_WITHDRAWN : Outcome.OUTCOME_REJECTED;
    }
    Set<String> removed = new TreeSet<>(Utf8Order.COMPARATOR);
    removed.addAll(names(before));
    removed.removeAll(names(after));
    return HistoryEntry.newBuilder()
        .setReceivedAtUnixNanos(push.getReceivedAtUnixNanos())
        .setOffset(offset)
        .setMethod(push.getMethod())
        .setOutcome(outcome)
        .setReason(push.getRejection())
        .setIngestNode(push.getIngestNode())
        .setBodyBytes(push.getBodyBytes())
        .addAllFamilies(push.getFamiliesList())
        .addAllRemoved(removed)
        .build();
  }

  /**
   * One page of {@code group}'s history from {@code store}: newest first, as {@code query} asks,
   * and whether older entries match too.
   */
  static HistoryPage read(
      ReadOnlyKeyValueStore<Bytes, byte[]> store, byte[] group, HistoryQuery query) {
    HistoryPage.Builder page = HistoryPage.newBuilder();
    if (query.beforeOffset() <= 0) {
      return page.build();
    }
    try (KeyValueIterator<Bytes, byte[]> it =
        store.reverseRange(key(group, 0), key(group, query.beforeOffset() - 1))) {
      while (it.hasNext()) {
        byte[] value = it.next().value;
        long at = receivedAt(value);
        if (at < query.sinceNanos() || at > query.untilNanos()) {
          continue;
        }
        if (page.getEntriesCount() == query.limit()) {
          return page.setMore(true).build();
        }
        page.addEntries(parse(value));
      }
    }
    return page.build();
  }

  /** Drops the group's entries received before {@code cutoffNanos}, oldest first. */
  private void trimGroup(byte[] group, long cutoffNanos) {
    List<Bytes> expired = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it =
        store.range(key(group, 0), key(group, Long.MAX_VALUE))) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        if (receivedAt(kv.value) >= cutoffNanos) {
          break; // entries are in push-log order, which is receive order but for clock skew
        }
        expired.add(kv.key);
      }
    }
    expired.forEach(store::delete);
  }

  /** One bounded step of the sweep over every group of this store. */
  void sweep(long nowMillis) {
    long cutoff = (nowMillis - retention.toMillis()) * 1_000_000L;
    List<Bytes> expired = new ArrayList<>();
    int entries = 0;
    long bytes = 0;
    Bytes next = null;
    try (KeyValueIterator<Bytes, byte[]> it = store.range(sweepFrom, null)) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        if (entries == SWEEP_ENTRIES || bytes >= SWEEP_BYTES) {
          next = kv.key;
          break;
        }
        entries++;
        bytes += kv.key.get().length + kv.value.length;
        if (receivedAt(kv.value) < cutoff) {
          expired.add(kv.key);
        }
      }
    }
    expired.forEach(store::delete);
    sweepFrom = next;
  }

  /** The store key of the push at {@code offset} to the group {@code group}. */
  static Bytes key(byte[] group, long offset) {
    return Bytes.wrap(
        ByteBuffer.allocate(LENGTH_BYTES + group.length + OFFSET_BYTES)
            .putInt(group.length)
            .put(group)
            .putLong(offset)
            .array());
  }

  /** An entry's receive time without parsing its families: field 1, which protobuf writes first. */
  static long receivedAt(byte[] value) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(value);
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == RECEIVED_AT_TAG) {
          return in.readInt64();
        }
        in.skipField(tag);
      }
      return 0; // never set: received at the epoch
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt history entry", e);
    }
  }

  private static HistoryEntry parse(byte[] value) {
    try {
      return HistoryEntry.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new UncheckedIOException("corrupt history entry", e);
    }
  }

  private static Set<String> names(GroupRecord group) {
    if (group == null) {
      return Set.of();
    }
    return group.getFamiliesList().stream()
        .map(f -> f.getFamily().getName())
        .collect(Collectors.toSet());
  }
}
