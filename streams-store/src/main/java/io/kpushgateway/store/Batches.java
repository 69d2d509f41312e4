package io.kpushgateway.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kpushgateway.core.batch.BatchVisibility;
import io.kpushgateway.proto.BatchProgress;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.PushRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The {@value io.kpushgateway.kafka.Stores#BATCHES} store of one partition: for each recent batch
 * push, how many of its groups this partition has applied ({@code BatchProgress}), which a scrape
 * sums over every partition to decide whether the batch is shown ({@link BatchVisibility}); and the
 * batch's groups here, so that {@link #KEEP} after the batch the groups' pending state is cleared
 * and the batch forgotten.
 *
 * <p>Keys sort by the batch's time: {@code 0x00, time, id} → {@code BatchProgress} (the counts,
 * read by every scrape) and {@code 0x01, time, id length, id, grouping key} → nothing (the groups).
 */
final class Batches {

  /** How often the forgotten batches are swept. */
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(10);

  /**
   * How long after a batch (by its push time) its counts and its groups' earlier states are kept:
   * well past {@link BatchVisibility#SHOWN_WHOLE_AFTER}, after which no reader asks for them.
   */
  static final Duration KEEP = BatchVisibility.SHOWN_WHOLE_AFTER.multipliedBy(2);

  /** Most groups one sweep clears, so the stream thread is not held up long. */
  static final int MAX_PER_SWEEP = 5_000;

  private static final byte COUNT = 0;
  private static final byte MEMBER = 1;
  private static final byte[] NOTHING = new byte[0];

  private final KeyValueStore<Bytes, byte[]> store;
  private final KeyValueStore<Bytes, byte[]> groups;

  Batches(KeyValueStore<Bytes, byte[]> store, KeyValueStore<Bytes, byte[]> groups) {
    this.store = store;
    this.groups = groups;
  }

  /**
   * The group {@code key} of the batch push {@code push}, at {@code offset} of the push log (-1:
   * unknown), was written to the groups store: counted once, however often it is processed.
   */
  void applied(long offset, Bytes key, PushRecord push) {
    long time = push.getReceivedAtUnixNanos();
    byte[] id = push.getBatchId().getBytes(StandardCharsets.UTF_8);
    Bytes countKey = countKey(time, id);
    byte[] was = store.get(countKey);
    BatchProgress progress =
        was == null
            ? BatchProgress.newBuilder()
                .setBatchId(push.getBatchId())
                .setBatchGroups(push.getBatchGroups())
                .setLastOffset(-1)
                .build()
            : parse(was);
    if (offset >= 0 && offset <= progress.getLastOffset()) {
      return; // counted before a crash: processed again
    }
    store.put(memberKey(time, id, key.get()), NOTHING);
    // after the group and its member entry: a reader that sees the count sees the group
    store.put(
        countKey,
        progress.toBuilder()
            .setApplied(progress.getApplied() + 1)
            .setLastOffset(offset)
            .build()
            .toByteArray());
  }

  /**
   * Forgets the batches older than {@link #KEEP} at {@code nowMs} (the store's clock), clearing the
   * pending state of their groups that still have it; {@link #MAX_PER_SWEEP} groups at most.
   */
  void sweep(long nowMs) {
    long cutoff = Math.multiplyExact(nowMs, 1_000_000L) - KEEP.toNanos();
    int budget = MAX_PER_SWEEP;
    List<Bytes> done = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> batches =
        store.range(prefix(COUNT, 0), prefix(COUNT, Math.max(0, cutoff)))) {
      while (batches.hasNext() && budget > 0) {
        KeyValue<Bytes, byte[]> batch = batches.next();
        ByteBuffer key = ByteBuffer.wrap(batch.key.get());
        key.get();
        long time = key.getLong();
        byte[] id = Arrays.copyOfRange(batch.key.get(), 1 + Long.BYTES, batch.key.get().length);
        budget -= clear(time, id, budget);
        if (budget > 0) {
          done.add(batch.key);
        }
      }
    }
    done.forEach(store::delete);
  }

  /** Clears up to {@code budget} groups of one batch, deleting their entries: how many it did. */
  private int clear(long time, byte[] id, int budget) {
    String batchId = new String(id, StandardCharsets.UTF_8);
    Bytes from = memberKey(time, id, NOTHING);
    List<Bytes> cleared = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> members = store.range(from, null)) {
      while (members.hasNext() && cleared.size() < budget) {
        Bytes member = members.next().key;
        if (!startsWith(member.get(), from.get())) {
          break;
        }
        Bytes group =
            Bytes.wrap(Arrays.copyOfRange(member.get(), from.get().length, member.get().length));
        byte[] stored = groups.get(group);
        if (stored != null) {
          GroupRecord record = StoredGroups.parse(stored);
          if (record.hasPending() && record.getPending().getBatchId().equals(batchId)) {
            groups.put(group, record.toBuilder().clearPending().build().toByteArray());
          }
        }
        cleared.add(member);
      }
    }
    cleared.forEach(store::delete);
    return cleared.size();
  }

  /** Each batch's groups applied on the partition of {@code store}, by batch id. */
  static Map<String, Integer> applied(ReadOnlyKeyValueStore<Bytes, byte[]> store) {
    Map<String, Integer> applied = new HashMap<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.range(prefix(COUNT, 0), prefix(MEMBER, 0))) {
      while (it.hasNext()) {
        BatchProgress progress = parse(it.next().value);
        applied.merge(progress.getBatchId(), progress.getApplied(), Integer::sum);
      }
    }
    return applied;
  }

  private static BatchProgress parse(byte[] value) {
    try {
      return BatchProgress.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the batches store holds a value that is not a count", e);
    }
  }

  private static Bytes prefix(byte kind, long time) {
    return Bytes.wrap(ByteBuffer.allocate(1 + Long.BYTES).put(kind).putLong(time).array());
  }

  static Bytes countKey(long time, byte[] id) {
    return Bytes.wrap(
        ByteBuffer.allocate(1 + Long.BYTES + id.length).put(COUNT).putLong(time).put(id).array());
  }

  private static Bytes memberKey(long time, byte[] id, byte[] group) {
    return Bytes.wrap(
        ByteBuffer.allocate(1 + Long.BYTES + Short.BYTES + id.length + group.length)
            .put(MEMBER)
            .putLong(time)
            .putShort((short) id.length)
            .put(id)
            .put(group)
            .array());
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }
}
