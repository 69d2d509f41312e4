package io.kpushgateway.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kpushgateway.proto.SnapshotManifest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The snapshot index of one partition: push-log offset, 8 bytes big-endian (so the store's byte
 * order is offset order) → {@code SnapshotManifest}.
 */
final class SnapshotIndex {

  private SnapshotIndex() {}

  static Bytes key(long pushOffset) {
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(pushOffset).array());
  }

  static void put(KeyValueStore<Bytes, byte[]> index, SnapshotManifest manifest) {
    index.put(key(manifest.getPushOffset()), manifest.toByteArray());
  }

  /** The newest snapshot, or null. */
  static SnapshotManifest newest(ReadOnlyKeyValueStore<Bytes, byte[]> index) {
    try (KeyValueIterator<Bytes, byte[]> it = index.reverseAll()) {
      return it.hasNext() ? parse(it.next().value) : null;
    }
  }

  /**
   * The newest snapshot at or below {@code maxPushOffset} whose chunks are still retained (from
   * {@code snapshotsStart} on) and from whose offset on the pushes are (from {@code pushesStart}
   * on), or null.
   */
  static SnapshotManifest newestUsable(
      ReadOnlyKeyValueStore<Bytes, byte[]> index,
      long maxPushOffset,
      long pushesStart,
      long snapshotsStart) {
    if (maxPushOffset < 0) {
      return null;
    }
    try (KeyValueIterator<Bytes, byte[]> it = index.reverseRange(key(0), key(maxPushOffset))) {
      if (!it.hasNext()) {
        return null;
      }
      SnapshotManifest m = parse(it.next().value);
      // older ones are even less retained
      return m.getPushOffset() + 1 < pushesStart || m.getFirstChunkOffset() < snapshotsStart
          ? null
          : m;
    }
  }

  /** The oldest snapshot that is still usable, or null. */
  static SnapshotManifest oldestUsable(
      ReadOnlyKeyValueStore<Bytes, byte[]> index, long pushesStart, long snapshotsStart) {
    try (KeyValueIterator<Bytes, byte[]> it = index.all()) {
      while (it.hasNext()) {
        SnapshotManifest m = parse(it.next().value);
        if (m.getPushOffset() + 1 >= pushesStart && m.getFirstChunkOffset() >= snapshotsStart) {
          return m;
        }
      }
    }
    return null;
  }

  /** Forgets snapshots whose first chunk Kafka has deleted. */
  static void pruneBefore(KeyValueStore<Bytes, byte[]> index, long snapshotsStart) {
    List<Bytes> gone = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = index.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> entry = it.next();
        if (parse(entry.value).getFirstChunkOffset() >= snapshotsStart) {
          break; // chunk offsets rise with push offsets
        }
        gone.add(entry.key);
      }
    }
    gone.forEach(index::delete);
  }

  static SnapshotManifest parse(byte[] value) {
    try {
      return SnapshotManifest.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("unreadable snapshot manifest", e);
    }
  }
}
