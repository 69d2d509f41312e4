package io.kpushgateway.store;

import io.kpushgateway.core.model.GroupState;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.PushRecord;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The {@value io.kpushgateway.kafka.Stores#DEADLINES} store of one partition: which groups expire
 * when, kept in step with the groups store by {@link GroupProcessor}, and the wall-clock check that
 * writes an EXPIRE record for each group whose deadline has passed.
 *
 * <p>The expiry goes through the push log like any push, so history, replicas and replays see it.
 * The check does not remove the deadline itself: the EXPIRE record does, when the store applies it.
 * Until then the group is remembered here (in memory) as sent, so a record on its way is not sent
 * again each second; after a restart or a fail-over it may be, and {@link GroupState#apply} makes
 * the second one a no-op (and one a push overtook, too).
 */
final class Deadlines {

  /** How often the check runs: a group is removed at most about this late. */
  static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

  /** Most EXPIRE records one check writes, so the stream thread is not held up long. */
  static final int MAX_PER_CHECK = 10_000;

  private static final byte[] NOTHING = new byte[0];

  private final KeyValueStore<Bytes, byte[]> store;
  private final KeyValueStore<Bytes, byte[]> groups;
  private final String node;

  /** Groups whose EXPIRE was written and not applied yet → the deadline it was for. */
  private final Map<Bytes, Long> sent = new HashMap<>();

  /**
   * @param node written into each EXPIRE record as the node that wrote it (audit)
   */
  Deadlines(KeyValueStore<Bytes, byte[]> store, KeyValueStore<Bytes, byte[]> groups, String node) {
    this.store = store;
    this.groups = groups;
    this.node = node;
  }

  /** The group {@code key} went from {@code before} to {@code after} (either null: absent). */
  void update(Bytes key, GroupRecord before, GroupRecord after) {
    long was = before == null ? GroupState.NO_DEADLINE : GroupState.deadline(before);
    long now = after == null ? GroupState.NO_DEADLINE : GroupState.deadline(after);
    if (was != now && was != GroupState.NO_DEADLINE) {
      store.delete(key(was, key.get()));
      sent.remove(key);
    }
    // also when unchanged: a push applied again after a crash puts back an entry that was lost
    if (now != GroupState.NO_DEADLINE) {
      store.put(key(now, key.get()), NOTHING);
    }
  }

  /**
   * Indexes every group of the groups store that has a deadline: for a store seeded from a snapshot
   * (its changelogs gone), whose deadlines were not kept in step.
   */
  void rebuild() {
    try (KeyValueIterator<Bytes, byte[]> it = groups.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        update(kv.key, null, StoredGroups.parse(kv.value));
      }
    }
  }

  /**
   * Hands {@code expire} an EXPIRE record for each group whose deadline is at or before {@code
   * nowMs} and whose expiry was not sent yet; {@link #MAX_PER_CHECK} at most.
   */
  void check(long nowMs, Consumer<KeyValue<Bytes, PushRecord>> expire) {
    long nowNanos = Math.multiplyExact(nowMs, 1_000_000L);
    int written = 0;
    List<Bytes> stale = new ArrayList<>();
    // from the first key to the bare key of the next nanosecond, which sorts after all of now's
    try (KeyValueIterator<Bytes, byte[]> it = store.range(null, bound(nowNanos + 1))) {
      while (it.hasNext() && written < MAX_PER_CHECK) {
        Bytes indexKey = it.next().key;
        long deadline = ByteBuffer.wrap(indexKey.get()).getLong();
        if (deadline > nowNanos) {
          break; // never early
        }
        Bytes group =
            Bytes.wrap(Arrays.copyOfRange(indexKey.get(), Long.BYTES, indexKey.get().length));
        Long pending = sent.get(group);
        if (pending != null && pending == deadline) {
          continue;
        }
        byte[] stored = groups.get(group);
        GroupRecord current = stored == null ? null : StoredGroups.parse(stored);
        if (current == null || GroupState.deadline(current) != deadline) {
          stale.add(indexKey); // not in step (cannot happen by update); never act on it
          continue;
        }
        expire.accept(KeyValue.pair(group, GroupState.expiry(current, nowNanos, node)));
        sent.put(group, deadline);
        written++;
      }
    }
    stale.forEach(store::delete);
  }

  /** The deadline alone: sorts before every group's key of that deadline. */
  private static Bytes bound(long deadline) {
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(deadline).array());
  }

  /** The index key: the deadline first (never negative, so byte order is time order). */
  static Bytes key(long deadline, byte[] group) {
    return Bytes.wrap(
        ByteBuffer.allocate(Long.BYTES + group.length).putLong(deadline).put(group).array());
  }
}
