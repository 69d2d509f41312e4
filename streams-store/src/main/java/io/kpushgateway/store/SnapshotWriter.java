package io.kpushgateway.store;

import com.google.protobuf.UnsafeByteOperations;
import io.kpushgateway.proto.SnapshotChunk;
import io.kpushgateway.proto.SnapshotGroup;
import io.kpushgateway.proto.SnapshotManifest;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the snapshots of one partition's groups store, on the store's own thread between two
 * pushes, so a snapshot is exactly the state after the last push applied; then records it in the
 * snapshot index. A snapshot is due when the partition received pushes since the last one and
 * either {@code interval} has passed or the pushes applied since outweigh {@link #STATES_OF_PUSHES}
 * times the last snapshot: a read of the state as of any time then reads at most that many states'
 * worth of pushes, and parses about one state's worth of them (only the records that decide each
 * group are parsed), while the snapshots write a fraction of what the pushes write.
 *
 * <p>A partition without pushes keeps its newest snapshot younger than half the retention, by
 * copying it, so the groups pushed once long ago are always in a retained snapshot.
 *
 * <p>After a restart, Kafka Streams may apply again pushes whose effect the restored store already
 * holds (at-least-once): until it is past the push log's end as it was then, the store can be ahead
 * of the offset it processes, and no snapshot is taken.
 */
final class SnapshotWriter {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotWriter.class);

  /** Below this, the pushes since the last snapshot never make one due by their size. */
  static final long MIN_PUSH_BYTES = 1 << 20;

  /**
   * How many times the last snapshot's size the pushes since it weigh when the next one is due.
   * Reading a push costs little next to parsing a group, and only a group's deciding records are
   * parsed, so a read replays these cheaply; a snapshot costs the store's thread and the broker as
   * much as pushes of its size do, so fewer of them keep the push throughput.
   */
  static final int STATES_OF_PUSHES = 4;

  private final int partition;
  private final SnapshotLog log;
  private final long intervalMs;
  private final long refreshMs; // 0: never (the history is kept forever)
  private final int chunkBytes;
  private SnapshotManifest newest;

  private long lastOffset = -1;
  private long lastTimestamp;
  private long pushBytesSince;
  private long safeFromOffset = -1; // unknown until asked
  private long lastSnapshotBytes;
  private long lastSnapshotAtMs;

  /**
   * @param retention how long the snapshots topic keeps a snapshot; null: forever
   * @param chunkBytes the groups' bytes in one chunk at most (a larger group goes alone)
   */
  SnapshotWriter(
      int partition, SnapshotLog log, Duration interval, Duration retention, int chunkBytes) {
    this.partition = partition;
    this.log = log;
    this.intervalMs = interval.toMillis();
    this.refreshMs = retention == null ? 0 : Math.max(intervalMs, retention.toMillis() / 2);
    this.chunkBytes = chunkBytes;
  }

  /** Picks up where the last snapshot of this partition left, when there is one. */
  void init(KeyValueStore<Bytes, byte[]> index, long nowMs) {
    lastSnapshotAtMs = nowMs;
    newest = SnapshotIndex.newest(index);
    if (newest != null) {
      lastSnapshotBytes = newest.getBytes();
      lastSnapshotAtMs = newest.getTakenAtMs();
    }
  }

  /**
   * A store rebuilt from scratch (its changelogs deleted, e.g. by Kafka's application reset tool)
   * over a push log whose beginning retention deleted starts from the newest snapshot, so the
   * groups pushed before the oldest retained push are there: loaded into {@code groups}.
   *
   * @return the push-log offset the store now stands for (the pushes up to it are to be skipped),
   *     or -1 when the store is not new or the whole log is there to replay
   */
  long seedIfRebuilt(KeyValueStore<Bytes, byte[]> groups, KeyValueStore<Bytes, byte[]> index) {
    if (newest != null) {
      return -1;
    }
    try (KeyValueIterator<Bytes, byte[]> any = groups.all()) {
      if (any.hasNext()) {
        return -1;
      }
    }
    long start = log.pushesStartOffset(partition);
    if (start == 0) {
      return -1;
    }
    SnapshotManifest seed = log.newestManifest(partition);
    if (seed == null || seed.getPushOffset() + 1 < start) {
      LOG.error(
          "partition {} starts at push offset {} and no snapshot covers what was before it: the"
              + " groups pushed earlier and not since are lost",
          partition,
          start);
      return -1;
    }
    log.load(seed, groups::put);
    SnapshotIndex.put(index, seed);
    newest = seed;
    lastSnapshotBytes = seed.getBytes();
    LOG.info(
        "partition {} rebuilt from its snapshot at offset {} ({} groups)",
        partition,
        seed.getPushOffset(),
        seed.getGroups());
    return seed.getPushOffset();
  }

  /** The push at {@code offset}, stamped {@code timestamp}, of {@code bytes}, was applied. */
  void applied(long offset, long timestamp, long bytes) {
    lastOffset = offset;
    lastTimestamp = timestamp;
    pushBytesSince += bytes;
  }

  boolean due(long nowMs) {
    return pushBytesSince > 0
        && (nowMs - lastSnapshotAtMs >= intervalMs
            || pushBytesSince >= Math.max(MIN_PUSH_BYTES, STATES_OF_PUSHES * lastSnapshotBytes));
  }

  /** Takes a snapshot if one is due and the store is exactly at its last processed offset. */
  void maybeTake(
      long nowMs, KeyValueStore<Bytes, byte[]> groups, KeyValueStore<Bytes, byte[]> index) {
    try {
      if (due(nowMs) && caughtUp()) {
        take(nowMs, groups, index);
      } else if (refreshMs > 0 && newest != null && nowMs - newest.getTakenAtMs() >= refreshMs) {
        refresh(nowMs, index);
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "snapshot of partition {} at offset {} not taken: {}",
          partition,
          lastOffset,
          e.toString());
      lastSnapshotAtMs = nowMs; // try again after another interval, not at every punctuation
    }
  }

  private boolean caughtUp() {
    if (safeFromOffset < 0) {
      try {
        safeFromOffset = log.pushesEndOffset(partition);
      } catch (RuntimeException e) {
        return false;
      }
    }
    return lastOffset >= safeFromOffset - 1;
  }

  private void take(
      long nowMs, KeyValueStore<Bytes, byte[]> groups, KeyValueStore<Bytes, byte[]> index) {
    Chunks chunks;
    SnapshotLog.Appended appended;
    try (KeyValueIterator<Bytes, byte[]> all = groups.all()) {
      chunks = new Chunks(all);
      appended = log.append(partition, chunks);
    }
    SnapshotManifest manifest =
        SnapshotManifest.newBuilder()
            .setPartition(partition)
            .setPushOffset(lastOffset)
            .setPushTimestampMs(lastTimestamp)
            .setFirstChunkOffset(appended.firstOffset())
            .setLastChunkOffset(appended.lastOffset())
            .setChunks(chunks.sequence)
            .setGroups(chunks.groups)
            .setBytes(chunks.bytes)
            .setTakenAtMs(nowMs)
            .build();
    record(manifest, index);
    lastSnapshotBytes = chunks.bytes;
    lastSnapshotAtMs = nowMs;
    pushBytesSince = 0;
    LOG.info(
        "snapshot of partition {} at offset {}: {} groups, {} bytes in {} chunks",
        partition,
        lastOffset,
        chunks.groups,
        chunks.bytes,
        chunks.sequence);
  }

  /** The newest snapshot written again, the same state at the same offset, newly retained. */
  private void refresh(long nowMs, KeyValueStore<Bytes, byte[]> index) {
    SnapshotLog.Appended copied =
        log.copy(partition, newest.getFirstChunkOffset(), newest.getLastChunkOffset());
    record(
        newest.toBuilder()
            .setFirstChunkOffset(copied.firstOffset())
            .setLastChunkOffset(copied.lastOffset())
            .setTakenAtMs(nowMs)
            .build(),
        index);
    LOG.info("snapshot of partition {} at offset {} copied", partition, newest.getPushOffset());
  }

  private void record(SnapshotManifest manifest, KeyValueStore<Bytes, byte[]> index) {
    log.append(partition, List.of(SnapshotTopic.manifestRecord(manifest)).iterator());
    SnapshotIndex.put(index, manifest);
    SnapshotIndex.pruneBefore(index, log.snapshotsStartOffset(partition));
    newest = manifest;
  }

  /** The chunks of one snapshot, built from the store as the producer takes them. */
  private final class Chunks implements Iterator<byte[]> {
    private final KeyValueIterator<Bytes, byte[]> store;
    private KeyValue<Bytes, byte[]> pending; // read, left for the next chunk
    private int sequence;
    private long groups;
    private long bytes;
    private boolean sentOne;

    Chunks(KeyValueIterator<Bytes, byte[]> store) {
      this.store = store;
    }

    @Override
    public boolean hasNext() {
      return pending != null || store.hasNext() || !sentOne; // empty: one empty chunk
    }

    @Override
    public byte[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      SnapshotChunk.Builder chunk =
          SnapshotChunk.newBuilder()
              .setPartition(partition)
              .setPushOffset(lastOffset)
              .setSequence(sequence++);
      long size = 0;
      while (pending != null || store.hasNext()) {
        KeyValue<Bytes, byte[]> group = pending != null ? pending : store.next();
        long groupSize = group.key.get().length + group.value.length;
        if (size > 0 && size + groupSize > chunkBytes) {
          pending = group; // a group larger than a chunk goes alone
          break;
        }
        pending = null;
        chunk.addGroups(
            SnapshotGroup.newBuilder()
                // wrapped, not copied: the chunk is serialized below, before the store moves on
                .setKey(UnsafeByteOperations.unsafeWrap(group.key.get()))
                .setGroup(UnsafeByteOperations.unsafeWrap(group.value)));
        size += groupSize;
        groups++;
      }
      bytes += size;
      sentOne = true;
      return chunk.build().toByteArray();
    }
  }
}
